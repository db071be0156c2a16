"""The C allocator's setting for big projects (cdverify/allocator.py): big freed buffers go back to the
system instead of staying in the heap."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

# Frees an 8 MB buffer (glibc raises its mapping threshold to 8 MB), then makes a 2 MB one: where does it
# come from? Printed: the bytes in glibc's own mappings before and after.
_PROBE = textwrap.dedent(
    """
    import ctypes, sys
    from cdverify.allocator import return_big_buffers

    class Info(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in
                    "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = Info
    if sys.argv[1] == "set":
        return_big_buffers()
        return_big_buffers()  # once is enough; again changes nothing
    big = bytearray(8 << 20)
    del big
    before = libc.mallinfo2().hblkhd
    buffer = bytearray(2 << 20)
    print(before, libc.mallinfo2().hblkhd)
    """
)


def _glibc() -> bool:
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError, AttributeError):
        return False


def _mapped(mode: str) -> int:
    """How many bytes glibc mapped for the 2 MB buffer made after an 8 MB one was freed."""
    run = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True)
    before, after = map(int, run.stdout.split())
    return after - before


@pytest.mark.skipif(not _glibc(), reason="the setting is glibc's")
def test_a_big_buffer_is_mapped_after_a_bigger_one_was_freed() -> None:
    assert _mapped("plain") == 0  # glibc's own adjustment: from the heap, where its pages stay when freed
    assert _mapped("set") >= 2 << 20  # with the setting: a mapping of its own, given back when freed
