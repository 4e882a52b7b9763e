"""Benchmark: how long a full ``evaluate`` takes as a policy grows.

For 100, 1,000, 5,000 and 10,000 systems (benchmarks/generate.py) prints the
median wall time of a full evaluation, the number of findings and the cost
per system, then checks that growth is roughly linear: the per-system cost at
10,000 systems should be no more than about twice the cost at 1,000.

Targets (issue 3): 1,000 systems under 50 ms, 5,000 under 250 ms.

    .venv/bin/python benchmarks/bench_rules.py [--repeat 7] [--sizes 100,1000] [--profile 5000]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import generate  # noqa: E402

TARGETS_MS = {1000: 50.0, 5000: 250.0}


def time_evaluate(policy, repeat: int) -> tuple[float, float, float, int]:
    """Median wall and CPU seconds, best CPU seconds of ``evaluate(policy)`` over ``repeat`` runs, and the finding count.

    CPU time (``time.process_time``) is what the verdicts use: on a shared
    machine wall time also measures the neighbours.
    """
    from workbench.rules import evaluate

    evaluate(policy)  # warm caches that are not per-evaluation (imports, Duration parsing)
    wall, cpu = [], []
    count = 0
    for _ in range(repeat):
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        report = evaluate(policy)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        count = len(report.findings)
    return statistics.median(wall), statistics.median(cpu), min(cpu), count


def profile(n: int, top: int = 25) -> None:
    """Print where a full evaluation of ``n`` systems spends its time, by function."""
    import cProfile
    import pstats

    from workbench.rules import evaluate

    policy = generate.policy(n)
    evaluate(policy)
    prof = cProfile.Profile()
    prof.enable()
    evaluate(policy)
    prof.disable()
    stats = pstats.Stats(prof)
    print(f"\nProfile of one evaluation, {n:,} systems (cumulative, then own time)")
    stats.sort_stats("cumulative").print_stats(r"workbench", top)
    stats.sort_stats("tottime").print_stats(top)


def per_rule(n: int, repeat: int = 3) -> list[tuple[str, float, int]]:
    """CPU time of each rule on ``n`` systems within one shared context, slowest first.

    The context is built once per repetition (as in a real evaluation), so a
    rule that fills a shared cache first pays for it; the order is the
    registry's, as in ``run_rules``.
    """
    from workbench.rules import RULES
    from workbench.rules.context import Context
    from workbench.rules.engine import _findings_of

    policy = generate.policy(n)
    totals: dict[str, list[float]] = {rid: [] for rid in RULES}
    counts: dict[str, int] = {}
    build = []
    for _ in range(repeat):
        t0 = time.process_time()
        ctx = Context(policy, policy.as_of)
        build.append(time.process_time() - t0)
        for rule in RULES.values():
            t0 = time.process_time()
            counts[rule.id] = sum(1 for _ in _findings_of(rule, ctx))
            totals[rule.id].append(time.process_time() - t0)
    out = [(rid, statistics.median(ts), counts[rid]) for rid, ts in totals.items()]
    out.sort(key=lambda x: -x[1])
    return [("(context)", statistics.median(build), 0)] + out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,5000,10000")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--profile", type=int, metavar="N", help="also profile one evaluation of N systems")
    ap.add_argument("--per-rule", type=int, metavar="N", help="also time each rule alone on N systems")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    print(f"{'systems':>8} {'wall':>10} {'cpu':>10} {'best cpu':>10} {'findings':>9} {'cpu/system':>11}  target (median cpu)")
    per_system = {}
    ok = True
    for n in sizes:
        policy = generate.policy(n)
        wall, cpu, best, count = time_evaluate(policy, args.repeat)
        per_system[n] = best / n  # growth from the best runs: a busy neighbour inflates medians unevenly
        target = TARGETS_MS.get(n)
        verdict = ""
        if target is not None:
            met = cpu * 1000 < target
            ok &= met
            verdict = f"< {target:.0f} ms {'met' if met else 'MISSED'}"
        print(f"{n:>8,} {wall * 1000:>8.1f}ms {cpu * 1000:>8.1f}ms {best * 1000:>8.1f}ms {count:>9,} {cpu / n * 1e6:>9.1f}us  {verdict}")
    if len(sizes) > 1:
        small = next((n for n in sizes if n >= 1000), sizes[0])
        large = sizes[-1]
        if large != small:
            ratio = per_system[large] / per_system[small]
            linear = ratio < 2.0
            print(f"growth: per-system cost (best runs) at {large:,} is {ratio:.2f}x that at {small:,} "
                  f"({'roughly linear' if linear else 'SUPERLINEAR'})")
            ok &= linear
    if args.per_rule:
        rows = per_rule(args.per_rule)
        print(f"\nCPU time per rule on {args.per_rule:,} systems, one shared context "
              f"(sum {sum(r[1] for r in rows) * 1000:.0f} ms):")
        for rid, secs, count in rows:
            print(f"  {rid:<10} {secs * 1000:8.1f}ms {count:>7,} findings")
    if args.profile:
        profile(args.profile)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
