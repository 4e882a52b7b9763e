"""The readiness report: the status of a policy, kept out of the policy itself.

The written policy states commitments. Everything that describes where the
organization stands against them goes here instead: the summary, the
decisions still open, the restore-test calendar and the tests on record, the
exceptions register, the findings grouped by kind, and the evidence request
list an auditor will send (from ``policy_templates/documents/evidence.yaml``).
The view model has the same shape as the policy's, so the same templates and
the same Word writer render it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

from workbench.rules import SEVERITIES

from .context import Writer, and_join, build_with_writer, load_data, questions, _frame, _numbered
from .sections import H2, P, _person, table

REPORT_SECTIONS = (("summary", 1), ("open", 1), ("calendar", 1), ("exceptions_register", 1), ("findings", 1),
                   ("evidence_requests", 1))
#: Finding kinds in the order the report lists them ("unanswered" is the older name of "question").
KIND_ORDER = ("question", "unanswered", "gap", "evidence")
BOX = "☐"


def build_report(policy, report, *, history: Optional[list[dict]] = None, folder: Path | None = None) -> dict:
    """The view model of the readiness report for ``policy`` and its ``report``."""
    return build_both(policy, report, history=history, folder=folder)[1]


def build_both(policy, report, *, history: Optional[list[dict]] = None, folder: Path | None = None) -> tuple[dict, dict]:
    """The policy's view model and the readiness report's, from one pass over the answers."""
    policy_view, w = build_with_writer(policy, report, history=history, folder=folder)
    return policy_view, _report_view(policy, report, w, history, folder)


def _report_view(policy, report, w: Writer, history: Optional[list[dict]], folder: Path | None) -> dict:
    words = w.words.get("report", {})
    ev = load_data("evidence.yaml", folder)
    built = {
        "summary": summary(w, words),
        "open": open_items(w, words),
        "calendar": calendar(w, words),
        "exceptions_register": exceptions_register(w, words),
        "findings": findings(w, words),
        "evidence_requests": evidence_requests(w, ev),
    }
    view = _frame(w, policy, report, "report")
    titles = words.get("sections", {})
    w.words = dict(w.words, sections={k: {"title": v} for k, v in titles.items()})
    g = policy.policy
    control = [{"key": key, "label": lab, "value": val, "open": False} for key, lab, val in (
        ("policy", words.get("for_policy", "Policy"), f"{g.title or w.word('default_title')} ({g.id})" if g.id
         else g.title or w.word("default_title")),
        ("version", words.get("for_version", "Policy version"),
         g.version or (history[-1].get("version") if history else None)),
        ("as_of", words.get("as_of", "Status as of"), report.as_of.isoformat()),
        ("readiness", words.get("readiness", "Readiness"), f"{report.readiness()} / 100"),
        ("evidence_readiness", words.get("evidence_readiness", "Evidence readiness"),
         f"{report.evidence_readiness()} / 100" if hasattr(report, "evidence_readiness") else None),
        ("audit_ready", words.get("audit_ready", "Audit-ready"),
         w.word("true_text") if report.audit_ready else w.word("false_text")),
    ) if val]
    view.update(control=control, sections=_numbered(w, REPORT_SECTIONS, built, unnumbered=()), open_count=len(w.open))
    return view


# ----------------------------------------------------------------------------
# summary
# ----------------------------------------------------------------------------
def _kind(f) -> str:
    return "question" if f.kind == "unanswered" else f.kind


def summary(w: Writer, words: dict) -> list[dict]:
    r = w.report
    say = words.get("say", {})
    out = [P(say.get("readiness", "").format(score=r.readiness()))]
    if hasattr(r, "evidence_readiness"):
        out.append(P(say.get("evidence_readiness", "").format(score=r.evidence_readiness())))
    blocking = r.blocking
    if r.audit_ready:
        out.append(P(say.get("ready", "")))
    else:
        out.append(P(say.get("not_ready", "").format(n=len(blocking), s="" if len(blocking) == 1 else "s")))
        shown = blocking[:10]
        out.append(table(["Severity", "Rule", "Finding"],
                         [[f.severity.capitalize(), f.rule, w.finding_words(f.message)] for f in shown]))
        if len(blocking) > len(shown):
            out.append(P(say.get("more_blocking", "").format(n=len(blocking) - len(shown))))
    kinds = words.get("kinds", {})
    present = [k for k in dict.fromkeys(_kind(f) for f in r.open)]
    present.sort(key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else 99)
    rows = []
    for sev in SEVERITIES:
        counts = [sum(1 for f in r.open if f.severity == sev and _kind(f) == k) for k in present]
        if any(counts):
            rows.append([sev.capitalize()] + [str(c) for c in counts] + [str(sum(counts))])
    if rows:
        total = [sum(1 for f in r.open if _kind(f) == k) for k in present]
        rows.append([words.get("total", "Total")] + [str(c) for c in total] + [str(sum(total))])
        out.append(P(say.get("counts_intro", "")))
        out.append(table([words.get("severity", "Severity")] + [kinds.get(k, k.capitalize()) for k in present]
                         + [words.get("total", "Total")], rows))
    else:
        out.append(P(say.get("no_findings", "")))
    if r.accepted:
        out.append(P(say.get("accepted", "").format(n=len(r.accepted), s="" if len(r.accepted) == 1 else "s")))
    return out


# ----------------------------------------------------------------------------
# open items
# ----------------------------------------------------------------------------
def open_items(w: Writer, words: dict) -> list[dict]:
    from workbench.spec.followups import path_in_words

    def where(path: str) -> str:
        # "system warehouse: size gb", as a client reads it, not "systems[3].size_gb"
        return path_in_words(w.policy, path) if path else w.dash

    say = words.get("say", {})
    rows, seen = [], set()
    for f in questions(w.report):
        fu = w.follow_up(f.path)
        rows.append([w.finding_words(f.message), _owner(w, fu), _due(w, fu), where(f.path)])
        seen.update(f.paths)
    for item in w.open.values():
        if item["path"] and item["path"] in seen:
            continue
        fu = w.follow_up(item["path"])
        what = item["what"]
        rows.append([what[:1].upper() + what[1:], _owner(w, fu), _due(w, fu), where(item["path"])])
    out = [P(say.get("open_intro", ""))]
    if rows:
        out.append(table(["Decision or question", "Owner", "Due", "Field"], rows))
    else:
        out.append(P(say.get("no_open", "")))
    ups = [f for f in w.policy.follow_ups if f.status == "open"]
    if ups:
        out += [H2(words.get("follow_ups", "Follow-up questions")),
                table(["Id", "Question", "Owner", "Due", "Field"],
                      [[f.id or w.dash, f.question, f.owner or w.say_.get("unassigned", w.dash),
                        f.due.isoformat() if f.due else w.dash, where(f.field)] for f in ups])]
    return out


def _owner(w: Writer, fu) -> str:
    return fu.owner if fu is not None and fu.owner else w.words.get("report", {}).get("unassigned", "Not assigned")


def _due(w: Writer, fu) -> str:
    return fu.due.isoformat() if fu is not None and fu.due else w.words.get("report", {}).get("no_date", "No date set")


# ----------------------------------------------------------------------------
# test calendar, tests and exercises on record
# ----------------------------------------------------------------------------
def _last_pass(tests, as_of: dt.date, types=None) -> Optional[dt.date]:
    """Latest passing test date up to ``as_of`` (``tests`` come oldest first from the rules context): a record
    dated later is no test held, as the rules read it (TEST-005 asks for its date)."""
    for t in reversed(tests):
        if t.result == "pass" and t.date and t.date <= as_of and (types is None or t.type in types):
            return t.date
    return None


def _status(say: dict, as_of: dt.date, due: Optional[dt.date]) -> str:
    if due is None:
        return say.get("status_never", "")
    days = (due - as_of).days
    if days < 0:
        return say.get("status_overdue", "").format(days=-days, s="" if days == -1 else "s")
    if days == 0:
        return say.get("status_due_today", "")
    return say.get("status_due_in", "").format(days=days, s="" if days == 1 else "s")


def calendar(w: Writer, words: dict) -> list[dict]:
    say = words.get("say", {})
    entries = []
    kinds = {"restore": say.get("kind_restore", "Restore test"), "full": say.get("kind_full", "Full restore")}
    due_of: dict = {}
    wide = w.policy.policy.restore_test_interval
    for a in w.ctx.in_scope_systems:
        t = w.ctx.tier(a)
        if t is None:
            continue
        tests = w.ctx.tests(a)
        # a tier's own cadence wins; the policy-wide one holds for a tier that states none (rules/testing.py)
        restore = t.restore_test_interval if t.restore_test_interval is not None else wide
        for interval, types, kind in ((restore, None, "restore"),
                                      (t.full_restore_interval, ("full_system", "app"), "full")):
            if interval is None or interval.vague:
                continue
            last = _last_pass(tests, w.as_of, types)
            due = None
            if last:
                key = (interval.months, interval.seconds, last)
                due = due_of.get(key) or due_of.setdefault(key, interval.add_to(last))
            entries.append((due or w.as_of, w.system(a.id), w.tier_label(t.id), kinds[kind], last, due))
    out: list[dict] = [P(say.get("calendar_intro", "").format(as_of=w.as_of.isoformat()))]
    if entries:
        entries.sort(key=lambda e: (e[0], e[1], e[3]))
        status: dict = {}
        never = say.get("never_tested", "No passing test on record")
        rows = [[when.isoformat(), sid, tier, kind, last.isoformat() if last else never,
                 status.get(due) or status.setdefault(due, _status(say, w.as_of, due))]
                for when, sid, tier, kind, last, due in entries]
        out.append(table(["Due", "System", "Tier", "Test", "Last passing test", "Status"], rows))
    else:
        out.append(P(say.get("no_calendar", "")))
    out += _tests(w, words)
    out += _exercises(w, words)
    return out


def _tests(w: Writer, words: dict) -> list[dict]:
    say = words.get("say", {})
    out = [H2(words.get("tests", "Restore tests on record"))]
    if not w.policy.restore_tests:
        return out + [P(say.get("no_tests", ""))]
    tests = sorted(w.policy.restore_tests, key=lambda t: (t.date or dt.date.min, t.system), reverse=True)
    rows = [[w.cell(t.date), w.system(t.system), w.term(t.type), w.target(t.source_target) if t.source_target else w.dash,
             w.term(t.result), w.cell(t.measured_rto), w.cell(t.integrity_check), w.cell(t.evidence_ref)] for t in tests]
    return out + [table(["Date", "System", "Type", "Restored from", "Result", "Time taken", "Integrity checked",
                         "Evidence"], rows, dash=w.dash)]


def _exercises(w: Writer, words: dict) -> list[dict]:
    say = words.get("say", {})
    out = [H2(words.get("exercises", "Disaster-recovery exercises on record"))]
    if not w.policy.dr_exercises:
        return out + [P(say.get("no_exercises", ""))]
    rows = [[w.cell(x.date), w.cell(x.id), w.term(x.type), w.term(x.scenarios), w.cell(x.after_action_ref)]
            for x in sorted(w.policy.dr_exercises, key=lambda x: x.date or dt.date.min, reverse=True)]
    return out + [table(["Date", "Exercise", "Type", "Scenarios", "After-action report"], rows, dash=w.dash)]


# ----------------------------------------------------------------------------
# exceptions register
# ----------------------------------------------------------------------------
def exceptions_register(w: Writer, words: dict) -> list[dict]:
    say = words.get("say", {})
    if not w.policy.exceptions:
        return [P(say.get("no_exceptions", ""))]
    covered: dict[str, int] = {}
    for f in w.report.accepted:
        covered[f.accepted.exception] = covered.get(f.accepted.exception, 0) + 1
    rows = []
    for e in w.policy.exceptions:
        key = e.id or f"{e.rule}/{e.scope}"
        if not (e.justification and e.approved_by):
            status = say.get("exception_incomplete", "")
        elif e.expires_on is not None and e.expires_on < w.as_of:
            status = say.get("exception_expired", "")
        else:
            status = say.get("exception_valid", "")
        scope = say.get("whole_policy", "Whole policy") if e.scope in ("*", "", None) else _scope_name(w, e.scope)
        rows.append([key, e.rule, scope, w.cell(e.justification), w.cell(e.approved_by), w.cell(e.approved_on),
                     w.cell(e.expires_on), str(covered.get(key, 0)), status])
    return [P(say.get("exceptions_intro", "")),
            table(["Exception", "Rule", "Applies to", "Justification", "Accepted by", "On", "Expires", "Findings covered",
                   "Status"], rows, dash=w.dash)]


def _scope_name(w: Writer, sid: str) -> str:
    if sid in w.ctx.systems:
        return w.system(sid)
    if sid in w.ctx.targets:
        return w.target(sid)
    if sid in w.ctx.roles:
        return w.role(sid)
    if sid in w.ctx.tiers:
        return w.tier_label(sid)
    return sid


# ----------------------------------------------------------------------------
# findings
# ----------------------------------------------------------------------------
def findings(w: Writer, words: dict) -> list[dict]:
    say = words.get("say", {})
    kinds = words.get("kinds", {})
    intros = words.get("kind_intros", {})
    groups: dict[str, list] = {}
    for f in w.report.open:
        groups.setdefault(_kind(f), []).append(f)
    if not groups:
        return [P(say.get("no_findings", ""))]
    out: list[dict] = [P(say.get("findings_intro", ""))]
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    for kind in sorted(groups, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else 99):
        items = sorted(groups[kind], key=lambda f: (rank.get(f.severity, 9), f.rule))
        out.append(H2(f"{kinds.get(kind, kind.capitalize())}: {len(items)}"))
        if intros.get(kind):
            out.append(P(intros[kind]))
        out.append(table(["Severity", "Rule", "Finding", "What to do"],
                         [[f.severity.capitalize(), f.rule, w.finding_words(f.message), w.finding_words(f.fix) if f.fix else w.dash]
                          for f in items]))
    return out


# ----------------------------------------------------------------------------
# evidence request list
# ----------------------------------------------------------------------------
class _Sampler:
    """Sample sizes by the conventions of evidence.yaml, over the engagement's period."""

    def __init__(self, w: Writer, ev: dict):
        self.w, self.ev, self.text = w, ev, ev.get("text", {})
        e = w.policy.engagement
        self.type2 = e.soc2_type != "I"
        self.days: Optional[float] = None
        if e.soc2_type == "II" and e.period_start and e.period_end and e.period_end > e.period_start:
            self.days = float((e.period_end - e.period_start).days + 1)
            self.period = self.text.get("period_type2", "").format(start=e.period_start.isoformat(),
                                                                   end=e.period_end.isoformat())
        elif e.soc2_type == "I":
            self.period = self.text.get("period_type1", "").format(date=w.as_of.isoformat())
        else:
            self.period = self.text.get("period_open", "")

    def by_cadence(self, d) -> str:
        if not self.type2:
            return self.text.get("one", "1")
        days = d.approx_seconds / 86400 if d.approx_seconds else 0.0
        band = next((b for b in self.ev.get("samples", []) if days <= float(b["up_to_days"])), None)
        if band is None:
            return self.text.get("one", "1")
        size, label = int(band["size"]), str(band["label"])
        if self.days is None or days <= 0:
            return f"{size} ({label})"
        population = max(1, round(self.days / days)) if days >= 0.99 else int(self.days * max(1.0, round(1 / days)))
        if population == 1:
            return self.text.get("only_one", "1").format(label=label)
        if population <= size:
            return self.text.get("all_of", "").format(population=population, label=label)
        return self.text.get("of_population", "").format(n=size, population=population, label=label)

    def event(self) -> str:
        if not self.type2:
            return self.text.get("one", "1")
        return self.text.get("event", "").format(n=int(self.ev.get("event_sample", 25)))

    def each(self, what: str) -> str:
        return self.text.get("each", "").format(what=what)


def evidence_requests(w: Writer, ev: dict) -> list[dict]:
    """One row per control the policy commits to: records, sample, period, what each must show, a checkbox."""
    text, c = ev.get("text", {}), ev.get("controls", {})
    s = _Sampler(w, ev)
    p, rows = w.policy, []
    g = p.policy
    locations = {src.kind: src.location for src in p.evidence.sources if src.location}

    def row(key: str, sample: str, source: Optional[str] = None, **values) -> None:
        spec = c.get(key, {})
        vals = {k: ("" if v is None else str(v)) for k, v in values.items()}
        records = spec.get("records", "").format(**vals)
        if source and locations.get(source):
            records = text.get("kept_in", "{records}").format(records=records, location=locations[source])
        control = spec.get("control", key).format(**vals)
        rows.append([control[:1].upper() + control[1:], records[:1].upper() + records[1:], sample, s.period,
                     spec.get("shows", "").format(**vals), BOX])

    approver = _person(g.approver) or w.say("the_approver")
    if g.approved_on or g.review_interval:
        row("review", text.get("one", "1"), approver=approver)
    inv = p.inventory.reconcile_interval
    if inv is not None and not inv.vague:
        row("inventory", s.by_cadence(inv), interval=w.cadence(inv, "", "", False))
    sla_d = p.monitoring.failure_ticket_sla
    sla = w.human(sla_d) if sla_d is not None and not sla_d.vague else w.say("pending_sla") or "the time this policy sets"
    intervals = [sc.interval for sc in p.schedules if sc.interval is not None and not sc.interval.vague]
    if intervals:
        shortest = min(intervals, key=lambda d: d.approx_seconds)
        row("jobs", s.by_cadence(shortest if shortest.approx_seconds else _one_day()), "job_history", sla=sla)
    if p.monitoring.alerts or sla_d is not None:
        row("failures", s.event(), "failure_tickets", sla=sla)
    every = getattr(g, "restore_test_interval", None)  # a policy-wide cadence, where the spec has one
    own = any(t.restore_test_interval for t in p.tiers)
    if every is not None and not every.vague and not own:
        row("restore", s.by_cadence(every), "restore_tests", tier=w.say("every_system").lower(),
            interval=w.cadence(every, "", "", False), rto=w.say("rto_each") or "each system")
    for t in p.tiers:
        label = w.tier_label(t.id)
        rto = w.human(t.rto) if t.rto is not None and not t.rto.vague else w.say("rto_pending") or "the tier"
        # a tier's own cadence wins; the policy-wide one holds for the tiers that state none
        restore = t.restore_test_interval if t.restore_test_interval is not None or not own else every
        for d, key in ((restore, "restore"), (t.full_restore_interval, "full_restore")):
            if d is not None and not d.vague:
                row(key, s.by_cadence(d), "restore_tests", tier=label, interval=w.cadence(d, "", "", False), rto=rto)
    ex = g.dr_exercise_interval
    if ex is not None and not ex.vague:
        row("exercise", s.by_cadence(ex), "dr_exercises", interval=w.cadence(ex, "", "", False))
    for r in p.roles:
        if r.review_interval is not None and not r.review_interval.vague:
            row("access_review", s.by_cadence(r.review_interval), "access_reviews", role=w.role(r.id),
                interval=w.cadence(r.review_interval, "", "", False))
    if p.roles:
        row("access_change", s.event())
    mfa = [w.role(r.id) for r in p.roles if r.mfa_required]
    if mfa:
        row("mfa", s.each(w.words.get("report", {}).get("role_word", "role")), roles=and_join(mfa))
    if p.targets:
        row("configuration", s.each(w.words.get("report", {}).get("target_word", "backup target")))
        row("changes", s.event())
    if p.keys:
        row("keys", s.each(w.words.get("report", {}).get("key_word", "key")))
    m = p.monitoring
    if m.report_interval is not None and not m.report_interval.vague and m.report_to:
        row("report", s.by_cadence(m.report_interval), to=m.report_to, interval=w.cadence(m.report_interval, "", "", False))
    for mr in m.manual_reviews:
        if mr.after_each_job:
            row("manual_review", s.event(), when=w.say("review_each_job"))
        elif mr.interval is not None and not mr.interval.vague:
            row("manual_review", s.by_cadence(mr.interval),
                when=w.say("review_every", interval=w.cadence(mr.interval, "", "", False)))
    dv = p.disposal.verification_interval
    if dv is not None and not dv.vague:
        row("disposal", s.by_cadence(dv), interval=w.cadence(dv, "", "", False))
    if p.exceptions:
        row("exceptions", text.get("all_records", "All"), approver=approver)
    if any(h.applies_to_backups and not h.released_on for h in p.legal_holds):
        row("holds", text.get("all_records", "All"))
    if p.vendors:
        row("vendors", s.each(w.words.get("report", {}).get("vendor_word", "provider")))
    out = [P(text.get("intro", "")), P(text.get("conventions", ""))]
    if not s.type2:
        out.append(P(ev.get("type1_note", "")))
    if rows:
        out.append(table(["Control", "Records sampled", "Sample", "Period", "Each record must show", "Ready"], rows,
                         form=True))
    return out


def _one_day():
    from workbench.spec.durations import Duration

    return Duration.of("1d")
