"""Where the shipped data lives: ``policy_templates/`` (profiles and document templates).

In a source checkout it is the top-level ``policy_templates/`` folder; in an
installed wheel it is packaged as ``workbench/_policy_templates``. The
environment variable ``WORKBENCH_TEMPLATES`` points elsewhere (tests, a
consultant's own branding).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=None)
def _default_root() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_policy_templates", here.parent / "policy_templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("policy_templates folder not found; reinstall the workbench")


def templates_root() -> Path:
    """The folder holding ``profiles/`` and ``documents/``."""
    override = os.environ.get("WORKBENCH_TEMPLATES")
    return Path(override) if override else _default_root()


def profiles_dir() -> Path:
    return templates_root() / "profiles"


def documents_dir() -> Path:
    return templates_root() / "documents"
