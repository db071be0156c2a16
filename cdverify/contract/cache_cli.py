"""`cdverify cache`: what cdverify's caches hold, and cleaning them (loaded only when invoked): the contract
runner's environments (cdverify/contract/environments.py) and the analysis caches, the parsed facts of each
project and the parsed catalogues (cdverify/cache_folder.py)."""

from __future__ import annotations

import json
import time

import click

from cdverify import cache_folder
from cdverify.contract.environments import CacheEntry, EnvKind, cache_root, entries, max_bytes, prune, remove
from cdverify.locations import cache_dir

FACTS = "facts"  # `--kind facts`: the analysis caches


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


def _analysis_json(entry: cache_folder.Entry) -> dict[str, object]:
    return {
        "kind": entry.kind.value,
        "path": str(entry.path),
        "project": entry.project,
        "size": entry.size,
        "last_used": entry.last_used,
        "gone": entry.gone,
    }


@click.group("cache", invoke_without_command=True)
@click.pass_context
def cache(ctx: click.Context) -> None:
    """cdverify's caches: the parsed facts of each project analysed, and the environments of `--setup auto`
    (installed Python and Node dependencies, reused by `evaluate`, `contract serve` and
    `grade --run-tests`). Without a subcommand: `show`."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(show)


@cache.command("show")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def show(fmt: str = "text") -> None:
    """List the cached environments, least recently used first, with their size and the cap."""
    listed = entries()
    total = sum(entry.size for entry in listed)
    analysis = cache_folder.entries()
    analysis_total = sum(entry.size for entry in analysis)
    if fmt == "json":
        document = {
            "path": str(cache_root()),
            "max_bytes": max_bytes(),
            "total_bytes": total,
            "environments": [_entry_json(entry) for entry in listed],
            "analysis": {
                "path": str(cache_dir()),
                "max_bytes": cache_folder.max_bytes(),
                "total_bytes": analysis_total,
                "entries": [_analysis_json(entry) for entry in analysis],
            },
        }
        click.echo(json.dumps(document, indent=2))
        return
    now = time.time()
    facts = [entry for entry in analysis if entry.kind is cache_folder.Kind.FACTS]
    click.echo(
        f"{cache_dir()}: facts of {len(facts)} projects, {_size(analysis_total)} of "
        f"{_size(cache_folder.max_bytes())} with the parsed catalogues"
    )
    for item in analysis:
        what = item.project or (
            "(project not recorded)" if item.kind is cache_folder.Kind.FACTS else item.path.name
        )
        gone = "  (gone: removed by the next prune)" if item.gone else ""
        click.echo(
            f"  {item.kind.value:9}  {_size(item.size):>9}  used {_age(now - item.last_used)}  {what}{gone}"
        )
    click.echo(f"{cache_root()}: {len(listed)} environments, {_size(total)} of {_size(max_bytes())}")
    for entry in listed:
        made_from = ", ".join(entry.manifests)
        click.echo(
            f"  {entry.key}  {_size(entry.size):>9}  used {_age(now - entry.last_used)}  "
            f"{entry.runtime}  ({made_from})"
        )


@cache.command("clean")
@click.option(
    "--kind",
    type=click.Choice([*(kind.value for kind in EnvKind), FACTS]),
    help="Only this kind: python or node environments, or facts (the analysis caches).",
)
@click.option(
    "--older-than", type=click.FloatRange(min=0), metavar="DAYS", help="Only those unused for DAYS."
)
@click.option(
    "--gone",
    is_flag=True,
    help="Only the analysis caches that serve no one: of projects whose folder is gone, and stale files.",
)
@click.option(
    "--max-size",
    metavar="SIZE",
    help="Remove the least recently used environments (with --kind facts: analysis caches) until under SIZE.",
)
def clean(kind: str | None, older_than: float | None, gone: bool, max_size: str | None) -> None:
    """Remove cached environments and analysis caches (all by default). An environment a server is using
    stays."""
    from cdverify.contract.environments import parse_size

    limit = None
    if max_size is not None:
        limit = parse_size(max_size)
        if limit is None:
            raise click.UsageError(f"--max-size {max_size!r}: give bytes or a size such as 500M or 2G")
    if gone and kind not in (None, FACTS):
        raise click.UsageError("--gone is about the analysis caches: give it without --kind, or --kind facts")
    now = time.time()

    def old_enough(last_used: float) -> bool:
        return older_than is None or now - last_used >= older_than * 86400

    if kind in (None, FACTS):
        if limit is not None and kind == FACTS:
            dropped = cache_folder.prune(limit)
        else:
            chosen = [e for e in cache_folder.entries() if old_enough(e.last_used) and (e.gone or not gone)]
            dropped = [entry for entry in chosen if cache_folder.remove(entry)]
        freed = sum(entry.size for entry in dropped)
        click.echo(f"removed {len(dropped)} analysis cache entries, {_size(freed)}")
    if kind == FACTS or gone:
        return
    if limit is not None:
        removed = prune(limit)
    else:
        chosen_envs = [
            entry
            for entry in entries()
            if (kind is None or entry.kind.value == kind) and old_enough(entry.last_used)
        ]
        removed = [entry for entry in chosen_envs if remove(entry)]
        kept = len(chosen_envs) - len(removed)
        if kept:
            click.echo(f"cdverify: {kept} environments are in use and were kept", err=True)
    freed = sum(entry.size for entry in removed)
    click.echo(f"removed {len(removed)} environments, {_size(freed)}")
