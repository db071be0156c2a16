"""`cdverify cache`: what the environment cache holds, and cleaning it (loaded only when invoked)."""

from __future__ import annotations

import json
import time

import click

from cdverify.contract.environments import CacheEntry, EnvKind, cache_root, entries, max_bytes, prune, remove


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def _age(seconds: float) -> str:
    for unit, span in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= span:
            return f"{seconds / span:.0f} {unit} ago"
    return "just now"


def _entry_json(entry: CacheEntry) -> dict[str, object]:
    return {
        "key": entry.key,
        "kind": entry.kind.value,
        "path": str(entry.path),
        "size": entry.size,
        "created": entry.created,
        "last_used": entry.last_used,
        "runtime": entry.runtime,
        "manifests": list(entry.manifests),
    }


@click.group("cache", invoke_without_command=True)
@click.pass_context
def cache(ctx: click.Context) -> None:
    """The environment cache of `--setup auto` (installed Python and Node dependencies, reused by
    `evaluate`, `contract serve` and `grade --run-tests`). Without a subcommand: `show`."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(show)


@cache.command("show")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def show(fmt: str = "text") -> None:
    """List the cached environments, least recently used first, with their size and the cap."""
    listed = entries()
    total = sum(entry.size for entry in listed)
    if fmt == "json":
        document = {
            "path": str(cache_root()),
            "max_bytes": max_bytes(),
            "total_bytes": total,
            "environments": [_entry_json(entry) for entry in listed],
        }
        click.echo(json.dumps(document, indent=2))
        return
    click.echo(f"{cache_root()}: {len(listed)} environments, {_size(total)} of {_size(max_bytes())}")
    now = time.time()
    for entry in listed:
        made_from = ", ".join(entry.manifests)
        click.echo(
            f"  {entry.key}  {_size(entry.size):>9}  used {_age(now - entry.last_used)}  "
            f"{entry.runtime}  ({made_from})"
        )


@cache.command("clean")
@click.option("--kind", type=click.Choice([kind.value for kind in EnvKind]), help="Only this kind.")
@click.option(
    "--older-than", type=click.FloatRange(min=0), metavar="DAYS", help="Only those unused for DAYS."
)
@click.option("--max-size", metavar="SIZE", help="Remove the least recently used until under SIZE (e.g. 2G).")
def clean(kind: str | None, older_than: float | None, max_size: str | None) -> None:
    """Remove cached environments (all by default). An environment a server is using stays."""
    if max_size is not None:
        from cdverify.contract.environments import parse_size

        limit = parse_size(max_size)
        if limit is None:
            raise click.UsageError(f"--max-size {max_size!r}: give bytes or a size such as 500M or 2G")
        removed = prune(limit)
    else:
        now = time.time()
        chosen = [
            entry
            for entry in entries()
            if (kind is None or entry.kind.value == kind)
            and (older_than is None or now - entry.last_used >= older_than * 86400)
        ]
        removed = [entry for entry in chosen if remove(entry)]
        kept = len(chosen) - len(removed)
        if kept:
            click.echo(f"cdverify: {kept} environments are in use and were kept", err=True)
    freed = sum(entry.size for entry in removed)
    click.echo(f"removed {len(removed)} environments, {_size(freed)}")
