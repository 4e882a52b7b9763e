"""Company-profile starters: list them, load one, start a new policy from one.

A starter is an ordinary spec file in ``policy_templates/profiles/`` (see
:func:`workbench.resources.profiles_dir`) with a ``template`` section holding
the title and the one-paragraph description the picker shows. The file name
without its extension is the template's name: ``saas-startup``.

The command line (``workbench templates``, ``workbench new``) and the
interview's start screen call these three functions.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from workbench.resources import profiles_dir
from workbench.spec.io import FORMATS, SpecError, format_for, load, parse_text, strip_unknown
from workbench.spec.model import Policy

__all__ = ["UnknownTemplate", "list_templates", "load_template", "new_policy_from_template", "template_path"]


class UnknownTemplate(LookupError):
    """No starter of that name. The message lists the names there are."""

    def __str__(self) -> str:  # LookupError would quote the message like a KeyError
        return str(self.args[0]) if self.args else "unknown template"


def _files() -> dict[str, Path]:
    """Template name -> file, for every spec file in the profiles folder (first extension wins)."""
    folder = profiles_dir()
    if not folder.is_dir():
        return {}
    out: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in FORMATS and not path.name.startswith("."):
            out.setdefault(path.stem, path)
    return out


def template_path(name: str) -> Path:
    """The file of template ``name`` (``saas-startup`` or ``saas-startup.yaml``)."""
    files = _files()
    key = str(name).strip()
    if key in files:
        return files[key]
    stem = Path(key).stem
    if stem in files and Path(key).suffix.lower() in FORMATS:
        return files[stem]
    available = ", ".join(files) or "(none installed)"
    match = difflib.get_close_matches(key.lower(), list(files), n=1, cutoff=0.5)
    if not match:  # "healthcare" for "healthcare-hipaa": a unique prefix or word is a good guess too
        match = [n for n in files if n.startswith(key.lower()) or key.lower() in n.split("-")][:1]
    hint = f" (did you mean {match[0]!r}?)" if match else ""
    raise UnknownTemplate(f"unknown template {key!r}{hint}; available: {available}")


def _header(path: Path) -> tuple[str, str]:
    """Title and description, read without validating the whole policy."""
    try:
        data: Any = parse_text(path.read_text(encoding="utf-8-sig"), format_for(path), str(path))
    except (OSError, UnicodeDecodeError, SpecError):
        return path.stem, ""
    info = data.get("template") if isinstance(data, dict) else None
    info = strip_unknown(info) if isinstance(info, dict) else {}
    title = info.get("title") if isinstance(info.get("title"), str) else None
    description = info.get("description") if isinstance(info.get("description"), str) else ""
    return (title or path.stem).strip(), " ".join(description.split())


def list_templates() -> list[tuple[str, str, str]]:
    """Every starter as (name, title, description), sorted by name."""
    return [(name, *_header(path)) for name, path in _files().items()]


def load_template(name: str) -> Policy:
    """The starter ``name`` as a validated policy (references checked).

    Raises :class:`UnknownTemplate` (a ``LookupError``) for a name that does not
    exist, with a "did you mean" and the list of names, and
    :class:`~workbench.spec.io.SpecError` if the file itself is broken.
    """
    return load(template_path(name))


def new_policy_from_template(name: str, organization_name: str | None = None) -> Policy:
    """A fresh policy to start a client from: a copy of the starter, ready to edit.

    - the revision history is emptied (the new policy has none yet), and so is
      the approval date (nobody has approved the new policy);
    - the ``template`` section (picker title and description) is dropped;
    - with ``organization_name``, the organization is renamed, and the example
      company's name is replaced wherever the starter's free text mentions it;
    - every answer the starter leaves unknown stays unknown, and its follow-up
      questions are kept for the interview.
    """
    starter = load_template(name)
    old_name = starter.organization.name
    data = starter.model_dump(mode="python", exclude_unset=True)
    data.pop("template", None)
    data.pop("revisions", None)
    data.pop("as_of", None)
    if isinstance(data.get("policy"), dict):
        data["policy"].pop("approved_on", None)
    if organization_name is not None and organization_name.strip():
        new_name = organization_name.strip()
        if old_name:
            data = _replace_text(data, old_name, new_name)
        data.setdefault("organization", {})["name"] = new_name
    return Policy.model_validate(data)


def _replace_text(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: _replace_text(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_text(v, old, new) for v in value]
    return value
