"""Everything the workbench writes to disk: drafts, workspaces, published versions.

The public surface, shared by the command line and the app::

    from workbench.store import Workspace, for_client, list_clients, publish, verify, diff

No module here imports Textual. Heavy pieces (the renderer, the rules, git)
are imported when a function needs them.
"""

from __future__ import annotations

from .atomic import atomic_write
from .lock import WorkspaceLock, WorkspaceLocked
from .versions import Version, next_version, parse_version
from .workspace import (
    ClientInfo, VersionInfo, Workspace, WorkspaceError, default_root, for_client, list_clients, resolve, slugify,
)


_LAZY = {
    "publish": "publishing", "PublishError": "publishing", "PublishRefused": "publishing",
    "PublishResult": "publishing",
    "verify": "tamper", "VerifyProblem": "tamper",
    "diff": "semdiff", "PolicyDiff": "semdiff", "Change": "semdiff",
}


def __getattr__(name: str):
    # publish, verify and diff pull in the rules and the renderer: load them on first use
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    module = importlib.import_module(f"{__name__}.{module_name}")
    return getattr(module, "Problem" if name == "VerifyProblem" else name)


__all__ = [
    "ClientInfo", "Version", "VersionInfo", "Workspace", "WorkspaceError", "WorkspaceLock", "WorkspaceLocked",
    "atomic_write", "default_root", "for_client", "list_clients", "next_version", "parse_version", "resolve",
    "slugify", "publish", "PublishError", "PublishRefused", "PublishResult", "verify", "VerifyProblem",
    "diff", "PolicyDiff", "Change",
]
