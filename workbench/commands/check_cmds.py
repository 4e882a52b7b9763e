"""The gap engine's command-line face: ``check``, ``rules`` and ``criteria``.

``workbench check FILE...`` evaluates each policy and prints its findings:

* ``--format text`` (default) for a person: open gaps grouped by severity,
  then the questions not answered yet, then the evidence missing or overdue,
  then the accepted exceptions with their expiry, then a readiness summary.
  No colour, so it pipes cleanly.
* ``--kind gap|question|evidence`` (repeatable) keeps only findings of those
  kinds in every format (the summary still counts them all).
* ``--format json`` for scripts. One file gives one object::

      {"file": ..., "organization": ..., "as_of": ..., "summary": {...}, "findings": [...]}

  where ``summary`` is :meth:`Report.summary` and each finding is
  :meth:`Finding.to_dict`. Several files give a *list* of such objects, in
  the order given. A file that cannot be read gives
  ``{"file": ..., "error": true, "problems": [{"line", "column", "path", "message", "text"}]}``
  in its place. Accepted findings are left out unless ``--include-accepted``.
* ``--format sarif`` (SARIF 2.1.0) for CI systems: one run whose driver lists
  every rule, one result per finding located at the line of the spec its
  field path points to; accepted findings (with ``--include-accepted``) carry
  a suppression. Unreadable files are tool notifications.

The text report is laid out by :mod:`workbench.commands.check_text`: the
summary first, one line per finding (worst first, then by the criticality of
what it concerns), ``--detail`` for fields, criteria and each fix once,
``--group-by system|owner|rule``, criteria for SOC 2 and the engagement's
frameworks unless ``--all-criteria``.

Exit status: 2 if any file could not be read (the others are still checked
and reported), else 1 if any open finding is at or above ``--fail-on``
(default blocker), else 0.

Nothing here imports Textual; the rules are imported only when a command runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from .common import CommandError, collector_held, out, parse_date, plural

SEVERITY_CHOICES = ("blocker", "major", "minor", "advisory")
FRAMEWORK_CHOICES = ("soc2", "cis", "nist", "iso27001", "hipaa", "pci", "gdpr", "other")
#: What each severity asks of the author (GAP_RULES §6), for the text headings.
SEVERITY_MEANING = {
    "blocker": "fix before publishing",
    "major": "fix before the observation period starts",
    "minor": "fix in the normal cycle",
    "advisory": "good practice beyond the criteria",
}
SARIF_LEVEL = {"blocker": "error", "major": "warning", "minor": "note", "advisory": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
READINESS_DEFINITION = (
    "the share of catalog rules with no open finding, each weighted by its base severity "
    "(blocker {blocker}, major {major}, minor {minor}, advisory {advisory}); a question counts as much as a gap; "
    "accepted exceptions count as met"
)
KIND_CHOICES = ("gap", "question", "evidence")


def register(sub) -> None:
    p = sub.add_parser(
        "check", help="list every gap in one or more policies",
        description="Evaluate every gap rule on each FILE and print the findings. "
                    "Exit 0 when nothing open is at or above --fail-on, 1 when something is, "
                    "2 when a file cannot be read (the others are still checked).",
        epilog="JSON: one file gives an object {file, organization, as_of, summary, findings}; several files give "
               "a list of such objects in the order given; an unreadable file gives {file, error: true, problems}.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="spec files (.yaml, .yml, .toml, .json)")
    p.add_argument("--as-of", metavar="DATE", help="evaluate as of this date (YYYY-MM-DD); default: the spec's as_of, else today")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text", help="output format (default: text)")
    p.add_argument("--fail-on", choices=SEVERITY_CHOICES, default="blocker",
                   help="exit 1 when an open finding is at or above this severity (default: blocker)")
    p.add_argument("--detail", action="store_true",
                   help="text: under each finding, the fields concerned and the criteria, with each fix once "
                        "under the findings it fixes (default: one line per finding)")
    p.add_argument("--group-by", choices=("severity", "system", "owner", "rule"), default="severity",
                   help="text: group findings by severity (default), by the system they concern, by its owner, "
                        "or by rule")
    p.add_argument("--all-criteria", action="store_true",
                   help="text: cite every framework's criteria (default: SOC 2 and the frameworks the engagement "
                        "names; JSON and SARIF always carry all)")
    p.add_argument("--include-accepted", action="store_true",
                   help="include findings accepted as exceptions in JSON and SARIF, and show their details in text")
    p.add_argument("--kind", choices=KIND_CHOICES, action="append", metavar="KIND",
                   help="only findings of this kind: gap (the policy falls short), question (not answered yet), "
                        "evidence (records missing or overdue); repeat for several (default: all)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("rules", help="list every gap rule",
                       description="List every rule with its id, base severity, SOC 2 criteria and a one-line "
                                   "description: the catalog rules first, then the workbench's own.")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("criteria", help="list the criteria the rules map to, with short paraphrases",
                       description="List every criterion id the rules cite, with the workbench's own one-line "
                                   "paraphrase (never the standard's text). Items marked (verify) rest on one "
                                   "secondary source and are not settled.")
    p.add_argument("--framework", choices=FRAMEWORK_CHOICES, help="only this framework")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_criteria)


# ----------------------------------------------------------------------------
# check
# ----------------------------------------------------------------------------
@dataclass
class Checked:
    """One FILE argument: its report, or the problems that kept it from being read."""

    file: str
    report: Any = None                       # workbench.rules.Report
    organization: Optional[str] = None
    policy: Any = None                       # workbench.spec.Policy
    problems: list = field(default_factory=list)   # workbench.spec.Problem
    internal_error: Optional[str] = None
    kinds: frozenset = frozenset(KIND_CHOICES)   # --kind: the kinds of finding shown

    @property
    def ok(self) -> bool:
        return self.report is not None

    def shown(self, findings) -> list:
        """``findings`` of the kinds asked for with --kind."""
        return findings if len(self.kinds) == len(KIND_CHOICES) else [f for f in findings if f.kind in self.kinds]


def cmd_check(args: argparse.Namespace) -> int:
    with collector_held():
        from workbench.rules import evaluate  # and with it the spec, pydantic and PyYAML

    as_of = parse_date(args.as_of)
    results = [_check_one(path, as_of, evaluate) for path in args.files]
    kinds = frozenset(getattr(args, "kind", None) or KIND_CHOICES)
    for r in results:
        r.kinds = kinds
    for r in results:
        if not r.ok:
            _print_errors(r)
    if args.format == "json":
        _emit_json(results, args.include_accepted)
    elif args.format == "sarif":
        _emit_sarif(results, args.include_accepted)
    else:
        _emit_text(results, args.include_accepted, args.fail_on, detail=getattr(args, "detail", False),
                   group_by=getattr(args, "group_by", "severity"), all_criteria=getattr(args, "all_criteria", False))
    return _status(results, args.fail_on)


def _check_one(path: str, as_of, evaluate) -> Checked:
    from workbench.spec import SpecError, load

    try:
        policy = load(path, check_references=False)
    except SpecError as exc:
        return Checked(path, problems=list(exc.problems))
    try:
        report = evaluate(policy, as_of)
    except Exception as exc:  # a rule bug must not stop a fleet check; say so and exit 2
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        return Checked(path, internal_error=f"{type(exc).__name__}: {exc}")
    return Checked(path, report, policy.organization.name, policy)


def _print_errors(r: Checked) -> None:
    if r.internal_error:
        print(f"{r.file}: internal error while checking, please report it: {r.internal_error}", file=sys.stderr)
        return
    for p in r.problems:
        print(str(p), file=sys.stderr)
    print(f"{r.file}: {plural(len(r.problems), 'problem')}; not checked", file=sys.stderr)


def _status(results: list[Checked], fail_on: str) -> int:
    if any(not r.ok for r in results):
        return 2
    if any(r.report.at_or_above(fail_on) for r in results):
        return 1
    return 0


# --------------------------------------------------------------------- text
def _emit_text(results: list[Checked], include_accepted: bool, fail_on: str, *, detail: bool = False,
               group_by: str = "severity", all_criteria: bool = False) -> None:
    from .check_text import text_report

    lines: list[str] = []
    for r in results:
        if not r.ok:
            continue
        if lines:
            lines.append("")
        shown = getattr(r, "shown", None)  # check --kind, where it exists, narrows what is listed
        lines.extend(text_report(r.file, r.organization, r.report, r.policy, include_accepted=include_accepted,
                                 detail=detail, group_by=group_by, all_criteria=all_criteria,
                                 findings=shown(r.report.open) if callable(shown) else None))
    if len(results) > 1:
        if lines:
            lines.append("")
        lines.extend(_text_fleet(results, fail_on))
    if lines:
        out("\n".join(lines))


def _text_fleet(results: list[Checked], fail_on: str) -> list[str]:
    width = max(len(r.file) for r in results)
    lines = [f"SUMMARY: {plural(len(results), 'file')}"]
    for r in results:
        if not r.ok:
            why = (f"internal error ({r.internal_error})" if r.internal_error
                   else f"{plural(len(r.problems), 'problem')}, not checked (see the errors above)")
            lines.append(f"{r.file:<{width}}  ERROR      {why}")
            continue
        rep = r.report
        c = rep.counts()
        counts = "  ".join(f"{sev} {c[sev]:>3}" for sev in SEVERITY_CHOICES)
        worst = rep.worst() or "none"
        flag = "  FAIL" if rep.at_or_above(fail_on) else ""
        lines.append(f"{r.file:<{width}}  readiness {rep.readiness():>3}  {counts}  worst {worst}{flag}")
    return lines


# --------------------------------------------------------------------- json
def _emit_json(results: list[Checked], include_accepted: bool) -> None:
    items = [_json_item(r, include_accepted) for r in results]
    data = items[0] if len(items) == 1 else items
    sys.stdout.write(_dumps(data))


def _json_item(r: Checked, include_accepted: bool) -> dict:
    if not r.ok:
        problems = [{"line": p.line, "column": p.column, "path": _fmt_path(p.path), "message": p.message, "text": str(p)}
                    for p in r.problems]
        if r.internal_error:
            problems.append({"line": None, "column": None, "path": "", "message": f"internal error: {r.internal_error}",
                             "text": f"{r.file}: internal error: {r.internal_error}"})
        return {"file": r.file, "error": True, "problems": problems}
    rep = r.report
    findings = r.shown(rep.findings if include_accepted else rep.open)
    return {
        "file": r.file,
        "organization": r.organization,
        "as_of": rep.as_of.isoformat(),
        "summary": rep.summary(),
        "findings": [f.to_dict() for f in findings],
    }


def _fmt_path(path) -> str:
    from workbench.spec.io import format_path

    return format_path(path)


# -------------------------------------------------------------------- sarif
def _emit_sarif(results: list[Checked], include_accepted: bool) -> None:
    from workbench.rules import RULES

    rule_ids = list(RULES)
    rule_index = {rid: i for i, rid in enumerate(rule_ids)}
    artifacts, sarif_results, notes = [], [], []
    for r in results:
        uri = _uri(r.file)
        index = len(artifacts)
        artifacts.append({"location": {"uri": uri}})
        if not r.ok:
            notes.extend(_sarif_notes(r, uri, index))
            continue
        findings = r.shown(r.report.findings if include_accepted else r.report.open)
        lines = _line_finder(r.file) if findings else None
        for f in findings:
            sarif_results.append(_sarif_result(f, uri, index, rule_index, lines))
    run = {
        "tool": {"driver": {
            "name": "workbench",
            "fullName": "Backup Policy Workbench gap engine",
            "version": _version(),
            "rules": [_sarif_rule(RULES[rid]) for rid in rule_ids],
        }},
        "invocations": [{"executionSuccessful": not notes, "toolExecutionNotifications": notes}],
        "artifacts": artifacts,
        "results": sarif_results,
        "columnKind": "unicodeCodePoints",
    }
    doc = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    sys.stdout.write(_dumps(doc))


def _dumps(data) -> str:
    """Indented for a terminal; compact otherwise (json's C encoder only runs without indent: 4x faster)."""
    indent = 2 if sys.stdout.isatty() else None
    return json.dumps(data, indent=indent, ensure_ascii=False) + "\n"


def _sarif_rule(rule) -> dict:
    from workbench.rules.engine import FRAMEWORK_NAMES

    tags = [f"{FRAMEWORK_NAMES.get(fw, fw)} {cid}" for fw, ids in rule.criteria.items() for cid in ids]
    return {
        "id": rule.id,
        "name": rule.title,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.fix},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {"tags": tags, "severity": rule.severity, "family": rule.family, "catalog": rule.catalog},
    }


def _sarif_result(f, uri: str, index: int, rule_index: dict, lines) -> dict:
    location: dict = {"physicalLocation": {"artifactLocation": {"uri": uri, "index": index}}}
    line, column = lines(f.path) if lines and f.path else (None, None)
    if line:
        region = {"startLine": line}
        if column:
            region["startColumn"] = column
        location["physicalLocation"]["region"] = region
    if f.path:
        location["logicalLocations"] = [{"fullyQualifiedName": f.path, "kind": "member"}]
    result = {
        "ruleId": f.rule,
        "level": SARIF_LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [location],
        "partialFingerprints": {"workbench/v1": f"{f.rule}|{f.subject or ''}|{f.path}"},
        "properties": {"severity": f.severity, "severity_adjusted": list(f.adjusted), "kind": f.kind,
                       "paths": list(f.paths), "subject": f.subject, "subjects": list(f.subjects),
                       "merged": list(f.merged),
                       "fix": f.fix, "criteria": {k: list(v) for k, v in f.criteria.items()}},
    }
    if f.rule in rule_index:
        result["ruleIndex"] = rule_index[f.rule]
    if f.accepted is not None:
        a = f.accepted
        result["suppressions"] = [{
            "kind": "external", "status": "accepted",
            "justification": (a.justification or "")
            + (f" (exception {a.exception}, approved by {a.approved_by}"
               + (f", expires {a.expires_on.isoformat()})" if a.expires_on else ")")),
        }]
    return result


def _sarif_notes(r: Checked, uri: str, index: int) -> list[dict]:
    notes = []
    for p in r.problems:
        loc: dict = {"physicalLocation": {"artifactLocation": {"uri": uri, "index": index}}}
        if p.line:
            loc["physicalLocation"]["region"] = {"startLine": p.line, **({"startColumn": p.column} if p.column else {})}
        notes.append({"level": "error", "message": {"text": str(p)}, "locations": [loc]})
    if r.internal_error:
        notes.append({"level": "error", "message": {"text": f"{r.file}: internal error: {r.internal_error}"},
                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, "index": index}}}]})
    return notes


def _line_finder(file: str):
    """A function mapping a finding's field path to (line, column) in ``file``."""
    from workbench.spec.io import format_for, locate, parse_path, positions

    try:
        text = Path(file).read_bytes().decode("utf-8-sig")
        pos = positions(text, format_for(file))
    except Exception:
        pos = {}

    def find(path: str):
        if not pos:
            return (None, None)
        return locate(pos, parse_path(path))

    return find


def _uri(file: str) -> str:
    p = Path(file)
    if p.is_absolute():
        return p.as_uri()
    return quote(p.as_posix())


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("backup-policy-workbench")
    except Exception:
        return "0+unknown"


# ----------------------------------------------------------------------------
# rules
# ----------------------------------------------------------------------------
def _ordered_rules():
    from workbench.rules import RULES

    rules = list(RULES.values())
    return [r for r in rules if r.catalog] + [r for r in rules if not r.catalog]


def cmd_rules(args: argparse.Namespace) -> int:
    rules = _ordered_rules()
    if args.format == "json":
        out(json.dumps([{
            "id": r.id, "title": r.title, "severity": r.severity, "family": r.family, "catalog": r.catalog,
            "soc2": list(r.criteria.get("soc2", ())), "criteria": {k: list(v) for k, v in r.criteria.items()},
            "description": r.description, "fix": r.fix,
        } for r in rules], indent=2, ensure_ascii=False))
        return 0
    idw = max((len(r.id) for r in rules), default=0)
    soc2 = {r.id: ", ".join(r.criteria.get("soc2", ())) or "-" for r in rules}
    cw = min(max((len(s) for s in soc2.values()), default=0), 28)
    for catalog, heading in ((True, "Catalog rules (GAP_RULES section 8)"), (False, "The workbench's own rules")):
        group = [r for r in rules if r.catalog is catalog]
        if not group:
            continue
        out(f"{heading}: {len(group)}")
        for r in group:
            out(f"{r.id:<{idw}}  {r.severity:<8}  {soc2[r.id]:<{cw}}  {r.description}")
        out()
    out(f"{plural(len(rules), 'rule')}. Columns: id, base severity (before tier, scope and regulatory modifiers), "
        "SOC 2 criteria, what the rule finds.")
    return 0


# ----------------------------------------------------------------------------
# criteria
# ----------------------------------------------------------------------------
def cmd_criteria(args: argparse.Namespace) -> int:
    from workbench.rules import RULES
    from workbench.rules.criteria import criteria, describe

    items = criteria(args.framework)
    cited_by: dict[tuple[str, str], list[str]] = {}
    for r in RULES.values():
        for fw, ids in r.criteria.items():
            for cid in ids:
                c = describe(fw, cid)
                if c is not None:
                    lst = cited_by.setdefault((c.framework, c.id), [])
                    if r.id not in lst:
                        lst.append(r.id)
    if args.format == "json":
        out(json.dumps([{**c.to_dict(), "framework_name": c.framework_name, "rules": cited_by.get((c.framework, c.id), [])}
                        for c in items], indent=2, ensure_ascii=False))
        return 0
    if not items:
        raise CommandError(f"workbench: error: no criteria for framework {args.framework!r}")
    current = None
    idw = max(len(c.id) for c in items)
    for c in items:
        if c.framework != current:
            if current is not None:
                out()
            current = c.framework
            out(c.framework_name)
        mark = " (verify)" if c.verify else ""
        out(f"  {c.id:<{idw}}  {c.name}: {c.paraphrase}{mark}")
    out()
    out("Paraphrases are the workbench's own short wording, not the text of the standards. "
        "(verify) marks items that rest on one secondary source.")
    return 0
