"""Screenshots of the release screens (review, written policy, changes, publish, history), made by the app.

    .venv/bin/python screenshots/make_release_screenshots.py     # SVGs; then make_screenshots.py --png for PNGs

The demo client with a fixed date and clock in a private data folder: version 1.0 is published (its two
blockers accepted as exceptions), then the draft cuts one retention (35d -> 30d), as a reviewer would.
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

TODAY = dt.date(2026, 6, 30)
CLOCK = dt.datetime(2026, 6, 30, 10, 0, 0)

#: name, size, keys pressed once the client is open, whether the client has version 1.0 and a revision
SHOTS = [
    ("review", (120, 40), ["f6"], False),
    ("review-written-policy", (120, 40), ["f6", "shift+tab", "right", "right", "right"], False),  # to the tab strip
    ("changes-view", (120, 40), ["f7"], True),
    ("publish", (120, 40), ["f7", "p"], True),
    ("history", (120, 40), ["f8", "d"], True),
]


def _revised(root: Path) -> str:
    from tests.app.test_release import published_demo
    from workbench.app.session import Session

    ws = published_demo(root)
    session = Session.open(ws, today=TODAY)
    session.set("targets[3].retention.daily", "30d")
    session.close()
    return str(ws.path)


async def _shoot(name: str, size, keys, revised: bool, root: Path) -> Path:
    from textual.widgets import Input

    from tests.app.helpers import settle
    from tests.app.test_release import idle
    from workbench.app.app import WorkbenchApp

    target = _revised(root) if revised else None
    app = WorkbenchApp(target=target, demo=not revised, today=TODAY, clock=lambda: CLOCK)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await idle(pilot)
        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        await idle(pilot)
        path = HERE / f"{name}.svg"
        app.save_screenshot(str(path))
        if app.session is not None:
            app.session.close()
    return path


def main() -> int:
    for name, size, keys, revised in SHOTS:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["WORKBENCH_DATA_DIR"] = tmp
            print(asyncio.run(_shoot(name, size, keys, revised, Path(tmp) / "workspaces")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
