"""Text a spec may not hold: control characters and lone surrogates.

A name holding ESC can rewrite a reader's terminal, a bidirectional override
makes a document show other words than the spec holds, a control character
makes the Word writer fail (XML cannot hold it), and a lone surrogate (a JSON
``"\\ud800"``) cannot be written in UTF-8 at all. ``validate`` refuses them
at the field, so every later command can rely on clean text. Newlines and
tabs are text; carriage returns are tolerated (Windows line ends in a block).

The walk is skipped unless the file could hold such a character: raw control
bytes, or a backslash (every format needs one to escape them), so ordinary
specs pay one regular-expression scan.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

#: Bidirectional embeddings, overrides and isolates: text written right to left needs none of them, and one in a
#: name makes a handed-over document show other words than the spec holds ("\u202eevil" reads "live").
_BIDI = "\u202a-\u202e\u2066-\u2069"
_BAD = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_BIDI}]")
_MAYBE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\\\\{_BIDI}]")
_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x08": "backspace", "\x1b": "ESC", "\x7f": "DEL", "\x9b": "CSI"}


def might_hold_bad_text(text: str) -> bool:
    return _MAYBE.search(text) is not None


def bad_text(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """``(path, message)`` for each string (key or value) in ``data`` holding a character no output can show."""
    if isinstance(data, str):
        m = _BAD.search(data)
        if m:
            yield path, describe(m.group(), data)
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and _BAD.search(key):
                yield path + (key,), describe(_BAD.search(key).group(), key)
            yield from bad_text(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from bad_text(value, path + (i,))


def describe(char: str, text: str) -> str:
    code = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        what = f"a lone surrogate ({code}, not a character)"
    elif "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        what = f"a bidirectional override ({code}: it makes text show in another order than it is written)"
    else:
        what = f"a control character ({_NAMES.get(char, code)}{', ' + code if char in _NAMES else ''})"
    at = text.find(char)
    return f"holds {what} at position {at + 1}; remove it (only letters, digits, punctuation, tabs and line breaks)"
