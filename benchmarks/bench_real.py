"""Benchmark: the figures of issue 9 on policies built like real ones (the starters, replicated).

For each starter replicated to 1,000 / 5,000 / 10,000 systems (benchmarks/starters.py) prints CPU time
min / median / max and the worst starter for:

* a full ``evaluate``;
* one edit then the findings again, through the app's path (``Editor`` + incremental ``Evaluator``),
  for several kinds of edit (each edit is undone before the next run, so every run does the same work);
* loading the spec from YAML text (``workbench.spec.loads``) against the floor measured in the same run:
  ``yaml.load(text, Loader=yaml.CSafeLoader)`` (cyclic GC paused in both arms, as the loader pauses it);
* the cost per system from 1,000 to 10,000 systems (growth);
* with ``--memory``, the peak memory (max RSS) of ``workbench check`` on the 10,000-system spec, in a child.

The host is shared: read medians and minimums together, and ratios against floors taken in the same run.

    .venv/bin/python benchmarks/bench_real.py [--sizes 1000,5000] [--repeat 5] [--memory] [--starters a,b]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import starters  # noqa: E402

DAY = dt.date(2026, 12, 1)
GOALS = {"evaluate": {1000: 50.0, 5000: 250.0}, "edit": {1000: 20.0, 5000: 100.0}}


def cpu_runs(fn, repeat: int, undo=None) -> list[float]:
    out = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        fn()
        out.append(time.process_time() - t0)
        if undo is not None:
            undo()
    return out


def fmt(xs: list[float], scale: float = 1000.0, unit: str = "ms") -> str:
    return f"{min(xs) * scale:7.1f} / {statistics.median(xs) * scale:7.1f} / {max(xs) * scale:7.1f} {unit}"


def edits(policy):
    """(label, path, value) edits of the kinds the interview makes, on fields every starter has."""
    a = policy.systems[len(policy.systems) // 2]
    i = len(policy.systems) // 2
    other_env = "dev" if a.environment != "dev" else "prod"
    tiers = [t.id for t in policy.tiers if t.id != a.tier]
    other_tier = tiers[-1] if tiers else None
    k = next((j for j, x in enumerate(policy.schedules) if a.id in x.systems), 0)  # a schedule of that system
    sc = policy.schedules[k]
    return [
        ("system runbook link", f"systems[{i}].restore_procedure", "https://wiki.example.com/runbooks/restore"),
        ("system RPO", f"systems[{i}].rpo", "2h" if str(a.rpo) != "2h" else "3h"),
        ("system environment", f"systems[{i}].environment", other_env),
        # an exclusion takes the system out of scope: the rules that read the scope re-run in full
        ("system excluded", f"systems[{i}].exclusion", {"reason": "decommissioned", "approved_by": "CTO"}),
        ("system tier", f"systems[{i}].tier", other_tier),
        ("policy owner's name", "policy.owner.name", "Dana Reyes"),
        ("target region", "targets[0].region", "eu-central-1"),
        ("tier RPO", "tiers[0].rpo", "30m" if str(policy.tiers[0].rpo) != "30m" else "15m"),
        ("tier restore cadence", f"tiers[{len(policy.tiers) - 1}].restore_test_interval",
         "90d" if str(policy.tiers[-1].restore_test_interval) != "90d" else "180d"),
        ("schedule interval", f"schedules[{k}].interval", "12h" if str(sc.interval) != "12h" else "6h"),
        ("schedule targets (a copy)", f"schedules[{k}].targets", list(sc.targets[:1]) if len(sc.targets) > 1
         else [t.id for t in policy.targets[:2]]),
        ("system added", ADD, {**a.model_dump(exclude_none=True), "id": f"{a.id}-added"}),
        ("system removed", REMOVE, f"systems[{i}]"),
        # what the systems table does: add at the end (and its undo removes the last one)
        ("system added at end", ADD_END, {**a.model_dump(exclude_none=True), "id": f"{a.id}-appended"}),
        ("last system removed", REMOVE, f"systems[{len(policy.systems) - 1}]"),
    ]


ADD, ADD_END, REMOVE = "add", "add at the end", "remove"


def apply_edit(ed, path, value):
    """One edit through the Editor, as the app makes it."""
    if path == ADD:
        return ed.add("systems", value, len(ed.policy.systems) // 3)
    if path == ADD_END:
        return ed.add("systems", value)
    if path == REMOVE:
        return ed.remove(value)
    return ed.set(path, value)


def bench_evaluate_and_edits(names, sizes, repeat) -> dict:
    from workbench.rules import evaluate
    from workbench.rules.incremental import Evaluator
    from workbench.spec.edit import Editor

    results: dict = {}
    for n in sizes:
        print(f"\n{n:,} systems: CPU min / median / max over {repeat} runs")
        for name in names:
            policy = starters.policy(name, n)
            evaluate(policy, DAY)
            full = cpu_runs(lambda: evaluate(policy, DAY), repeat)
            results[("evaluate", n, name)] = full
            print(f"  {name:<20} full evaluation      {fmt(full)}")
            if n > 5000:
                continue
            ev = Evaluator(policy, DAY)
            ed = Editor(policy)
            ev.attach(ed)
            ev.report()
            for label, path, value in edits(policy):
                timed: dict = {}  # what the timed edit did (the undo after it is evaluated too)

                def step(path=path, value=value):
                    apply_edit(ed, path, value)
                    ev.report()
                    timed.update(ev.last)

                runs = cpu_runs(step, repeat, undo=lambda: (ed.undo(), ev.report()))
                results[(label, n, name)] = runs
                print(f"  {name:<20} edit: {label:<20} {fmt(runs)}   ({timed.get('how')}, "
                      f"{timed.get('rules')} rules re-run)")
    return results


def walk_floor(name: str, n: int, repeat: int) -> float:
    """Best CPU seconds of one plain pass over a replicated starter's systems and schedules, reading a few fields
    of each into a dict: no sort, no nested loop. Its cost per system also grows with the inventory (the objects
    outgrow the CPU caches), which bounds how flat the engine's cost per system can be."""
    policy = starters.policy(name, n)

    def walk():
        seen = {}
        for a in policy.systems:
            seen[a.id] = (a.tier, a.environment, a.data_classes, a.rpo)
        for sc in policy.schedules:
            seen.get(sc.id), sc.systems, sc.tiers

    return min(cpu_runs(walk, max(repeat, 5)))


def worst(results: dict, what: str, n: int) -> tuple[str, list[float]]:
    rows = [(name, xs) for (w, size, name), xs in results.items() if w == what and size == n]
    return max(rows, key=lambda r: statistics.median(r[1])) if rows else ("", [])


def bench_loading(names, n, repeat) -> None:
    import yaml

    import generate
    from workbench.spec import loads

    print(f"\nloading a {n:,}-system spec: CPU min / median / max, GC paused in both arms")
    worst_ratio = 0.0
    for name in names:
        text = generate.dump_yaml(starters.replicate(name, n))
        floor, mine = [], []
        for _ in range(repeat):  # interleaved
            for arm, fn in ((floor, lambda: yaml.load(text, Loader=yaml.CSafeLoader)),
                            (mine, lambda: loads(text, "yaml", name))):
                gc.collect()
                gc.disable()
                t0 = time.process_time()
                fn()
                arm.append(time.process_time() - t0)
                gc.enable()
        ratio = statistics.median(mine) / statistics.median(floor)
        worst_ratio = max(worst_ratio, ratio)
        print(f"  {name:<20} C-loader parse {fmt(floor)}   workbench load {fmt(mine)}   {ratio:.2f}x")
    print(f"  worst: {worst_ratio:.2f}x the C-loader parse (goal < 2x)")


def bench_memory(names, n) -> None:
    import generate

    print(f"\nworkbench check on a {n:,}-system spec, in a child: peak memory (max RSS)")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            path = Path(tmp) / f"{name}-{n}.yaml"
            path.write_text(generate.dump_yaml(starters.replicate(name, n)), encoding="utf-8")
            t0 = time.perf_counter()
            done = subprocess.run(
                # VmHWM, the peak of this process's own memory: ru_maxrss would also count the parent's
                # memory at fork time, which Linux carries across exec (this script holds big policies).
                [sys.executable, "-c", "import sys\nfrom workbench.cli import main\n"
                 "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
                 "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
                 "print(hwm.split()[1], file=sys.stderr)",
                 "check", str(path), "--format", "json", "--max-spec-mb", "64"],
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            kib = int(done.stderr.strip().splitlines()[-1])
            print(f"  {name:<20} {kib / 1024:7.0f} MiB   ({path.stat().st_size / 1e6:.1f} MB of YAML, "
                  f"{time.perf_counter() - t0:.1f} s wall; goal < 300 MiB)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000,10000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--starters", default=",".join(starters.STARTERS))
    ap.add_argument("--memory", action="store_true", help="also the peak memory of check at 10,000 systems")
    ap.add_argument("--no-load", action="store_true")
    args = ap.parse_args(argv)
    names = args.starters.split(",")
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"Starters replicated with distinct ids: {', '.join(names)}. Host: shared (see README).")
    results = bench_evaluate_and_edits(names, sizes, args.repeat)
    print("\nworst starter per figure (median), with its goal")
    kinds = ["evaluate"] + [label for label, _, _ in edits(starters.policy(names[0], 20))]
    for n in sizes:
        for what in kinds:
            name, xs = worst(results, what, n)
            if not xs:
                continue
            goal = GOALS["evaluate" if what == "evaluate" else "edit"].get(n)
            verdict = "" if goal is None else f"  goal < {goal:.0f} ms: {'met' if statistics.median(xs) * 1000 < goal else 'NOT met'}"
            full = results.get(("evaluate", n, name))
            # an edit against a full evaluation of the same policy in the same minute: what host noise cancels out
            share = "" if what == "evaluate" or not full else \
                f"  ({statistics.median(xs) / statistics.median(full):.2f}x its full evaluation)"
            print(f"  {n:>6,} {what:<22} {name:<20} {fmt(xs)}{verdict}{share}")
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for name in names:
            a, b = results.get(("evaluate", small, name)), results.get(("evaluate", large, name))
            if a and b:
                print(f"  cost per system {large:,} vs {small:,}, {name}: "
                      f"{(min(b) / large) / (min(a) / small):.2f}x (best runs; goal: flat)")
        for name in names:
            fa, fb = walk_floor(name, small, args.repeat), walk_floor(name, large, args.repeat)
            print(f"  floor: one plain pass over the systems and schedules (four fields each), {name}: "
                  f"{(fb / large) / (fa / small):.2f}x per system {large:,} vs {small:,} (best runs)")
    if not args.no_load:
        bench_loading(names, 5000, args.repeat)
    if args.memory:
        bench_memory(names, 10000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
