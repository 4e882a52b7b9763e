"""The interview's step moves and table adds: what a consultant waits for between two answers.

    python benchmarks/bench_interview_steps.py [--runs 5] [--sizes 20 1000] [--profile FILE]

1. ctrl+n into another step: in a running app on a generated policy of N
   systems, the next-question jump to a question of another step (the form
   shows that step, selects the item and puts the cursor in the field), from
   the key to the frame drawn with the cursor there. The moves go round
   organization -> tiers -> systems -> copies -> access -> monitoring -> governance,
   as ctrl+n does in an interview (it goes where the most is at stake, which
   changes step often).
2. Add an item: ``a`` on the systems table and the add form's answers
   submitted, from the submit to the frame drawn with the new row selected and
   the table focused (the step's other answers, the filter and the sort stay).

Each figure is against a floor measured in the same run: a jump to another
question of the same step (no step change). Figures are printed, never
asserted. ``--profile FILE`` writes a cProfile of the moves (pstats).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: One question per step, visited in turn (each is a move into another step).
ROUND = ("organization.name", "tiers[0].rpo", "systems[0].description", "targets[0].region",
         "roles[0].description", "monitoring.report_interval", "policy.review_interval")
#: Same-step floor: two questions of the systems step.
SAME = ("systems[0].description", "systems[0].owner")


def _figures(samples: list[float]) -> str:
    return (f"min {min(samples) * 1000:.0f} ms, median {statistics.median(samples) * 1000:.0f} ms, "
            f"max {max(samples) * 1000:.0f} ms")


def _workspace(n: int, root: Path) -> Path:
    from benchmarks.generate import policy
    from workbench.store import Workspace

    ws = Workspace.create(root / f"client-{n}", f"Client {n}")
    ws.save_draft(policy(n))
    return ws.path


async def _until(pilot, condition, what: str) -> None:
    for _ in range(20000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise RuntimeError(f"{what}: never happened")


async def _drawn(pilot) -> None:
    """Until the next frame is drawn."""
    done = asyncio.Event()
    pilot.app.screen.call_after_refresh(done.set)
    await done.wait()


def _focused_path(screen) -> str | None:
    field = screen._focused_field()
    return field.path if field is not None else None


async def _jump(pilot, screen, path: str) -> float:
    started = time.perf_counter()
    screen.jump_to(path)
    await _until(pilot, lambda: _focused_path(screen) == path, f"cursor in {path}")
    await _drawn(pilot)
    return time.perf_counter() - started


def bench(n: int, runs: int, root: Path, profile: str | None, add: bool = True) -> None:
    from tests.app.helpers import settle
    from workbench.app.app import WorkbenchApp
    from workbench.app.screens.dialogs import AddItemDialog
    from workbench.app.screens.interview import InterviewScreen

    path = _workspace(n, root)

    async def measure() -> tuple[list[float], list[float], list[float], list[float]]:
        app = WorkbenchApp(target=str(path), lock=False)
        moves, first, same, adds = [], [], [], []
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot, rounds=400)
            screen = app.screen
            assert isinstance(screen, InterviewScreen)
            profiler = None
            if profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            for i in range(runs + 1):
                for target in ROUND:
                    took = await _jump(pilot, screen, target)
                    (first if i == 0 else moves).append(took)
                for target in SAME:
                    same.append(await _jump(pilot, screen, target))
                await settle(pilot, rounds=400)
            # add a system: a on the table, the add form filled in, submitted
            await _jump(pilot, screen, "systems[0].description")
            table = screen.query_one("#items-systems")
            for i in range(runs if add else 0):
                table.view.focus()
                await pilot.pause()
                await pilot.press("a")
                await _until(pilot, lambda: isinstance(app.screen, AddItemDialog), "the add form")
                dialog = app.screen
                count = len(app.session.policy.systems)
                for widget in dialog.query("Input"):
                    widget.value = {"add-id": f"bench-{i}"}.get(widget.id, "db")
                started = time.perf_counter()
                dialog.query_one("#dlg-ok").press()
                await _until(pilot, lambda: len(app.session.policy.systems) > count
                             and app.screen is screen and table.view.has_focus
                             and table.current == count, "the new row")
                await _drawn(pilot)
                adds.append(time.perf_counter() - started)
                await settle(pilot, rounds=400)
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(profile)
        return moves, first, same, adds

    moves, first, same, adds = asyncio.run(measure())
    print(f"{n:,} systems: ctrl+n into another step, first visit: {_figures(first)}")
    print(f"{n:,} systems: ctrl+n into another step, visited before: {_figures(moves)}")
    print(f"{n:,} systems: a question of the same step (floor): {_figures(same)}")
    floor = statistics.median(same)
    print(f"  ratio to the floor (median): step move {statistics.median(moves) / floor:.1f}x")
    if adds:
        print(f"{n:,} systems: add a system (submit to new row shown): {_figures(adds)}")
        print(f"  ratio to the floor (median): add {statistics.median(adds) / floor:.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="*", default=[20, 1000])
    parser.add_argument("--no-add", action="store_true", help="measure the step moves only")
    parser.add_argument("--profile", help="write a cProfile of the first size's moves to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WORKBENCH_DATA_DIR"] = str(Path(tmp) / "data")
        for k, n in enumerate(args.sizes):
            bench(n, args.runs, Path(tmp), args.profile if k == 0 else None, not args.no_add)
    return 0


if __name__ == "__main__":
    sys.exit(main())
