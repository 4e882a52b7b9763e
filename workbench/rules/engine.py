"""The gap engine: rules as pure functions of (policy, as-of date).

A rule is a generator decorated with :func:`rule`. It receives a
:class:`~workbench.rules.context.Context` (the policy plus indexes built once
per evaluation) and yields :class:`Hit` objects. The engine turns hits into
:class:`Finding` objects: it applies the severity modifiers of GAP_RULES §6,
matches accepted exceptions, and attaches the rule's criteria and fix.

No rule reads the clock, touches a file or imports Textual.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
import operator
from operator import attrgetter
from functools import cached_property
from typing import Callable, Iterable, Iterator, Optional

from workbench.spec.model import Policy, System

SEVERITIES = ("blocker", "major", "minor", "advisory")
#: What a finding is: a gap in the policy (what it says falls short), a question (the answer is not given
#: yet), or evidence (the policy is fine, but the records that show it operating are missing or overdue).
KINDS = ("gap", "question", "evidence")
RANK = {s: i for i, s in enumerate(SEVERITIES)}  # 0 = worst
#: Order in which criteria families are listed on a finding.
FRAMEWORK_ORDER = ("soc2", "cis", "nist", "iso27001", "hipaa", "pci", "gdpr", "other")
FRAMEWORK_NAMES = {
    "soc2": "SOC 2", "cis": "CIS v8", "nist": "NIST 800-53", "iso27001": "ISO 27001:2022",
    "hipaa": "HIPAA", "pci": "PCI DSS v4.0.1", "gdpr": "GDPR", "other": "Other",
}
#: regulatory tag -> the framework key whose citation makes a rule "cite that regime"
REGIME_OF_TAG = {"hipaa": "hipaa", "pci": "pci", "gdpr": "gdpr", "sec17a4": "other"}


def shift(severity: str, steps: int) -> str:
    """Move a severity: negative = worse (towards blocker), positive = milder."""
    return SEVERITIES[max(0, min(len(SEVERITIES) - 1, RANK[severity] + steps))]


@dataclass(slots=True)
class Hit:
    """What a rule yields: one concrete problem in the policy's own terms."""

    message: str
    paths: tuple[str, ...] = ()
    subject: Optional[str] = None          # the id the finding is about (system, target, role ...)
    system: Optional[System] = None        # for tier and regulatory modifiers
    severity: Optional[str] = None         # overrides the rule's base severity
    kind: str = "gap"                      # "gap", "question" or "evidence" (see KINDS)
    scopes: tuple[str, ...] = ()           # further ids an exception may name (tier, target ...)
    #: The field paths whose missing, vague or wrong value this hit is about, when other rules may report
    #: the same value: findings sharing a cause become one (see :func:`finalize`). A question's cause is
    #: its first path unless it says otherwise.
    causes: tuple[str, ...] = ()
    why: Optional[str] = None              # why ``severity`` differs from the rule's, when the hit sets it


@dataclass(slots=True)
class Accepted:
    """How a finding was accepted as a documented exception."""

    exception: str
    approved_by: str
    expires_on: Optional[dt.date]
    justification: str


@dataclass(slots=True)
class Finding:
    """One gap, ready for the gap panel, ``check`` and the document."""

    rule: str
    title: str
    severity: str
    message: str
    fix: str
    paths: tuple[str, ...]
    criteria: dict[str, tuple[str, ...]]
    family: str
    subject: Optional[str] = None
    kind: str = "gap"
    accepted: Optional[Accepted] = None
    scopes: tuple[str, ...] = ()
    #: Why ``severity`` differs from the rule's (the GAP_RULES §6 modifiers), e.g. "tier T0: one level worse".
    adjusted: tuple[str, ...] = ()
    #: Every id the finding is about: ``(subject,)``, or, when one finding stands for the same cause on several
    #: systems, roles ..., all of them (``subject`` is the first; :func:`finalize` gathers them).
    subjects: tuple[str, ...] = ()
    #: Other rules whose findings of the same cause this one stands for (they count against readiness too).
    merged: tuple[str, ...] = ()
    causes: tuple[str, ...] = ()           # see Hit.causes

    @property
    def rules(self) -> tuple[str, ...]:
        """This finding's rule and every rule it stands for."""
        return (self.rule, *self.merged)

    @property
    def open(self) -> bool:
        return self.accepted is None

    @property
    def path(self) -> str:
        """The first field path: where the interview should jump."""
        return self.paths[0] if self.paths else ""

    def soc2(self) -> tuple[str, ...]:
        return self.criteria.get("soc2", ())

    def criteria_text(self) -> str:
        parts = []
        for fw in FRAMEWORK_ORDER:
            ids = self.criteria.get(fw)
            if ids:
                parts.append(f"{FRAMEWORK_NAMES[fw]} {', '.join(ids)}")
        return " · ".join(parts)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity,
            "kind": self.kind,
            "message": self.message,
            "fix": self.fix,
            "paths": list(self.paths),
            "subject": self.subject,
            "subjects": list(self.subjects),
            "merged": list(self.merged),
            "criteria": {k: list(v) for k, v in self.criteria.items()},
            "family": self.family,
            "severity_adjusted": list(self.adjusted),
            "accepted": None if self.accepted is None else {
                "exception": self.accepted.exception,
                "approved_by": self.accepted.approved_by,
                "expires_on": self.accepted.expires_on.isoformat() if self.accepted.expires_on else None,
                "justification": self.accepted.justification,
            },
        }


@dataclass(frozen=True)
class Rule:
    """A catalog entry plus the function that evaluates it."""

    id: str
    title: str
    severity: str
    family: str
    criteria: dict[str, tuple[str, ...]]
    fix: str
    description: str
    func: Callable[..., Iterable[Hit]] = field(repr=False, compare=False)
    availability_only: bool = False   # drops one level when Availability is out of scope
    tier_modifier: bool = False       # T0 one level up, T3 one level down
    catalog: bool = True              # one of the 50 rules of GAP_RULES §8
    records: bool = False             # checks records of the control operating (yields "evidence" findings)

    @cached_property
    def regimes(self) -> frozenset[str]:
        return frozenset(k for k in ("hipaa", "pci", "gdpr") if self.criteria.get(k)) | (
            frozenset({"sec17a4"}) if any("17a-4" in c for c in self.criteria.get("other", ())) else frozenset()
        )


RULES: dict[str, Rule] = {}


def rule(
    id: str,
    *,
    title: str,
    severity: str,
    family: str,
    maps: dict[str, Iterable[str]],
    fix: str,
    description: str,
    availability_only: bool = False,
    tier_modifier: bool = False,
    catalog: bool = True,
    records: bool = False,
) -> Callable:
    """Register a rule function under its stable id."""
    if severity not in RANK:
        raise ValueError(f"{id}: unknown severity {severity}")

    def register(func: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        if id in RULES:
            raise ValueError(f"rule {id} registered twice")
        criteria = {fw: tuple(maps[fw]) for fw in FRAMEWORK_ORDER if maps.get(fw)}
        RULES[id] = Rule(id, title, severity, family, criteria, fix, description, func,
                         availability_only, tier_modifier, catalog, records)
        return func

    return register


# ----------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------
def _severity(r: Rule, hit: Hit, ctx) -> tuple[str, tuple[str, ...]]:
    """The finding's severity after the GAP_RULES §6 modifiers, and why it moved (empty when it did not)."""
    sev, why = _tiered(r, hit.severity, hit.why, hit.system, ctx)
    return _regulated(r, hit.system, sev, why, ctx)


def _tiered(r: Rule, severity: Optional[str], reason: Optional[str], system, ctx) -> tuple[str, tuple[str, ...]]:
    """The severity of a hit (its own, else the rule's) after the availability and tier modifiers, and why."""
    sev = severity or r.severity
    why = [reason] if reason and sev != r.severity else []
    if r.availability_only and not ctx.availability:
        sev = _moved(sev, +1, why, "Availability is not in scope: one level milder")
    if r.tier_modifier and system is not None:
        level = ctx.tier_level(system)
        if level in (0, 3):
            tier = ctx.tiers.get(system.tier)
            basis = ", as its RPO/RTO place it" if tier is not None and tier.level_basis() == "objectives" else ""
            if level == 0:
                sev = _moved(sev, -1, why, f"tier {system.tier} (most critical{basis}): one level worse")
            else:
                sev = _moved(sev, +1, why, f"tier {system.tier} (least critical{basis}): one level milder")
    return sev, tuple(why)


def _regulated(r: Rule, system, sev: str, why: tuple[str, ...], ctx) -> tuple[str, tuple[str, ...]]:
    """At least major for a system holding data of a regime the rule cites."""
    if system is not None and RANK[sev] > RANK["major"] and r.regimes:
        regimes = ctx.tags(system) & r.regimes
        if regimes:
            return "major", (*why, f"regulated data ({', '.join(sorted(regimes))}): at least major")
    return sev, why


def _moved(sev: str, steps: int, why: list, reason: str) -> str:
    moved = shift(sev, steps)
    if moved != sev:
        why.append(reason)
    return moved


def _accept(finding: Finding, ctx) -> None:
    for exc in ctx.exceptions_for(finding.rule):
        if exc.scope == "*" or exc.scope == finding.subject or exc.scope in finding.scopes:
            if ctx.exception_valid(exc):
                finding.accepted = Accepted(
                    exc.id or f"{exc.rule}/{exc.scope}", exc.approved_by or "", exc.expires_on, exc.justification or ""
                )
                ctx.used_exceptions.add(id(exc))
                return


def run_rules(policy: Policy, today: dt.date, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Every finding for ``policy`` as of ``today``, worst first."""
    from workbench.spec.io import _gc_paused

    from .context import Context

    selected = list(RULES.values()) if rules is None else list(rules)
    findings: list[Finding] = []
    # Rules build many short-lived, acyclic objects; the cyclic collector's
    # passes over them cost about a quarter of an evaluation. Refcounting frees them.
    with _gc_paused():
        ctx = Context(policy, today)
        deferred = []
        for r in selected:
            if r.family == "exceptions":
                deferred.append(r)  # judged after every other rule has been matched
                continue
            findings.extend(_findings_of(r, ctx))
        for r in deferred:
            findings.extend(_findings_of(r, ctx))
        findings = finalize(findings, ctx)
        ctx.release()
    return findings


def finalize(findings: list[Finding], ctx=None) -> list[Finding]:
    """Every cross-rule step between the rules' findings and the report, in one place.

    :func:`run_rules` calls it on the findings of every rule, before the context is
    released; an evaluator that caches findings per rule calls it on their union
    (with a live context), so both give the same list. It never changes the
    findings it is given (merged ones are copies) and returns a new list, so
    cached findings can be finalized again after any edit. ``ctx`` may be ``None``:
    the step that needs it is then skipped. Only open findings are merged;
    accepted ones are matched to their exception before this and stay as they are.
    The steps, in order:

    1. **One cause, one finding** (:func:`_one_cause_one_finding`): findings about
       the same missing, vague or wrong value (``Finding.causes``; a question's
       cause is its first field path) become one. The owner is the rule listed
       first in :data:`CAUSE_OWNERS`, else the worst finding (rules in
       :data:`CAUSE_YIELDERS` own a cause only alone); it keeps its message,
       names what else stays open until the cause is settled, takes the worst
       severity (saying why) and lists the others' rules in ``merged``.
    2. **One question per rule and subject** (:func:`_one_question_per_rule_and_subject`):
       the questions one rule asks about one subject (the policy's evidence store,
       sources and retention; a system's DR site and runbook) are asked together.
    3. **No records yet** (:func:`_no_records_yet`, needs ``ctx``): when the policy
       holds no records of a kind at all (no restore test, no access review), the
       evidence findings about them are one finding per kind of record saying what
       a Type II auditor will sample, how often, and over how many tiers and systems.
    4. **Many subjects, one finding** (:func:`_one_finding_per_rule_and_cause`): the
       same rule with the same message shape (or the same explicit cause) at the same
       severity on several systems, roles or targets is one finding; ``subjects``
       lists them, ``paths`` keeps every one's paths, the message names the first
       few and the count (with ``ctx``, the count names what they are: systems, roles ...).
    5. **What is at stake** (:func:`_what_is_at_stake`): a question that does not
       already say what hangs on its answer ends with the gap it could hide (its
       rule's title) and that gap's severity.
    6. Sort worst first (open before accepted, then severity, rule, subject, message).
    """
    findings = sorted(findings, key=_order)
    made: set[int] = set()   # ids of the findings this call built (copies): the inputs are never changed
    findings = _one_cause_one_finding(findings, made)
    findings = _one_question_per_rule_and_subject(findings, made)
    for f in findings:
        if f.merged and id(f) in made:
            _say_what_else(f)
    if ctx is not None:
        findings = _no_records_yet(findings, ctx)
    findings = _one_finding_per_rule_and_cause(findings, ctx)
    findings = _what_is_at_stake(findings)
    findings.sort(key=_order)
    return findings


def finalize_by_rule(by_rule: list[tuple[str, list[Finding]]], ctx, memo: dict) -> list[Finding]:
    """``finalize(every finding of by_rule, ctx)``, for an evaluator that keeps each rule's findings: the same
    list, with the work of the steps that stay within one rule kept in ``memo`` from one call to the next.

    ``by_rule`` holds (rule id, that rule's findings, in the order they are concatenated for :func:`finalize`).
    Steps 1-3 of :func:`finalize` run on the findings that can take part in them (open findings with a cause,
    open questions about a subject, and the evidence findings of a kind of record the policy holds none of),
    in the order they sort in among all. Every other finding keeps its place, and each of those steps leaves a
    finding where the one it replaces was (or first, for step 3's), so each rule's findings after them are known
    rule by rule; steps 4 and 5 work within one rule (and the context, which ``memo`` is kept for). A rule whose
    findings are the same objects as at the last call, none of them taking part in steps 1-3, reuses what steps 4
    and 5 made of them. The final sort breaks ties by rule first, so sorting the rules' results together gives
    :func:`finalize`'s order.
    """
    p = ctx.policy
    restore = not p.restore_tests
    review = bool(p.roles) and not any(r.last_review_on for r in p.roles)
    cross: list[Finding] = []
    crossing: set[str] = set()
    for rid, found in by_rule:
        for f in found:
            if f.accepted is None and (
                    f.causes or (f.kind == "question" and (f.subject or _causes(f)))
                    or (f.kind == "evidence" and ((restore and f.rule in RESTORE_RECORD_RULES)
                                                  or (review and f.rule in REVIEW_RECORD_RULES)))):
                cross.append(f)
                crossing.add(f.rule)
    if memo.get("ctx") is not ctx:
        memo.clear()
        memo["ctx"] = ctx
    fate: dict = {}
    ones: list[Finding] = []
    if cross:
        cross.sort(key=_order)
        made: set[int] = set()
        cross = _one_cause_one_finding(cross, made, fate)
        cross = _one_question_per_rule_and_subject(cross, made, fate)
        for f in cross:
            if f.merged and id(f) in made:
                _say_what_else(f)
        _no_records_yet(cross, ctx, fate)
        ones = fate.pop("ones", [])

    def now(f):  # what step 1-3 left in f's place (None: it was merged into another)
        got = fate.get(id(f))
        while got is not None:
            f = got[1]
            if f is None:
                return None
            got = fate.get(id(f))
        return f

    out: list[Finding] = []
    seen: set[str] = set()
    for rid, found in by_rule:
        seen.add(rid)
        lead = [o for o in ones if o.rule == rid]
        if rid not in crossing and not lead:
            got = memo.get(rid)
            if got is not None and len(got[0]) == len(found) and all(map(_is, got[0], found)):
                out.extend(got[1])
                continue
            done = _what_is_at_stake(_one_finding_per_rule_and_cause(sorted(found, key=_order), ctx))
            memo[rid] = (list(found), done)
            out.extend(done)
            continue
        memo.pop(rid, None)
        mine = lead + [g for g in map(now, sorted(found, key=_order)) if g is not None]
        out.extend(_what_is_at_stake(_one_finding_per_rule_and_cause(mine, ctx)))
    for rid in dict.fromkeys(o.rule for o in ones if o.rule not in seen):
        out.extend(_what_is_at_stake(_one_finding_per_rule_and_cause([o for o in ones if o.rule == rid], ctx)))
    out.sort(key=_order)
    return out


_is = operator.is_


def _order(f: Finding):
    # Paths and kind break the rare tie, so that the order (and what finalize merges into what) does not
    # depend on the order the rules yielded their findings in: the incremental evaluator combines findings
    # kept from earlier evaluations with fresh ones.
    return (f.accepted is not None, RANK[f.severity], f.rule, f.subject or "", f.message, f.paths, f.kind)


#: Which rule owns a cause that several rules report (the first listed wins); rules not listed rank after
#: these, the worst finding first. The family modules' docstrings say which of their causes another rule owns.
CAUSE_OWNERS = ("VAGUE-001", "GOV-001", "COV-002", "COV-003", "COPY-003", "ACC-005", "ACC-001", "TEST-001")
#: Rules that ask for a value only because no other rule does (any other rule asking for it owns the cause).
CAUSE_YIELDERS = ("GOV-003", "ASK-001")
_OWNER_RANK = {rid: i for i, rid in enumerate(CAUSE_OWNERS)}
_OWNER_RANK.update({rid: len(CAUSE_OWNERS) + 1 + i for i, rid in enumerate(CAUSE_YIELDERS)})


def _causes(f: Finding) -> tuple[str, ...]:
    """What ``f`` is about: its own ``causes``, else for a question the field its first path names (a bare
    list such as ``roles`` or ``restore_tests`` names no one value: such a question states its causes)."""
    if f.causes:
        return f.causes
    if f.kind == "question" and f.paths:
        first = f.paths[0]
        if "." in first or "[" in first:
            return (first,)
    return ()


def _one_cause_one_finding(findings: list[Finding], made: set[int], fate: Optional[dict] = None) -> list[Finding]:
    """Step 1 of :func:`finalize`: findings sharing a cause become the owner's one finding."""
    keyed = []
    last = len(CAUSE_OWNERS)
    for i, f in enumerate(findings):
        if f.accepted is None:
            causes = _causes(f)
            if causes:
                keyed.append((_OWNER_RANK.get(f.rule, last), i, f, causes))
    if len(keyed) < 2:
        return findings
    keyed.sort(key=lambda k: (k[0], k[1]))
    owner_of: dict[str, Finding] = {}
    absorbed: dict[int, tuple[Finding, list[Finding]]] = {}
    gone: set[int] = set()
    for _, _, f, causes in keyed:
        owner = None
        for c in causes:
            owner = owner_of.get(c)
            if owner is not None:
                break
        if owner is None:
            for c in causes:
                owner_of[c] = f
            continue
        absorbed.setdefault(id(owner), (owner, []))[1].append(f)
        gone.add(id(f))  # its other causes stay free: sharing one cause does not make two others one
    if not gone:
        return findings
    swap = {}
    for owner, others in absorbed.values():
        new = swap[id(owner)] = _absorb(owner, others)
        made.add(id(new))
        if fate is not None:
            fate[id(owner)] = (owner, new)
            for o in others:
                fate[id(o)] = (o, None)
    return [swap.get(id(f), f) for f in findings if id(f) not in gone]


def _absorb(owner: Finding, others: list[Finding]) -> Finding:
    """A copy of ``owner`` that stands for ``others`` too (findings of the same cause)."""
    owner = _copy(owner)
    paths = dict.fromkeys(owner.paths)
    scopes = dict.fromkeys(owner.scopes)
    merged = dict.fromkeys(owner.merged)
    worst = owner
    for o in others:
        paths.update(dict.fromkeys(o.paths))
        scopes.update(dict.fromkeys(o.scopes))
        for rid in o.rules:
            if rid != owner.rule:
                merged[rid] = None
        if RANK[o.severity] < RANK[worst.severity]:
            worst = o
    owner.paths = tuple(paths)
    owner.scopes = tuple(scopes)
    owner.merged = tuple(merged)
    owner.causes = tuple(dict.fromkeys((*_causes(owner), *(c for o in others for c in _causes(o)))))
    if worst is not owner:
        owner.adjusted = (*owner.adjusted, f"{worst.severity}: as {worst.rule} rates the same cause"
                          + (f" ({'; '.join(worst.adjusted)})" if worst.adjusted else ""))
        owner.severity = worst.severity
    return owner


def _copy(f: Finding) -> Finding:
    return Finding(f.rule, f.title, f.severity, f.message, f.fix, f.paths, f.criteria, f.family, f.subject, f.kind,
                   f.accepted, f.scopes, f.adjusted, f.subjects, f.merged, f.causes)


def _one_question_per_rule_and_subject(findings: list[Finding], made: set[int],
                                       fate: Optional[dict] = None) -> list[Finding]:
    """Step 2 of :func:`finalize`: one rule's open questions about one subject become one question."""
    first: dict[tuple, Finding] = {}
    rest: dict[int, list[Finding]] = {}
    for f in findings:
        if f.kind != "question" or f.accepted is not None or not f.subject:
            continue
        key = (f.rule, f.subject)
        head = first.get(key)
        if head is None:
            first[key] = f
        else:
            rest.setdefault(id(head), []).append(f)
    if not rest:
        return findings
    gone: set[int] = set()
    swap = {}
    for old in first.values():
        others = rest.get(id(old))
        if not others:
            continue
        head = swap[id(old)] = old if id(old) in made else _copy(old)
        made.add(id(head))
        lead = head.message.split(":", 1)[0] + ":" if ":" in head.message else None
        texts = dict.fromkeys([head.message.strip(), *(_without(o.message.strip(), lead) for o in others)])
        causes = tuple(dict.fromkeys(c for f in (head, *others) for c in _causes(f)))
        worst = min((head, *others), key=lambda f: RANK[f.severity])
        head.message = " ".join(texts)
        head.paths = tuple(dict.fromkeys(p for f in (head, *others) for p in f.paths))
        head.scopes = tuple(dict.fromkeys(x for f in (head, *others) for x in f.scopes))
        head.merged = tuple(dict.fromkeys(m for f in (head, *others) for m in f.merged))
        head.causes = causes
        if worst is not head:
            head.severity, head.adjusted = worst.severity, worst.adjusted
        gone.update(id(o) for o in others)
        if fate is not None:
            if head is not old:
                fate[id(old)] = (old, head)
            for o in others:
                fate[id(o)] = (o, None)
    return [swap.get(id(f), f) for f in findings if id(f) not in gone]


def _without(message: str, lead: Optional[str]) -> str:
    """``message`` without its ``lead`` ("app-db is tier prod:"), which the question before it already says."""
    if lead and message.startswith(lead) and len(message) > len(lead) + 1:
        rest = message[len(lead):].lstrip()
        return rest[:1].upper() + rest[1:]
    return message


def _say_what_else(owner: Finding) -> None:
    """End the message of a finding that stands for other rules' findings by naming them (by their titles)."""
    from .wording import lower_first

    also = [(rid, RULES[rid].title) for rid in owner.merged
            if rid in RULES and RULES[rid].family != "unanswered"]  # a core interview question adds nothing
    if also:
        owner.message = (owner.message.rstrip() + " Until this is settled, it also stands for: "
                         + "; ".join(f"{lower_first(t)} ({rid})" for rid, t in also) + ".")


#: Kinds of record that a first draft (or a Type I) may hold none of, with the rules whose evidence findings
#: are about them; when the policy holds no record of the kind, those findings become one (step 2).
RESTORE_RECORD_RULES = ("TEST-002", "TEST-004", "TEST-005", "ENC-004")
REVIEW_RECORD_RULES = ("ACC-005",)


def _no_records_yet(findings: list[Finding], ctx, fate: Optional[dict] = None) -> list[Finding]:
    """Step 2 of :func:`finalize`: one evidence finding per kind of record the policy holds none of."""
    p = ctx.policy
    if not p.restore_tests:
        findings = _one_for_records(findings, RESTORE_RECORD_RULES, lambda group: _restore_records_text(ctx, group),
                                    "Hold the first restore test of each tier (and, for the systems of the two most critical tiers, a full restore "
                                    "from the disaster copy), keep each dated record with its evidence, and repeat "
                                    "them on the tier's cadence.", fate)
    if p.roles and not any(r.last_review_on for r in p.roles):
        findings = _one_for_records(findings, REVIEW_RECORD_RULES, lambda group: _review_records_text(ctx, group),
                                    "Review the membership of each backup and key role, have the system owner sign "
                                    "it, record the date and the removals, and repeat on the role's cadence.", fate)
    return findings


def _one_for_records(findings: list[Finding], rules: tuple[str, ...], text, fix: str,
                     fate: Optional[dict] = None) -> list[Finding]:
    group = [f for f in findings if f.accepted is None and f.kind == "evidence" and f.rule in rules]
    if not group:
        return findings
    keep = min(group, key=lambda f: (rules.index(f.rule), RANK[f.severity]))
    worst = min(group, key=lambda f: RANK[f.severity])
    first = RULES.get(rules[0])
    merged = dict.fromkeys(rid for f in group for rid in f.rules if rid != rules[0])
    merged.pop(rules[0], None)
    subjects = tuple(dict.fromkeys(s for f in group for s in (f.subjects or (f.subject,)) if s))
    one = Finding(
        rules[0], first.title if first else keep.title, worst.severity, text(group),
        fix, tuple(dict.fromkeys(p for f in group for p in f.paths)),
        first.criteria if first else keep.criteria, first.family if first else keep.family,
        subjects[0] if subjects else None, "evidence", None,
        tuple(dict.fromkeys(s for f in group for s in f.scopes)),
        tuple(dict.fromkeys(w for f in group if f.severity == worst.severity for w in f.adjusted)),
        subjects, tuple(merged), (),
    )
    gone = {id(f) for f in group}
    if fate is not None:
        for f in group:
            fate[id(f)] = (f, None)
        fate.setdefault("ones", []).insert(0, one)  # each goes first: the last made leads
    return [one, *(f for f in findings if id(f) not in gone)]


def _restore_records_text(ctx, group: list[Finding]) -> str:
    from .wording import listing

    systems = ctx.in_scope_systems
    tiers: dict[str, str] = {}
    for a in systems:
        t = ctx.tiers.get(a.tier) if a.tier else None
        if t is not None and t.id not in tiers:
            iv = t.restore_test_interval
            tiers[t.id] = f"{t.id} every {iv}" if iv is not None and not iv.vague else f"{t.id}: cadence not set"
    rules = {f.rule for f in group} | {m for f in group for m in f.merged}
    what = [f"restore tests of each tier against its cadence ({listing(list(tiers.values()), 4)})" if tiers
            else "restore tests of each system against its cadence"]
    if "TEST-004" in rules:
        what.append("a full-system or application restore of each system of the two most critical tiers from its disaster copy")
    if "ENC-004" in rules:
        what.append("restores that prove each backup key can decrypt its copies")
    n_tiers, n_systems = len(tiers), len(systems)
    counts = (f"{n_tiers} tier{'s' if n_tiers != 1 else ''}, " if n_tiers else "") + \
        f"{n_systems} system{'s' if n_systems != 1 else ''}"
    return (f"No restore-test records yet: {ctx.type2_auditor} samples {_join(what)}; {counts}. "
            "Hold the first tests and keep their dated records.")


def _review_records_text(ctx, group: list[Finding]) -> str:
    from .wording import listing

    roles = [f.subject for f in group if f.subject]
    every = sorted({str(r.review_interval) for r in ctx.policy.roles if r.review_interval is not None
                    and not r.review_interval.vague})
    how = f" (every {', '.join(every)} as the policy sets)" if every else ""
    return (f"No access-review records yet: {ctx.type2_auditor} samples the review of each backup and key role "
            f"against its cadence{how}; {len(roles)} role{'s' if len(roles) != 1 else ''} "
            f"({listing(roles)}). Hold the first reviews and record their date and outcome.")


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _noun(names: list[str], ctx) -> Optional[str]:
    """What the subjects ``names`` are (system, role, target, tier, schedule), when ``ctx`` can tell."""
    if ctx is None:
        return None
    ids = ctx.__dict__.get("_finalize_ids")
    if ids is None:  # once per evaluation: id sets of each kind of item a finding can be about
        p = ctx.policy
        ids = ctx._finalize_ids = [("system", ctx.systems), ("role", {x.id for x in p.roles}),
                                   ("target", {x.id for x in p.targets}), ("tier", ctx.tiers),
                                   ("schedule", {x.id for x in p.schedules})]
    for noun, known in ids:
        if all(map(known.__contains__, names)):
            return noun
    return None


_HOLE = "\x00"
_RULE_OF, _SUBJECT = attrgetter("rule"), attrgetter("subject")
_PATHS, _SCOPES, _MERGED, _CAUSES = (attrgetter(a) for a in ("paths", "scopes", "merged", "causes"))


def _one_finding_per_rule_and_cause(findings: list[Finding], ctx=None) -> list[Finding]:
    """Step 3 of :func:`finalize`: the same rule and cause on many subjects is one finding listing them."""
    groups: dict[tuple, list[Finding]] = {}
    any_shared = False
    per_rule = Counter(map(_RULE_OF, findings))
    for f in findings:
        s = f.subject
        if per_rule[f.rule] < 2 or f.accepted is not None or not s or len(f.subjects) > 1:
            continue
        adjusted = f.adjusted
        key = (f.rule, f.kind, f.severity, "\x01".join(adjusted).replace(s, _HOLE) if adjusted else "",
               f.message.replace(s, _HOLE))
        found = groups.get(key)
        if found is None:
            groups[key] = [f]
        else:
            found.append(f)
            any_shared = True
    if not any_shared:
        return findings
    gone: set[int] = set()
    swap = {}
    for key, group in groups.items():
        if len(group) > 1:
            swap[id(group[0])] = _gather(group, key[4], ctx)
            gone.update(id(f) for f in group[1:])
    return [swap.get(id(f), f) for f in findings if id(f) not in gone]


def _gather(group: list[Finding], shape: str, ctx=None) -> Finding:
    """A copy of ``group[0]`` that stands for the whole group (same rule, kind, severity and message ``shape``)."""
    from .wording import listing

    first = _copy(group[0])
    names = [*map(_SUBJECT, group)]
    noun = _noun(names, ctx)
    count = f"{len(names)} {noun}s" if noun else f"{len(names)} in all"
    head, colon, rest = shape.partition(":")
    if head == _HOLE and colon:                                 # "web: ..."
        first.message = f"{listing(names)} ({count}):{rest}"
    elif colon and head.startswith(_HOLE + " (") and head.endswith(")") and head.count(_HOLE) == 1:
        first.message = f"{listing(names)} ({head[3:-1]}; {count}):{rest}"   # "web (T1): ..."
    else:
        tail = f" ({count} in all)" if noun else ""
        first.message = f"{first.message.rstrip()} The same holds for {listing(names[1:])}{tail}."
    first.subjects = tuple(names)
    first.paths = tuple(dict.fromkeys(chain.from_iterable(map(_PATHS, group))))
    first.scopes = tuple(dict.fromkeys(chain.from_iterable(map(_SCOPES, group))))
    first.merged = tuple(dict.fromkeys(chain.from_iterable(map(_MERGED, group))))
    first.causes = tuple(dict.fromkeys(chain.from_iterable(map(_CAUSES, group))))
    return first


#: Rules whose title only restates their question ("a cadence is not stated"): their questions are their stake.
_STAKES_SAID = frozenset({"GOV-003", "COV-002", "COV-003", "EVID-002"})


def _what_is_at_stake(findings: list[Finding]) -> list[Finding]:
    """Step 5 of :func:`finalize`: each open question says what its answer decides (copies; inputs untouched)."""
    from .wording import lower_first

    out = []
    for f in findings:
        if f.kind == "question" and f.accepted is None and "At stake" not in f.message:
            r = RULES.get(f.rule)
            if r is not None and r.catalog and r.id not in _STAKES_SAID:
                f = _copy(f)
                title = lower_first(r.title)
                f.message = f"{f.message.rstrip()} At stake: {title} ({f.severity})."
        out.append(f)
    return out


def _findings_of(r: Rule, ctx, systems: list | None = None, hits: Iterable[Hit] | None = None) -> Iterator[Finding]:
    """The findings of rule ``r``; with ``systems``, the system each is about (``Hit.system``) is appended to it,
    one entry per finding (the incremental evaluator keeps per-system findings apart); with ``hits``, the findings
    of those of r's hits (the incremental evaluator's re-run of a rule for part of the policy)."""
    # Worked out once per rule rather than per hit: a rule may yield thousands of them.
    modified = r.tier_modifier or bool(r.regimes) or (r.availability_only and not ctx.availability)
    accepting = r.family != "exceptions" and bool(ctx.exceptions_for(r.id))
    rid, title, base, fix, criteria, family = r.id, r.title, r.severity, r.fix, r.criteria, r.family
    by_provider = ctx.provider_covers if ctx.provider_prefixes else None
    regimes = r.regimes
    moved: dict[tuple, tuple] = {}  # what _tiered gave, by all it reads of a hit about a system
    for hit in (r.func(ctx) if hits is None else hits):
        if by_provider is not None and hit.kind == "question" and by_provider(hit.paths):
            continue  # a detail only the provider knows: VEND-002 asks for its assurance instead
        if modified:
            a = hit.system
            if a is None:
                severity, adjusted = _severity(r, hit, ctx)
            else:  # many hits of a rule share a tier: the same modifiers, worked out once
                key = (hit.severity, hit.why, a.tier)
                got = moved.get(key)
                if got is None:
                    got = moved[key] = _tiered(r, hit.severity, hit.why, a, ctx)
                severity, adjusted = got
                if regimes and RANK[severity] > 1:
                    severity, adjusted = _regulated(r, a, severity, adjusted, ctx)
        elif hit.severity is None or hit.severity == base:
            severity, adjusted = base, ()
        else:
            severity, adjusted = hit.severity, ((hit.why,) if hit.why else ())
        finding = Finding(
            rid, title, severity, hit.message, fix, hit.paths, criteria, family, hit.subject, hit.kind, None,
            hit.scopes, adjusted, (hit.subject,) if hit.subject else (), (), hit.causes,
        )
        if accepting:
            _accept(finding, ctx)
        if systems is not None:
            systems.append(hit.system)
        yield finding
