"""Benchmark: start-up of the command line against the floor of importing its two big dependencies.

Runs, interleaved, ``python -c "import yaml, pydantic"`` (the floor), ``workbench --help``, ``workbench
rules`` and ``workbench check STARTER`` for each starter, each as a fresh process, and prints the CPU time
(user + system of the child) min / median / max and the ratio of the medians to the floor's median.
Target (issue 9): ``--help`` and ``check`` on one starter <= 1.5x the floor.

Three reference lines (not workbench commands) show where ``check``'s time goes: ``import pydantic`` is
lazy in pydantic v2 (it imports almost nothing), so the floor leaves out what any pydantic model costs;
``from pydantic import BaseModel`` is the import of pydantic proper, "one pydantic model" adds a one-field
model validated once (what any command that validates with pydantic pays at the least: the schema machinery
and the plugin look-up, which imports ``importlib.metadata``), and "spec loaded" is importing
``workbench.spec`` and loading the starter (36 model classes, their validator built on first use, the file
validated).

    .venv/bin/python benchmarks/bench_startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET = 1.5


#: As an installed copy runs: compiled bytecode cached (in a folder of its own, so the tree stays clean),
#: even where the environment says not to write it (PYTHONDONTWRITEBYTECODE makes every start compile
#: every module of the workbench from source, which no installed copy does).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONPYCACHEPREFIX"] = "/tmp/workbench-bench-pycache"


ONE_MODEL = """
import yaml
from pydantic import BaseModel
class One(BaseModel):
    x: int
One(x=1)
"""


def cpu_of(args: list[str]) -> float:
    """CPU seconds (user + system) of one child process running ``args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--instructions", action="store_true",
                    help="also count each case's instructions under valgrind (the same on a busy host)")
    args = ap.parse_args(argv)
    import starters

    from workbench.templates import template_path

    py = sys.executable
    cases = {"floor: import yaml, pydantic": [py, "-c", "import yaml, pydantic"],
             "workbench --help": [py, "-m", "workbench", "--help"],
             "workbench rules": [py, "-m", "workbench", "rules"],
             "ref: from pydantic import BaseModel": [py, "-c", "import yaml; from pydantic import BaseModel"],
             "ref: one pydantic model, validated": [py, "-c", ONE_MODEL]}
    first = template_path(starters.STARTERS[0])
    cases[f"ref: spec loaded ({starters.STARTERS[0]})"] = [
        py, "-c", f"from workbench.spec import load; load({str(first)!r})"]
    for name in starters.STARTERS:
        cases[f"workbench check {name}"] = [py, "-m", "workbench", "check", str(template_path(name))]
    runs: dict[str, list[float]] = {k: [] for k in cases}
    for cmd in cases.values():
        cpu_of(cmd)  # compile and cache the bytecode once
    for _ in range(args.repeat):
        for k, cmd in cases.items():  # interleaved: a busy minute hits every case alike
            runs[k].append(cpu_of(cmd))
    floor = statistics.median(runs["floor: import yaml, pydantic"])
    print(f"CPU seconds of a fresh process, {args.repeat} runs each, interleaved (min / median / max)")
    worst_check = 0.0
    for k, xs in runs.items():
        med = statistics.median(xs)
        ratio = med / floor
        if k.startswith("workbench check"):
            worst_check = max(worst_check, ratio)
        print(f"{k:<42} {min(xs):.3f} / {med:.3f} / {max(xs):.3f} s   {ratio:4.2f}x the floor")
    print(f"--help: {statistics.median(runs['workbench --help']) / floor:.2f}x; worst check: {worst_check:.2f}x "
          f"(target <= {TARGET}x)")
    if args.instructions:
        print_instructions(cases)
    return 0


def instructions_of(args: list[str]) -> int:
    """Instructions one run of ``args`` executes, counted by valgrind (cachegrind)."""
    import re

    done = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                           *args], capture_output=True, text=True, cwd=ROOT, env=ENV)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if not found:
        raise RuntimeError(f"no count: {done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def print_instructions(cases: dict[str, list[str]]) -> None:
    """The same cases counted in instructions: a busy host moves CPU time up to 2x, not this count."""
    import shutil

    if not shutil.which("valgrind"):
        print("instructions: valgrind is not installed")
        return
    counts = {k: instructions_of(cmd) for k, cmd in cases.items()}
    floor = counts["floor: import yaml, pydantic"]
    print("instructions of one run each (valgrind), and the ratio to the floor's")
    for k, n in counts.items():
        print(f"{k:<42} {n / 1e9:6.3f} G   {n / floor:4.2f}x the floor")


if __name__ == "__main__":
    sys.exit(main())
