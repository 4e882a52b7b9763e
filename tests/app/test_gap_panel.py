"""The gap panel updated in place: new findings marked, fixed ones gone, the person's place in the list kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.app import App
from textual.widgets import OptionList

from widgets.gap_panel import MAX_LISTED, GapPanel

from .helpers import run


@dataclass(frozen=True)
class F:
    rule: str
    message: str
    severity: str = "major"
    subject: str = ""
    kind: str = "gap"
    paths: tuple = ()
    fix: str = ""
    accepted: object = None


@dataclass
class R:
    findings: list = field(default_factory=list)

    def readiness(self) -> int:
        return 100 - 10 * len(self.findings)


class PanelApp(App):
    def compose(self):
        yield GapPanel()


def lines(panel: GapPanel) -> list[str]:
    options = panel.query_one("#gap-list", OptionList)
    return [str(options.get_option_at_index(i).prompt).replace("\n", " ").strip()
            for i in range(options.option_count)]


A = F("BR-001", "No owner named for prod-db.", "blocker", "prod-db", fix="Name an owner.")
B = F("BR-002", "RPO of T1 is 24h; the tier says 4h.", "major", "T1")
C = F("BR-003", "Restore test overdue for billing.", "minor", "billing", fix="Run a restore test.")


@run
async def test_an_update_marks_new_findings_and_drops_fixed_ones_in_place():
    app = PanelApp()
    async with app.run_test(size=(80, 30)) as pilot:
        panel = app.query_one(GapPanel)
        panel.show(R([A, B, C]))
        await pilot.pause()
        options = panel.query_one("#gap-list", OptionList)
        first = options.get_option_at_index(0)
        assert [line.split()[1] for line in lines(panel)] == ["BR-001", "BR-002", "BR-003"]
        assert not any("NEW" in line for line in lines(panel))

        d = F("BR-004", "Backups of ledger are not immutable.", "major", "ledger")
        panel.show(R([A, d, C]), is_new=lambda f: f.rule == "BR-004")  # B fixed, D broke
        await pilot.pause()
        shown = lines(panel)
        assert [line.split()[1] for line in shown] == ["BR-001", "BR-004", "BR-003"]
        assert "NEW" in shown[1] and "NEW" not in shown[0] + shown[2]
        assert options.get_option_at_index(0) is first  # the unchanged line was not redrawn

        panel.show(R([A, C]))  # D fixed: its line goes, and it is no longer marked new anywhere
        await pilot.pause()
        assert [line.split()[1] for line in lines(panel)] == ["BR-001", "BR-003"]
        assert "Readiness 80%" in str(panel.query_one("#gap-summary").render())


@run
async def test_the_highlighted_finding_stays_highlighted_when_findings_above_it_change():
    app = PanelApp()
    async with app.run_test(size=(80, 30)) as pilot:
        panel = app.query_one(GapPanel)
        panel.show(R([A, B, C]))
        await pilot.pause()
        options = panel.query_one("#gap-list", OptionList)
        options.highlighted = 2
        await pilot.pause()
        assert panel.highlighted_finding() is C
        panel.show(R([B, C]))  # A fixed: C moves up a line and stays the one highlighted, with its fix shown
        await pilot.pause()
        assert panel.highlighted_finding() is C
        assert "Run a restore test." in str(panel.query_one("#gap-detail").render())


@run
async def test_more_findings_than_listed_end_with_a_line_saying_how_many_more():
    app = PanelApp()
    async with app.run_test(size=(80, 30)) as pilot:
        panel = app.query_one(GapPanel)
        many = [F(f"R-{i:03}", f"finding {i}", subject=str(i)) for i in range(MAX_LISTED + 5)]
        panel.show(R(many))
        await pilot.pause()
        assert lines(panel)[-1].startswith("... and 5 more")
        panel.show(R(many[:MAX_LISTED + 2]))
        await pilot.pause()
        assert len(lines(panel)) == MAX_LISTED + 1 and lines(panel)[-1].startswith("... and 2 more")
        panel.show(R(many[:3]))
        await pilot.pause()
        assert [line.split()[1] for line in lines(panel)] == ["R-000", "R-001", "R-002"]  # no "more" line left



@run
async def test_the_gap_panel_says_permissions_in_plain_words():
    """The demo's ACC-002 says "u-sam holds prod_admin ... delete_recovery_point": the panel reads "administer
    production ... delete backups", as `check` does."""
    from .helpers import make_app, settle

    app = make_app(demo=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert any("delete_recovery_point" in f.message for f in app.session.last.report.findings)
        shown = " ".join(line for line in lines(app.screen.query_one(GapPanel)) if "ACC-002" in line)
        assert "delete backups" in shown and "administer production" in shown
        assert "delete_recovery_point" not in shown and "prod_admin" not in shown
