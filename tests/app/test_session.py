"""The session without a terminal: edits, evaluation, autosave, locking, follow-ups, exceptions."""

from __future__ import annotations

import dataclasses

import subprocess
import sys
import threading

import pytest

from workbench.app.session import (
    DEMO_CLIENT, EditError, Session, SessionError, WorkspaceLocked, finding_key, kind_of,
)
from workbench.store import Workspace, list_clients

from .conftest import TODAY


def rules_of(evaluation):
    return {f.rule for f in evaluation.report.open}


def test_demo_client_is_created_once_then_resumed(root):
    first = Session.demo(today=TODAY)
    assert first.origin == "template saas-startup"
    assert first.workspace.has_draft()
    assert rules_of(first.evaluate()) >= {"COPY-002", "GOV-001"}
    first.set("organization.industry", "Analytics")
    first.close()
    again = Session.demo(today=TODAY)
    assert again.origin == "draft"
    assert again.policy.organization.industry == "Analytics"
    assert [c.name for c in list_clients(root)] == [DEMO_CLIENT]
    again.close()


def test_new_client_from_profile_then_answer_fixes_a_finding(root):
    s = Session.new_client("Acme Corp", template="saas-startup", root=root, today=TODAY)
    assert s.policy.organization.name == "Acme Corp"
    first = s.evaluate()
    assert "GOV-001" in rules_of(first)
    s.set("policy.approved_on", "2026-06-01")
    second = s.evaluate()
    assert "GOV-001" not in rules_of(second)
    s.set("policy.approved_on", None)
    third = s.evaluate()
    assert "GOV-001" in rules_of(third)
    gov = next(f for f in third.report.open if f.rule == "GOV-001")
    assert third.is_new(gov), "a finding an edit brings back is marked new"
    s.close()


def test_same_name_never_overwrites_an_existing_client(root):
    a = Session.new_client("Acme", root=root, today=TODAY)
    b = Session.new_client("Acme", root=root, today=TODAY)
    assert a.workspace.path != b.workspace.path
    assert b.client == "Acme (2)"
    a.close(), b.close()


def test_refused_value_leaves_the_policy_as_it_was(root):
    s = Session.new_client("Acme", root=root, today=TODAY)
    s.add("tiers", {"id": "T0", "rpo": "15m"})
    with pytest.raises(EditError) as err:
        s.set("tiers[0].rpo", "1dd")
    assert "tiers[0].rpo" in str(err.value)
    assert str(s.policy.tiers[0].rpo) == "15m"
    s.close()


def test_undo_redo_through_the_editor(root):
    s = Session.new_client("Acme", root=root, today=TODAY)
    s.set("organization.industry", "SaaS")
    s.add("systems", {"id": "db"})
    assert s.undo() and s.policy.systems == []
    assert s.undo() and s.policy.organization.industry is None
    assert s.redo() and s.policy.organization.industry == "SaaS"
    assert s.revision == 5
    s.close()


def test_autosave_writes_the_draft_and_resume_after_a_crash(root):
    s = Session.new_client("Acme", template="msp-small-business", root=root, today=TODAY)
    s.set("organization.industry", "Dental practice")
    assert s.dirty
    assert s.save_draft() and not s.dirty
    s.set("organization.consultant", "Ops MSP")  # changed after the last save: lost in the crash
    s._lock.release()  # the process dies: the kernel drops its lock
    resumed = Session.open(s.workspace, today=TODAY)
    assert resumed.origin == "draft"
    assert resumed.policy.organization.industry == "Dental practice"
    assert resumed.policy.organization.consultant != "Ops MSP"
    resumed.close()


def test_a_second_session_on_the_same_client_is_refused(root):
    s = Session.new_client("Acme", root=root, today=TODAY)
    with pytest.raises(WorkspaceLocked):
        Session.open(s.workspace, today=TODAY)
    s.close()
    Session.open(s.workspace, today=TODAY).close()


def test_stale_evaluation_is_discarded(root, monkeypatch):
    s = Session.new_client("Acme", template="saas-startup", root=root, today=TODAY)
    real = Session._report

    def slow(self, changes):
        self.set("organization.industry", "changed while evaluating")
        return real(self, changes)

    monkeypatch.setattr(Session, "_report", slow)
    assert s.evaluate() is None and s.last is None
    monkeypatch.setattr(Session, "_report", real)
    assert s.evaluate().revision == s.revision
    s.close()


def test_save_skipped_when_an_edit_lands_meanwhile(root, monkeypatch):
    s = Session.new_client("Acme", root=root, today=TODAY)
    import workbench.store.workspace as workspace

    real = workspace.draft_text

    def racing(policy):
        text = real(policy)
        s.set("organization.industry", "typed during the save")
        return text

    monkeypatch.setattr(workspace, "draft_text", racing)
    assert s.save_draft() is False and s.dirty
    monkeypatch.setattr(workspace, "draft_text", real)
    assert s.save_draft() and "typed during the save" in s.workspace.draft_path.read_text()
    s.close()


def test_follow_up_and_source_note_are_kept_in_the_spec(root):
    s = Session.new_client("Acme", root=root, today=TODAY)
    s.add_follow_up("What is the RPO of the billing database?", field="tiers[0].rpo", owner="CTO",
                    due="2026-07-15", note="ask after the board meeting")
    s.set_source("organization.industry", "per the office manager, 3 Dec")
    s.close()
    text = s.workspace.draft_path.read_text()
    assert "ask after the board meeting" in text and "per the office manager, 3 Dec" in text
    again = Session.open(s.workspace, today=TODAY)
    fu = again.follow_up_for("tiers[0].rpo")
    assert fu.owner == "CTO" and str(fu.due) == "2026-07-15" and fu.id == "FU-001"  # numbered as the F2 dialog numbers them
    assert again.source_of("organization.industry") == "per the office manager, 3 Dec"
    again.close()


def test_accepting_a_finding_records_a_scoped_exception(root):
    s = Session.new_client("Acme", template="saas-startup", root=root, today=TODAY)
    copy2 = next(f for f in s.evaluate().report.open if f.rule == "COPY-002")
    with pytest.raises(EditError):
        s.accept_finding(copy2, justification="", approved_by="CTO", expires_on="2026-12-31")
    s.accept_finding(copy2, justification="warehouse is rebuilt from source data", approved_by="Sam Okafor",
                     expires_on="2026-12-31")
    after = s.evaluate()
    assert finding_key(copy2) not in {finding_key(f) for f in after.report.open}
    assert any(f.rule == "COPY-002" and f.accepted for f in after.report.findings)
    assert s.policy.exceptions[-1].scope == copy2.subject
    s.close()


def test_a_finding_that_lists_one_more_item_is_not_marked_new(root):
    """An edit that adds a system to a finding's list rewords it and adds a path: the panel marked it NEW."""
    s = Session.new_client("Acme", template="saas-startup", root=root, today=TODAY)
    before = s.evaluate()
    listed = next(f for f in before.report.open if len(f.paths) >= 1)
    reworded = dataclasses.replace(listed, message=listed.message + " and 1 more", paths=(*listed.paths, "systems[9].rpo"))
    assert finding_key(reworded) == finding_key(listed)
    other = dataclasses.replace(listed, paths=("systems[9].rpo", *listed.paths))
    assert finding_key(other) != finding_key(listed)  # about another field first: another finding
    s.close()


def test_revise_a_published_version_refuses_to_overwrite_a_draft(root):
    s = Session.new_client("Acme", root=root, today=TODAY)
    with pytest.raises(SessionError, match="unpublished draft"):
        Session.open(s.workspace, version="1.0", lock=False)
    s.close()


def test_unreadable_draft_is_a_message_not_a_traceback(root):
    ws = Workspace.create(root / "broken", "Broken")
    ws.draft_path.write_text("tiers: [\n")
    with pytest.raises(SessionError, match="draft.yaml"):
        Session.open(ws)


def test_kind_reads_both_vocabularies():
    class F:
        kind = "unanswered"
    assert kind_of(F()) == "question"
    F.kind = "evidence"
    assert kind_of(F()) == "evidence"


def test_edits_and_background_evaluation_interleave_safely(root):
    s = Session.new_client("Acme", template="healthcare-hipaa", root=root, today=TODAY)
    results, stop = [], threading.Event()

    def evaluate_repeatedly():
        while not stop.is_set():
            r = s.evaluate()
            if r is not None:
                results.append(r.revision)

    worker = threading.Thread(target=evaluate_repeatedly)
    worker.start()
    for i in range(60):
        s.add("systems", {"id": f"extra-{i}", "tier": "T1"})
    stop.set()
    worker.join()
    assert results == sorted(results)
    final = s.evaluate()
    assert final.revision == s.revision
    from workbench.rules import evaluate

    full = evaluate(s.policy, TODAY)
    assert [f.to_dict() for f in final.report.findings] == [f.to_dict() for f in full.findings]
    s.close()


def test_incremental_findings_match_a_full_evaluation_after_each_edit(root):
    from workbench.rules import evaluate

    s = Session.new_client("Acme", template="saas-startup", root=root, today=TODAY)
    s.evaluate()
    edits = [("set", "tiers[0].rpo", "1d"), ("set", "systems[2].tier", "T3"), ("add", "systems", {"id": "new"}),
             ("set", "policy.approved_on", "2026-06-01"), ("remove", "systems[0]", None)]
    for op, path, value in edits:
        getattr(s, op)(path, value) if op != "remove" else s.remove(path)
        got = s.evaluate()
        assert [f.to_dict() for f in got.report.findings] == [f.to_dict() for f in evaluate(s.policy, TODAY).findings]
    s.undo()
    assert len(s.evaluate().report.findings) == len(evaluate(s.policy, TODAY).findings)
    s.close()


def test_a_large_draft_is_saved_as_json_and_read_back(root):
    from benchmarks.generate import policy

    s = Session.new_client("Big", root=root, today=TODAY)
    for system in policy(520).systems:
        s.add("systems", system.model_dump(exclude_none=True))
    s.close()
    assert s.workspace.draft_path.read_text().startswith("{")
    again = Session.open(s.workspace, today=TODAY)
    assert len(again.policy.systems) == 520 and again.policy.systems[7] == s.policy.systems[7]
    again.close()


def test_session_and_questions_import_without_textual():
    code = "import sys, workbench.app.session, workbench.app; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_new_id_renames_the_item_where_others_name_it_in_one_undo_step(tmp_path):
    """A reviewer typed a new id for system prod_db: schedule nightly and restore test RT-2 still named prod_db, and
    a blocker said the renamed system was in no schedule. The references are renamed with it; undo puts all back."""
    from workbench.app.session import Session

    session = Session.demo(root=tmp_path, today=TODAY, lock=False)
    policy = session.policy
    old = policy.systems[0].id
    named = [(i, sc.id) for i, sc in enumerate(policy.schedules) if old in sc.systems]
    tested = [i for i, t in enumerate(policy.restore_tests) if t.system == old]
    assert named and tested
    session.answer("systems[0].id", "orders-db")
    assert policy.systems[0].id == "orders-db"
    assert all("orders-db" in policy.schedules[i].systems and old not in policy.schedules[i].systems for i, _ in named)
    assert all(policy.restore_tests[i].system == "orders-db" for i in tested)
    session.undo()
    assert policy.systems[0].id == old and all(policy.restore_tests[i].system == old for i in tested)
    # an id another system has already is not a rename: the references stay (REF-001 reports the duplicate)
    other = policy.systems[1].id
    session.answer("systems[0].id", other)
    assert all(policy.restore_tests[i].system == old for i in tested)


def test_follow_ups_and_source_notes_move_with_their_item_when_another_is_deleted(root):
    """A reviewer deleted file-share from the systems table: the follow-up about the workstations (by position,
    systems[5]) then asked about the system that had moved into its place."""
    s = Session.new_client("Acme", template="saas-startup", root=root, today=TODAY)
    ids = [a.id for a in s.policy.systems]
    assert len(ids) >= 5
    s.add("follow_ups", {"id": "FU-1", "question": "Is it excluded?", "field": "systems[4].exclusion"})
    s.add("follow_ups", {"id": "FU-2", "question": "What RPO?", "field": "systems[1].rpo"})
    s.set_source("systems[3].owner", "per the CTO")
    s.remove("systems[1]")
    fu1, fu2 = s.policy.follow_ups[-2:]
    assert fu1.field == "systems[3].exclusion" and s.policy.systems[3].id == ids[4]  # still the same system
    assert fu2.field is None and fu2.status == "dropped"  # it asked about the deleted system
    assert s.source_of("systems[2].owner") == "per the CTO" and s.source_of("systems[3].owner") == ""
    s.undo()  # one step brings the system, the follow-ups and the note back as they were
    assert [a.id for a in s.policy.systems] == ids
    assert (fu1.field, s.policy.follow_ups[-1].field, s.policy.follow_ups[-1].status) == \
        ("systems[4].exclusion", "systems[1].rpo", "open")
    assert s.source_of("systems[3].owner") == "per the CTO"
    # the table's delete of selected rows, last first, in one change
    s.apply_many("Delete 2 systems", [("remove", "systems[3]"), ("remove", "systems[0]")])
    assert s.policy.follow_ups[-2].field == "systems[2].exclusion" and s.policy.systems[2].id == ids[4]
    s.undo()
    # an item inserted before it moves it down
    s.add("systems", {"id": "new-one"}, 0)
    assert s.policy.follow_ups[-2].field == "systems[5].exclusion" and s.policy.systems[5].id == ids[4]
    s.close()


def test_opening_the_same_file_again_resumes_its_draft_and_a_changed_file_starts_afresh(root, tmp_path):
    """`workbench open lakeside.yaml` a second time opened "Lakeside (2)" with none of the answers given since:
    to the person, the work looked lost."""
    from workbench.spec import dumps
    from workbench.templates import load_template

    spec = tmp_path / "lakeside.yaml"
    p = load_template("saas-startup")
    p.organization.name = "Lakeside Dental"
    spec.write_text(dumps(p, "yaml"))
    first = Session.from_file(spec, root=root, today=TODAY)
    first.set("organization.industry", "Dental care")
    first.close()
    again = Session.from_file(spec, root=root, today=TODAY)
    assert again.workspace.path == first.workspace.path and again.policy.organization.industry == "Dental care"
    assert again.origin == "resumed draft, first opened from lakeside.yaml"
    again.close()
    spec.write_text(spec.read_text().replace("Lakeside Dental", "Lakeside Dental Group"))
    changed = Session.from_file(spec, root=root, today=TODAY)  # another file now: a client of its own
    assert changed.workspace.path != first.workspace.path and changed.policy.organization.industry != "Dental care"
    changed.close()
    assert len(list_clients(root)) == 2


def test_a_closed_terminal_saves_the_answer_given_in_the_last_second(tmp_path):
    """A reviewer closed the terminal (tmux kill-session) 0.4 s after pressing Enter on an answer: autosave
    writes within a second, and the answer was gone at the next start. A hang-up now saves, then ends."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(f"""
        import os, signal
        from workbench.app import _save_on_hangup
        from workbench.app.session import Session

        class App:  # what the handler needs of the app: its open session
            session = Session.new_client("Hangup Dental", root={str(tmp_path)!r})
            def exit(self): pass

        app = App()
        app.session.save_draft()
        app.session.set("organization.industry", "Dental care")  # entered, not yet autosaved
        assert app.session.dirty
        _save_on_hangup(app)
        os.kill(os.getpid(), signal.SIGHUP)
        raise SystemExit("still running after SIGHUP")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 128 + 1, done.stderr[-2000:]
    (draft,) = tmp_path.glob("**/draft.yaml")
    assert "industry: Dental care" in draft.read_text()
    assert not list(tmp_path.glob("**/*.lock"))  # the client's lock is released with it


def test_a_grouped_question_split_by_an_answer_is_not_marked_new(root, tmp_path):
    """"Which region or site is msp-backup in? ... The same holds for msp-cloud (2 targets in all)": answering
    for msp-backup left "Which region or site is msp-cloud in?" marked NEW, though it was asked all along."""
    from workbench.spec import dumps
    from workbench.spec.model import Policy

    policy = Policy.model_validate({
        "tiers": [{"id": "T1", "rank": 1, "rpo": "1d", "rto": "1d"}],
        "systems": [{"id": "ehr", "environment": "prod", "tier": "T1", "region": "us-east-1"}],
        "schedules": [{"id": "nightly", "systems": ["ehr"], "interval": "1d", "targets": ["msp-backup", "msp-cloud"]}],
        "targets": [{"id": "msp-backup"}, {"id": "msp-cloud"}],
    })
    spec = tmp_path / "client.yaml"
    spec.write_text(dumps(policy))
    s = Session.from_file(spec, root=root, today=TODAY)
    before = [f for f in s.evaluate().report.open if f.rule == "COPY-002"]
    assert [f.subjects for f in before] == [("msp-backup", "msp-cloud")]
    s.set("targets[0].region", "us-east-1")  # in ehr's own region: the question stays for msp-cloud alone
    after = s.evaluate()
    (left,) = [f for f in after.report.open if f.rule == "COPY-002"]
    assert left.subjects == ("msp-cloud",) and not after.is_new(left)
    # a finding about a subject nobody was asked about before is still new
    s.set("targets[1].region", "us-east-1")  # msp-cloud: in ehr's own region, no copy elsewhere now
    (gap,) = [f for f in s.evaluate().report.open if f.rule == "COPY-002"]
    assert gap.kind == "gap" and s.last.is_new(gap)
    s.close()
