"""SVG snapshots of the roles matrix and the exceptions register at 120x40 and 80x24.

Same conventions as test_snapshots.py: fixed "today" and wall clock, no cursor blink. The matrix is the
demo client's, with the separation-of-duties conflict it ships with (u-sam) and a member added without
MFA; the register holds one exception of each standing (expired, expiring, without expiry, active).
Update after a deliberate change with ``pytest tests/app/test_roles_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from workbench.app.session import Session

from .conftest import TODAY
from .test_roles_exceptions import idle
from .test_snapshots import _app, _steady

SIZES = [(120, 40), (80, 24)]


def demo_with_register(root) -> None:
    """The demo client with four exceptions: expired, expiring in 20 days, no expiry, active."""
    session = Session.demo(root=root, today=TODAY)
    open_ = {f.rule: f for f in session.evaluate().report.open}
    day = dt.timedelta(days=1)
    for rule, until, why in (("TEST-002", TODAY - 3 * day, "tier T2 restore test moved to the Q3 game day"),
                             ("ACC-002", TODAY + 20 * day, "break-glass on-call, reviewed weekly by the CISO"),
                             ("COPY-003", None, "second account in progress (ticket OPS-1182)"),
                             ("SAAS-001", dt.date(2027, 1, 31), "Workspace backup vendor chosen, rollout in Q4")):
        session.accept_finding(open_[rule], justification=why, approved_by="Sam Okafor", expires_on=until,
                               approved_on=dt.date(2026, 3, 2))
    session.close()


def demo_with_member_without_mfa(root) -> None:
    session = Session.demo(root=root, today=TODAY)
    session.add("principals", {"id": "u-lee", "name": "Lee Park", "type": "human", "status": "active",
                               "mfa_enrolled": False, "last_login": "2026-06-20"})
    session.set("roles[0].members", [*session.policy.roles[0].members, "u-lee"])
    session.close()


async def _open(pilot, key: str) -> None:
    await _steady(pilot)
    await pilot.press(key)
    await idle(pilot)
    await pilot.pause(0.05)


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_roles_matrix(snap_compare, root, size):
    demo_with_member_without_mfa(root)

    async def show(pilot):
        await _open(pilot, "f9")
        pilot.app.screen.query_one("#rm-members").focus()
        await pilot.press("down", "down", "down")  # u-lee, the member without MFA: the reason below
        await idle(pilot)

    assert snap_compare(_app(demo=True), terminal_size=size, run_before=show)


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_exceptions_register(snap_compare, root, size):
    demo_with_register(root)

    async def show(pilot):
        await _open(pilot, "f10")

    assert snap_compare(_app(demo=True), terminal_size=size, run_before=show)
