"""Make the README's screenshots from the app itself (SVG), then PNG copies.

    .venv/bin/python screenshots/make_screenshots.py            # SVGs, from the app (headless)
    /path/to/python-with-cairosvg screenshots/make_screenshots.py --png   # PNGs from those SVGs

cairosvg is needed only for the PNGs and is not a dependency of the
workbench: install it in a scratch environment (``python3 -m venv /tmp/cv &&
/tmp/cv/bin/pip install cairosvg``). The app runs on the demo client with a
fixed date and clock, in a private data folder, so the pictures are the same
on every machine.
"""

from __future__ import annotations

import argparse
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

#: name, terminal size, what to do before the picture (a coroutine taking the pilot)
SHOTS: list[tuple[str, tuple[int, int], str]] = [
    ("start-first-launch", (100, 30), "start"),
    ("interview-tiers", (120, 40), "tiers"),
    ("interview-systems", (120, 40), "systems"),
    ("interview-help", (120, 40), "help"),
    ("dont-know-follow-up", (120, 40), "follow_up"),
    ("accept-exception", (120, 40), "exception"),
    ("narrow-80x24", (80, 24), "tiers"),
    ("narrow-80x24-gaps", (80, 24), "gaps"),
    ("wide-160x50", (160, 50), "systems"),
]


async def _shoot(name: str, size: tuple[int, int], scene: str) -> Path:
    from textual.widgets import Input, TextArea

    from tests.app.helpers import settle
    from workbench.app.app import WorkbenchApp

    app = WorkbenchApp(demo=scene != "start", today=TODAY, clock=lambda: CLOCK)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if scene != "start":
            await settle(pilot)
            screen = app.screen
            if scene in ("tiers", "help", "follow_up"):
                screen.jump_to("tiers[1].rpo")
            elif scene == "systems":
                screen.jump_to("systems[3].tier")
            elif scene == "gaps":
                screen.jump_to("tiers[1].rpo")
                await settle(pilot)
                await pilot.press("ctrl+g")
            elif scene == "exception":
                screen.query_one("#gap-list").focus()
            await settle(pilot)
            if scene == "help":
                await pilot.press("f1")
            elif scene == "follow_up":
                await pilot.press("f2")
                await pilot.pause()
                await pilot.press(*"Head of Data Platform")
            elif scene == "exception":
                await pilot.press("down", "a")
                await pilot.pause()
                await pilot.press(*"Warehouse is rebuilt from the event store within a day; the analytics team "
                                  "signs off each quarter")
            await pilot.pause()
        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        for widget in app.screen.query(TextArea):
            widget.cursor_blink = False
        await pilot.pause()
        path = HERE / f"{name}.svg"
        app.save_screenshot(str(path))
        if app.session is not None:
            app.session.close()
        return path


def make_svgs() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WORKBENCH_DATA_DIR"] = tmp
        for name, size, scene in SHOTS:
            print(asyncio.run(_shoot(name, size, scene)))


def make_pngs() -> None:
    import cairosvg  # a scratch environment only; see the module docstring

    for svg in sorted(HERE.glob("*.svg")):
        png = svg.with_suffix(".png")
        # Textual's SVG asks for Fira Code; where it is missing, cairo falls back to a proportional font whose
        # wider glyphs run over the cell positions (and eat the spaces between styled words): name a
        # monospace font that Debian and most machines have first
        text = svg.read_text(encoding="utf-8").replace("font-family: Fira Code, monospace;",
                                                       'font-family: "DejaVu Sans Mono", "Fira Code", monospace;')
        cairosvg.svg2png(bytestring=text.encode("utf-8"), write_to=str(png), output_width=1400)
        print(png)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--png", action="store_true", help="convert the SVGs here to PNG (needs cairosvg)")
    args = parser.parse_args()
    make_pngs() if args.png else make_svgs()
    return 0


if __name__ == "__main__":
    sys.exit(main())
