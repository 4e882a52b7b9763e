"""The text report of ``workbench check``: what a client can act on.

Layout (one policy)::

    client.yaml (Bright Smile Dental), as of 2026-06-30
    Readiness 38/100. Not audit-ready: 9 open blockers, 14 major questions not answered yet.
    Open: 9 blocker, 31 major, 12 minor, 0 advisory (11 gaps, 38 questions, 3 evidence); 0 accepted.

    BLOCKER: 9 (fix before publishing)
    BLOCKER  RTO-003   ehr is tier T0: which runbook restores it? ...
    ...

Findings come worst first and, within a severity, those about the most
critical systems first (a question about a T0 system before a gap on a T3
one). By default each finding is one line; ``detail`` adds the fields and
criteria under each, and prints each fix once, under the findings it fixes,
naming who acts when a vendor or MSP runs what the finding concerns. Criteria
are cited for SOC 2 and the frameworks the engagement names, unless
``all_criteria``. Spec words (``job_missed``, ``delete_recovery_point``) give
way to plain words on the one-line view, and terms a reader may not know
(compliance mode, WORM, SCP ...) are explained once at the end.

Finding kinds: ``gap`` (a wrong answer), ``question`` (or the older
``unanswered``: an answer not given yet) and ``evidence`` (a record missing).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

from workbench.rules.wording import in_plain_words
from workbench.spec.refs import ids_in

from .common import plural

SEVERITIES = ("blocker", "major", "minor", "advisory")
SEVERITY_MEANING = {
    "blocker": "fix before publishing",
    "major": "fix before the observation period starts",
    "minor": "fix in the normal cycle",
    "advisory": "good practice beyond the criteria",
}
#: kind -> (singular, plural) as the summary counts them.
KIND_WORDS = {
    "gap": ("gap", "gaps"),
    "question": ("question", "questions"),
    "unanswered": ("question", "questions"),
    "evidence": ("missing record", "missing records"),
}
QUESTION_KINDS = ("question", "unanswered")

#: engagement.frameworks value -> the criteria family key findings use.
FAMILY_OF_FRAMEWORK = {
    "soc2": "soc2", "cis_v8": "cis", "nist_800_53": "nist", "nist_800_34": "nist", "iso_27001": "iso27001",
    "hipaa": "hipaa", "pci_dss": "pci", "gdpr": "gdpr",
}
#: engagement.frameworks values cited under "other", and the text that marks their criteria.
OTHER_MARKS = {"sec_17a4": "17a-4", "sox": "SOX", "nydfs": "NYDFS", "irs": "IRS", "nist_800_34": "800-34"}

#: Terms explained once at the end of the report when they appear in it.
TERMS = {
    "RPO": "recovery point objective: the most recent data the business accepts to lose, as a time span",
    "RTO": "recovery time objective: how soon a system must be working again after an outage",
    "compliance mode": "a lock on backup copies that nobody, not even an administrator or the provider's "
                       "support, can lift before it expires",
    "governance mode": "a lock that administrators with a special permission can still lift",
    "WORM": "write once, read many: storage that cannot be changed or erased until its retention ends",
    "immutable": "cannot be changed or deleted, by anyone, until a set date",
    "SCP": "service control policy: an AWS Organizations rule that limits what any account may do",
    "Resource Guard": "an Azure safeguard that needs a second person's approval for destructive backup actions",
    "air-gapped": "kept offline, out of reach of the network",
    "MFA": "multi-factor authentication: a second proof of identity at sign-in",
    "IaC": "infrastructure as code: servers and settings described in files that can rebuild them",
}


def _kind(f) -> str:
    return "question" if f.kind in QUESTION_KINDS else f.kind


def _subjects(f) -> list[str]:
    subjects = getattr(f, "subjects", None)
    if subjects:
        return [str(s) for s in subjects]
    return [f.subject] if f.subject else []


class Context:
    """What the report needs from the policy: tiers of systems, owners, who runs what, frameworks in scope."""

    def __init__(self, policy: Any):
        self.policy = policy
        self._ids = ids_in(policy) if policy is not None else frozenset()
        self.systems = {s.id: s for s in policy.systems} if policy is not None else {}
        self.targets = {t.id: t for t in policy.targets} if policy is not None else {}
        self.vendors = {v.id: v for v in policy.vendors} if policy is not None else {}
        tiers = {t.id: t for t in policy.tiers} if policy is not None else {}
        self.level: dict[str, int] = {}
        for s in self.systems.values():
            tier = tiers.get(s.tier) if s.tier else None
            self.level[s.id] = tier.level() if tier is not None else 9
        # a target or schedule is as critical as the most critical system it holds
        held: dict[str, set[str]] = {}
        #: system id -> vendor of each target its schedules write to (None for the organization's own)
        self.vendors_of: dict[str, set] = {}
        if policy is not None:
            by_tier: dict[str, list[str]] = {}
            for s in self.systems.values():
                if s.tier:
                    by_tier.setdefault(s.tier, []).append(s.id)
            for sch in policy.schedules:
                ids = set(sch.systems) | {x for t in sch.tiers for x in by_tier.get(t, ())}
                self.level[sch.id] = min((self.level.get(x, 9) for x in ids), default=9)
                for t in sch.targets:
                    held.setdefault(t, set()).update(ids)
                performer = getattr(sch, "performed_by", None)  # a vendor that runs this schedule, where the spec says
                vendors = ({performer} if performer else
                           {self._runner(self.targets[t]) if t in self.targets else None for t in sch.targets})
                for x in ids:
                    self.vendors_of.setdefault(x, set()).update(vendors)
        for t, ids in held.items():
            self.level.setdefault(t, min((self.level.get(x, 9) for x in ids), default=9))
        self.held = held
        msps = [v for v in self.vendors.values() if (v.service or "").lower() in ("msp", "managed_service_provider")]
        self.msp = msps[0] if len(msps) == 1 else None
        frameworks = list(policy.engagement.frameworks) if policy is not None else []
        self.families = {"soc2"} | {FAMILY_OF_FRAMEWORK[f] for f in frameworks if f in FAMILY_OF_FRAMEWORK}
        self.other_marks = [OTHER_MARKS[f] for f in frameworks if f in OTHER_MARKS]

    # -- criticality ---------------------------------------------------
    def plain(self, message: str) -> str:
        """The message in plain words, the policy's own ids kept as written."""
        return in_plain_words(message, self._ids)

    def criticality(self, f) -> int:
        """0 for a finding about a T0 system ... 9 when it concerns no tiered item; 5 for the whole policy."""
        subjects = _subjects(f)
        if not subjects:
            return 5
        return min(self.level.get(s, 9) for s in subjects)

    # -- who acts ------------------------------------------------------
    @staticmethod
    def _runner(target) -> Optional[str]:
        """The vendor id that holds or runs a target (``vendor``, or ``managed_by`` where the spec has it)."""
        return target.vendor or getattr(target, "managed_by", None)

    def _vendor_name(self, vendor_id: Optional[str]) -> Optional[str]:
        if not vendor_id:
            return None
        v = self.vendors.get(vendor_id)
        if v is None:
            return vendor_id
        if v.name:
            return v.name
        return "your MSP" if (v.service or "").lower() == "msp" else f"the vendor {v.id}"

    def actor(self, f) -> Optional[str]:
        """Who does the fix when someone else runs what the finding concerns (a vendor, an MSP)."""
        for subject in _subjects(f):
            target = self.targets.get(subject)
            if target is not None and self._runner(target):
                return self._vendor_name(self._runner(target))
            system = self.systems.get(subject)
            if system is not None:
                vendors = set(self.vendors_of.get(system.id, ()))
                if len(vendors) == 1 and None not in vendors:
                    return self._vendor_name(vendors.pop())
                if self.msp is not None and system.kind != "saas":
                    return self._vendor_name(self.msp.id)
        if f.family in ("copies", "immutability", "encryption", "frequency", "recovery", "monitoring") \
                and self.msp is not None and _subjects(f):
            return self._vendor_name(self.msp.id)
        return None

    # -- grouping ------------------------------------------------------
    def group_key(self, f, group_by: str) -> tuple:
        if group_by == "rule":
            from workbench.rules import RULES
            from workbench.rules.engine import RANK

            base = RULES[f.rule].severity if f.rule in RULES else f.severity
            return (RANK[base], f.rule, f"{f.rule}: {f.title}")
        subjects = _subjects(f)
        if group_by == "system":
            for s in subjects:
                if s in self.systems:
                    return (self.level.get(s, 9), s, f"system {s}")
            for s in subjects:
                if s in self.targets:
                    return (self.level.get(s, 9), s, f"backup target {s}")
            if self.policy is not None:
                for section, label in (("vendors", "vendor"), ("roles", "role"), ("schedules", "schedule"),
                                       ("keys", "key")):
                    ids = {x.id for x in getattr(self.policy, section)}
                    for s in subjects:
                        if s in ids:
                            return (9, f"{label} {s}", f"{label} {s}")
            return (10, "", "the policy as a whole")
        # owner
        owners = []
        for s in subjects:
            system = self.systems.get(s)
            if system is not None and system.owner:
                owners.append(system.owner)
            target = self.targets.get(s)
            if target is not None and self._runner(target):
                owners.append(self._vendor_name(self._runner(target)))
        if owners:
            return (0, owners[0].lower(), owners[0])
        owner = self.policy.policy.owner if self.policy is not None else None
        label = (owner.role or owner.name) if owner is not None and (owner.role or owner.name) else None
        return (1, "", f"policy owner ({label})" if label else "policy owner (not named yet)")

    # -- criteria ------------------------------------------------------
    def criteria_text(self, f, all_criteria: bool) -> str:
        if all_criteria:
            return f.criteria_text()
        from workbench.rules.engine import FRAMEWORK_NAMES, FRAMEWORK_ORDER

        parts = []
        for fw in FRAMEWORK_ORDER:
            ids = f.criteria.get(fw)
            if not ids:
                continue
            if fw == "other":
                ids = tuple(c for c in ids if any(m.lower() in c.lower() for m in self.other_marks))
            elif fw not in self.families:
                continue
            if ids:
                parts.append(f"{FRAMEWORK_NAMES[fw]} {', '.join(ids)}")
        return " · ".join(parts)


def _order(findings: Iterable, ctx: Context) -> list:
    from workbench.rules.engine import RANK

    return sorted(findings, key=lambda f: (RANK[f.severity], ctx.criticality(f), f.rule, f.subject or "", f.message))


def _summary(rep, findings: list) -> list[str]:
    from workbench.rules import WEIGHTS

    counts = {s: 0 for s in SEVERITIES}
    kinds: dict[str, int] = {}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
        kinds[_kind(f)] = kinds.get(_kind(f), 0) + 1
    head = f"Readiness {rep.readiness()}/100."
    evidence_readiness = getattr(rep, "evidence_readiness", None)
    if callable(evidence_readiness):
        head = (f"Readiness {rep.readiness()}/100 (the policy), evidence {evidence_readiness()}/100 "
                "(records of the controls operating).")
    if rep.audit_ready:
        head += " Audit-ready: no open blocker and no major question unanswered."
    else:
        blockers = counts["blocker"]
        questions = sum(1 for f in rep.blocking if f.severity != "blocker")
        why = [plural(blockers, "open blocker")] if blockers else []
        if questions:
            why.append(f"{plural(questions, 'major question')} not answered yet")
        head += f" Not audit-ready: {' and '.join(why)}."
    kind_text = ", ".join(plural(n, KIND_WORDS.get(k, (k, k + "s"))[0]) if n == 1 else
                          f"{n} {KIND_WORDS.get(k, (k, k + 's'))[1]}"
                          for k, n in sorted(kinds.items(), key=lambda kv: list(KIND_WORDS).index(kv[0])
                                             if kv[0] in KIND_WORDS else 9))
    open_line = ("Open: " + ", ".join(f"{n} {sev}" for sev, n in counts.items())
                 + (f" ({kind_text})" if kind_text else "") + f"; {len(rep.accepted)} accepted as exceptions.")
    return [head, open_line,
            f"(Readiness: the share of catalog rules with no open finding, weighted by severity: blocker "
            f"{WEIGHTS['blocker']}, major {WEIGHTS['major']}, minor {WEIGHTS['minor']}, advisory "
            f"{WEIGHTS['advisory']}.)"]


def _finding_line(f, ctx: Context) -> str:
    return f"{f.severity.upper():<8} {f.rule}  {ctx.plain(f.message)}"


def _detail_lines(f, ctx: Context, all_criteria: bool) -> list[str]:
    lines = []
    plain = ctx.plain(f.message)
    if plain != f.message:
        lines.append(f"  in the spec's words: {f.message}")
    where = []
    if f.paths:
        where.append(f"where: {', '.join(f.paths)}")
    crit = ctx.criteria_text(f, all_criteria)
    if crit:
        where.append(f"criteria: {crit}")
    if where:
        lines.append("  " + " · ".join(where))
    if f.adjusted:
        lines.append(f"  severity: {'; '.join(f.adjusted)}")
    return lines


#: Rules whose fix is the organization's own act even when a vendor holds the copies (a contract, a review).
_OWN_ACTS = frozenset({"COPY-004", "VEND-001", "GOV-001", "GOV-002", "ACC-005", "RET-001", "RET-005"})
#: First words after which a fix does not read as "ask X to <fix>".
_NOT_A_VERB = frozenset({"once", "in", "for", "if", "when", "where", "at", "every", "each", "a", "an", "the", "no"})


def _fix_text(f, ctx: Context) -> str:
    fix = f.fix.strip()
    actor = None if f.rule in _OWN_ACTS else ctx.actor(f)
    if not (actor and fix) or fix.lower().startswith("ask "):
        return fix
    first = fix.split(" ", 1)[0]
    if first.endswith(",") or first.lower() in _NOT_A_VERB:
        return f"ask {actor}: {fix}"
    return f"ask {actor} to {fix[0].lower()}{fix[1:]}"


def _clusters(findings: list, ctx: Context) -> list[tuple[str, list]]:
    """Findings sharing a fix, in the order their first member appears."""
    out: dict[str, list] = {}
    for f in findings:
        out.setdefault(_fix_text(f, ctx), []).append(f)
    return list(out.items())


def _block(findings: list, ctx: Context, *, detail: bool, all_criteria: bool,
           printed: Optional[dict[str, str]] = None) -> list[str]:
    """Findings one line each; with ``detail``, their fields and criteria, each fix once under its findings
    (``printed`` remembers fixes given in an earlier group: later ones point back to it)."""
    if not detail:
        return [_finding_line(f, ctx) for f in findings]
    printed = {} if printed is None else printed
    lines: list[str] = []
    for fix, group in _clusters(findings, ctx):
        for f in group:
            lines.append(_finding_line(f, ctx))
            lines.extend(_detail_lines(f, ctx, all_criteria))
        if not fix:
            continue
        label = "fix" if len(group) == 1 else f"fix (for the {len(group)} above)"
        if fix in printed:
            lines.append(f"  {label}: as for {printed[fix]} above")
        else:
            printed[fix] = group[0].rule
            lines.append(f"  {label}: {fix}")
    return lines


def _count_text(findings: list) -> str:
    kinds: dict[str, int] = {}
    for f in findings:
        kinds[_kind(f)] = kinds.get(_kind(f), 0) + 1
    return ", ".join(f"{n} {KIND_WORDS.get(k, (k, k + 's'))[0 if n == 1 else 1]}" for k, n in kinds.items())


def _terms(lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    used = [(term, meaning) for term, meaning in TERMS.items()
            if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text)]
    if not used:
        return []
    return ["", "WORDS USED ABOVE"] + [f"  {term}: {meaning}." for term, meaning in used]


def text_report(file: str, organization: Optional[str], rep, policy, *, include_accepted: bool = False,
                detail: bool = False, group_by: str = "severity", all_criteria: bool = False,
                findings: Optional[list] = None) -> list[str]:
    """The report of one policy, as lines. ``findings``: the open findings to list (e.g. only some kinds);
    default all. The summary always counts every open finding."""
    ctx = Context(policy)
    every = _order(rep.open, ctx)
    findings = every if findings is None else _order(findings, ctx)
    if organization:  # the heading names it; a name pasted whole from a document would run for pages
        organization = " ".join(organization.split())
        organization = organization if len(organization) <= 80 else organization[:79] + "…"
    who = f" ({organization})" if organization else ""
    lines = [f"{file}{who}, as of {rep.as_of.isoformat()}", *_summary(rep, every)]
    body: list[str] = []
    printed: dict[str, str] = {}
    if not findings:
        body += ["", "No open gaps and no unanswered questions."]
    elif group_by == "severity":
        for sev in SEVERITIES:
            group = [f for f in findings if f.severity == sev]
            if group:
                body += ["", f"{sev.upper()}: {_count_text(group)} ({SEVERITY_MEANING[sev]})"]
                body += _block(group, ctx, detail=detail, all_criteria=all_criteria, printed=printed)
    else:
        groups: dict[tuple, list] = {}
        for f in findings:
            groups.setdefault(ctx.group_key(f, group_by), []).append(f)
        for key in sorted(groups, key=lambda k: k[:-1]):
            group = groups[key]
            worst = group[0].severity
            body += ["", f"{key[-1]}: {plural(len(group), 'finding')}, worst {worst}"]
            body += _block(group, ctx, detail=detail, all_criteria=all_criteria, printed=printed)
    accepted = rep.accepted
    if accepted:
        body += ["", f"ACCEPTED AS EXCEPTIONS: {plural(len(accepted), 'finding')}"]
        for f in accepted:
            a = f.accepted
            until = f"until {a.expires_on.isoformat()}" if a.expires_on else "with no expiry date"
            body.append(f"ACCEPTED  {f.rule}  {ctx.plain(f.message)}")
            body.append(f"  exception {a.exception}, approved by {a.approved_by or 'nobody named'}, {until}"
                        + (f": {a.justification}" if a.justification else ""))
            if include_accepted or detail:
                body += _detail_lines(f, ctx, all_criteria)
    if detail:
        by = _by_criterion(findings)
        if by:
            body += ["", "Open findings by SOC 2 criterion: " + ", ".join(f"{c} {n}" for c, n in by.items())]
    return lines + body + _terms(body)


def _by_criterion(findings: list) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in findings:
        for cid in f.soc2():
            counts[cid] = counts.get(cid, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: [int(p) if p.isdigit() else p
                                                       for p in re.split(r"(\d+)", kv[0])]))
