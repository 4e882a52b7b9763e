"""Workspaces: folders, drafts, listing, and the publish lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from workbench.store import (
    Workspace, WorkspaceError, WorkspaceLock, WorkspaceLocked, default_root, for_client, list_clients, resolve,
    slugify,
)
from workbench.store.publishing import publish

from .conftest import TODAY


def test_slugify():
    assert slugify("Acme Corp (EU)") == "acme-corp-eu"
    assert slugify("Café Zoë") == "cafe-zoe"
    with pytest.raises(WorkspaceError):
        slugify("!!!")


def test_default_root_follows_the_environment(tmp_path):
    assert default_root() == tmp_path / "data" / "workspaces"


def test_client_workspaces_are_listed(tmp_path, policy):
    acme = for_client("Acme Corp")
    for_client("Beta Ltd")
    assert acme.path == tmp_path / "data" / "workspaces" / "acme-corp"
    publish(acme, policy, bump="major", approver="Ann", note="first", today=TODAY, use_git=False)
    clients = list_clients()
    assert [(c.slug, c.name, c.latest) for c in clients] == [("acme-corp", "Acme Corp", "1.0"), ("beta-ltd", "Beta Ltd", None)]
    assert resolve("Acme Corp").path == acme.path
    assert resolve(str(acme.path)).path == acme.path


def test_open_refuses_a_folder_that_is_not_a_workspace(tmp_path):
    (tmp_path / "plain").mkdir()
    with pytest.raises(WorkspaceError, match="not a workspace"):
        Workspace.open(tmp_path / "plain")
    with pytest.raises(WorkspaceError, match="no such workspace"):
        Workspace.open(tmp_path / "missing")


def test_draft_round_trip_is_atomic(tmp_path, policy):
    ws = Workspace.create(tmp_path / "ws", "Acme")
    assert ws.load_draft() is None
    ws.save_draft(policy)
    assert ws.load_draft() == policy
    ws.save_draft(policy.model_copy(update={"as_of": TODAY}))
    assert ws.load_draft().as_of == TODAY
    assert sorted(p.name for p in ws.path.iterdir()) == [".gitattributes", "draft.yaml", "versions", "workspace.json"]


def test_versions_and_load_version(tmp_path, policy):
    ws = Workspace.create(tmp_path / "ws")
    first = publish(ws, policy, bump="major", approver="Ann", note="first", today=TODAY, use_git=False)
    publish(ws, first.policy, bump="minor", approver="Bob", note="second", today=TODAY, use_git=False)
    infos = ws.versions()
    assert [(i.label, i.approver, i.note) for i in infos] == [("1.0", "Ann", "first"), ("1.1", "Bob", "second")]
    assert ws.load_version("1.1").policy.version == "1.1"
    with pytest.raises(WorkspaceError, match="no version 3.0"):
        ws.load_version("3.0")


def test_lock_refuses_a_second_holder(tmp_path, policy):
    ws = Workspace.create(tmp_path / "ws")
    with ws.lock("interview"):
        with pytest.raises(WorkspaceLocked, match=r"locked by process \d+ .*interview"):
            publish(ws, policy, bump="major", approver="Ann", note="first", today=TODAY, use_git=False)
    assert not (ws.path / "versions" / "1.0").exists()
    assert not ws.lock_path.exists()
    publish(ws, policy, bump="major", approver="Ann", note="first", today=TODAY, use_git=False)


HOLD = """
import sys, time
from workbench.store import WorkspaceLock
with WorkspaceLock(sys.argv[1], "publish"):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_lock_held_by_another_process(tmp_path):
    path = tmp_path / "ws" / ".workbench.lock"
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, cwd=os.getcwd())
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(WorkspaceLocked) as info:
            WorkspaceLock(path).acquire()
        assert info.value.holder["pid"] == proc.pid
    finally:
        proc.communicate("\n", timeout=30)
    with WorkspaceLock(path) as lock:
        assert lock.held


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    path = tmp_path / ".workbench.lock"
    path.write_text(json.dumps({"pid": pid, "host": "here", "purpose": "publish", "since": "2025-01-01T00:00:00"}))
    with WorkspaceLock(path) as lock:
        assert lock.took_over["pid"] == pid
        assert json.loads(path.read_text())["pid"] == os.getpid()
    assert not path.exists()


def test_the_store_never_imports_textual():
    code = ("import sys, workbench.store, workbench.store.publishing, workbench.store.tamper, "
            "workbench.store.semdiff, workbench.store.git, workbench.commands.store_cmds; "
            "sys.exit('textual' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_a_large_draft_is_json_with_one_system_a_line_and_reads_back_the_same(tmp_path):
    from benchmarks.generate import policy as generated
    from workbench.store.workspace import LARGE_DRAFT_SYSTEMS

    big = generated(LARGE_DRAFT_SYSTEMS + 10)
    big.systems[3].description = 'Ledger "main" — 日本語, tab\there'  # quotes, non-ASCII, control characters
    ws = Workspace.create(tmp_path / "big", "Big Co")
    ws.save_draft(big)
    text = ws.draft_path.read_text(encoding="utf-8")
    assert json.loads(text)["systems"][3]["description"] == big.systems[3].description
    lines = text.splitlines()
    assert sum(1 for line in lines if line.lstrip().startswith('{"id"')) >= len(big.systems)  # one a line
    assert ws.load_draft() == big
