"""Review, publish, revise and history: Pilot tests of the flows issue 13 lists, and the plain helpers."""

from __future__ import annotations

import datetime as dt
import os

from textual.widgets import DataTable, Input, OptionList, Static

from workbench.app import release
from workbench.app.screens.changes import ChangesScreen
from workbench.app.screens.history import HistoryScreen
from workbench.app.screens.interview import InterviewScreen
from workbench.app.screens.publish import PublishScreen
from workbench.app.screens.dialogs import ConfirmDialog, ExceptionDialog
from workbench.app.screens.review import ReviewScreen
from workbench.app.session import Session
from workbench.store import Workspace
from widgets.diff_view import DiffView
from widgets.policy_preview import PolicyPreview

from .conftest import TODAY
from .helpers import make_app, run, settle


async def idle(pilot, rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.05)


def accept_blockers(session: Session) -> None:
    """The "fix": accept each open blocker as a documented exception."""
    report = session.evaluate().report
    for f in [f for f in report.open if f.severity == "blocker"]:
        session.accept_finding(f, justification="compensating control in place", approved_by="Sam Okafor",
                               expires_on=TODAY + dt.timedelta(days=90))


def published_demo(root) -> Workspace:
    """The demo client with version 1.0 published (blockers accepted) and closed."""
    session = Session.demo(root=root, today=TODAY)
    accept_blockers(session)
    session.set("policy.approved_on", TODAY)  # the approver signed: an answer, as the publish screen records it
    outcome = release.publish(session.workspace, session.policy, bump="major", approver="Sam Okafor",
                              note="first version", approved_on=TODAY)
    assert outcome.published, outcome.error
    ws = session.workspace
    session.close(save=False)
    return ws


def diff_text(screen) -> str:
    return str(screen.query_one(DiffView).query_one("#diff-text", Static).content)


# -- review ------------------------------------------------------------------------------------------
@run
async def test_review_groups_findings_by_kind_and_previews_the_written_policy():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        open_count = len(app.screen.derived.evaluation.report.open)
        await pilot.press("f6")
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert "2 blockers stop publishing" in str(screen.query_one("#review-headline", Static).content)
        listing = screen.query_one("#review-findings", OptionList)
        prompts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        heads = [p for p in prompts if p.startswith(("Gaps", "Questions to settle", "Evidence"))]
        assert [h.split(" (")[0] for h in heads] == ["Gaps", "Questions to settle", "Evidence"]
        assert sum(int(h.rsplit("(", 1)[1].rstrip(")")) for h in heads) == open_count
        ids = [listing.get_option_at_index(i).id or "" for i in range(listing.option_count)]
        assert sum(1 for i in ids if i.startswith("f")) == open_count
        assert screen.query_one("#review-follow-ups", DataTable).row_count == 4
        preview = screen.query_one(PolicyPreview)
        assert "6. Exceptions" in preview.section_titles
        assert preview.go_to("6. Exceptions")
        # enter on a finding goes back to the interview at its field
        listing.focus()
        listing.highlighted = 1
        await pilot.press("enter")
        await idle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.step.id == "access"


# -- publish: refused, fixed, published ----------------------------------------------------------------
@run
async def test_publish_refused_then_fixed_then_published(data_dir):
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await idle(pilot)
        await pilot.press("p")
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, PublishScreen)
        assert "version 1.0" in str(screen.query_one("#pub-head", Static).content)
        await pilot.press(*"first version", "enter")
        await idle(pilot)
        assert not screen.outcome.published
        blockers = screen.query_one("#pub-blockers", OptionList)
        assert blockers.display and blockers.option_count == 2
        assert not Workspace(app.session.workspace.path).versions()  # nothing written
        # and nothing changed: the approval date the attempt recorded is taken back (it had made the policy
        # read as approved, and its follow-up go away)
        assert app.session.policy.policy.approved_on is None
        await pilot.press("enter")  # the first blocker: back to its field
        await idle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        accept_blockers(app.session)
        await settle(pilot)
        await pilot.press("f6")
        await idle(pilot)
        assert "ready to publish" in str(app.screen.query_one("#review-headline", Static).content)
        await pilot.press("p")
        await idle(pilot)
        # the note typed before the refusal is still there
        assert app.screen.query_one("#pub-note").value == "first version"
        await pilot.press("enter")
        await idle(pilot)
        screen = app.screen
        assert screen.outcome.published
        folder = screen.outcome.result.path
        assert folder.name == "1.0" and (folder / "policy.md").is_file()
        assert str(folder) in str(screen.query_one("#pub-result", Static).content)
        head = str(screen.query_one("#pub-head", Static).content)
        assert "Version 1.0 is published" in head and "will be" not in head  # not the promise any more
        await pilot.press("c")
        assert app.clipboard == str(folder)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert app.session.policy.policy.version == "1.0"
        assert [r.version for r in app.session.policy.revisions][-1] == "1.0"


@run
async def test_publish_needs_approver_and_note():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(PublishScreen(app.session))
        await idle(pilot)
        screen = app.screen
        screen.query_one("#pub-approver", Input).value = ""
        await pilot.press("ctrl+s")
        await idle(pilot)
        text = str(screen.query_one("#pub-result", Static).content)
        assert "the approver" in text and "a note" in text
        assert screen.outcome is None
        # the cursor waits in the first box to fill: typing goes there (a reviewer hunted for it)
        assert screen.focused is screen.query_one("#pub-approver", Input)
        await pilot.press(*"Dana")
        assert screen.query_one("#pub-approver", Input).value == "Dana"


@run
async def test_typing_on_the_publish_screen_goes_into_the_note_at_once():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(PublishScreen(app.session))
        await idle(pilot)
        await pilot.press(*"TESTX")
        await idle(pilot)
        assert app.screen.query_one("#pub-note", Input).value.endswith("TESTX")


# -- revise, changes view, publish the next version, history -----------------------------------------
@run
async def test_revise_a_version_cut_a_retention_see_it_and_publish_the_next(root):
    ws = published_demo(root)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await pilot.press("v")  # revise a version of the highlighted client
        await idle(pilot)
        await pilot.press("enter")  # the latest version is chosen and Revise has the focus: enter revises it
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert app.session.origin == "version 1.0"
        app.screen.jump_to("targets[3].retention.daily")
        await pilot.pause()
        await pilot.press("home", "ctrl+k", *"30d", "enter")
        await settle(pilot)
        await pilot.press("f7")
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, ChangesScreen)
        text = diff_text(screen)
        assert "target vault-backup-usw2: retention.daily 35d → 30d" in text
        assert "Findings that appeared" in text and "Findings that went away" in text
        suggested = screen.diff.suggested_bump
        expected = release.next_version_label(ws, suggested)
        await pilot.press("p")
        await idle(pilot)
        publish = app.screen
        assert publish.query_one("#pub-bump").value == suggested
        shown = str(publish.query_one("#pub-version", Static).content)
        assert f"Publishes version {expected}" in shown
        # the version before was approved on the day the form proposes: said before publishing, not after
        assert ws.records()[-1]["approved_on"] == publish.query_one("#pub-date", Input).value
        assert "approved on the same day as 1.0: if it was approved again, give that date" in shown
        publish.query_one("#pub-date", Input).value = (TODAY + dt.timedelta(days=1)).isoformat()
        await pilot.pause()
        assert "same day" not in str(publish.query_one("#pub-version", Static).content)
        publish.query_one("#pub-date", Input).value = TODAY.isoformat()
        publish.query_one("#pub-note", Input).focus()
        await pilot.press(*"shorter daily retention in usw2", "enter")
        await idle(pilot)
        # a weakening with no reason is asked about before anything is published; enter alone cancels
        assert publish.outcome is None and isinstance(app.screen, ConfirmDialog)
        assert "retention.daily 35d → 30d" in app.screen.note_text
        await pilot.press("enter")
        await idle(pilot)
        assert app.screen is publish and publish.outcome is None
        said = str(publish.query_one("#pub-result", Static).content)
        assert "weakens the policy" in said and "retention.daily 35d → 30d" in said
        assert app.focused is publish.query_one("#pub-reason")
        await pilot.press(*"30 days meet the contract; accepted by Sam Okafor", "enter")
        await idle(pilot)
        assert publish.outcome.published and str(publish.outcome.result.version) == expected
        revision = publish.outcome.result.policy.revisions[-1]
        assert revision.weakens and revision.reason == "30 days meet the contract; accepted by Sam Okafor"
        # the written policy's revision history says the version weakened it, and why
        written = (publish.outcome.result.path / "policy.md").read_text(encoding="utf-8")
        row = next(line for line in written.splitlines() if line.startswith(f"| {expected} "))
        assert "Weakens: " in row and "35d → 30d" in row and "Accepted because: 30 days meet the contract" in row
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f8")
        await idle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert [(r.version, r.status) for r in history.rows] == [(expected, "verified"), ("1.0", "verified")]
        await pilot.press("d")  # the newest against the one before
        await idle(pilot)
        assert "retention.daily 35d → 30d" in diff_text(history)
        await pilot.press("enter")
        await idle(pilot)
        assert "6. Exceptions" in history.query_one(PolicyPreview).section_titles


def test_revising_is_refused_over_unpublished_work(root):
    ws = published_demo(root)
    session = Session.open(ws, today=TODAY)
    session.set("targets[3].retention.daily", "30d")
    session.close()
    try:
        Session.open(ws, version="1.0", today=TODAY)
    except Exception as exc:
        assert "unpublished draft" in str(exc)
    else:
        raise AssertionError("an unpublished draft was replaced")


# -- the plain helpers -------------------------------------------------------------------------------
def test_exception_rows_make_expired_and_expiring_stand_out():
    from workbench.spec.model import Policy

    policy = Policy(exceptions=[
        {"id": "EXC-1", "rule": "COPY-002", "expires_on": TODAY - dt.timedelta(days=1)},
        {"id": "EXC-2", "rule": "COPY-003", "expires_on": TODAY + dt.timedelta(days=200)},
        {"id": "EXC-3", "rule": "ACC-002", "expires_on": TODAY + dt.timedelta(days=10)},
    ])
    rows = release.exception_rows(policy, TODAY)
    assert [(r.exception.id, r.status) for r in rows] == [("EXC-1", "expired"), ("EXC-3", "expiring"),
                                                          ("EXC-2", "active")]
    assert [r.stands_out for r in rows] == [True, True, False]


def test_history_names_a_changed_file(root):
    ws = published_demo(root)
    md = ws.version_path("1.0") / "policy.md"
    os.chmod(md, 0o644)
    md.write_text(md.read_text("utf-8") + "\nedited afterwards\n", "utf-8")
    [row] = release.history(ws)
    assert not row.verified and "policy.md" in row.problems[0]
    assert row.status == "1 problem"


# -- one client, one editor ------------------------------------------------------------------------------
@run
async def test_a_second_instance_opens_read_only_and_is_told_who_holds_the_client(root):
    first = Session.demo(root=root, today=TODAY)  # the first app, holding the client
    try:
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(pilot)
            app.open_client(str(first.workspace.path))
            await settle(pilot)
            assert isinstance(app.screen, InterviewScreen)
            session = app.session
            assert session.read_only and session.holder["pid"] == os.getpid()
            assert "READ-ONLY" in app.screen.sub_title and f"process {os.getpid()}" in app.screen.sub_title
            assert any("Opened read-only" in str(n.message) for n in app._notifications)
            before = first.workspace.draft_path.read_bytes()
            await pilot.press("f6", "p")
            await idle(pilot)
            await pilot.press(*"sneaky", "enter")
            await idle(pilot)
            assert "Not published" in str(app.screen.query_one("#pub-result", Static).content)
            await pilot.press("escape", "escape")
            await settle(pilot)
            try:
                session.set("organization.name", "Changed")
            except Exception as exc:
                assert "read-only" in str(exc)
            else:
                raise AssertionError("a read-only session took an edit")
        assert first.workspace.draft_path.read_bytes() == before
        assert not first.workspace.versions()
    finally:
        first.close()


def test_a_stale_lock_of_a_dead_process_is_taken_over(root):
    import json

    first = Session.demo(root=root, today=TODAY)
    ws = first.workspace
    first.close()
    lock = ws.path / ".workbench.edit.lock"
    assert not lock.exists()
    lock.write_text(json.dumps({"pid": 999999, "host": "gone", "purpose": "editing",
                                "since": "2026-06-29T17:30:00"}))
    session = Session.open(ws, today=TODAY)
    try:
        assert session.took_over["pid"] == 999999
        assert not session.read_only
    finally:
        session.close()


def test_command_line_publish_is_refused_while_the_client_is_open(root, capsys):
    from workbench.cli import main

    session = Session.demo(root=root, today=TODAY)
    try:
        status = main(["publish", str(session.workspace.draft_path), "--workspace", str(session.workspace.path),
                       "--bump", "major", "--approver", "Sam", "--note", "n", "--no-git"])
        err = capsys.readouterr().err
        assert status != 0
        assert "locked by process" in err and "editing" in err and "since" in err
        assert not session.workspace.versions()
    finally:
        session.close()


@run
async def test_review_findings_wrap_beside_their_severity_and_rule():
    """A long finding's second line starts under the message, not under the severity: the list scans."""
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await idle(pilot)
        listing = app.screen.query_one("#review-findings", OptionList)
        lines = [listing.render_line(y).text for y in range(listing.size.height)]
        first = next(i for i, line in enumerate(lines) if "ACC-002" in line)
        column = lines[first].index("u-sam")
        assert lines[first].lstrip().startswith("blocker")
        assert lines[first + 1][:column].strip() == ""  # the continuation is indented to the message
        assert lines[first + 1][column:].strip()


@run
async def test_review_opens_on_the_first_finding_so_its_keys_work_at_once():
    """F6 then a: the keys in the footer act on the findings without first tabbing into the list."""
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await idle(pilot)
        review = app.screen
        listing = review.query_one("#review-findings", OptionList)
        assert app.focused is listing
        assert review._findings[int(listing.highlighted_option.id[1:])].rule == "ACC-002"
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ExceptionDialog) and app.screen.finding.rule == "ACC-002"
        # the finding in plain words, as the gap panel shows it, not the spec's permission ids
        assert "delete backups" in app.screen.note_text and "delete_recovery_point" not in app.screen.note_text


@run
async def test_a_long_justification_wraps_in_view_and_enter_accepts_it():
    """A justification is a sentence or two: the box wraps it, so the person sees all of it while typing (a
    one-line box showed only its last forty characters), and Enter still accepts; pasted line breaks read as
    spaces."""
    app = make_app(demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await idle(pilot)
        await pilot.press("a")
        await idle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExceptionDialog)
        why = "Break-glass account used only in an incident, reviewed weekly by the security lead and logged"
        cut = why.index(" reviewed")
        await pilot.press(*why[:cut])
        box = dialog.query_one("#exc-why")
        box.insert("\n")  # as a paste of two lines brings it
        await pilot.press(*why[cut:])
        await pilot.pause()
        shown = [line.text for line in box.render_lines(box.region.reset_offset)]
        assert box.size.height >= 2 and box.size.width < len(why)
        assert "".join(shown).split() == why.split(), shown  # every word in view
        until = dialog.query_one("#exc-until", Input)
        until.value = "2099-12-31"  # an accepted risk left for 73 years: refused, with the latest date allowed
        await pilot.press("enter")
        await idle(pilot)
        assert isinstance(app.screen, ExceptionDialog)
        said = str(dialog.query_one("#dlg-error", Static).content)
        assert "revisited at least yearly" in said and (TODAY + dt.timedelta(days=366)).isoformat() in said
        until.value = (TODAY + dt.timedelta(days=180)).isoformat()
        dialog.query_one("#exc-why").focus()
        await pilot.press("enter")
        await idle(pilot)
        assert not isinstance(app.screen, ExceptionDialog)
        assert app.session.policy.exceptions[-1].justification == why


# -- the exceptions register in the review ------------------------------------------------------------------
@run
async def test_accept_renew_and_retire_an_exception_from_the_review():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await idle(pilot)
        review = app.screen
        listing = review.query_one("#review-findings", OptionList)
        listing.focus()
        listing.highlighted = 1  # ACC-002, a blocker
        await pilot.press("a")
        await idle(pilot)
        await pilot.press(*"break-glass account, reviewed weekly")
        dialog = app.screen
        dialog.query_one("#exc-until", Input).value = (TODAY + dt.timedelta(days=20)).isoformat()
        await pilot.press("enter")
        await idle(pilot)
        await settle(pilot)
        assert [e.rule for e in app.session.policy.exceptions] == ["ACC-002"]
        assert review.data.exceptions[0].status == "expiring"  # within 30 days: it stands out
        assert "1 blocker stops publishing" in str(review.query_one("#review-headline", Static).content)
        # renew it for longer
        review.query_one("#review-tabs").active = "tab-exceptions"
        await idle(pilot)
        review.query_one("#review-exceptions", DataTable).focus()
        await pilot.press("n")
        await idle(pilot)
        app.screen.query_one("#renew-until", Input).value = "2027-03-31"
        await pilot.press("enter")
        await idle(pilot)
        assert str(app.session.policy.exceptions[0].expires_on) == "2027-03-31"
        assert review.data.exceptions[0].status == "active"
        # retire it: the finding is open again
        await pilot.press("x")
        await idle(pilot)
        await pilot.press("enter")
        await idle(pilot)
        assert app.session.policy.exceptions == []
        assert "2 blockers stop" in str(review.query_one("#review-headline", Static).content)


def test_the_review_headline_does_not_call_a_policy_with_blockers_simply_ready():
    """At 160x50 the review said "2 blocker, 11 major  ·  ready to publish": true (only a blocker gap stops a
    publish) but it read as a contradiction; it now says why the open blockers do not stop it."""
    from workbench.app.release import Review

    class Report:
        def __init__(self, counts):
            self._counts = counts

        def counts(self):
            return self._counts

    def headline(counts, blockers):
        return Review(report=Report(counts), readiness=79, evidence_readiness=None, groups={}, blockers=blockers,
                      exceptions=[], follow_ups=[], markdown="").headline()

    assert headline({"blocker": 2, "major": 11}, []).endswith(
        "ready to publish (blocker questions and missing evidence do not stop it)")
    assert headline({"blocker": 1}, ["a gap"]).endswith("1 blocker stops publishing")
    # a reviewer read "9 blockers ... 7 blockers stop publishing" as a contradiction
    assert headline({"blocker": 9, "major": 31}, ["gap"] * 7).endswith(
        "7 of the blockers stop publishing (gaps; the other 2 are questions or missing evidence)")
    assert headline({"major": 3}, []).endswith("·  ready to publish")


def test_the_revise_dialog_says_what_enter_does_when_there_is_a_choice():
    """A reviewer pressed enter expecting to choose, and the newest version opened: with several versions the
    dialog says enter revises the newest, and how to choose another."""
    from workbench.app.screens.dialogs import VersionDialog

    several = VersionDialog("Acme", [("2.0  2026-12-03  T2 to 2d", "2.0"), ("1.0  2026-06-30  first", "1.0")])
    assert "Enter revises the newest, 2.0; shift+tab chooses another of the 2 versions" in several.note_text
    assert "shift+tab" not in VersionDialog("Acme", [("1.0  2026-06-30  first", "1.0")]).note_text


@run
async def test_history_of_a_client_never_published_says_how_to_publish():
    """The demo client has no version yet: the history says so and how to make the first, instead of keys (d, m,
    enter) that act on versions there are none of."""
    app = make_app(demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await idle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        said = str(app.screen.query_one("#diff-text", Static).content)
        assert "To publish the first: F6 (review), then p." in said
        assert "m marks a version" not in said


@run
async def test_the_review_lists_two_follow_ups_about_one_field_and_the_publish_form_names_the_stated_version():
    """A file opened with two bad entries of one list set aside made two follow-ups with one field, and F6 crashed
    (the follow-ups table was keyed by field). And the publish form's first line said 'this will be version 1.0'
    while its last said 3.1, the version the spec states."""
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.session.add_follow_up("Which permission was meant?", field="roles[0].permissions")
        app.session.add_follow_up("And this one?", field="roles[0].permissions")
        app.session.set("policy.version", "3.1")
        await settle(pilot)
        await pilot.press("f6")
        await idle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        table = app.screen.query_one("#review-follow-ups")
        assert table.row_count >= 2
        await pilot.press("p")
        await idle(pilot)
        head = str(app.screen.query_one("#pub-head").render())
        assert "this will be version 3.1" in head
