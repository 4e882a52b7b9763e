"""Screenshots of the roles matrix and the exceptions register, made by the app.

    .venv/bin/python screenshots/make_roles_screenshots.py     # SVGs; then make_screenshots.py --png for PNGs

The demo client with a fixed date and clock in a private data folder, prepared as the snapshot tests
prepare it (tests/app/test_roles_snapshots.py): a member added without MFA (the matrix marks it beside
the separation-of-duties conflict the demo ships with), and an exceptions register with one exception of
each standing (expired, expiring within 30 days, without expiry, active).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

CLOCK = dt.datetime(2026, 6, 30, 10, 0, 0)

#: name, size, how the client is prepared, keys pressed once it is open
SHOTS = [
    ("roles-matrix", (120, 40), "demo_with_member_without_mfa", ["f9", "members", "down", "down", "down"]),
    ("exceptions-register", (120, 40), "demo_with_register", ["f10", "down"]),
]


async def _shoot(name: str, size, prepare: str, keys, root: Path) -> Path:
    from tests.app import test_roles_snapshots as prepared
    from tests.app.conftest import TODAY
    from tests.app.helpers import settle
    from tests.app.test_roles_exceptions import idle
    from workbench.app.app import WorkbenchApp

    getattr(prepared, prepare)(root)
    app = WorkbenchApp(demo=True, today=TODAY, clock=lambda: CLOCK)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            if key == "members":
                app.screen.query_one("#rm-members").focus()
            else:
                await pilot.press(key)
            await idle(pilot)
        path = HERE / f"{name}.svg"
        app.save_screenshot(str(path))
        app.session.close()
    return path


def main() -> int:
    for name, size, prepare, keys in SHOTS:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["WORKBENCH_DATA_DIR"] = tmp
            print(asyncio.run(_shoot(name, size, prepare, keys, Path(tmp) / "workspaces")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
