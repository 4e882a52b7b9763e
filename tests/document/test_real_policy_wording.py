"""The written policy states the answers real policies give (issue 12 §5) in words, never as "None"."""

import datetime as dt
from pathlib import Path

import pytest

from workbench.document import render_markdown
from workbench.rules import evaluate
from workbench.spec import load

SPEC = Path(__file__).resolve().parent.parent / "data" / "real-wording.yaml"


@pytest.fixture(scope="module")
def md():
    p = load(SPEC)
    return render_markdown(p, evaluate(p, dt.date(2026, 6, 30)))


def test_policy_wide_defaults_and_per_system_cadences_are_stated(md):
    assert "All systems shall be restore-tested every 3 months." in md
    assert "Restore tests shall be done by this method: " in md
    assert "The system db shall be restore-tested every month, by automated restores that check every recovery point." in md
    assert "All systems shall keep multiple backup copies besides production." in md
    assert "All systems shall keep at least one immutable or offline copy." in md
    assert "A restore shall be authorised by the system owner." in md
    assert "Restoring a former employee's data shall be requested or approved by HR with Legal." in md


def test_provider_run_controls_retention_from_an_event_and_several_media_read_as_stated(md):
    assert "Heroku runs the schedule that backs up db as part of its service; its SOC 2 report covers how." in md
    assert "| pg-store | immutable, as Heroku keeps it |" in md
    assert "encrypted (protocol not stated)" in md
    assert "Retention on pg-store shall count from end of contract, not from the day a point is made." in md
    assert "| offsite | us-west-2 | disk, tape |" in md


def test_an_exclusion_without_an_approver_still_excludes_and_says_so(md):
    assert "| laptops | files sync to the file share (its data is kept in db) | Pending |" in md
    assert "Excluded; the approval is not recorded yet |" in md


def test_nothing_renders_as_python_none(md):
    assert "None" not in md.replace("None is set", "")


def test_a_schedule_on_named_days_is_written_with_those_days():
    """A schedule "every business day" read as every 3 days in the written policy: the rules take the longest gap
    (Friday to Monday), the policy keeps the days it names, in the saved spec too."""
    from workbench.spec import dumps, loads

    p = load(SPEC)
    p.schedules[0].interval = "every business day"
    text = render_markdown(p, evaluate(p, dt.date(2026, 6, 30)))
    assert "every business day" in text and "every 3 days" not in text
    p.schedules[0].interval = "Mondays and Thursdays"
    text = render_markdown(p, evaluate(p, dt.date(2026, 6, 30)))
    assert "every Monday and Thursday" in text and "every 4 days" not in text
    p.schedules[0].interval = "every business day"
    # a 3-day length worded first (cached by its length) does not lend "3 days" to the business days
    from workbench.document.context import Writer
    from workbench.spec.durations import Duration

    w = Writer(p, evaluate(p, dt.date(2026, 6, 30)), {})
    assert w.human(Duration.parse("3d")) == "3 days" and w.human(p.schedules[0].interval) == "business day"
    again = loads(dumps(p, "yaml"), "yaml")
    assert str(again.schedules[0].interval) == "every business day" and again.schedules[0].interval.days == 3


def test_the_scope_rule_names_the_tiers_that_bring_a_system_into_scope():
    """"Belongs to one of the three most critical tiers" was said of a policy with no tiers, or with five: the
    sentence names the policy's own tiers that count, and leaves them out when there are none."""
    from workbench.spec.model import Tier

    p = load(SPEC)
    md = render_markdown(p, evaluate(p, dt.date(2026, 6, 30)))
    assert "A system is in scope when it runs in production, or holds confidential" in md
    assert "most critical tiers" not in md
    p.tiers = [Tier(id="gold", name="Gold", rank=0), Tier(id="silver", name="Silver", rank=1),
               Tier(id="bronze", name="Bronze", rank=4)]
    md = render_markdown(p, evaluate(p, dt.date(2026, 6, 30)))
    assert "runs in production, belongs to Tier gold (Gold) or Tier silver (Silver), or holds" in md
    assert "Bronze)," not in md.split("A system is in scope when", 1)[1].split("\n", 1)[0]
