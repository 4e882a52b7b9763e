"""What the command line promises whatever the input: no traceback, no raw control characters.

Two guards, installed by :func:`workbench.cli.main` around every subcommand:

* :class:`EscapingWriter` wraps ``sys.stdout`` and ``sys.stderr`` so that a
  control character taken from a spec (ESC, BEL, a C1 control, DEL) reaches the
  terminal as visible text (``\\u001b``), never as a sequence the terminal
  obeys: a name like ``"Ap\\x1b[31mX"`` cannot rewrite a reader's terminal
  title or colours. Newlines and tabs pass. JSON output is unchanged in
  meaning: ``\\u001b`` is also how JSON writes that character.
* :func:`crash_message` turns an unexpected exception into one line with a
  hint to report it; the traceback is printed only with ``--debug``.
"""

from __future__ import annotations

import io
import re
from typing import TextIO

#: Exit status of an unexpected failure: neither 0 (clean) nor 1 (findings) nor 2 (bad input).
CRASH_STATUS = 3

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def escape_controls(text: str) -> str:
    """``text`` with every control character (but newline and tab) written as ``\\uXXXX``.

    Also the Unicode bidirectional overrides, which can make a terminal show
    text in an order other than the one stored, and lone surrogates (from a
    JSON ``"\\ud800"``), which no terminal encoding can write.
    """
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class EscapingWriter(io.TextIOBase):
    """A text stream that escapes control characters, then writes to ``target``."""

    def __init__(self, target: TextIO):
        self._target = target

    def write(self, text: str) -> int:  # type: ignore[override]
        self._target.write(escape_controls(text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._target.isatty()

    def fileno(self) -> int:
        return self._target.fileno()

    @property
    def encoding(self):  # type: ignore[override]
        return getattr(self._target, "encoding", "utf-8")

    @property
    def buffer(self):
        """Binary output (a Word file written to stdout) passes untouched."""
        return self._target.buffer


def crash_message(exc: BaseException, command: str | None) -> str:
    """One line for an exception nobody expected, naming what failed and how to report it."""
    what = f"workbench {command}" if command else "workbench"
    detail = escape_controls(str(exc))[:300] or "(no message)"
    return (f"{what}: internal error: {type(exc).__name__}: {detail}. This is a bug in the workbench, "
            f"not in your file; run the same command with --debug and report the output it prints.")
