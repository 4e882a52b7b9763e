"""Client workspaces: one folder per client holding the draft and the published versions.

Layout of a workspace folder::

    workspace.json        marker: client name, created date, layout version
    draft.yaml            the one working copy: what `workbench edit`/the app change, and what
                          every publish replaces with the spec it published
    published.json        the publish log: version and record hash of every publish
    versions/1.0/         one read-only folder per published version
    .workbench.lock       present while a process publishes into the workspace

By default workspaces live under ``platformdirs.user_data_dir("backup-policy-workbench")
/workspaces/<client-slug>``; any folder can be a workspace. ``WORKBENCH_DATA_DIR``
overrides the data directory (tests, portable installs).

This module never imports Textual: the app and the command line share it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from workbench.spec import Policy, dumps, load

from .atomic import atomic_write
from .lock import WorkspaceLock
from .versions import Version, parse_version

APP_NAME = "backup-policy-workbench"
MARKER = "workspace.json"
DRAFT = "draft.yaml"
VERSIONS = "versions"
PUBLISH_LOG = "published.json"
LOCK = ".workbench.lock"
#: Held while a client is open for editing (the app) or its draft is being published from the command line:
#: one editor per client.
EDIT_LOCK = ".workbench.edit.lock"
LAYOUT = 1
#: Keeps git from rewriting line endings of published files (their hashes must hold).
GITATTRIBUTES = "versions/** -text\n"


class WorkspaceError(Exception):
    """A workspace cannot be opened or used; the message says why."""


def data_dir() -> Path:
    """Where the workbench keeps its data (``WORKBENCH_DATA_DIR`` wins)."""
    override = os.environ.get("WORKBENCH_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_root() -> Path:
    """The folder holding one workspace per client."""
    return data_dir() / "workspaces"


def slugify(name: str) -> str:
    """``"Acme Corp (EU)"`` -> ``"acme-corp-eu"``: safe as a folder name anywhere."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug:
        raise WorkspaceError(f"{name!r} gives no usable folder name: use letters or digits")
    return slug[:64].rstrip("-")


@dataclass(frozen=True)
class VersionInfo:
    """One published version, as listed from its record."""

    version: Version
    path: Path
    date: Optional[str]
    approver: Optional[str]
    note: Optional[str]

    @property
    def label(self) -> str:
        return str(self.version)


@dataclass(frozen=True)
class ClientInfo:
    """One workspace under the default root."""

    slug: str
    name: str
    path: Path
    latest: Optional[str]
    latest_date: Optional[str]


class Workspace:
    """A client's folder. Construct with :meth:`create`, :meth:`open` or :func:`for_client`."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path).expanduser().absolute()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    # -- locations ------------------------------------------------------
    @property
    def draft_path(self) -> Path:
        return self.path / DRAFT

    @property
    def versions_path(self) -> Path:
        return self.path / VERSIONS

    @property
    def log_path(self) -> Path:
        return self.path / PUBLISH_LOG

    @property
    def lock_path(self) -> Path:
        return self.path / LOCK

    def version_path(self, version: Version | str) -> Path:
        """The folder of a published version. Only a version number names one: ``../../x`` or
        ``1.0/../..`` is refused, so no caller can be led outside ``versions/``."""
        v = version if isinstance(version, Version) else parse_version(str(version))
        if v is None:
            raise WorkspaceError(f"{self.path}: {str(version)[:40]!r} is not a version number (e.g. 1.0)")
        return self.versions_path / str(v)

    def check_safe(self) -> None:
        """Refuse a workspace whose ``versions/`` (or the workspace itself) is a symbolic link: writes
        and reads there would land wherever the link points."""
        for path in (self.path, self.versions_path):
            if path.is_symlink():
                raise WorkspaceError(f"{path}: is a symbolic link; refusing to use it (replace it with a real folder)")

    # -- creation -------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike, client: str | None = None) -> "Workspace":
        """Make ``path`` a workspace (idempotent: an existing workspace is opened)."""
        ws = cls(path)
        if ws.path.exists() and not ws.path.is_dir():
            raise WorkspaceError(f"{ws.path}: exists and is not a folder")
        ws.check_safe()
        ws.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        ws.versions_path.mkdir(mode=0o700, exist_ok=True)
        if not (ws.path / MARKER).exists():
            meta = {"client": client or ws.path.name, "created": dt.date.today().isoformat(), "layout": LAYOUT}
            atomic_write(ws.path / MARKER, json.dumps(meta, indent=2) + "\n")
        if not (ws.path / ".gitattributes").exists():
            atomic_write(ws.path / ".gitattributes", GITATTRIBUTES)
        return ws

    @classmethod
    def open(cls, path: str | os.PathLike) -> "Workspace":
        """Open an existing workspace; refuse a folder that is not one."""
        ws = cls(path)
        if not ws.path.is_dir():
            raise WorkspaceError(f"{ws.path}: no such workspace folder")
        if not ((ws.path / MARKER).exists() or ws.versions_path.is_dir() or ws.draft_path.exists()):
            raise WorkspaceError(f"{ws.path}: not a workspace (no {MARKER}, {DRAFT} or {VERSIONS}/)")
        ws.check_safe()
        return ws

    @property
    def client(self) -> str:
        """The client's display name (from the marker, else the folder name)."""
        return str(self.meta().get("client") or self.path.name)

    def set_client(self, name: str) -> None:
        """Record the client's name (from the spec's ``organization.name``) in the marker."""
        meta = self.meta() or {"created": dt.date.today().isoformat(), "layout": LAYOUT}
        meta["client"] = name
        atomic_write(self.path / MARKER, json.dumps(meta, indent=2) + "\n")

    def set_meta(self, **values: str) -> None:
        """Record ``values`` in the marker (where a client's draft was first opened from, ...)."""
        meta = self.meta() or {"created": dt.date.today().isoformat(), "layout": LAYOUT}
        meta.update(values)
        atomic_write(self.path / MARKER, json.dumps(meta, indent=2) + "\n")

    def meta(self) -> dict:
        try:
            return json.loads((self.path / MARKER).read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    # -- draft ----------------------------------------------------------
    def has_draft(self) -> bool:
        return self.draft_path.exists()

    def load_draft(self) -> Optional[Policy]:
        """The autosaved draft, or None when there is none. Raises SpecError if unreadable."""
        if not self.draft_path.exists():
            return None
        from workbench.spec.io import loads, read_user_file

        raw = read_user_file(self.draft_path, "spec")
        if raw.lstrip().startswith(b"{"):  # a large draft autosaved as JSON (valid YAML): read it at JSON speed
            try:
                return loads(raw.decode("utf-8"), "json", str(self.draft_path), check_references=False)
            except UnicodeDecodeError:
                pass
        return load(self.draft_path, check_references=False)

    def save_draft(self, policy: Policy, text: str | None = None) -> Path:
        """Autosave: write the draft atomically (old or new file, never half). ``text``: the policy already
        serialized (publishing has it: the version's spec.yaml), so as not to write it out twice."""
        return self.write_draft_text(draft_text(policy) if text is None else text)

    def write_draft_text(self, text: str) -> Path:
        """Write draft text made by :func:`draft_text` (the app serializes off the main thread, then writes)."""
        return atomic_write(self.draft_path, text)

    # -- versions -------------------------------------------------------
    def version_names(self) -> list[Version]:
        """Published version numbers, oldest first (folders whose name is a version)."""
        if not self.versions_path.is_dir():
            return []
        out = []
        for entry in self.versions_path.iterdir():
            v = parse_version(entry.name)
            if v is not None and entry.is_dir():
                out.append(v)
        return sorted(out)

    def versions(self) -> list[VersionInfo]:
        """Published versions with their record's date, approver and note, oldest first."""
        out = []
        for v in self.version_names():
            rec = self.record(v) or {}
            out.append(VersionInfo(v, self.version_path(v), rec.get("date"), rec.get("approver"), rec.get("note")))
        return out

    def latest(self) -> Optional[Version]:
        names = self.version_names()
        return names[-1] if names else None

    def record(self, version: Version | str) -> Optional[dict]:
        """The parsed record.json of a version, or None if missing or unreadable."""
        try:
            return json.loads((self.version_path(version) / "record.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def records(self) -> list[dict]:
        """Records of every published version that has a readable one, oldest first."""
        return [r for r in (self.record(v) for v in self.version_names()) if r is not None]

    def load_version(self, version: Version | str) -> Policy:
        """The spec as published in ``version``: one of the workspace's own versions, nothing else."""
        v = parse_version(str(version))
        if v is None or v not in self.version_names():
            known = ", ".join(str(x) for x in self.version_names()) or "none"
            raise WorkspaceError(f"{self.path}: no version {str(version)[:40]} (published: {known})")
        folder = self.version_path(v)
        return load(folder / "spec.yaml", check_references=False)

    def publish_log(self) -> list[dict]:
        try:
            data = json.loads(self.log_path.read_text("utf-8"))
        except (OSError, ValueError):
            return []
        return data if isinstance(data, list) else []

    # -- locking --------------------------------------------------------
    def edit_lock(self, purpose: str = "editing") -> WorkspaceLock:
        """The one-editor lock (raises WorkspaceLocked naming the holder and since when)."""
        return WorkspaceLock(self.path / EDIT_LOCK, purpose)

    def lock(self, purpose: str = "publish") -> WorkspaceLock:
        """A context manager that holds this workspace's lock (raises WorkspaceLocked)."""
        return WorkspaceLock(self.lock_path, purpose)


#: From this many systems the draft is autosaved as JSON (which is also valid YAML): about five times
#: faster to write and to read back than block YAML at 5,000 systems. Published specs stay block YAML.
LARGE_DRAFT_SYSTEMS = 500


def draft_text(policy: Policy) -> str:
    """The draft as text: block YAML, or JSON for a large policy (still a valid ``draft.yaml``)."""
    if len(policy.systems) < LARGE_DRAFT_SYSTEMS:
        return dumps(policy, "yaml")
    from workbench.spec.io import _json_default, to_data

    return _json_by_line(to_data(policy), _json_default)


def _json_by_line(data: dict, default) -> str:
    """JSON with each section on a line of its own, and each item of a list section (a system, a copy ...)
    too. Written by the C encoder (``json`` indents only in Python: three times slower at 5,000 systems, and
    the autosave shares the interpreter with the screen), and a diff of two drafts still shows which item
    changed."""
    encode = json.JSONEncoder(ensure_ascii=False, default=default).encode
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            parts.append(f"{encode(key)}: [\n  " + ",\n  ".join(map(encode, value)) + "\n]")
        else:
            parts.append(f"{encode(key)}: {encode(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def for_client(client: str, root: str | os.PathLike | None = None, *, create: bool = True) -> Workspace:
    """The workspace of ``client`` under ``root`` (default: the user data directory)."""
    base = Path(root) if root is not None else default_root()
    path = base / slugify(client)
    if create:
        return Workspace.create(path, client)
    return Workspace.open(path)


def list_clients(root: str | os.PathLike | None = None) -> list[ClientInfo]:
    """Every workspace under ``root``, sorted by client name."""
    base = Path(root) if root is not None else default_root()
    return sorted(_clients(base), key=lambda c: c.name.lower())


def _clients(base: Path) -> Iterator[ClientInfo]:
    if not base.is_dir():
        return
    for entry in base.iterdir():
        if not entry.is_dir() or entry.name.startswith("."):
            continue
        try:
            ws = Workspace.open(entry)
        except WorkspaceError:
            continue
        latest = ws.latest()
        rec = ws.record(latest) if latest is not None else None
        yield ClientInfo(entry.name, ws.client, ws.path, str(latest) if latest else None, (rec or {}).get("date"))


def resolve(target: str, root: str | os.PathLike | None = None) -> Workspace:
    """A workspace named by a folder path, or by a client name under the default root."""
    path = Path(target).expanduser()
    if path.is_dir():
        return Workspace.open(path)
    base = Path(root) if root is not None else default_root()
    try:
        candidate = base / slugify(target)
    except WorkspaceError:
        candidate = None
    if candidate is not None and candidate.is_dir():
        return Workspace.open(candidate)
    raise WorkspaceError(f"{target}: no such workspace folder, and no client of that name under {base}")


EXPORTS = "exports"


def write_export(workspace: Workspace, name: str, text: str | bytes) -> Path:
    """Write an export (follow-up list, ...) into the workspace's ``exports/`` folder, atomically."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise WorkspaceError(f"{name!r}: an export is a plain file name")
    return atomic_write(workspace.path / EXPORTS / name, text)
