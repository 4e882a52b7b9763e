"""Revising and publishing without surprises: the spec's own approval date, no silent minor bump over
material changes, one working copy, follow-ups that close themselves, the client's name from the spec."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import yaml

from workbench.cli import main
from workbench.rules import evaluate
from workbench.spec import dumps, load
from workbench.spec.followups import settle
from workbench.spec.model import FollowUp
from workbench.store import Workspace
from workbench.store.publishing import PublishError, publish

from .conftest import BASE, TODAY, data, make


def _publish(ws, policy, bump="major", **kw):
    kw.setdefault("approver", "Ann")
    kw.setdefault("note", "a version")
    kw.setdefault("use_git", False)
    return publish(ws, policy, bump=bump, **kw)


def _with(policy, **governance):
    out = policy.model_copy(deep=True)
    for k, v in governance.items():
        setattr(out.policy, k, v)
    return out


def test_the_approval_date_is_the_specs_and_dates_the_version(tmp_path, policy):
    approved = dt.date(2025, 5, 20)
    result = _publish(Workspace.create(tmp_path / "ws"), _with(policy, approved_on=approved))
    assert result.policy.policy.approved_on == approved  # not rewritten to the publish day
    assert result.record["date"] == "2025-05-20" and result.record["approved_on"] == "2025-05-20"
    assert result.report.as_of == approved
    assert result.policy.revisions[-1].date == approved
    findings = json.loads((result.path / "findings.json").read_text())
    assert findings["as_of"] == "2025-05-20"


@pytest.mark.parametrize("approved,as_of,message", [
    (None, None, "no approval date (policy.approved_on)"),
    (dt.date.today() + dt.timedelta(days=3), None, "is in the future"),
    (dt.date(2025, 6, 30), dt.date(2025, 6, 1), "cannot be dated before its approval"),
])
def test_publishing_refuses_a_missing_or_future_approval_date(tmp_path, policy, approved, as_of, message):
    ws = Workspace.create(tmp_path / "ws")
    with pytest.raises(PublishError, match=re.escape(message)):
        _publish(ws, _with(policy, approved_on=approved), today=as_of)
    assert list(ws.versions_path.iterdir()) == [] and not ws.draft_path.exists()


def test_minor_bump_over_material_changes_needs_a_reason_which_is_recorded(tmp_path, policy):
    ws = Workspace.create(tmp_path / "ws")
    first = _publish(ws, policy)
    cut = first.policy.model_copy(deep=True)
    cut.targets[0].retention.daily = cut.targets[0].retention.daily.of("30d")
    with pytest.raises(PublishError) as err:
        _publish(ws, cut, "minor")
    text = str(err.value)
    assert "--bump minor, but 1 change since version 1.0 is material" in text
    assert "retention.daily 35d → 30d" in text and "--reason" in text
    assert [str(v) for v in ws.version_names()] == ["1.0"]
    second = _publish(ws, cut, "minor", reason="daily points past 30 days were never used")
    record = json.loads((second.path / "record.json").read_text())
    assert str(second.version) == "1.1"
    assert record["bump_reason"] == "daily points past 30 days were never used"
    assert any("35d → 30d" in c for c in record["material_changes"])
    # an immaterial change needs no reason
    third = _publish(ws, _with(second.policy, purpose="Why we back up."), "minor")
    assert "bump_reason" not in third.record
    # a major version over a material change, with a reason: the reason is the change's, not a minor bump's
    cut = third.policy.model_copy(deep=True)
    cut.targets[0].retention.daily = cut.targets[0].retention.daily.of("20d")
    fourth = _publish(ws, cut, "major", reason="storage costs")
    assert str(fourth.version) == "2.0" and "bump_reason" not in fourth.record
    assert fourth.record["reason"] == "storage costs"


def test_publishing_always_updates_the_draft_and_keeps_other_work(tmp_path, policy):
    ws = Workspace.create(tmp_path / "ws")
    other = _with(policy, purpose="work in progress in the app")
    ws.save_draft(other)
    result = _publish(ws, policy)
    assert ws.load_draft() == result.policy
    assert result.previous_draft is not None and load(result.previous_draft) == other
    second = _publish(ws, result.policy, "minor")
    assert ws.load_draft().policy.version == "1.1"  # the second publish leaves 1.1 in the draft, not 1.0
    assert second.previous_draft is None  # the draft held 1.0 exactly: nothing to keep


def test_cli_publish_updates_the_draft_of_an_existing_workspace(tmp_path, capsys, policy):
    spec = tmp_path / "client.yaml"
    spec.write_text(dumps(policy))
    ws = tmp_path / "ws"
    for bump in ("major", "minor"):
        assert main(["publish", str(spec), "--bump", bump, "--note", "n", "--approver", "Ann",
                     "--workspace", str(ws), "--no-git"]) == 0
    out = capsys.readouterr().out
    assert "now holds version 1.1" in out
    assert load(ws / "draft.yaml").policy.version == "1.1"
    assert not list(ws.glob("draft.before-*"))  # the draft held version 1.0 exactly: no other work to keep


def test_the_workspace_takes_the_clients_name_from_the_spec(tmp_path, capsys, policy):
    spec = tmp_path / "client.yaml"
    spec.write_text(dumps(policy))
    assert main(["publish", str(spec), "--bump", "major", "--note", "n", "--approver", "Ann",
                 "--workspace", str(tmp_path / "ws-2025"), "--no-git"]) == 0
    assert "Published Acme Corp policy 1.0" in capsys.readouterr().out
    assert Workspace.open(tmp_path / "ws-2025").client == "Acme Corp"
    renamed = policy.model_copy(deep=True)
    renamed.organization.name = "Acme Group"
    ws = Workspace.open(tmp_path / "ws-2025")
    _publish(ws, renamed, "minor")
    assert Workspace.open(tmp_path / "ws-2025").client == "Acme Group"


def test_cli_refusals_are_clear_messages(tmp_path, capsys, policy):
    spec = tmp_path / "client.yaml"
    spec.write_text(dumps(_with(policy, approved_on=None)))
    assert main(["publish", str(spec), "--bump", "major", "--note", "n", "--approver", "Ann",
                 "--workspace", str(tmp_path / "ws"), "--no-git"]) == 2
    err = capsys.readouterr().err
    assert "no approval date (policy.approved_on)" in err and "Nothing was published." in err
    assert "Traceback" not in err


def test_a_follow_up_closes_itself_when_its_field_is_answered(tmp_path, policy):
    p = policy.model_copy(deep=True)
    p.follow_ups = [FollowUp(id="Q1", question="Which region?", field="targets[0].region"),
                    FollowUp(id="Q2", question="Who owns the policy?", field="policy.owner")]
    p.targets[0].region = "eu-central-1"
    result = _publish(Workspace.create(tmp_path / "ws"), p)
    assert [fu.status for fu in result.policy.follow_ups] == ["answered", "open"]
    assert result.record["follow_ups_closed"] == ["Q1"] and result.follow_ups_closed == ["Q1"]
    assert p.follow_ups[0].status == "open"  # the caller's policy is untouched
    assert ws_draft_statuses(tmp_path / "ws") == ["answered", "open"]  # and the draft holds the published spec


def ws_draft_statuses(path) -> list[str]:
    return [fu.status for fu in Workspace.open(path).load_draft().follow_ups]


def test_a_vague_or_still_flagged_answer_does_not_close_its_follow_up(policy):
    from workbench.spec.durations import Duration

    p = policy.model_copy(deep=True)
    p.tiers[0].restore_test_interval = Duration.of("as needed")
    p.follow_ups = [FollowUp(id="Q1", question="Which restore-test interval for T1?",
                             field="tiers[0].restore_test_interval"),
                    FollowUp(id="Q2", question="How long are daily points kept?", field="targets[0].retention")]
    assert settle(p) == [p.follow_ups[1]]  # "as needed" is no answer
    p.follow_ups[1].status = "open"
    from types import SimpleNamespace

    still_short = SimpleNamespace(paths=("targets[0].retention.daily",), accepted=None)  # e.g. below a floor
    assert settle(p, [still_short]) == []  # a finding still points into the answer: the question stays open
    accepted = SimpleNamespace(paths=("targets[0].retention.daily",), accepted=object())
    assert settle(p, [accepted]) == [p.follow_ups[1]]


def test_an_open_follow_up_past_its_due_date_is_a_finding(policy):
    p = policy.model_copy(deep=True)
    p.follow_ups = [
        FollowUp(id="Q1", question="Which region?", field="targets[0].region", owner="MSP lead",
                 due=dt.date(2025, 6, 1)),
        FollowUp(id="Q2", question="Who owns the policy?", field="policy.owner", due=dt.date(2025, 7, 31)),
        FollowUp(id="Q3", question="Retention of logs?", field="targets[0].retention", due=dt.date(2025, 6, 1)),
    ]
    found = [f for f in evaluate(p, TODAY).open if f.rule == "FUP-001"]
    assert len(found) == 1  # Q2 is not due yet; Q3's field is answered, so it closed itself
    (f,) = found
    assert f.message == ("Question Q1 was due 2025-06-01 (MSP lead to answer) and is still open: Which region?")
    assert f.paths == ("follow_ups[0].due", "targets[0].region") and f.subject == "Q1"


def test_render_dates_the_document_by_the_approval_date(tmp_path, capsys, policy):
    spec = tmp_path / "client.yaml"
    spec.write_text(dumps(_with(policy, approved_on=dt.date(2025, 5, 20))))
    assert main(["render", str(spec), "-f", "html", "-o", str(tmp_path / "p.html")]) == 0
    html = (tmp_path / "p.html").read_text()
    assert "2025-05-20" in html and dt.date.today().isoformat() not in html
    # the policy carries its approval date; the readiness report the date its status is taken at
    assert main(["render", str(spec), "-f", "html", "-o", str(tmp_path / "q.html"), "--as-of", "2025-06-10",
                 "--report"]) == 0
    assert "2025-06-10" in (tmp_path / "q.html").read_text()


def test_the_approver_comes_from_the_spec_and_a_different_one_is_said(tmp_path, policy):
    from workbench.spec.model import Person

    p = policy.model_copy(deep=True)
    p.policy.approver = Person(name="Dana Reyes", role="CEO")
    ws = Workspace.create(tmp_path / "ws")
    first = publish(ws, p, bump="major", note="first", use_git=False)
    assert first.record["approver"] == "Dana Reyes (CEO)" and not first.warnings
    second = publish(ws, first.policy, bump="minor", note="second", approver="Bob", use_git=False)
    assert any("policy.approver is Dana Reyes (CEO)" in w for w in second.warnings)
    assert second.policy.policy.approver == p.policy.approver  # never rewritten


def test_an_approver_given_to_publish_is_named_in_the_published_policy_when_the_spec_names_none(tmp_path, policy):
    """The spec left policy.approver open and publish was given --approver Ann: the policy's document control and
    sign-off said "Pending" beside a version Ann approved."""
    p = policy.model_copy(deep=True)
    p.policy.approver = None
    ws = Workspace.create(tmp_path / "ws")
    result = publish(ws, p, bump="major", note="first", approver="Ann Lee", use_git=False, update_draft=True)
    assert result.policy.policy.approver.name == "Ann Lee" and p.policy.approver is None  # the caller's copy kept
    assert ws.load_draft().policy.approver.name == "Ann Lee"
    assert result.approver_filled and not result.warnings
    text = (result.path / "policy.md").read_text()
    assert "| Approver | Ann Lee |" in text and "| Approver | Pending" not in text


def test_new_with_an_example_name_says_which_start_it_wrote(tmp_path, capsys):
    assert main(["new", "--template", "healthcare-hipaa", "-o", str(tmp_path / "c.yaml")]) == 0
    out = capsys.readouterr().out
    assert "healthcare-inhouse" in out and "--example healthcare-hipaa" in out


def test_a_report_is_dated_no_earlier_than_the_restore_tests_it_lists(tmp_path, policy):
    """The healthcare starter, approved 2025-12-10, records restore tests in 2026: its readiness report, dated at
    the approval, listed the tests and called every system's test missing ("Due now: no passing test on record")."""
    from workbench.templates import load_template

    p = load_template("healthcare-hipaa")
    approved = p.policy.approved_on
    latest = p.latest_record_on(dt.date.today())  # a role's access review, after the latest restore test
    assert latest >= max(t.date for t in p.restore_tests) > approved
    spec = tmp_path / "client.yaml"
    spec.write_text(dumps(p))
    assert main(["render", str(spec), "--report", "-o", str(tmp_path / "r.md")]) == 0
    report = (tmp_path / "r.md").read_text()
    assert f"| Status as of | {latest.isoformat()} |" in report
    assert "no passing test on record" not in report
    # published the same way: the version carries the approval, its report the latest record's date
    result = _publish(Workspace.create(tmp_path / "ws"), p)
    assert result.report.as_of == latest and result.policy.policy.approved_on == approved


def test_a_policy_nobody_approved_renders_as_a_draft(tmp_path, policy):
    spec = tmp_path / "client.yaml"
    spec.write_text(dumps(_with(policy, approved_on=None, version="1.0")))
    assert main(["render", str(spec), "-o", str(tmp_path / "p.md")]) == 0
    text = (tmp_path / "p.md").read_text()
    assert "DRAFT, not approved" in text and "| Approval date | Not approved (draft) |" in text
    assert "| 1.0 | Pending | Pending | Draft; not approved yet. |" in text
    assert "| Version | 1.0 (draft, not approved) |" in text
    assert main(["render", str(spec), "-o", str(tmp_path / "p.docx")]) == 0
    import zipfile

    with zipfile.ZipFile(tmp_path / "p.docx") as z:
        header = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
    assert "DRAFT" in header
