"""Output whose reader left before the command ended (`dialer-warehouse status | head -1`,
a pager quit early): the rest of it goes nowhere, quietly, and the command carries on
to its own end and exit code. Without this, the first write after `head` exits raised
BrokenPipeError, which failed the command (exit 1, "unexpected BrokenPipeError"): a
`run` or `load` whose work was done was logged in `ops.runs` as failed, over a summary
nobody read."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TextIO


class ReaderMayLeave:
    """A text stream whose writes and flushes, once its reader has gone, do nothing.

    When the reader goes, the stream's file descriptor is pointed at the null device,
    so what is still buffered drains there instead of failing again at exit."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._reader_gone = False

    def write(self, text: str) -> int:
        if not self._reader_gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._drain_to_null()
        return len(text)

    def flush(self) -> None:
        if not self._reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drain_to_null()

    def _drain_to_null(self) -> None:
        self._reader_gone = True
        with contextlib.suppress(OSError, ValueError):  # a stream without a descriptor
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, self._stream.fileno())
            finally:
                os.close(null)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


@contextlib.contextmanager
def readers_may_leave() -> Iterator[None]:
    """While a command runs, stdout and stderr are ReaderMayLeave streams."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = ReaderMayLeave(stdout), ReaderMayLeave(stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = stdout, stderr
