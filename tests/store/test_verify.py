"""Tamper evidence: verify passes on an untouched workspace and names every change."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from workbench.store import Workspace
from workbench.store.publishing import publish
from workbench.store.tamper import verify

from .conftest import TODAY


@pytest.fixture
def ws(tmp_path, policy):
    ws = Workspace.create(tmp_path / "ws")
    current = policy
    for bump, note in (("major", "first"), ("minor", "second"), ("minor", "third")):
        current = publish(ws, current, bump=bump, approver="Ann", note=note, today=TODAY, use_git=False).policy
    return ws


def texts(ws) -> list[str]:
    return [str(p) for p in verify(ws)]


def unlock(path):
    os.chmod(path.parent, 0o755)
    if path.exists():
        os.chmod(path, 0o644)


def test_an_untouched_workspace_verifies(ws):
    assert texts(ws) == []
    assert [str(v) for v in ws.version_names()] == ["1.0", "1.1", "1.2"]


def test_a_changed_byte_is_named(ws):
    path = ws.path / "versions" / "1.1" / "policy.md"
    unlock(path)
    raw = bytearray(path.read_bytes())
    raw[100] ^= 1
    path.write_bytes(bytes(raw))
    [problem] = texts(ws)
    assert problem.startswith("versions/1.1/policy.md: content changed (sha256 ")


def test_a_removed_version_is_named(ws):
    folder = ws.path / "versions" / "1.1"
    os.chmod(folder, 0o755)
    shutil.rmtree(folder)
    assert "version 1.1: is missing but 1.2's record points to it" in texts(ws)


def test_a_removed_latest_version_is_named_by_the_publish_log(ws):
    folder = ws.path / "versions" / "1.2"
    os.chmod(folder, 0o755)
    shutil.rmtree(folder)
    assert texts(ws) == ["version 1.2: is missing but the publish log records it"]


def test_an_added_file_and_a_missing_file_are_named(ws):
    folder = ws.path / "versions" / "1.0"
    os.chmod(folder, 0o755)
    (folder / "extra.txt").write_text("hello")
    os.chmod(folder / "policy.html", 0o644)
    (folder / "policy.html").unlink()
    assert sorted(texts(ws)) == ["versions/1.0/extra.txt: file not in the record",
                                 "versions/1.0/policy.html: missing (listed in the record)"]


def test_a_rewritten_record_breaks_the_chain(ws):
    path = ws.path / "versions" / "1.0" / "record.json"
    unlock(path)
    record = json.loads(path.read_text())
    record["approver"] = "Mallory"
    path.write_text(json.dumps(record, indent=2) + "\n")
    found = texts(ws)
    assert any(p.startswith("versions/1.0/record.json: changed after 1.1 was published") for p in found)
    assert "versions/1.0/record.json: differs from the hash in the publish log" in found


def test_a_stray_folder_in_versions_is_named(ws):
    (ws.path / "versions" / "latest").mkdir()
    assert texts(ws) == ["versions/latest: not a published version (unexpected entry in versions/)"]
