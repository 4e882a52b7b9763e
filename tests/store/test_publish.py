"""Publishing: files, hashes, numbering, immutability, refusal on blockers, atomicity."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat

import pytest

from workbench.rules import evaluate
from workbench.spec import load
from workbench.store import Workspace
from workbench.store import publishing
from workbench.store.publishing import PublishError, PublishRefused, publish

from .conftest import BASE, TODAY, accept, data, make

FILES = {"spec.yaml", "policy.md", "policy.html", "policy.docx", "readiness-report.md", "readiness-report.html",
         "readiness-report.docx", "findings.json", "record.json"}


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _publish(ws, policy, bump="major", **kw):
    kw.setdefault("approver", "Ann")
    kw.setdefault("note", "first approved version")
    kw.setdefault("today", TODAY)
    kw.setdefault("use_git", False)
    return publish(ws, policy, bump=bump, **kw)


def test_publish_writes_every_file_with_its_hash(tmp_path, policy):
    ws = Workspace.create(tmp_path / "ws")
    result = _publish(ws, policy)
    folder = ws.path / "versions" / "1.0"
    assert result.version == (1, 0) and result.path == folder
    assert {p.name for p in folder.iterdir()} == FILES
    record = json.loads((folder / "record.json").read_text())
    assert record["version"] == "1.0" and record["date"] == "2025-06-30"
    assert record["approver"] == "Ann" and record["note"] == "first approved version"
    assert record["previous_record_sha256"] is None and record["previous_version"] is None
    assert set(record["files"]) == FILES - {"record.json"}
    for name, digest in record["files"].items():
        assert sha(folder / name) == digest, name
    assert record["spec_sha256"] == sha(folder / "spec.yaml")
    assert result.record_sha256 == sha(folder / "record.json")

    findings = json.loads((folder / "findings.json").read_text())
    assert findings["summary"]["as_of"] == "2025-06-30" and findings["summary"]["audit_ready"] is True
    assert isinstance(findings["findings"], list)
    assert (folder / "policy.docx").read_bytes()[:2] == b"PK"
    assert "<html" in (folder / "policy.html").read_text().lower()


def test_published_spec_carries_version_and_revision(tmp_path, policy):
    ws = Workspace.create(tmp_path / "ws")
    first = _publish(ws, policy)
    approved_again = first.policy.model_copy(deep=True)
    approved_again.policy.approved_on = TODAY + dt.timedelta(days=1)
    second = _publish(ws, approved_again, "minor", approver="Bob", note="contacts updated",
                      today=TODAY + dt.timedelta(days=1))
    spec = load(second.path / "spec.yaml")
    assert spec.policy.version == "1.1" and spec.policy.approved_on == TODAY + dt.timedelta(days=1)
    assert [(r.version, r.approver, r.note) for r in spec.revisions] == [
        ("1.0", "Ann", "first approved version"), ("1.1", "Bob", "contacts updated")]
    assert policy.policy.version is None and policy.revisions == []  # the caller's policy is untouched
    assert ws.load_draft() == second.policy
    # approved again, so no warning about a re-used approval date; 1.0 named Ann (the spec named nobody), so
    # Bob approving 1.1 is said
    assert second.warnings == ["the record names Bob as approver, but the spec's policy.approver is Ann; the spec "
                               "was left as it is"]
    record = json.loads((second.path / "record.json").read_text())
    assert record["previous_version"] == "1.0"
    assert record["previous_record_sha256"] == sha(first.path / "record.json")


def test_revision_history_in_the_document_comes_from_the_records(tmp_path, policy):
    ws = Workspace.create(tmp_path / "ws")
    first = _publish(ws, policy, note="first approved version")
    stale = first.policy.model_copy(update={"revisions": []})  # the spec lost its history
    second = _publish(ws, stale, "minor", approver="Bob", note="second note")
    md = (second.path / "policy.md").read_text()
    assert "first approved version" in md and "second note" in md
    assert [r.version for r in second.policy.revisions] == ["1.0", "1.1"]


def test_version_numbering(tmp_path, policy):
    ws = Workspace.create(tmp_path / "ws")
    seen = []
    current = policy
    for bump in ("minor", "minor", "major", "minor", "major"):
        result = _publish(ws, current, bump)
        seen.append(str(result.version))
        current = result.policy
    assert seen == ["1.0", "1.1", "2.0", "2.1", "3.0"]


def test_a_spec_published_elsewhere_continues_its_numbering(tmp_path):
    raw = data(policy={"version": "2.3", "approved_on": "2025-06-01"}, revisions=[{"version": "2.3", "date": "2024-05-01", "note": "old"}])
    ws = Workspace.create(tmp_path / "ws")
    result = _publish(ws, make(raw), "minor")
    assert str(result.version) == "2.4"
    assert [r.version for r in result.policy.revisions] == ["2.3", "2.4"]
    # a version the spec states without a matching revision is the number its first publish here gets
    other = Workspace.create(tmp_path / "other")
    assert str(_publish(other, make(data(policy={"version": "1.0", "approved_on": "2025-06-01"})), "major").version) == "1.0"


def test_last_year_s_policy_stating_version_2_0_is_published_here_as_2_0_not_1_0(tmp_path):
    """A reviewer revising last year's policy (it says version 2.0, with no revision list) published it into a new
    workspace: the form said 'this will be version 1.0' and the spec was rewritten to 1.0. The first publish takes
    the version the spec states; the next ones continue from it; a label below 1.0 still starts at 1.0."""
    from workbench.app.release import next_version_label

    ws = Workspace.create(tmp_path / "ws")
    policy = make(data(policy={"version": "2.0", "approved_on": "2025-06-01"}))
    assert next_version_label(ws, "minor", policy) == "2.0"
    result = _publish(ws, policy, "minor")
    assert str(result.version) == "2.0" and result.policy.policy.version == "2.0"
    assert next_version_label(ws, "minor", result.policy) == "2.1"
    assert str(_publish(ws, result.policy, "major").version) == "3.0"
    draft = Workspace.create(tmp_path / "draft")
    assert str(_publish(draft, make(data(policy={"version": "0.9", "approved_on": "2025-06-01"})), "major").version) == "1.0"


def test_published_files_are_read_only(tmp_path, policy):
    result = _publish(Workspace.create(tmp_path / "ws"), policy)
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o500, "owner-only, read-only folder"
    for path in result.path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o400, path.name
    if os.geteuid() != 0:  # root ignores permission bits
        with pytest.raises(PermissionError):
            (result.path / "policy.md").write_text("changed")


def test_shared_files_asked_for_make_versions_readable_by_others(tmp_path, policy, monkeypatch):
    monkeypatch.setenv("WORKBENCH_SHARED_FILES", "1")
    result = _publish(Workspace.create(tmp_path / "ws"), policy)
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o555
    assert {stat.S_IMODE(p.stat().st_mode) for p in result.path.iterdir()} == {0o444}


def test_an_existing_version_is_never_overwritten(tmp_path, policy, monkeypatch):
    ws = Workspace.create(tmp_path / "ws")
    first = _publish(ws, policy)
    before = {p.name: sha(p) for p in first.path.iterdir()}
    monkeypatch.setattr(publishing, "next_version", lambda *a, **k: first.version)
    with pytest.raises(PublishError, match="1.0 already exists and is never overwritten"):
        _publish(ws, policy, note="again")
    assert {p.name: sha(p) for p in first.path.iterdir()} == before
    assert [p.name for p in ws.versions_path.iterdir()] == ["1.0"]


def test_publish_with_an_open_blocker_is_refused(tmp_path):
    raw = data(systems=BASE["systems"] + [{"id": "crm", "tier": "T2", "kind": "db", "environment": "prod"}])
    policy = make(raw, keep=("COV-001",))  # crm is in no schedule: COV-001 blocks
    ws = Workspace.create(tmp_path / "ws")
    with pytest.raises(PublishRefused) as info:
        _publish(ws, policy)
    assert str(info.value.version) == "1.0"
    assert [(f.rule, f.subject) for f in info.value.findings] == [("COV-001", "crm")]
    assert list(ws.versions_path.iterdir()) == [] and not ws.draft_path.exists()

    accepted = make({**raw, "exceptions": [accept("COV-001")]})
    result = _publish(ws, accepted)
    assert str(result.version) == "1.0"
    assert any(f.rule == "COV-001" and f.accepted for f in result.report.findings)


def test_a_blocker_question_does_not_refuse_a_publish(tmp_path):
    """Only gaps refuse a publish: a question not answered yet is an open item in the written policy."""
    policy = make(data(roles=[]), keep=("ACC-001",))  # no role holds a backup permission: a blocker question
    report = evaluate(policy, TODAY)
    assert [(f.rule, f.kind, f.severity) for f in report.open if f.rule == "ACC-001"] == [
        ("ACC-001", "question", "blocker")]
    assert report.publish_blockers == [] and not report.audit_ready
    result = _publish(Workspace.create(tmp_path / "ws"), policy)
    assert str(result.version) == "1.0"


def test_an_expired_exception_does_not_unblock(tmp_path):
    raw = data(systems=BASE["systems"] + [{"id": "crm", "tier": "T2"}])
    expired = {**accept("COV-001"), "expires_on": "2025-01-01"}
    policy = make({**raw, "exceptions": [expired]}, keep=("COV-001",))
    with pytest.raises(PublishRefused):
        _publish(Workspace.create(tmp_path / "ws"), policy)


def test_approver_and_note_are_required(tmp_path, policy):
    ws = Workspace.create(tmp_path / "ws")
    with pytest.raises(PublishError, match="approver"):
        _publish(ws, policy, approver=" ")
    with pytest.raises(PublishError, match="note"):
        _publish(ws, policy, note="")


def test_a_failed_render_leaves_nothing_behind(tmp_path, policy, monkeypatch):
    import workbench.document

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(workbench.document, "render_view", broken)
    ws = Workspace.create(tmp_path / "ws")
    with pytest.raises(PublishError, match="rendering policy.md failed"):
        _publish(ws, policy)
    assert list(ws.versions_path.iterdir()) == []
    assert not ws.log_path.exists() and not ws.lock_path.exists()


def test_publish_writes_the_readiness_report_and_uses_the_workspace_styles(tmp_path, policy):
    import io

    import docx

    ws = Workspace.create(tmp_path / "ws")
    ref = docx.Document()
    ref.sections[0].header.paragraphs[0].text = "Consultant letterhead"
    ref.save(ws.path / "styles.docx")
    folder = _publish(ws, policy).path
    report = (folder / "readiness-report.md").read_text()
    assert report.startswith("# Backup Policy Readiness Report") and "Evidence request list" in report
    assert "| Status as of | 2025-06-30 |" in report
    policy_md = (folder / "policy.md").read_text()
    assert "Evidence request list" not in policy_md and "Status as of" not in policy_md
    for name in ("policy.docx", "readiness-report.docx"):
        d = docx.Document(io.BytesIO((folder / name).read_bytes()))
        assert d.sections[0].header.paragraphs[0].text == "Consultant letterhead", name


def test_a_back_dated_approval_does_not_hide_what_blocks_now(tmp_path):
    """An exception that expired after the approval date blocks a publish made today (the default date),
    even though it was still valid on the day the spec says it was approved."""
    raw = data(systems=BASE["systems"] + [{"id": "crm", "tier": "T2", "kind": "db", "environment": "prod"}])
    lapsed = {**accept("COV-001"), "expires_on": "2025-09-30"}  # valid on 2025-06-30, lapsed by the real today
    policy = make({**raw, "exceptions": [lapsed]}, keep=("COV-001",))
    assert not evaluate(policy, TODAY).publish_blockers  # on the approval date nothing blocks
    ws = Workspace.create(tmp_path / "ws")
    with pytest.raises(PublishRefused) as info:
        publish(ws, policy, bump="major", approver="Ann", note="first", use_git=False)  # no --as-of: the real date
    assert [(f.rule, f.subject) for f in info.value.findings] == [("COV-001", "crm")]
    assert list(ws.versions_path.iterdir()) == []
    # an explicit publication date is taken at its word (the CLI's --as-of)
    assert str(publish(ws, policy, bump="major", approver="Ann", note="first", use_git=False,
                       today=TODAY).version) == "1.0"
