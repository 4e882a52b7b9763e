"""Roles matrix and exceptions register (issue 13 items 2 and 3): Pilot tests of the flows a person goes through.

The matrix and the register are checked against the interview's gap panel each time: they show the
same evaluation of the same policy, so a conflict marked in one is listed in the other.
"""

from __future__ import annotations

import datetime as dt

from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Select, Static

from workbench.app.screens.exceptions import ExceptionsScreen
from workbench.app.screens.interview import InterviewScreen
from workbench.app.screens.roles import RolesScreen
from widgets.gap_panel import GapPanel

from .conftest import TODAY
from .helpers import make_app, run, settle


async def idle(pilot, rounds: int = 60) -> None:
    """Until the screen on top shows the session's current revision (and the interview below it too)."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)
        screen = app.screen
        shown = getattr(screen, "shown_revision", None)
        interview = next((s for s in app.screen_stack if isinstance(s, InterviewScreen)), None)
        behind = interview is not None and interview._shown_revision != app.session.revision
        if (shown is None or shown == app.session.revision) and not behind:
            await pilot.pause()
            return
    raise AssertionError("the screen did not settle")


def panel_findings(app) -> list:
    """What the interview's gap panel lists (open findings), wherever the interview is in the stack."""
    interview = next(s for s in app.screen_stack if isinstance(s, InterviewScreen))
    return interview.query_one(GapPanel).findings


def cell(screen, table: str, row: int, column: int) -> str:
    return str(screen.query_one(table, DataTable).get_cell_at(Coordinate(row, column)))


def reasons(screen) -> str:
    return str(screen.query_one("#rm-reasons", Static).content)


def role_row(app, role_id: str) -> int:
    return next(i for i, r in enumerate(app.session.policy.roles) if r.id == role_id)


# -- roles and people -------------------------------------------------------------------------------
@run
async def test_a_member_without_mfa_is_marked_in_the_matrix_until_mfa_is_set():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, RolesScreen)
        row = role_row(app, "backup-operator")
        screen.query_one("#rm-matrix", DataTable).move_cursor(row=row, column=0)
        await idle(pilot)
        assert not cell(screen, "#rm-matrix", row, 0).lstrip().startswith("!")
        # add a member without MFA
        await pilot.press("a")
        await idle(pilot)
        dialog = app.screen
        await pilot.press(*"u-lee")
        dialog.query_one("#mem-name", Input).value = "Lee Park"
        dialog.query_one("#mem-mfa", Select).value = "no"
        dialog.query_one("#mem-login", Input).value = "2026-06-20"
        dialog.query_one("#mem-id", Input).focus()
        await pilot.press("enter")
        await idle(pilot)
        assert app.screen is screen
        assert "u-lee" in app.session.policy.roles[row].members
        # the conflict is in the matrix: the role's row and MFA cell, the member's row and MFA cell, the reason
        assert cell(screen, "#rm-matrix", row, 0).startswith("!")
        assert cell(screen, "#rm-matrix", row, 1).startswith("!")
        members = screen.query_one("#rm-members", DataTable)
        lee = app.session.policy.roles[row].members.index("u-lee")
        assert cell(screen, "#rm-members", lee, 0) == "!u-lee"
        assert cell(screen, "#rm-members", lee, 1) == "!NO"
        assert "ACC-001" in cell(screen, "#rm-members", lee, 5)
        assert "u-lee has no MFA enrolled" in reasons(screen)
        # ... and the gap panel lists the same finding
        assert any(f.rule == "ACC-001" and f.subject == "u-lee" for f in panel_findings(app))
        # the member gets MFA: the marks go, and the gap panel agrees
        members.focus()
        members.move_cursor(row=lee)
        await idle(pilot)
        assert "u-lee has no MFA enrolled" in reasons(screen)  # the member's own reason
        await pilot.press("e")
        await idle(pilot)
        app.screen.query_one("#mem-mfa", Select).value = "yes"
        app.screen.query_one("#mem-name", Input).focus()
        await pilot.press("enter")
        await idle(pilot)
        assert cell(screen, "#rm-members", lee, 0) == "u-lee"
        assert cell(screen, "#rm-members", lee, 1) == "yes"
        assert not cell(screen, "#rm-matrix", row, 1).startswith("!")
        assert not any(f.rule == "ACC-001" and f.subject == "u-lee" for f in panel_findings(app))
        # undo brings the missing MFA back; undo again removes the member and the person in one step
        await pilot.press("ctrl+z")
        await idle(pilot)
        assert cell(screen, "#rm-members", lee, 1) == "!NO"
        assert any(f.rule == "ACC-001" and f.subject == "u-lee" for f in panel_findings(app))
        await pilot.press("ctrl+z")
        await idle(pilot)
        assert "u-lee" not in app.session.policy.roles[row].members
        assert "u-lee" not in {x.id for x in app.session.policy.principals}
        assert not any(f.subject == "u-lee" for f in panel_findings(app))
        # redo adds both again
        await pilot.press("ctrl+y")
        await idle(pilot)
        assert "u-lee" in app.session.policy.roles[row].members
        assert "u-lee" in {x.id for x in app.session.policy.principals}


@run
async def test_the_separation_of_duties_conflict_is_marked_and_a_toggle_clears_it():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.show_step("access")
        await settle(pilot)
        await pilot.press("f9")
        await idle(pilot)
        screen = app.screen
        prod, sec = role_row(app, "prod-admin"), role_row(app, "backup-security-admin")
        matrix = screen.query_one("#rm-matrix", DataTable)
        columns = [c.key.value for c in matrix.ordered_columns]
        prod_col, delete_col = columns.index("prod_admin"), columns.index("delete_recovery_point")
        # u-sam is a production admin who can delete recovery points: both cells are marked, with the reason
        assert cell(screen, "#rm-matrix", prod, prod_col) == "!✓"
        assert cell(screen, "#rm-matrix", sec, delete_col) == "!✓2"
        matrix.move_cursor(row=sec, column=delete_col)
        await idle(pilot)
        assert "ACC-002 blocker" in reasons(screen) and "u-sam can administer production" in reasons(screen)  # in plain words, as the gap panel
        assert any(f.rule == "ACC-002" for f in panel_findings(app))
        # revoke prod_admin on the prod-admin role: the conflict goes from the matrix and the gap panel
        matrix.move_cursor(row=prod, column=prod_col)
        await pilot.press("space")
        await idle(pilot)
        assert "prod_admin" not in app.session.policy.roles[prod].permissions
        assert cell(screen, "#rm-matrix", prod, prod_col) == "·"
        assert cell(screen, "#rm-matrix", sec, delete_col) == "✓2"
        assert not any(f.rule == "ACC-002" for f in panel_findings(app))
        # undo: granted and marked again
        await pilot.press("ctrl+z")
        await idle(pilot)
        assert cell(screen, "#rm-matrix", prod, prod_col) == "!✓"
        assert any(f.rule == "ACC-002" for f in panel_findings(app))
        # remove u-sam from prod-admin: the conflict goes; back in the interview its roles table shows it too
        matrix.move_cursor(row=prod, column=0)
        members = screen.query_one("#rm-members", DataTable)
        members.focus()
        members.move_cursor(row=app.session.policy.roles[prod].members.index("u-sam"))
        await pilot.press("delete")
        await idle(pilot)
        assert "u-sam" not in app.session.policy.roles[prod].members
        assert cell(screen, "#rm-matrix", prod, prod_col) == "✓"
        assert not any(f.rule == "ACC-002" for f in panel_findings(app))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        from widgets.item_table import ItemTable

        table = app.screen.query_one("#items-roles", ItemTable)
        assert "u-sam" not in " ".join(str(c) for c in table.rows[prod])


# -- the exceptions register ------------------------------------------------------------------------
def register_row(screen, exc_id: str) -> list[str]:
    table = screen.query_one("#exc-table", DataTable)
    for i in range(table.row_count):
        if cell(screen, "#exc-table", i, 1) == exc_id:
            return [str(c) for c in table.get_row_at(i)]
    raise AssertionError(f"{exc_id} is not in the register")


@run
async def test_accept_renew_and_retire_an_exception_in_the_register():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, ExceptionsScreen)
        assert screen.query_one("#exc-table", DataTable).row_count == 0
        # accept: choose the finding (ACC-002 comes first, the worst), then why, who, until when
        await pilot.press("a")
        await idle(pilot)
        await pilot.press("enter")
        await idle(pilot)
        await pilot.press(*"break-glass account, reviewed weekly")
        app.screen.query_one("#exc-by", Input).value = "Sam Okafor"
        app.screen.query_one("#exc-until", Input).value = (TODAY + dt.timedelta(days=20)).isoformat()
        await pilot.press("enter")
        await idle(pilot)
        assert app.screen is screen
        [exc] = app.session.policy.exceptions
        assert exc.rule == "ACC-002" and exc.scope == "u-sam"
        row = register_row(screen, exc.id)
        assert row[0] == "~ in 20d"  # soon expiring: a text marker, not only a colour
        assert row[6] == "1 finding"
        assert "u-sam can administer production" in str(screen.query_one("#exc-detail", Static).content)
        assert not any(f.rule == "ACC-002" for f in panel_findings(app))  # the gap panel agrees: accepted
        # an expiry that is not later than today is refused at the field; the register is unchanged
        await pilot.press("n")
        await idle(pilot)
        app.screen.query_one("#renew-until", Input).value = TODAY.isoformat()
        await pilot.press("enter")
        await pilot.pause()
        assert "after today" in str(app.screen.query_one("#dlg-error", Static).content)
        app.screen.query_one("#renew-until", Input).value = "2027-03-31"
        await pilot.press("enter")
        await idle(pilot)
        assert str(app.session.policy.exceptions[0].expires_on) == "2027-03-31"
        row = register_row(screen, exc.id)
        assert row[0].strip() == "active" and row[5] == "2027-03-31" and row[6] == "1 finding"
        assert not any(f.rule == "ACC-002" for f in panel_findings(app))
        # undo the renewal: it is expiring again
        await pilot.press("ctrl+z")
        await idle(pilot)
        assert register_row(screen, exc.id)[0] == "~ in 20d"
        # retire: gone from the register, and the engine's finding is open again in the gap panel
        await pilot.press("x")
        await idle(pilot)
        await pilot.press("enter")
        await idle(pilot)
        assert app.session.policy.exceptions == []
        assert screen.query_one("#exc-table", DataTable).row_count == 0
        assert any(f.rule == "ACC-002" and f.subject == "u-sam" for f in panel_findings(app))
        # undo the retirement: back in the register, the finding accepted again
        await pilot.press("ctrl+z")
        await idle(pilot)
        assert register_row(screen, exc.id)[6] == "1 finding"
        assert not any(f.rule == "ACC-002" for f in panel_findings(app))


@run
async def test_an_expired_exception_stands_out_and_accepts_nothing(root):
    from workbench.app.session import Session

    session = Session.demo(root=root, today=TODAY)
    report = session.evaluate().report
    acc = next(f for f in report.open if f.rule == "ACC-002")
    session.accept_finding(acc, justification="break-glass", approved_by="Sam Okafor",
                           expires_on=TODAY - dt.timedelta(days=3), approved_on=TODAY - dt.timedelta(days=200))
    session.close()
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await idle(pilot)
        screen = app.screen
        row = register_row(screen, "EXC-1")
        assert row[0] == "! EXPIRED" and row[6] == "nothing"
        assert "1 expired" in str(screen.query_one("#exc-headline", Static).content)
        detail = str(screen.query_one("#exc-detail", Static).content)
        assert "Accepts no finding now" in detail and "EXC-001" in detail and "expired on" in detail
        # the gap panel agrees: the finding is open, and the expired exception is a finding itself
        assert {"ACC-002", "EXC-001"} <= {f.rule for f in panel_findings(app)}


@run
async def test_roles_and_exceptions_are_in_the_footer_and_the_palette():
    app = make_app(demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        keys = {b.key for _, b, enabled, _ in app.screen.active_bindings.values() if b.show and enabled}
        assert {"f9", "f10"} <= keys
        from workbench.app.commands import WorkbenchCommands

        provider = WorkbenchCommands(app.screen)
        texts = [text for text, _, _ in provider._entries()]
        assert "Roles and people (matrix)" in texts and "Exceptions register" in texts


@run
async def test_a_new_client_builds_its_roles_in_the_matrix(root):
    from workbench.app.session import Session

    Session.new_client("Acme Dental", template=None, root=root, today=TODAY).close()
    app = make_app(target="Acme Dental")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await idle(pilot)
        screen = app.screen
        assert "No roles yet" in str(screen.query_one("#rm-role", Static).content)
        await pilot.press("n")
        await idle(pilot)
        await pilot.press(*"backup-admin", "enter")
        await idle(pilot)
        assert [r.id for r in app.session.policy.roles] == ["backup-admin"]
        matrix = screen.query_one("#rm-matrix", DataTable)
        columns = [c.key.value for c in matrix.ordered_columns]
        matrix.move_cursor(row=0, column=columns.index("delete_recovery_point"))
        await pilot.press("space")
        await idle(pilot)
        assert app.session.policy.roles[0].permissions == ["delete_recovery_point"]
        assert cell(screen, "#rm-matrix", 0, columns.index("delete_recovery_point")).endswith("✓")
        await pilot.press("2")
        await idle(pilot)
        assert app.session.policy.roles[0].dual_authorization_for == ["delete_recovery_point"]
        assert cell(screen, "#rm-matrix", 0, columns.index("delete_recovery_point")).endswith("✓2")
        # the role's MFA is not answered yet: the engine asks, and the MFA cell carries the question
        assert cell(screen, "#rm-matrix", 0, 1) == "??"
        assert "Does role backup-admin" in reasons(screen)
        matrix.move_cursor(row=0, column=1)
        await pilot.press("space")
        await idle(pilot)
        assert app.session.policy.roles[0].mfa_required is True
        assert cell(screen, "#rm-matrix", 0, 1) == "yes"
        # review dates: a bad date is refused at the field, nothing changes; a good one is saved
        await pilot.press("r")
        await idle(pilot)
        app.screen.query_one("#rev-last", Input).value = "14 May"
        app.screen.query_one("#rev-every", Input).value = "3mo"
        await pilot.press("enter")
        await pilot.pause()
        assert "YYYY-MM-DD" in str(app.screen.query_one("#dlg-error", Static).content)
        assert app.session.policy.roles[0].last_review_on is None
        app.screen.query_one("#rev-last", Input).value = "2026-05-14"
        await pilot.press("enter")
        await idle(pilot)
        assert str(app.session.policy.roles[0].last_review_on) == "2026-05-14"
        assert "reviewed 2026-05-14" in str(screen.query_one("#rm-role", Static).content)
        # undo takes back the review (two fields, one action), then MFA
        await pilot.press("ctrl+z")
        await idle(pilot)
        assert app.session.policy.roles[0].last_review_on is None and app.session.policy.roles[0].review_interval is None
