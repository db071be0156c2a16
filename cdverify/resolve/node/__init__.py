"""Resolve Node.js / TypeScript import specifiers to files of the project, statically.

The analysed project is never installed, so there is no `node_modules` to look into: a specifier lands
on a file of the project (INTERNAL), on a third-party package (EXTERNAL), on a Node built-in (STDLIB), or
it plainly means the project's own code but no file matches (UNRESOLVED).

Existence checks never touch the disk: they use the discovered file list. Each manifest is read once;
nearest-config lookups and results are cached per directory. A malformed manifest never raises: it is
treated as absent and reported in `NodeResolver.problems`.

The modules, one responsibility each:

- `resolver`: `NodeResolver`, the order of the steps that answer a specifier;
- `probe`: which file a path, a package entry or a package subpath designates (TypeScript's probe order);
- `exports`: the targets an `exports`/`imports` map selects, conditions flattened;
- `tsconfig`: `baseUrl` and `paths` of the nearest tsconfig/jsconfig, `extends` followed;
- `workspaces`: the project's own packages (workspaces, pnpm, lerna, `file:` links) by name;
- `manifests`: package.json / tsconfig / workspace files read once, the nearest package.json;
- `specifiers`: pure helpers on specifiers and paths.

The ecosystem's names (extensions, conditions, entry fields, build folders, alias prefixes …) are in
rules/node/resolution.toml; the built-ins in rules/node/builtins.toml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdverify.resolve.node.specifiers import node_builtin_names

if TYPE_CHECKING:
    from cdverify.resolve.node.resolver import NodeResolver

__all__ = ["NodeResolver", "node_builtin_names"]


def __getattr__(name: str) -> Any:
    """`NodeResolver` loads on first use (with json5 and the tsconfig reader): a Python project's framework
    detection asks this package for Node's built-in names only."""
    if name == "NodeResolver":
        from cdverify.resolve.node.resolver import NodeResolver

        return NodeResolver
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
