"""Tampering the hash chain alone cannot catch (issue 11 §5), and the anchors that do.

Each case is what an attacker with write access to the workspace would do:
re-hash records together with the log, delete the latest version with its log
entry, delete everything, forge a version, swap a file for a symbolic link,
hide files in versions/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from workbench.store import Workspace
from workbench.store.publishing import RECORD, publish, sha256_bytes, sha256_file
from workbench.store.signing import available as ssh_available
from workbench.store.tamper import verify

from .conftest import TODAY


def _publish_three(ws, policy, **kw):
    current, results = policy, []
    for bump, note in (("major", "first"), ("minor", "second"), ("minor", "third")):
        result = publish(ws, current, bump=bump, approver="Ann", note=note, today=TODAY, use_git=False, **kw)
        results.append(result)
        current = result.policy
    return results


@pytest.fixture
def ws(tmp_path, policy):
    ws = Workspace.create(tmp_path / "ws")
    ws.results = _publish_three(ws, policy)
    return ws


def texts(ws, **kw) -> list[str]:
    return [str(p) for p in verify(ws, **kw)]


def _writable(folder):
    os.chmod(folder, 0o755)
    for p in folder.iterdir():
        if not p.is_symlink():
            os.chmod(p, 0o644)


def _rehash_latest_with_log(ws):
    """Change the latest version's note, recompute its record hash and fix the publish log."""
    folder = ws.version_path("1.2")
    _writable(folder)
    rec = json.loads((folder / RECORD).read_text())
    rec["approver"] = "Mallory"
    data = (json.dumps(rec, indent=2) + "\n").encode()
    (folder / RECORD).write_bytes(data)
    log = json.loads(ws.log_path.read_text())
    log[-1]["record_sha256"] = sha256_bytes(data)
    ws.log_path.write_text(json.dumps(log))


def test_a_rehashed_latest_record_passes_the_chain_but_fails_its_receipt(ws):
    receipt = ws.results[-1].record_sha256
    _rehash_latest_with_log(ws)
    assert texts(ws) == []  # the chain alone cannot tell: that is why receipts exist
    [problem] = texts(ws, expect=[receipt])
    assert "matches no published version's record" in problem


def test_the_latest_version_deleted_with_its_log_entry_fails_its_receipt(ws):
    receipt = ws.results[-1].record_sha256
    folder = ws.version_path("1.2")
    _writable(folder)
    shutil.rmtree(folder)
    log = json.loads(ws.log_path.read_text())[:-1]
    ws.log_path.write_text(json.dumps(log))
    assert texts(ws) == []
    assert texts(ws, expect=[receipt[:16]])


def test_everything_deleted_is_not_called_ok(ws, capsys):
    from workbench.cli import main

    receipt = ws.results[0].record_sha256
    for v in ("1.0", "1.1", "1.2"):
        _writable(ws.version_path(v))
        shutil.rmtree(ws.version_path(v))
    ws.log_path.unlink()
    assert main(["verify", str(ws.path)]) == 0
    assert "OK" not in capsys.readouterr().out
    assert main(["verify", str(ws.path), "--expect", receipt]) == 1


def test_a_published_file_replaced_by_a_symlink_to_an_identical_copy_is_named(ws, tmp_path):
    folder = ws.version_path("1.1")
    _writable(folder)
    copy = tmp_path / "outside.md"
    shutil.copy(folder / "policy.md", copy)
    (folder / "policy.md").unlink()
    (folder / "policy.md").symlink_to(copy)
    assert "versions/1.1/policy.md: replaced by a symbolic link; verify follows none" in texts(ws)


def test_files_hidden_in_a_tmp_folder_are_named(ws):
    os.chmod(ws.versions_path, 0o755)
    hidden = ws.versions_path / ".1.3.abc.tmp"
    hidden.mkdir()
    (hidden / "spec.yaml").write_text("forged")
    problems = texts(ws)
    assert any(p.startswith("versions/.1.3.abc.tmp: not a published version") for p in problems)


def test_a_hidden_file_inside_a_version_is_named(ws):
    folder = ws.version_path("1.0")
    os.chmod(folder, 0o755)
    (folder / ".extra").write_text("x")
    assert "versions/1.0/.extra: file not in the record" in texts(ws)


def _keypair(tmp_path, name):
    key = tmp_path / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key


@pytest.mark.skipif(not ssh_available(), reason="ssh-keygen not installed")
def test_signed_versions_verify_and_a_forged_record_does_not(tmp_path, policy):
    key = _keypair(tmp_path, "ann")
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"ann@example.com {(tmp_path / 'ann.pub').read_text().split(' ', 2)[0]} "
                       f"{(tmp_path / 'ann.pub').read_text().split(' ', 2)[1]}\n")
    ws = Workspace.create(tmp_path / "ws")
    _publish_three(ws, policy, sign_key=key)
    assert texts(ws, allowed_signers=allowed) == []
    _rehash_latest_with_log(ws)
    assert texts(ws) == []
    assert texts(ws, allowed_signers=allowed) == [
        "versions/1.2/record.json.sig: not a valid signature of this record by an allowed signer: "
        "the record was changed or signed with another key"]


@pytest.mark.skipif(not ssh_available(), reason="ssh-keygen not installed")
def test_a_version_signed_by_another_key_or_unsigned_fails(tmp_path, policy):
    ann, mallory = _keypair(tmp_path, "ann"), _keypair(tmp_path, "mallory")
    pub = (tmp_path / "ann.pub").read_text().split()
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"ann@example.com {pub[0]} {pub[1]}\n")
    ws = Workspace.create(tmp_path / "ws")
    publish(ws, policy, bump="major", approver="Ann", note="1", today=TODAY, use_git=False, sign_key=mallory)
    problems = texts(ws, allowed_signers=allowed)
    assert problems and "not a valid signature" in problems[0]
    ws2 = Workspace.create(tmp_path / "ws2")
    publish(ws2, policy, bump="major", approver="Ann", note="1", today=TODAY, use_git=False)
    assert texts(ws2, allowed_signers=allowed) == ["versions/1.0/record.json.sig: missing: this version is not signed"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_a_git_tagged_version_deleted_with_its_log_entry_is_named(tmp_path, policy):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    ws = Workspace.create(repo / "acme")
    current = policy
    for bump in ("major", "minor"):
        current = publish(ws, current, bump=bump, approver="Ann", note="n", today=TODAY, use_git=True).policy
    folder = ws.version_path("1.1")
    _writable(folder)
    shutil.rmtree(folder)
    ws.log_path.write_text(json.dumps(json.loads(ws.log_path.read_text())[:-1]))
    assert "version 1.1: is missing but git tag acme/v1.1 records it" in texts(ws)
