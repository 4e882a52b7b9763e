"""Shared wording for findings: how a list of ids reads in a message."""

from __future__ import annotations

from typing import Callable, Iterable, Optional


def listing(items: Iterable, limit: int = 3, fmt: Optional[Callable] = None) -> str:
    """``a, b, c and 4 more``: the first ``limit`` items, then a count (``fmt`` formats the shown ones)."""
    items = items if isinstance(items, (list, tuple)) else list(items)
    shown = ", ".join(fmt(x) if fmt else str(x) for x in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def join_and(items: Iterable, limit: int = 3) -> str:
    """``a, b and c``, or ``a, b, c and 4 more`` past ``limit`` items."""
    items = [str(x) for x in items]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
