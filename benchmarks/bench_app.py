"""The interview app's speed: launch to first frame, edit to updated gap panel, memory.

    python benchmarks/bench_app.py [--runs 5] [--sizes 1000 5000]

1. Launch: a fresh process from start to the first complete frame, against a
   bare Textual app (header, label, footer) in the same run, interleaved.
   "Complete": the frame drawn shows everything the screen is there for: for
   the app, the demo client's findings in the gap panel, the first step's
   questions with their answers, and the footer's keys; for the bare app, its
   label and its footer's key (Textual draws a few frames before its footer
   is filled, and so did the app's form), drawn with every widget of the
   screen mounted. Both headless, every frame looked at as drawn (that look is
   taken off the figures); the ratio is the figure
   (the machine is shared and noisy: min and median), for the wall clock and
   for the CPU time each process used by that frame. The app starts as
   `workbench demo` starts it (``run_app``: the garbage collector held from
   before its imports until that frame); the bare app is Textual's own start.
   A first run before the timed ones creates the demo client and keeps the
   spec's core schemas, as the first start of an installed copy does.
2. Edit to gap panel: in a running app on a generated policy of N systems,
   the time from an answer being applied to the policy to the frame whose gap
   panel shows the evaluation of that answer being drawn (evaluation, progress
   and step states run in a thread worker; the screen keeps taking keys
   meanwhile), with the gap engine's own share (it is the incremental
   evaluator's, workbench/rules/incremental.py).
3. Memory: peak RSS of a process holding the app open on 5,000 systems,
   against the bare app's.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PEAK = """
def peak_kb():
    # VmHWM starts afresh at exec (ru_maxrss would carry the parent's peak over)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

#: Watches the frames a screen draws (headless: composed, as a terminal would be sent them) and prints READY
#: once one shows everything ``is_complete(screen, text)`` asks for, drawn when every widget on the screen was
#: mounted (composed) already: a frame drawn while some were still on their way is not complete, even if the
#: texts asked for are in it. A frame is read as text only when the cheap ``may_be(screen)`` holds too. The
#: CPU and wall time spent looking at frames is taken off the figures. With BENCH_EXIT_AT_READY set the
#: process ends there (counting instructions, its shutdown is left out).
FRAMES = PEAK + """
import os, time
from textual.screen import Screen
_looking = [0.0, 0.0]
def when_drawn(is_complete, may_be=lambda screen: True):
    refresh = Screen._compositor_refresh
    def watched(self):
        cpu, wall = time.process_time(), time.perf_counter()
        look = (self is self.app.screen and not getattr(self.app, "_drawn", False) and may_be(self)
                and all(node.is_mounted for node in self.walk_children(with_self=False)))
        _looking[0] += time.process_time() - cpu
        _looking[1] += time.perf_counter() - wall
        refresh(self)
        cpu, wall = time.process_time(), time.perf_counter()
        if look:
            update = self._compositor.render_full_update()
            text = "\\n".join("".join(strip.text for strip in line) for line in update.strips)
            if is_complete(self, text):
                self.app._drawn = True
                print("READY", peak_kb(), cpu - _looking[0], _looking[1], flush=True)
                if os.environ.get("BENCH_EXIT_AT_READY"):
                    os._exit(0)
                self.app.exit()
        _looking[0] += time.process_time() - cpu
        _looking[1] += time.perf_counter() - wall
    Screen._compositor_refresh = watched
"""

#: A bare Textual app, to its first frame showing its label and its footer's key (^p palette).
BARE = FRAMES + """
from textual.app import App
from textual.widgets import Header, Label, Footer
class Bare(App):
    def compose(self):
        yield Header(); yield Label("Hello"); yield Footer()
when_drawn(lambda screen, text: "Hello" in text and "palette" in text,
           lambda screen: bool(screen.query("FooterKey")))
Bare().run(headless=True, size=(120, 40))
"""

#: The app as `workbench demo` starts it (run_app holds the garbage collector from before its imports), to its
#: first frame showing the client's findings, the first step's questions and the footer's keys.
APP = FRAMES + """
import datetime as dt, sys
from workbench.app import pause_collector
pause_collector()  # as run_app does, from before the app's imports
from workbench.app.app import WorkbenchApp
from workbench.app.screens.interview import InterviewScreen
def complete(screen, text):
    if not isinstance(screen, InterviewScreen) or screen.derived is None:
        return False
    findings = screen.derived.evaluation.report.findings
    first_question = " ".join(screen.step.questions[0].text.split()[:5])
    return (bool(findings) and any(f.rule in text for f in findings) and first_question in text
            and "Next question" in text)
def may_be(screen):
    fields = screen.query("QuestionField") if isinstance(screen, InterviewScreen) else []
    return bool(fields) and bool(fields.first().children) and bool(screen.query("FooterKey"))
when_drawn(complete, may_be)
target = sys.argv[1] if len(sys.argv) > 1 else None
WorkbenchApp(demo=target is None, target=target, today=dt.date(2026, 6, 30), lock=False).run(
    headless=True, size=(120, 40))
"""


def _launch(code: str, env: dict, *args: str) -> tuple[float, int, float]:
    """Wall seconds to the first frame, peak RSS (kB), and the process's CPU seconds (all threads) by then."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, text=True, cwd=str(ROOT))
    for line in proc.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - started
            proc.wait()
            _, peak, cpu, looking = line.split()
            return elapsed - float(looking), int(peak), float(cpu)
    raise RuntimeError(f"no first frame: {proc.stderr.read()[-2000:]}")


def _figures(samples: list[float]) -> str:
    return (f"min {min(samples) * 1000:.0f} ms, median {statistics.median(samples) * 1000:.0f} ms, "
            f"max {max(samples) * 1000:.0f} ms")


def bench_launch(runs: int, env: dict) -> None:
    _launch(BARE, env)  # compile and cache the bytecode once
    _launch(APP, env)  # first run creates the demo client; later runs resume its draft
    bare, app, bare_cpu, app_cpu = [], [], [], []
    for _ in range(runs):
        wall, _, cpu = _launch(BARE, env)
        bare.append(wall)
        bare_cpu.append(cpu)
        wall, _, cpu = _launch(APP, env)
        app.append(wall)
        app_cpu.append(cpu)
    print(f"launch to the first complete frame, bare Textual app ({runs} runs, interleaved): {_figures(bare)}")
    print(f"launch to the first frame with the demo client's findings, questions and keys: {_figures(app)}")
    print(f"  ratio: min {min(app) / min(bare):.2f}x, median {statistics.median(app) / statistics.median(bare):.2f}x"
          f" (target <= 1.3x)")
    # CPU time is less disturbed by a busy host than the wall clock (a start waits for the CPU, not for I/O)
    print(f"  CPU by the first frame: bare {_figures(bare_cpu)}; app {_figures(app_cpu)}; ratio: min "
          f"{min(app_cpu) / min(bare_cpu):.2f}x, median {statistics.median(app_cpu) / statistics.median(bare_cpu):.2f}x")


def instructions(code: str, env: dict, *args: str) -> int:
    """Instructions a fresh process runs to its first complete frame, counted by valgrind (cachegrind): the
    same on a busy host as on an idle one, where CPU time moves up to 2x from minute to minute. The one look
    at the complete frame (a full render of it, about one frame's work) is counted in."""
    import re

    done = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                           sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=str(ROOT),
                          env={**env, "BENCH_EXIT_AT_READY": "1"})
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if "READY" not in done.stdout or not found:
        raise RuntimeError(f"no count: {done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def bench_launch_instructions(env: dict) -> None:
    import shutil

    if not shutil.which("valgrind"):
        print("launch, instructions: valgrind is not installed")
        return
    _launch(BARE, env)
    _launch(APP, env)
    bare, app = instructions(BARE, env), instructions(APP, env)
    print(f"launch to the first complete frame, instructions (valgrind): bare {bare / 1e9:.3f} G, app "
          f"{app / 1e9:.3f} G: {app / bare:.2f}x (target <= 1.3x)")


def _workspace(n: int, root: Path) -> Path:
    from benchmarks.generate import policy
    from workbench.store import Workspace

    ws = Workspace.create(root / f"client-{n}", f"Client {n}")
    ws.save_draft(policy(n))
    return ws.path


#: Answers typed in the benchmark: a tier's RPO (most rules read the tiers) and the organization's
#: description (few do), alternating between two values.
EDITS = (("tiers[0].rpo", ("30m", "15m")), ("organization.description", ("Analytics SaaS", "B2B analytics")))
#: Edits made as the systems table and the schedule form make them (the session's set), from the edit to the
#: drawn panel: a system moved to another tier, a schedule's interval.
SET_EDITS = (("systems[1].tier", ("T1", "T2")), ("schedules[0].interval", ("1d", "12h")))


def bench_edit(sizes: list[int], runs: int, root: Path) -> None:
    from tests.app.helpers import settle
    from workbench.app.app import WorkbenchApp

    for n in sizes:
        path = _workspace(n, root)

        async def measure() -> dict[str, tuple[list[float], list[float]]]:
            app = WorkbenchApp(target=str(path), lock=False)
            middle = f"systems[{n // 2}]"
            out: dict[str, tuple[list[float], list[float]]] = {
                p: ([], []) for p in [p for p, _ in EDITS + SET_EDITS] + [f"{middle} removed", f"{middle} back (undo)"]}

            async def drawn(key: str) -> None:
                await settle(pilot, rounds=400)
                for _ in range(100):  # the frame showing it is drawn after the panel is filled
                    if screen.last_latency is not None:
                        break
                    await pilot.pause(0.01)
                out[key][0].append(screen.last_latency)
                out[key][1].append(screen.derived.evaluation.seconds)

            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot, rounds=400)
                screen = app.screen
                for i in range(runs):
                    for field, values in EDITS:
                        screen.jump_to(field)
                        await pilot.pause()
                        await pilot.press("home", "ctrl+k", *values[i % 2], "enter")
                        await drawn(field)
                    for field, values in SET_EDITS:
                        app.session.set(field, values[i % 2])
                        await drawn(field)
                    # the systems table's delete in the middle of the inventory, and its undo
                    app.session.remove(middle)
                    await drawn(f"{middle} removed")
                    app.session.undo()
                    await drawn(f"{middle} back (undo)")
            return out

        for field, (samples, engine) in asyncio.run(measure()).items():
            print(f"edit {field} -> updated gap panel drawn at {n:,} systems: {_figures(samples)} "
                  f"(target < 100 ms); of it the gap engine: median {statistics.median(engine) * 1000:.0f} ms")


def bench_memory(env: dict, root: Path) -> None:
    path = _workspace(5000, root)
    _, bare, _ = _launch(BARE, env)
    _, app, _ = _launch(APP, env, str(path))
    print(f"peak RSS, bare Textual app: {bare / 1024:.0f} MB; app open on 5,000 systems: {app / 1024:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--skip", nargs="*", default=[], choices=["launch", "edit", "memory"])
    parser.add_argument("--instructions", action="store_true",
                        help="also count the launch's instructions under valgrind (unmoved by a busy host)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # As an installed copy starts: compiled bytecode cached (in a folder of its own, so the tree stays
        # clean), even where the environment says not to write it (PYTHONDONTWRITEBYTECODE makes every start
        # compile every module of the workbench from source, which no installed copy does).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(WORKBENCH_DATA_DIR=str(Path(tmp) / "data"), PYTHONPATH=str(ROOT),
                   PYTHONPYCACHEPREFIX="/tmp/workbench-bench-pycache")
        os.environ["WORKBENCH_DATA_DIR"] = env["WORKBENCH_DATA_DIR"]
        if "launch" not in args.skip:
            bench_launch(args.runs, env)
            if args.instructions:
                bench_launch_instructions(env)
        if "edit" not in args.skip:
            bench_edit(args.sizes, args.runs, Path(tmp))
        if "memory" not in args.skip:
            bench_memory(env, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
