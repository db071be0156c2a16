"""Stage 2 — parsing: each source file once into plain facts (imports, syntax problems).

A file that cannot be parsed cleanly still yields whatever facts tree-sitter could read, plus a
finding; a binary or unreadable file yields a finding and no facts. Nothing here raises on bad input.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from cdverify.catalog import make_finding
from cdverify.files import MAX_UNTRUSTED_BYTES, NotReadable, read_regular
from cdverify.model import (
    FileFacts,
    Finding,
    ImportFact,
    Language,
    Location,
    SourceFile,
    SyntaxIssue,
)

if TYPE_CHECKING:
    from tree_sitter import Node

_BINARY_SNIFF = 8192


# How deep a file's syntax tree may nest for its code to be analysed. Hand-written and generated code
# stays far below (Django's deepest file: 32 levels); the walkers that read values recurse up to two
# Python frames per level, so this bound keeps them well inside the interpreter's recursion limit.
MAX_NESTING = 200


def parse_source(path: str, language: Language, data: bytes) -> FileFacts:
    """Facts of one file's bytes. Pure: no I/O, so it can run in a worker or be cached by content.

    A file nested deeper than MAX_NESTING (a list 500 deep, a 1,000-term sum) keeps only the imports
    that start within the bound, and says where it is too deep (PARSE002); so does a file whose
    analysis still overflows the recursion limit."""
    from cdverify.parse.treesitter import reading

    decoding_issue = None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        decoding_issue = f"byte {exc.start}: {exc.reason}"
        data = data.decode("utf-8", errors="replace").encode("utf-8")
    with reading(data):
        facts = _tree_facts(path, language, data, decoding_issue)
    if facts.syntax_issues and language in _TYPED and _has_typed_tag(data):
        untyped = _untyped_tags(language, data)
        if untyped is not None:
            with reading(untyped):
                facts = _tree_facts(path, language, untyped, decoding_issue)
    if facts.syntax_issues and language is Language.JAVASCRIPT and _flow_pragma(data):
        typed = _flow_facts(path, data, decoding_issue)
        if typed is not None:
            facts = typed
    program = _program(language, data)
    if program:
        facts = facts._replace(program=program)
    opening = _opening_wrapper(data)
    if not facts.syntax_issues and opening is None:
        return facts
    lines = data.split(b"\n")
    first_issue = facts.syntax_issues[0].line if facts.syntax_issues else 0
    unwrapped = _unwrapped(language, lines, first_issue, forced=opening is not None)
    if unwrapped is None:
        return facts
    # an LLM's wrapper around the code (a Markdown fence, <CODE> tags, a line of prose): the facts are
    # read from the code inside, at the same lines and columns; the file as written does not run, so
    # its syntax issues (PARSE001) stay — a fence JavaScript happens to parse (```js … ``` is a tagged
    # template) is one
    with reading(unwrapped):
        inner = _tree_facts(path, language, unwrapped, decoding_issue)
    issues = facts.syntax_issues
    if not issues and opening is not None:
        shown = lines[opening].strip().decode("utf-8", "replace")
        issues = (
            SyntaxIssue(
                opening + 1, 1, f"the code is wrapped in {shown!r}: the file does not run as written"
            ),
        )
    return inner._replace(syntax_issues=issues, program=facts.program)


_PROGRAM_WORDS = (b"process.argv", b"process.exit")
_MAIN_GUARD = re.compile(rb"""^if\s+__name__\s*==\s*['"]__main__['"]\s*:""", re.MULTILINE)


def _program(language: Language, data: bytes) -> str:
    """What says a file runs as a program of its own: a shebang line, Python's module-level
    `if __name__ == "__main__":`, or (Node) a read of `process.argv` or a call of `process.exit` in its
    code (not in a comment or a string)."""
    if data.startswith(b"#!"):
        return "shebang"
    if language is Language.PYTHON:
        return "__main__" if b"__main__" in data and _MAIN_GUARD.search(data) else ""
    words = [word for word in _PROGRAM_WORDS if word in data]
    if not words:
        return ""
    from cdverify.parse.treesitter import parser

    wanted = {word.decode() for word in words}
    tree = parser(language).parse(data)
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "member_expression" and node.text is not None and node.text.decode() in wanted:
            return node.text.decode()
        if node.type not in ("comment", "string", "template_string"):
            stack.extend(node.children)
    return ""


_TYPED = (Language.TYPESCRIPT, Language.TSX)
# Type arguments closed just before a template: sql<Row[]>`SELECT …` (postgres.js, Prisma's
# `$queryRaw<T>`, Kysely's `sql<T>`), a tagged template with type arguments, which TypeScript accepts
# and the TypeScript grammar does not parse.
# A tag, its type arguments (one level of nesting: `sql<Array<Row>>`) and the template's backquote; not
# an arrow returning a template (`=> \``), which every other TypeScript file with a syntax issue has.
_CLOSED_BEFORE_TEMPLATE = re.compile(rb">\s*`")
_TYPED_TAG = re.compile(rb"[\w$\])]\s*<(?:[^<>`]|<[^<>`]*>)*>\s*`")


def _has_typed_tag(data: bytes) -> bool:
    """Whether a line of code, not of a comment, holds a tagged template with type arguments (JSDoc's
    `Observable<T[]>` in backquotes is a comment's). Each `>` before a backquote is a candidate (one fast
    scan); the tag and its type arguments are looked for in the 400 bytes before it."""
    for match in _CLOSED_BEFORE_TEMPLATE.finditer(data):
        line = data[data.rfind(b"\n", 0, match.start()) + 1 : match.start()].lstrip()
        if line.startswith((b"*", b"/*", b"//")):
            continue
        if _TYPED_TAG.search(data, max(0, match.start() - 400), match.end()):
            return True
    return False


def _untyped_tags(language: Language, data: bytes) -> bytes | None:
    """The TypeScript file with the type arguments of its tagged templates as spaces (every other byte
    keeps its line and column), when that parses with fewer errors: the grammar reads tag<T>`…` as
    a syntax error, so the file's calls, statements and SQL around it would be lost or misread. None
    when no tagged template has type arguments or blanking them does not help."""
    from cdverify.parse.treesitter import error_count, parser

    root = parser(language).parse(data).root_node
    spans = []
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type != "instantiation_expression":
            continue
        arguments = node.child_by_field_name("type_arguments")
        if arguments is not None and data[arguments.end_byte :].lstrip()[:1] == b"`":
            spans.append((arguments.start_byte, arguments.end_byte))
    if not spans:
        return None
    text = bytearray(data)
    for start, end in spans:
        text[start:end] = bytes(b if b in b"\r\n" else 32 for b in data[start:end])
    untyped = bytes(text)
    if error_count(parser(language).parse(untyped).root_node) >= error_count(root):
        return None
    return untyped


# Flow's pragma in the comments that open a file (after a shebang): `// @flow`, `/* @flow strict */`.
_LEADING_COMMENTS = re.compile(rb"(?:#![^\n]*\n)?(?:\s*(?://[^\n]*|/\*.*?\*/))*", re.DOTALL)
_FLOW_PRAGMA = re.compile(rb"@flow\b")


def _flow_pragma(data: bytes) -> bool:
    """Whether the file declares itself Flow-typed JavaScript: `@flow` in a comment before any code."""
    opening = _LEADING_COMMENTS.match(data)
    return opening is not None and _FLOW_PRAGMA.search(opening.group()) is not None


def _flow_facts(path: str, data: bytes, decoding_issue: str | None) -> FileFacts | None:
    """The facts of a Flow-typed JavaScript file read with the TypeScript grammar, when that parses with
    fewer errors than the JavaScript grammar: Flow's annotations (`(ctx: Context)`, `: Promise<void>`,
    `Array<string>`, `import type`) are TypeScript's syntax, which the JavaScript grammar reads as errors
    that lose the calls and statements around them. The TSX grammar is tried too (Flow files hold JSX).
    The file stays JavaScript; its imports are not elided as TypeScript's (Babel's Flow preset keeps an
    import used only as a type unless written `import type`). None when neither grammar reads it better."""
    from cdverify.parse.javascript import node_imports
    from cdverify.parse.treesitter import error_count, parser, reading

    best, fewest = None, error_count(parser(Language.JAVASCRIPT).parse(data).root_node)
    for grammar in (Language.TYPESCRIPT, Language.TSX):
        errors = error_count(parser(grammar).parse(data).root_node)
        if errors < fewest:
            best, fewest = grammar, errors
    if best is None:
        return None
    with reading(data):
        facts = _tree_facts(path, best, data, decoding_issue)
        imports = node_imports(best, parser(best).parse(data).root_node, MAX_NESTING)
    return facts._replace(language=Language.JAVASCRIPT, imports=imports)


# A line an LLM puts around code it was asked for: a Markdown fence (```python, ~~~) or a <CODE> tag.
_WRAPPER_LINE = re.compile(rb"[ \t]*(?:```|~~~)[\w+#.-]*[ \t]*\r?|[ \t]*</?code>[ \t]*\r?", re.IGNORECASE)


# A sentence, not code: "Here's the updated app:", "Sure! Below is the server." (a capital first, words,
# none of the brackets, quotes, operators or comment marks code lines carry).
_PROSE_LINE = re.compile(rb"[A-Z][^;{}()=<>\[\]\"`#/\\]*\s[^;{}()=<>\[\]\"`#/\\]*")


def _blank(lines: list[bytes], blanked: set[int]) -> bytes:
    """The file with the `blanked` lines' bytes as spaces: every other byte keeps its line and column."""
    return b"\n".join(
        b" " * len(line.rstrip(b"\r")) + line[len(line.rstrip(b"\r")) :] if index in blanked else line
        for index, line in enumerate(lines)
    )


def _opening_wrapper(data: bytes) -> int | None:
    """The index of the file's first non-blank line when it is a wrapper line (no code starts so). Found
    from the first byte that is not white space, without splitting every file into lines."""
    at = len(data) - len(data.lstrip())  # `bytes.strip`'s white space, as a blank line holds
    if at == len(data):
        return None
    start = data.rfind(b"\n", 0, at) + 1
    end = data.find(b"\n", at)
    line = data[start : end if end != -1 else len(data)]
    return data.count(b"\n", 0, start) if _WRAPPER_LINE.fullmatch(line) else None


def _unwrapped(
    language: Language, lines: list[bytes], first_issue: int, forced: bool = False
) -> bytes | None:
    """The file without the wrapper an LLM left around its code, when taking it away leaves fewer syntax
    errors (or no more, when the file opens with a wrapper line: `forced`): the wrapper lines (fences,
    tags), also with the prose before the first and after the last of them, or else a stray first line
    (only when the first syntax error is on it: `first_issue`, 1-based). None when no such reading
    parses better. A broken file with no sign of a wrapper costs no further parse."""
    from cdverify.parse.treesitter import error_count, parser

    marks = [index for index, line in enumerate(lines) if _WRAPPER_LINE.fullmatch(line)]
    candidates: list[set[int]] = []
    if marks:
        candidates.append(set(marks))
        candidates.append(set(marks) | set(range(marks[0])) | set(range(marks[-1] + 1, len(lines))))
    else:
        first = next((index for index, line in enumerate(lines) if line.strip()), None)
        if first is not None and first + 1 == first_issue and _PROSE_LINE.fullmatch(lines[first].strip()):
            candidates.append({first})
    if not candidates:
        return None
    best, fewest = None, error_count(parser(language).parse(b"\n".join(lines)).root_node) + forced
    for blanked in candidates:
        text = _blank(lines, blanked)
        errors = error_count(parser(language).parse(text).root_node)
        if errors < fewest:
            best, fewest = text, errors
    return best


def _tree_facts(path: str, language: Language, data: bytes, decoding_issue: str | None) -> FileFacts:
    from cdverify.parse.treesitter import deeper_than, parser, syntax_issues

    tree = parser(language).parse(data)
    root = tree.root_node
    too_deep = None
    deep = deeper_than(root, MAX_NESTING)
    if deep is None:
        try:
            return _code_facts(path, language, root)._replace(decoding_issue=decoding_issue)
        except RecursionError:
            too_deep = SyntaxIssue(1, 1, "too deeply nested for the interpreter's recursion limit")
    else:
        row, column = deep.start_point
        too_deep = SyntaxIssue(row + 1, column + 1, f"nested more than {MAX_NESTING} levels deep")
    return FileFacts(
        path=path,
        language=language,
        imports=_imports(language, root, MAX_NESTING),
        syntax_issues=syntax_issues(root),
        decoding_issue=decoding_issue,
        too_deep=too_deep,
    )


def _imports(
    language: Language, root: Node, max_depth: int | None = None, found: dict[str, list[Node]] | None = None
) -> tuple[ImportFact, ...]:
    if language is Language.PYTHON:
        from cdverify.parse.python import python_imports

        return python_imports(root, max_depth, found)
    from cdverify.parse.javascript import node_imports  # a Python project never loads the JS readers

    return node_imports(language, root, max_depth, found)


def _code_facts(path: str, language: Language, root: Node) -> FileFacts:
    """Every fact of a file whose tree is within MAX_NESTING."""
    from cdverify.parse.treesitter import captures, syntax_issues

    found = captures(language, "code", root)
    if language is Language.PYTHON:
        from cdverify.parse.pycode import python_code

        code = python_code(found, root)
    else:
        from cdverify.parse.jscode import node_code

        code = node_code(found, root)
    return FileFacts(
        path=path,
        language=language,
        imports=_imports(language, root, found=found),
        calls=code.calls,
        assignments=code.assignments,
        urls=code.urls,
        exports=code.exports,
        classes=code.classes,
        syntax_issues=syntax_issues(root),
        aliases=code.aliases,
        functions=code.functions,
        local_calls=code.local_calls,
        objects=code.objects,
        stops=code.stops,
        members=code.members,
        env_helpers=code.env_helpers,
        runs=code.runs,
        declared=code.declared,
        exporting=code.exporting,
        free_calls=code.free_calls,
        steps=code.steps,
        default_function=code.default_function,
        unbound=code.unbound,
        defines=code.defines,
        at_import=code.at_import,
        sure_gets=code.sure_gets,
        decorators=code.decorators,
        collections=code.collections,
        enclosing=code.enclosing,
    )


def read_source(root: Path, file: SourceFile) -> bytes | Finding:
    """The file's bytes, or the finding that says why they cannot be had."""
    try:
        # through the one untrusting reader: a file swapped for a FIFO, a device or a link since discovery
        # is not opened, and no read goes past the bound
        return read_regular(root / file.path, MAX_UNTRUSTED_BYTES, follow_symlinks=False)
    except NotReadable as exc:
        return make_finding(
            "DISC005",
            Location(file.path),
            f"cannot read file: {exc.reason}",
            evidence=file.path,
            hint="fix the permissions or exclude the file",
        )


def parse_bytes(file: SourceFile, data: bytes) -> tuple[FileFacts | None, list[Finding]]:
    """Facts and findings of one source file's content. Pure, so it can run in a worker process."""
    assert file.language is not None
    if b"\0" in data[:_BINARY_SNIFF]:
        return None, [
            make_finding(
                "DISC001",
                Location(file.path),
                "skipped: binary content in a source file",
                evidence=file.path,
                hint="remove the file or give it an extension that is not a source extension",
            )
        ]
    facts = parse_source(file.path, file.language, data)
    return facts, file_findings(facts)


def file_findings(facts: FileFacts) -> list[Finding]:
    findings = []
    if facts.decoding_issue:
        findings.append(
            make_finding(
                "DISC003",
                Location(facts.path),
                f"not valid UTF-8 ({facts.decoding_issue}); analysed with replacement characters",
                evidence=facts.path,
                hint="save the file as UTF-8",
            )
        )
    if facts.too_deep is not None:
        findings.append(
            make_finding(
                "PARSE002",
                Location(facts.path, facts.too_deep.line, facts.too_deep.col),
                f"{facts.too_deep.message}: only the file's imports were analysed",
                evidence=facts.too_deep.message,
                hint="flatten the expression (a loop, a list of parts joined once, or a data file)",
            )
        )
    if facts.syntax_issues:
        first = facts.syntax_issues[0]
        more = len(facts.syntax_issues) - 1
        findings.append(
            make_finding(
                "PARSE001",
                Location(facts.path, first.line, first.col),
                f"syntax error: {first.message}"
                + (f" (and {more} more)" if more else "")
                + "; the imports tree-sitter could still read are checked",
                evidence=first.message,
                hint="fix the syntax so that every import can be read",
            )
        )
    return findings
