"""Governance (GOV): is the policy owned, approved, reviewed and testable?

Shared causes (see :func:`workbench.rules.engine.finalize`):

* GOV-001 asks for a missing owner, approver, approval date and audience in one
  question; GOV-002's "when was the policy last reviewed?" is the same missing
  date while the policy is not approved yet, and folds into it.
* GOV-003 asks for a cadence no other rule asks for; where another rule needs
  the same interval (DISP-001's disposal verification, MON-002's failure-ticket
  deadline, ACC-005's role review interval) that rule owns the question and GOV-003
  is listed in its ``merged``.
* A late policy review (GOV-002) is evidence: the policy is fine, its review record is overdue.
"""

from __future__ import annotations

from workbench.spec.durations import Duration
from workbench.spec.model import BACKUP_PERMISSIONS

from .engine import rule

YEAR = Duration.of("1y")
TWO_YEARS = Duration.of("2y")


@rule(
    "GOV-001",
    title="Policy ownership, approval or publication is not recorded",
    severity="major",
    family="governance",
    maps={"soc2": ["CC5.3", "CC2.2", "CC1.3"], "cis": ["11.1"], "nist": ["CP-1", "CP-2"],
          "iso27001": ["A.5.1", "A.8.13"], "hipaa": ["164.316(a)", "164.316(b)"]},
    fix="Name an accountable owner (by role as well as name) and an approver senior to them, record the "
        "approval date, and publish the policy to the teams that run backups with acknowledgement required.",
    description="The policy has no owner, approver, approval date or audience.",
)
def gov_001(ctx):
    # Owner, approver, approval date and audience are one governance record: asked in one question.
    g = ctx.policy.policy
    owner, approver = g.owner, g.approver
    asks, paths = [], []
    if owner is None or not (owner.name or owner.role):
        asks.append("who owns it (no accountable owner is named)")
        paths.append("policy.owner")
    elif not owner.role:
        asks.append(f"which role its owner {owner.name} holds (the owner is named without a role)")
        paths.append("policy.owner.role")
    if approver is None or not (approver.name or approver.role):
        asks.append("who approves it (no approver is named)")
        paths.append("policy.approver")
    elif owner is not None and _same_person(owner, approver):
        yield ctx.hit(f"The policy is approved by its own owner ({_who(owner)}); approval must come from "
                      "someone above the owner.", "policy.approver", "policy.owner", subject="policy")
    if g.approved_on is None:
        asks.append("when it was approved (no approval date is recorded)")
        paths.append("policy.approved_on")
    if not g.communicated_to:
        asks.append("who it is published to (no team or group is listed)")
        paths.append("policy.communicated_to")
    if asks:
        head = asks[0] if len(asks) == 1 else ", ".join(asks[:-1]) + " and " + asks[-1]
        yield ctx.ask(f"This policy does not yet say {head}. At stake: an auditor reads an unowned or "
                      "unapproved policy as one the organization has not adopted.", *paths, subject="policy",
                      causes=tuple(paths))


def _same_person(a, b) -> bool:
    if a.name and b.name:
        return _norm(a.name) == _norm(b.name)
    if not a.name and not b.name and a.role and b.role:
        return _norm(a.role) == _norm(b.role)
    return False


def _norm(text: str) -> str:
    return " ".join(text.lower().replace(".", " ").split())


def _who(person) -> str:
    if person.name and person.role:
        return f"{person.name}, {person.role}"
    return person.name or person.role or "?"


@rule(
    "GOV-002",
    title="Policy review is overdue or too infrequent",
    severity="major",
    family="governance",
    records=True,
    maps={"soc2": ["CC5.3", "CC4.1"], "cis": ["11.1"], "nist": ["CP-2"], "iso27001": ["A.5.1"],
          "hipaa": ["164.316(b)(2)(iii)"], "pci": ["12.1.2 (verify)"]},
    fix="Review the policy at least every 12 months and after significant change (new platform, region or "
        "acquisition), and keep the signed review record as evidence.",
    description="The review interval is missing or longer than a year, or the last review (or approval, which is "
                "one) is overdue.",
)
def gov_002(ctx):
    g = ctx.policy.policy
    interval = g.review_interval
    if interval is None:
        yield ctx.ask("How often is the policy reviewed? No review interval is set.", "policy.review_interval",
                      subject="policy")
    elif not interval.vague and interval > YEAR:
        yield ctx.hit(f"The policy is reviewed every {interval}, less often than once a year.",
                      "policy.review_interval", subject="policy")

    last, path, what = g.last_reviewed_on, "policy.last_reviewed_on", "last reviewed"
    if last is None and g.approved_on is not None:
        last, path, what = g.approved_on, "policy.approved_on", "approved (no review recorded since)"
    elif last is not None and g.approved_on is not None and g.approved_on > last:
        # approving a version is reviewing it: a policy revised and approved today is not overdue for review
        # because the spec still carries last year's review date
        last, path, what = g.approved_on, "policy.approved_on", "last approved"
    if last is None:
        # Not approved yet: the approval date GOV-001 asks for is the first review date too.
        yield ctx.ask("When was the policy last reviewed? No review or approval date is recorded.",
                      "policy.last_reviewed_on", subject="policy", causes=("policy.approved_on",))
        return
    limit = interval if interval is not None and not interval.vague else YEAR
    due = limit.add_to(last)
    stale = TWO_YEARS.add_to(last) < ctx.today
    if ctx.today <= due and not stale:
        return
    cadence = f"with a {limit} review interval" if limit is interval else "reviewing at least yearly"
    if ctx.today > due:
        message = (f"The policy was {what} on {last.isoformat()}; {cadence}, the next review was due on "
                   f"{due.isoformat()}" + ("; the last review is now more than 2 years old." if stale else "."))
    else:
        message = f"The policy was {what} on {last.isoformat()}, more than 2 years ago."
    yield ctx.missing(
        message,
        path, "policy.review_interval", subject="policy", severity="blocker" if stale else None,
        why="the last review is more than 2 years old" if stale else None,
    )


@rule(
    "GOV-003",
    title="A cadence is not stated",
    severity="major",
    family="governance",
    maps={"soc2": ["CC5.3", "CC4.1"], "cis": ["11.1"], "nist": ["CP-9", "CP-4"], "iso27001": ["A.8.13"]},
    fix="State every cadence as an explicit duration (e.g. 1d, 3mo, 1y). Type II auditors test against the "
        "frequency you state, and a frequency that is not stated cannot be tested.",
    description="A schedule, test, review, reconciliation, response or verification cadence is missing.",
)
def gov_003(ctx):
    # Vague words ("regularly") are the vague-language rule's finding; the policy review, inventory
    # reconciliation, restore-test and DR-exercise intervals are asked by GOV-002, COV-005, TEST-001 and TEST-006.
    p = ctx.policy
    for sc in p.schedules:
        # continuous protection has no interval; unversioned replication makes no recovery points at all
        # (COPY-001 says it is not a backup copy), so asking how often it makes one has a false premise
        if sc.interval is None and sc.type != "continuous" and not (sc.type == "replication" and not sc.versioned):
            what = f" ({', '.join(sc.systems[:3])}{' ...' if len(sc.systems) > 3 else ''})" if sc.systems else ""
            yield ctx.ask(f"How often does schedule {sc.id}{what} make a recovery point? No interval is set.",
                          ctx.schp(sc, "interval"), subject=sc.id)
    for r in p.roles:
        if r.review_interval is None and BACKUP_PERMISSIONS.intersection(r.permissions or ()):
            yield ctx.ask(f"How often is membership of role {r.id} reviewed? No review interval is set.",
                          ctx.rolep(r, "review_interval"), subject=r.id)
    if p.monitoring.failure_ticket_sla is None:
        yield ctx.ask("How soon must a failed backup job be fixed or ticketed? No failure-response time is set.",
                      "monitoring.failure_ticket_sla", subject="monitoring")
    if p.disposal.verification_interval is None:
        yield ctx.ask("How often is it verified that expired backup data is really gone? No interval is set.",
                      "disposal.verification_interval", subject="disposal")



@rule(
    "CHG-001",
    title="A published version weakens the policy with no reason recorded",
    severity="major",
    family="governance",
    catalog=False,
    maps={"soc2": ["CC8.1", "CC5.3"]},
    fix="Record why each weakening was accepted and who accepted it (publish --reason, or the revision's reason), "
        "or restore what was cut.",
    description="The latest revision weakens the last published version (a retention cut, a lock removed, a looser "
                "objective or cadence) and records no reason.",
)
def chg_001(ctx):
    """Reads the weakenings the publish step recorded on the revision (``revisions[].weakens``): the rule stays a
    pure function of the policy."""
    revisions = ctx.policy.revisions
    if not revisions:
        return
    i = len(revisions) - 1
    r = revisions[i]
    if not r.weakens or (r.reason or "").strip():
        return
    listed = "; ".join(r.weakens[:3]) + (f"; and {len(r.weakens) - 3} more" if len(r.weakens) > 3 else "")
    yield ctx.ask(f"Version {r.version} weakens the previous version ({listed}) and records no reason: why, and who "
                  "accepted it? An auditor reads a cut with no reason as an uncontrolled change.",
                  f"revisions[{i}].reason", subject=f"revision {r.version}")
