"""Unified diffs for tests: files added to an empty workspace, as `git diff --cached` writes them."""

from __future__ import annotations


def patch(*files: tuple[str, str]) -> str:
    """A unified diff adding each (path, text) to an empty workspace; `git apply` takes it."""
    out = []
    for path, text in files:
        lines = text.split("\n")
        out.append(
            f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..1234567\n--- /dev/null\n"
            f"+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n" + "".join(f"+{line}\n" for line in lines)
        )
    return "".join(out)
