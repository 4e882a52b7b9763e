"""The workbench never writes or reads where it was not asked to (issue 11 §3)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from workbench.spec import loads
from workbench.store import Workspace, WorkspaceError, publish

SPEC = """\
organization: {name: Acme}
policy: {owner: {name: Ann, role: CTO}, approved_on: 2026-11-30}
"""


def test_a_planted_lock_symlink_is_refused_and_its_target_untouched(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    ws.lock_path.symlink_to(victim)
    with pytest.raises(OSError, match="symbolic link"):
        publish(ws, loads(SPEC), bump="major", approver="Ann", note="n", today=dt.date(2026, 12, 1), use_git=False)
    assert victim.read_text() == "precious"


def test_a_symlinked_versions_folder_is_refused(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.rmdir(ws.versions_path)
    ws.versions_path.symlink_to(elsewhere)
    with pytest.raises(WorkspaceError, match="symbolic link"):
        Workspace.open(ws.path)
    with pytest.raises(WorkspaceError, match="symbolic link"):
        Workspace.create(ws.path)


def test_diff_cannot_read_a_spec_outside_the_workspace(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    evil = tmp_path / "x" / "evil"
    evil.mkdir(parents=True)
    (evil / "spec.yaml").write_text(SPEC)
    result = subprocess.run([sys.executable, "-m", "workbench", "diff", f"{ws.path}@../../x/evil", f"{ws.path}@1.0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "no version" in result.stderr and "Traceback" not in result.stderr


def test_new_workspaces_are_owner_only(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    assert oct(ws.path.stat().st_mode & 0o777) == oct(0o700)
    assert oct(ws.versions_path.stat().st_mode & 0o777) == oct(0o700)
