"""Shared pieces of the subcommands: loading specs with clear errors, output."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # the spec (pydantic, PyYAML) is imported by the commands that read one, not for --help
    from workbench.spec import Policy, SpecError


class CommandError(Exception):
    """An expected failure: printed to stderr as is, then exit with ``status``."""

    def __init__(self, *lines: str, status: int = 2):
        self.lines = [line for line in lines if line]
        self.status = status
        super().__init__("\n".join(self.lines))


def spec_error_lines(exc: SpecError) -> list[str]:
    return [str(p) for p in exc.problems]


def load_spec(path: str | Path, *, check_references: bool = True) -> Policy:
    """Load a spec or raise :class:`CommandError` listing every problem."""
    from workbench.spec import SpecError, load

    try:
        return load(path, check_references=check_references)
    except SpecError as exc:
        n = len(exc.problems)
        raise CommandError(*spec_error_lines(exc), f"{path}: {n} problem{'s' if n != 1 else ''}; nothing was changed") from None


def parse_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"workbench: error: --as-of {text!r} is not a date; write it as YYYY-MM-DD") from None


def out(text: str = "") -> None:
    sys.stdout.write(text + ("\n" if not text.endswith("\n") else ""))


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def join_ids(ids: Iterable[str]) -> str:
    return ", ".join(ids)
