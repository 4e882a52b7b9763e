"""Shared pieces of the subcommands: loading specs with clear errors, output."""

from __future__ import annotations

import datetime as dt
import gc
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # the spec (pydantic, PyYAML) is imported by the commands that read one, not for --help
    from workbench.spec import Policy, SpecError


_frozen = False


@contextmanager
def collector_held():
    """Around a command's own imports (pydantic, the spec's model classes, the rules): the cyclic garbage
    collector is held while they run, then what they made is moved out of its sight (``gc.freeze``).

    Those imports make hundreds of thousands of objects that live until the process ends (modules, classes,
    functions) and almost no cyclic garbage; the collector's passes over them during the imports, and again in
    every full pass while the spec is loaded and evaluated, free nothing. Reference counting frees everything
    meanwhile, as always. :func:`collector_released` undoes the freeze when the command is done (the command
    line runs one command per process; tests run many in one)."""
    global _frozen
    if not gc.isenabled():  # held by the caller already: leave it as it is
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        _frozen = True
        gc.enable()


def collector_released() -> None:
    """What :func:`collector_held` froze is the collector's again."""
    global _frozen
    if _frozen:
        _frozen = False
        gc.unfreeze()


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
