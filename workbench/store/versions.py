"""Version numbers of published policies: ``MAJOR.MINOR``.

The scheme:

- The first publish in a workspace continues from the spec when it was
  already published elsewhere: its ``policy.version`` (e.g. ``2.3``) appears
  in its own ``revisions`` list, and the bump continues from it (``3.0`` or
  ``2.4``). Otherwise it is the version the spec states, when it states one
  of at least ``1.0`` (last year's policy said ``2.0``: publishing it here for
  the first time does not make it ``1.0``), else ``1.0``, whatever the bump.
- ``major`` -> ``(M+1).0``: a material change (scope, objectives, retention,
  protection, access, testing); the document needs a fresh approval.
- ``minor`` -> ``M.(m+1)``: wording, contacts, corrections.
- The base is the highest of the workspace's latest published version and
  the spec's own published version, so numbers never go backwards and a
  published number is never reused.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Optional

BUMPS = ("major", "minor")
_VERSION = re.compile(r"^v?(\d{1,6})(?:\.(\d{1,6}))?$")


class Version(NamedTuple):
    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    def bump(self, kind: str) -> "Version":
        if kind == "major":
            return Version(self.major + 1, 0)
        if kind == "minor":
            return Version(self.major, self.minor + 1)
        raise ValueError(f"unknown bump {kind!r}: use major or minor")


FIRST = Version(1, 0)


def parse_version(text: object) -> Optional[Version]:
    """``"1.2"`` (or ``"v1.2"``, ``"3"``) -> Version; None when it is not one."""
    if text is None:
        return None
    m = _VERSION.match(str(text).strip())
    if not m:
        return None
    return Version(int(m.group(1)), int(m.group(2) or 0))


def next_version(latest: Optional[Version], bump: str, spec_version: object = None,
                 stated: object = None) -> Version:
    """The number the next publish gets (see the module docstring): ``spec_version`` is the spec's own version
    when its revisions show it was published, ``stated`` the version it states (published or not)."""
    if bump not in BUMPS:
        raise ValueError(f"unknown bump {bump!r}: use major or minor")
    candidates = [v for v in (latest, parse_version(spec_version)) if v is not None and v >= FIRST]
    if not candidates:
        label = parse_version(stated)
        return label if label is not None and label >= FIRST else FIRST
    return max(candidates).bump(bump)
