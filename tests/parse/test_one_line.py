"""`one_line`, the evidence a fact shows: a node's source with its whitespace runs made single spaces and
cut at the limit. A long node is flattened from its first bytes only when they alone run past the limit;
whatever the words and whitespace, the result is that of flattening the whole node."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cdverify.model import Language
from cdverify.parse.treesitter import one_line, parser, reading

WORDS = st.lists(
    st.tuples(
        st.text(alphabet="abcxyz_0189", min_size=1, max_size=60),
        st.text(alphabet=" \t\n", min_size=1, max_size=300),
    ),
    min_size=1,
    max_size=80,
)


def _flattened(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _call_line(source: bytes, limit: int) -> tuple[str, str]:
    """one_line of the call node in `source`, and the whole call's source flattened."""
    tree = parser(Language.PYTHON).parse(source)
    call = tree.root_node.named_children[0].named_children[0]
    assert call.type == "call"
    with reading(source):
        shown = one_line(call, limit)
    whole = source[call.start_byte : call.end_byte].decode()
    return shown, _flattened(whole, limit)


@settings(max_examples=60, deadline=None)
@given(WORDS, st.sampled_from([10, 80, 200]))
def test_one_line_is_the_whole_node_flattened(words: list[tuple[str, str]], limit: int) -> None:
    # the words as a call's arguments, each followed by a comma and its whitespace run (newlines too:
    # inside brackets they are whitespace)
    source = ("f(" + "".join(f"{word},{space}" for word, space in words) + ")\n").encode()
    shown, expected = _call_line(source, limit)
    assert shown == expected


def test_a_long_call_cut_in_a_word_or_in_whitespace_reads_as_the_whole() -> None:
    for pad in (0, 1, 2, 3, 795, 796, 797, 798, 799, 800, 801):
        source = ("f(" + " " * pad + "a" * 150 + "," + " " * 700 + "b" * 300 + ")\n").encode()
        shown, expected = _call_line(source, 200)
        assert shown == expected and shown.endswith("…")
    short = b"f(a,\n      b)\n"
    assert _call_line(short, 200) == ("f(a, b)", "f(a, b)")
