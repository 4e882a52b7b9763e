"""The interview app's speed: launch to first frame, edit to updated gap panel, memory.

    python benchmarks/bench_app.py [--runs 5] [--sizes 1000 5000]

1. Launch: a fresh process from start to the first frame that shows the demo
   client's findings, against a bare Textual app (header, label, footer) to
   its first frame, in the same run, interleaved. Both headless; the ratio is
   the figure (the machine is shared and noisy: min and median), given for
   the wall clock and for the CPU time each process used by its first frame.
   The app starts as `workbench demo` starts it (``run_app``): the garbage
   collector held from before its imports until that frame; the bare app is
   Textual's own start, untouched.
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

BARE = PEAK + """
import time
from textual.app import App
from textual.widgets import Header, Label, Footer
class Bare(App):
    def compose(self):
        yield Header(); yield Label("Hello"); yield Footer()
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        print("READY", peak_kb(), time.process_time(), flush=True)
        self.exit()
Bare().run(headless=True, size=(120, 40))
"""

APP = PEAK + """
import datetime as dt, sys, time
from workbench.app import pause_collector
pause_collector()  # as run_app (what `workbench demo` calls) does, from before the app's imports
from workbench.app.app import WorkbenchApp
from workbench.app.screens import interview
shown = interview.InterviewScreen._show
def _show(self, derived):
    shown(self, derived)
    if derived.evaluation.report.findings:
        self.app.call_after_refresh(lambda: (print("READY", peak_kb(), time.process_time(), flush=True),
                                             self.app.exit()))
interview.InterviewScreen._show = _show
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
            return elapsed, int(line.split()[1]), float(line.split()[2])
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
    print(f"launch to first frame, bare Textual app ({runs} runs, interleaved): {_figures(bare)}")
    print(f"launch to first frame with the demo client's findings: {_figures(app)}")
    print(f"  ratio: min {min(app) / min(bare):.2f}x, median {statistics.median(app) / statistics.median(bare):.2f}x"
          f" (target <= 1.3x)")
    # CPU time is less disturbed by a busy host than the wall clock (a start waits for the CPU, not for I/O)
    print(f"  CPU by the first frame: bare {_figures(bare_cpu)}; app {_figures(app_cpu)}; ratio: min "
          f"{min(app_cpu) / min(bare_cpu):.2f}x, median {statistics.median(app_cpu) / statistics.median(bare_cpu):.2f}x")


def _workspace(n: int, root: Path) -> Path:
    from benchmarks.generate import policy
    from workbench.store import Workspace

    ws = Workspace.create(root / f"client-{n}", f"Client {n}")
    ws.save_draft(policy(n))
    return ws.path


#: Answers typed in the benchmark: a tier's RPO (most rules read the tiers) and the organization's
#: description (few do), alternating between two values.
EDITS = (("tiers[0].rpo", ("30m", "15m")), ("organization.description", ("Analytics SaaS", "B2B analytics")))


def bench_edit(sizes: list[int], runs: int, root: Path) -> None:
    from tests.app.helpers import settle
    from workbench.app.app import WorkbenchApp

    for n in sizes:
        path = _workspace(n, root)

        async def measure() -> dict[str, tuple[list[float], list[float]]]:
            app = WorkbenchApp(target=str(path), lock=False)
            out: dict[str, tuple[list[float], list[float]]] = {p: ([], []) for p, _ in EDITS}
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot, rounds=400)
                screen = app.screen
                for i in range(runs):
                    for field, values in EDITS:
                        screen.jump_to(field)
                        await pilot.pause()
                        await pilot.press("home", "ctrl+k", *values[i % 2], "enter")
                        await settle(pilot, rounds=400)
                        for _ in range(100):  # the frame showing it is drawn after the panel is filled
                            if screen.last_latency is not None:
                                break
                            await pilot.pause(0.01)
                        out[field][0].append(screen.last_latency)
                        out[field][1].append(screen.derived.evaluation.seconds)
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
        if "edit" not in args.skip:
            bench_edit(args.sizes, args.runs, Path(tmp))
        if "memory" not in args.skip:
            bench_memory(env, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
