"""Commit and tag published versions when the workspace lives in a git repository.

Optional by design: with no ``git`` on PATH, or a workspace outside any
repository, nothing happens. Every git failure becomes a warning; the version
on disk is already complete when these commands run. No network is used
(commit and tag only, never push), hooks run as the user configured them,
and git never prompts (``GIT_TERMINAL_PROMPT=0``, stdin closed).

Tags: ``v<version>`` when the workspace is the repository's top folder;
``<workspace-folder>/v<version>`` when the repository holds several
workspaces (one per client), so two clients' ``1.0`` never collide.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Optional

TIMEOUT = 60


def available() -> bool:
    return shutil.which("git") is not None


def _run(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    return subprocess.run(["git", *args], cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=TIMEOUT)


def repo_root(folder: Path) -> Optional[Path]:
    """The top folder of the git repository holding ``folder``, or None."""
    if not available():
        return None
    try:
        proc = _run(["rev-parse", "--show-toplevel"], folder)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    return Path(proc.stdout.strip())


def tag_name(root: Path, workspace: Path, version: str) -> str:
    if workspace.resolve() == root.resolve():
        return f"v{version}"
    return f"{workspace.name}/v{version}"


def _identity_env(root: Path) -> dict:
    """A fallback author only where the user has configured none."""
    env: dict = {}
    for key, var_name, var_mail in (("user.name", "GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"),
                                    ("user.email", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL")):
        proc = _run(["config", "--get", key], root)
        if proc.returncode != 0 or not proc.stdout.strip():
            value = "Backup Policy Workbench" if key == "user.name" else "workbench@localhost"
            env[var_name] = value
            env[var_mail] = value
    return env


def commit_version(ws, result) -> tuple[Optional[dict], list[str]]:
    """Commit the version folder (and the draft) and tag it. Returns (info, warnings)."""
    root = repo_root(ws.path)
    if root is None:
        return None, []
    version = str(result.version)
    tag = tag_name(root, ws.path, version)
    paths = [str(result.path.resolve().relative_to(root.resolve()))]
    for extra in (ws.log_path, ws.draft_path if result.draft_updated else None, ws.path / ".gitattributes",
                  ws.path / "workspace.json"):
        if extra is not None and extra.exists():
            paths.append(str(extra.resolve().relative_to(root.resolve())))
    message = f"Publish {ws.client} policy {version}\n\nApproved by {result.record['approver']}: {result.record['note']}\n"
    try:
        env = _identity_env(root)
        steps = (
            ["add", "--", *paths],
            ["commit", "-q", "-m", message, "--", *paths],
            ["tag", "-a", tag, "-m", f"{ws.client} policy {version}"],
        )
        for step in steps:
            proc = _run(step, root, env)
            if proc.returncode != 0:
                detail = (proc.stderr or proc.stdout).strip().splitlines()
                return None, [f"git {step[0]} failed ({detail[-1] if detail else 'exit ' + str(proc.returncode)}); "
                              f"version {version} is published on disk but not committed/tagged"]
        sha = _run(["rev-parse", "HEAD"], root).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        return None, [f"git failed ({exc}); version {version} is published on disk but not committed"]
    return {"commit": sha, "tag": tag, "repository": str(root)}, []
