"""Benchmark: what the gap engine says on real, public backup policies (issue 12).

Runs the engine on every policy of ``tests/data/real_policies`` (as of each spec's ``as_of``) and judges
the findings against ``expected.yaml``, which was written before the engine was run on the corpus:

* recall: expected gaps raised (an open gap or question of the expected rule) / expected gaps;
* false alarms: covered areas that got a finding of kind ``gap`` / covered areas (and how many such
  findings); questions on covered areas are counted apart, they are not false alarms;
* findings per policy: total open findings and their count by kind (gap, question, evidence).

    .venv/bin/python benchmarks/real_policies.py [--detail] [--json] [--expected FILE]

``--detail`` lists, per policy, the expected gaps missed, the gap findings on covered areas (rule and
message) and the questions on covered areas. ``--json`` prints the same figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.rules.real_corpus import cases, judge, kind_of  # noqa: E402


def _short(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--detail", action="store_true", help="list misses, false alarms and questions on covered areas")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--expected", type=Path, default=None,
                    help="judge against another expectations file (e.g. an earlier version from git)")
    args = ap.parse_args(argv)

    outcomes = [judge(c) for c in (cases(args.expected) if args.expected else cases())]
    rows = []
    for o in outcomes:
        k = o.by_kind()
        rows.append({
            "policy": o.case.name,
            "kind": o.case.kind,
            "expected": len(o.case.raise_),
            "raised": len(o.raised),
            "covered": len(o.case.covered),
            "covered_flagged": len(o.false_alarms),
            "false_alarm_findings": sum(len(fs) for _, fs in o.false_alarms),
            "covered_asked": len(o.questions_on_covered),
            "covered_any": len({id(e) for e, _ in o.false_alarms} | {id(e) for e, _ in o.questions_on_covered}),
            "findings": len(o.findings),
            "gap": k.get("gap", 0), "question": k.get("question", 0), "evidence": k.get("evidence", 0),
            "missed": [e.label for e in o.missed],
            "false_alarms": [[e.label, [f"{f.rule}: {_short(f.message)}" for f in fs]] for e, fs in o.false_alarms],
            "questions_on_covered": [[e.label, [f"{f.rule}: {_short(f.message)}" for f in fs]]
                                     for e, fs in o.questions_on_covered],
        })

    expected = sum(r["expected"] for r in rows)
    raised = sum(r["raised"] for r in rows)
    covered = sum(r["covered"] for r in rows)
    flagged = sum(r["covered_flagged"] for r in rows)
    totals = {
        "policies": len(rows),
        "recall": raised / expected if expected else 1.0,
        "raised": raised, "expected": expected,
        "false_alarm_rate": flagged / covered if covered else 0.0,
        "covered_flagged": flagged, "covered": covered,
        "false_alarm_findings": sum(r["false_alarm_findings"] for r in rows),
        "covered_asked": sum(r["covered_asked"] for r in rows),
        "covered_any": sum(r["covered_any"] for r in rows),
        "findings_total": sum(r["findings"] for r in rows),
        "findings_mean": statistics.mean(r["findings"] for r in rows),
        "findings_min": min(r["findings"] for r in rows),
        "findings_max": max(r["findings"] for r in rows),
        "gap": sum(r["gap"] for r in rows),
        "question": sum(r["question"] for r in rows),
        "evidence": sum(r["evidence"] for r in rows),
    }
    if args.json:
        print(json.dumps({"policies": rows, "totals": totals}, indent=2))
        return 0

    print(f"{'policy':18} {'recall':>9} {'false alarms':>13} {'asked':>6} {'findings':>9} {'gap':>5} {'quest':>6} {'evid':>5}")
    for r in rows:
        print(f"{r['policy']:18} {r['raised']:>3}/{r['expected']:<3}   "
              f"{r['covered_flagged']:>3}/{r['covered']:<2} ({r['false_alarm_findings']:>2})  "
              f"{r['covered_asked']:>5} {r['findings']:>9} {r['gap']:>5} {r['question']:>6} {r['evidence']:>5}")
    t = totals
    print(f"{'total':18} {t['raised']:>3}/{t['expected']:<3}   {t['covered_flagged']:>3}/{t['covered']:<2} "
          f"({t['false_alarm_findings']:>2})  {t['covered_asked']:>5} {t['findings_total']:>9} {t['gap']:>5} "
          f"{t['question']:>6} {t['evidence']:>5}")
    print()
    print(f"recall {t['recall']:.0%} ({t['raised']} of {t['expected']} expected gaps raised); "
          f"false alarms on {t['false_alarm_rate']:.0%} of covered areas ({t['covered_flagged']} of {t['covered']}, "
          f"{t['false_alarm_findings']} gap findings); questions on {t['covered_asked']} covered areas; "
          f"a gap or a question on {t['covered_any']} of {t['covered']} ({t['covered_any'] / t['covered']:.0%})")
    print(f"findings per policy: mean {t['findings_mean']:.1f}, min {t['findings_min']}, max {t['findings_max']}; "
          f"by kind: gap {t['gap']}, question {t['question']}, evidence {t['evidence']}")
    print("columns: recall = expected gaps raised / expected; false alarms = covered areas with a gap finding / "
          "covered areas (gap findings on them); asked = covered areas with a question")

    if args.detail:
        for r in rows:
            if not (r["missed"] or r["false_alarms"] or r["questions_on_covered"]):
                continue
            print(f"\n== {r['policy']} ({r['kind']})")
            for label in r["missed"]:
                print(f"  missed      {label}")
            for label, msgs in r["false_alarms"]:
                for m in msgs:
                    print(f"  false alarm {label}: {m}")
            for label, msgs in r["questions_on_covered"]:
                for m in msgs:
                    print(f"  asked       {label}: {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
