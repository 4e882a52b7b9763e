"""Benchmark: what the interview's question functions cost after an edit, as a policy grows.

After every edit the app shows the progress line, the step list and offers the next question, so
``progress``, ``step_states`` and ``next_question`` run as often as the gap engine. For 1,000 and
5,000 systems (benchmarks/generate.py) this prints the min and median CPU time of each over several
runs, and the same for a full ``evaluate`` measured in the same run as the floor they are compared to
(the machine is shared; ratios to a floor measured alongside are what to compare between runs).

    .venv/bin/python benchmarks/bench_questions.py [--repeat 7] [--sizes 1000,5000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import generate  # noqa: E402

TODAY = dt.date(2026, 12, 3)


def cpu_ms(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm
    runs = []
    for _ in range(repeat):
        gc.collect()
        c0 = time.process_time()
        fn()
        runs.append((time.process_time() - c0) * 1000)
    return min(runs), statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--sizes", default="1000,5000")
    args = ap.parse_args(argv)

    from workbench.app.questions import load_questions, next_question, progress, step_states, summary
    from workbench.rules import evaluate

    interview = load_questions()
    print(f"{len(interview.steps)} steps, {len(interview)} questions")
    print(f"{'systems':>8} {'what':<14} {'min ms':>8} {'median ms':>10} {'x evaluate (min)':>17}")
    for n in (int(x) for x in args.sizes.split(",")):
        policy = generate.policy(n)
        report = evaluate(policy, TODAY)
        floor = cpu_ms(lambda: evaluate(policy, TODAY), args.repeat)
        print(f"{n:>8} {'evaluate':<14} {floor[0]:>8.1f} {floor[1]:>10.1f} {1.0:>17.2f}")
        for name, fn in (
            ("progress", lambda: progress(interview, policy, report)),
            ("step_states", lambda: step_states(interview, policy, report)),
            ("next_question", lambda: next_question(interview, policy, report)),
            ("summary", lambda: summary(interview, policy, report)),
        ):
            lo, med = cpu_ms(fn, args.repeat)
            print(f"{n:>8} {name:<14} {lo:>8.1f} {med:>10.1f} {lo / floor[0]:>17.2f}")
        print(f"{n:>8} {str(progress(interview, policy, report))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
