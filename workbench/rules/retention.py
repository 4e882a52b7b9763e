"""Retention and legal hold (RET): kept long enough for the law, not longer than privacy allows.

Shared causes: none known. Unanswered Trust Services Categories are read strictly
(``ctx.category``): RET-005 treats Privacy as in scope without asking again.
"""

from __future__ import annotations

from typing import Optional

from workbench.spec.durations import Duration

from .context import REGULATORY_MINIMUM, holds_hipaa_documentation, holds_pci_audit_logs
from .engine import rule
from .wording import listing as _names

YEAR = Duration.of("1y")
HOT = Duration.of("3mo")
HOT_RETRIEVAL_HOURS = 1.0
INF = float("inf")
LOCKS_THAT_OUTLIVE = ("compliance", "worm_media")


class _Forever:
    """Retention of a copy that keeps points with no end date."""

    def __str__(self) -> str:
        return "indefinitely"


FOREVER = _Forever()


@rule(
    "RET-001",
    title="Backup retention shorter than the regulatory minimum",
    severity="blocker",
    family="retention",
    maps={"soc2": ["C1.1", "P4.2", "PI1.5"], "cis": ["3.4"], "nist": ["SI-12", "AU-11"],
          "iso27001": ["A.5.31", "A.5.33"], "hipaa": ["164.316(b)(2)(i)"], "pci": ["10.5.1"], "other": ["SEC 17a-4"]},
    fix="Say which mechanism keeps each regulated record class. If it is the backup or an archive, keep points "
        "(write-once where the regime asks) at least as long as the regime's minimum; otherwise point to the system "
        "of record.",
    description="Regulated records rely on backups or an archive that are kept for less than the regulatory minimum.",
)
def ret_001(ctx):
    reg_min = _reg_min_memo(ctx)
    for a in _candidates(ctx)[0]:
        via = a.records_retention_via
        tags = ctx.tags(a)
        if tags.isdisjoint(REGULATORY_MINIMUM):
            continue
        # HIPAA's 6 years bind its documentation (audit logs), not PHI, and PCI's 12 months audit logs, not card
        # data (ctx.records_min): the key says which.
        key = (tags, "hipaa" in tags and holds_hipaa_documentation(a), "pci" in tags and holds_pci_audit_logs(a))
        need = reg_min.get(key, reg_min)
        if need is reg_min:
            need = reg_min[key] = ctx.records_min(a)
        if need is None:
            # HIPAA only because it holds PHI: state law, not HIPAA, says how long medical records are kept,
            # so no known minimum is broken; still ask which mechanism holds them (major, not blocker).
            # Card data alone carries no minimum at all (PCI DSS wants it kept as briefly as possible).
            if via is None and "hipaa" in tags:
                yield ctx.ask(
                    f"{a.id}: PHI is held there; HIPAA's 6 years (45 CFR 164.316) apply to HIPAA documentation, not to "
                    "medical records, whose retention state law sets; which mechanism keeps its records (the "
                    "system of record, an archive or the backups), and for how long?",
                    ctx.sp(a, "records_retention_via"), system=a, severity="major",
                    why="no known legal minimum is broken: state law, not HIPAA, sets it",
                )
            continue
        minimum, why = need
        if via is None:
            yield ctx.ask(
                f"{a.id}: it carries {_tags(ctx, a)} data ({why}: {minimum}); which mechanism keeps its records: "
                "the system of record, an archive or the backups?",
                ctx.sp(a, "records_retention_via"), system=a,
            )
            continue
        longest = _longest_seconds(ctx, a)
        if longest is None or longest >= minimum.approx_seconds:
            continue  # no copy, an unanswered retention (RET-002 asks), kept indefinitely, or long enough
        kept = _longest_per_copy(ctx, a)
        c, longest = max(kept, key=lambda cd: cd[1])
        per_copy = ", ".join(f"{t.id} {d}" for t, d in kept)
        yield ctx.hit(
            f"{a.id}: its records are kept by the {via}, but the longest backup retention is {longest} "
            f"({per_copy}) while {why} requires {minimum}.",
            ctx.tp(c, "retention", "max"), ctx.sp(a, "records_retention_via"), system=a,
            scopes=tuple(t.id for t, _ in kept),
        )


def _candidates(ctx) -> tuple[list, list, list]:
    """The in-scope systems RET-001, RET-002 and RET-003 can report on, in one pass per evaluation:
    (regulated systems whose records the system of record does not keep, systems with personal data,
    systems holding PCI logs). Tags are read off the lists, as ``ctx.tags`` derives them, so that
    only the few reported systems build their tag set."""
    found = ctx.__dict__.get("_ret_candidates")
    if found is None:
        records, personal, pci_logs = [], [], []
        for a in ctx.in_scope_systems:
            classes, tags = a.data_classes, a.regulatory_tags
            if "pii" in classes or "phi" in classes:
                personal.append(a)
            if tags or "phi" in classes or "pci" in classes:  # ctx.tags(a) is not empty
                if a.records_retention_via != "system_of_record":  # the system of record keeps them: never reported
                    records.append(a)
                if ("pci" in classes or "pci" in tags) and (a.kind == "log_store" or "logs" in classes):
                    pci_logs.append(a)
        found = ctx._ret_candidates = (records, personal, pci_logs)
    return found


def _reg_min_memo(ctx) -> dict:
    """Regulatory tags (``ctx.tags``; whether HIPAA documentation and PCI audit logs are held) -> ``ctx.records_min``
    of a system with those (it depends on nothing else, and parses its durations on every call): a handful of
    keys for thousands of systems."""
    memo = ctx.__dict__.get("_retention_reg_min")
    if memo is None:
        memo = ctx._retention_reg_min = {}
    return memo


@rule(
    "RET-002",
    title="Retention without a maximum, or longer than the privacy limit",
    severity="major",
    family="retention",
    maps={"soc2": ["C1.2", "P4.2", "P4.3", "CC6.5"], "cis": ["3.4"], "nist": ["SI-12"],
          "iso27001": ["A.8.10", "A.5.34"], "pci": ["3.2.1"], "gdpr": ["5(1)(e)"], "other": ["NYDFS 500.13"]},
    fix="Give every copy a maximum age enforced by lifecycle expiry, record the legal basis for anything kept "
        "indefinitely, and keep personal data no longer than its stated maximum unless the exception is justified.",
    description="A copy has no retention or maximum, keeps data indefinitely without a legal basis, or keeps "
                "personal data longer than its privacy maximum.",
)
def ret_002(ctx):
    for t in ctx.policy.targets:
        r = t.retention
        if r is None:
            yield ctx.ask(f"Target {t.id}: how long are backup points kept there?", ctx.tp(t, "retention"),
                          subject=t.id)
        elif r.indefinite:
            if not (r.indefinite_basis or "").strip():
                yield ctx.hit(f"Target {t.id} keeps points indefinitely with no legal basis recorded.",
                              ctx.tp(t, "retention", "indefinite_basis"), subject=t.id)
        elif r.max is None and all(d is None for d in (r.daily, r.weekly, r.monthly, r.yearly)):
            yield ctx.ask(f"Target {t.id}: what is the oldest backup point kept before lifecycle deletes it?",
                          ctx.tp(t, "retention", "max"), subject=t.id)
    cap_pii = ctx.policy.privacy.max_backup_age_for_pii
    cap_pii = cap_pii if _known(cap_pii) else None
    answered = _answered_seconds(ctx)
    # No copy is kept longer than the longest retention of any target: a system whose limit is at least
    # that needs no look at its own copies (the usual case: every target expires within the limits).
    kept_anywhere = max(answered.values(), default=-1.0)
    yield from _offsite_shorter(ctx, answered)
    plans = ctx._plans
    kept_by_plan: dict[int, float] = {}  # id(plan) -> longest answered retention of its copies
    for a in _candidates(ctx)[1]:
        own = a.max_retention
        own_known = own is not None and own.text is None
        limit = own if own_known else cap_pii
        if limit is None:
            continue
        cap = limit.approx_seconds
        if kept_anywhere <= cap:
            continue
        if a.retention_justification and a.retention_justification.strip():
            continue
        plan = plans.get(a.id)
        if plan is None:
            continue  # no copy: nothing is kept too long
        kept = kept_by_plan.get(id(plan))
        if kept is None:  # systems sharing a schedule set share the plan (and its copies)
            kept = kept_by_plan[id(plan)] = max([answered[c.id] for c in plan[1]], default=-1.0)
        if kept <= cap:
            continue
        limit_path = ctx.sp(a, "max_retention") if own_known else "privacy.max_backup_age_for_pii"
        over = [(c, d) for c, d in _longest_per_copy(ctx, a)
                if d is FOREVER or (d is not None and d.approx_seconds > cap)]
        listed = ", ".join(f"{c.id} {d}" for c, d in over)
        yield ctx.hit(
            f"{a.id}: backups holding its personal data are kept longer ({listed}) than its {limit} maximum, "
            "with no justification recorded.",
            *(ctx.tp(c, "retention", "max") for c, _ in over), limit_path, ctx.sp(a, "retention_justification"),
            system=a, scopes=tuple(c.id for c, _ in over),
        )


def _offsite_shorter(ctx, answered: dict):
    """Copies that survive losing the system's region or site kept for less time than those that do not
    (issue 12 §4): after a disaster only the shorter history is left. One finding per (on-site, off-site)
    pair of targets, naming the systems."""
    if len({v for v in answered.values() if v >= 0}) < 2:
        return  # every answered target keeps points equally long: nothing can be shorter
    plans, memo, found = ctx._plans, {}, {}
    survives = ctx.survives
    for a in ctx.in_scope_systems:
        plan = plans.get(a.id)
        if plan is None or len(plan[1]) < 2:
            continue
        # The pair depends on the plan's targets (in order) and on a's region, site and provider alone: many systems
        # with plans of their own (a schedule each, plus a tier-wide one) share one list of targets.
        key = (*map(id, plan[1]), a.region, a.site, a.provider)
        pair = memo.get(key, memo)
        if pair is memo:
            on = [c for c in plan[1] if answered.get(c.id, -1) >= 0 and not survives(c, a, "region_loss")]
            off = [c for c in plan[1] if answered.get(c.id, -1) >= 0 and survives(c, a, "region_loss")]
            pair = None
            if on and off and (a.region or a.site):
                long_on = max(on, key=lambda c: answered[c.id])
                long_off = max(off, key=lambda c: answered[c.id])
                if answered[long_off.id] < answered[long_on.id]:
                    pair = (long_on, long_off)
            memo[key] = pair
        if pair is not None:
            found.setdefault((pair[0].id, pair[1].id), (pair, []))[1].append(a)
    for (on, off), systems in found.values():
        ids = [a.id for a in systems]
        held_on, held_off = on.retention.longest() if on.retention else None, off.retention.longest() if off.retention else None
        yield ctx.hit(f"The off-site copy {off.id} of {_names(ids)} is kept for {held_off or 'less'}, but the copy "
                      f"{on.id} at the same site or region for {held_on or 'longer'}: after losing that site, only the "
                      "shorter history survives. Keep the off-site copy at least as long, or record why not.",
                      ctx.tp(off, "retention"), ctx.tp(on, "retention"), subject=off.id, system=systems[0],
                      scopes=(off.id, on.id, *ids), severity="minor")


@rule(
    "RET-003",
    title="PCI audit-log retention too short or not quickly retrievable",
    severity="major",
    family="retention",
    maps={"soc2": ["CC7.2", "PI1.5"], "cis": ["8.10"], "nist": ["AU-11", "AU-9(2)"], "iso27001": ["A.8.15"],
          "pci": ["10.5.1", "10.3.3"]},
    fix="Keep PCI audit logs at least 12 months, with the newest 3 months in storage that can be read within the "
        "hour, and back them up promptly to a central store that is hard to modify.",
    description="PCI audit logs are kept less than 12 months, or their newest 3 months sit only in slow archive tiers.",
)
def ret_003(ctx):
    seconds, retrieval = _seconds_by_target(ctx), ctx.retrieval_hours
    year, hot = YEAR.approx_seconds, HOT.approx_seconds
    for a in _candidates(ctx)[2]:
        # Cleared on each copy's longest retention in seconds (as _longest_per_copy judges it) first:
        # an unanswered copy, or a year kept and a fast copy among those keeping 3 months, is no finding.
        copies = ctx.copies(a)
        secs = [_seconds(seconds, c) for c in copies]
        if not secs or None in secs:
            continue
        if max(secs) >= year and not all(retrieval(c) > HOT_RETRIEVAL_HOURS
                                         for c, s in zip(copies, secs) if s >= hot):
            continue
        kept = _longest_per_copy(ctx, a)
        if not kept or any(d is None for _, d in kept):
            continue
        if all(d is not FOREVER for _, d in kept):
            c, longest = max(kept, key=lambda cd: cd[1])
            if longest < YEAR:
                yield ctx.hit(
                    f"{a.id} holds PCI audit logs but its longest backup retention is {longest} ({c.id}); "
                    "PCI DSS 10.5.1 needs 12 months.",
                    ctx.tp(c, "retention", "max"), system=a, scopes=(c.id,),
                )
                continue
        hot_holders = [c for c, d in kept if d is FOREVER or d.approx_seconds >= HOT.approx_seconds]
        if hot_holders and all(ctx.retrieval_hours(c) > HOT_RETRIEVAL_HOURS for c in hot_holders):
            slow = ", ".join(f"{c.id} ({c.storage_class or 'unknown class'}, "
                             f"{ctx.retrieval_hours(c):g}h to first byte)" for c in hot_holders)
            yield ctx.hit(
                f"{a.id} holds PCI audit logs, but the copies keeping its newest 3 months are only in slow "
                f"storage: {slow}; the newest 3 months must be immediately available.",
                *(ctx.tp(c, "storage_class") for c in hot_holders), system=a,
                scopes=tuple(c.id for c in hot_holders),
            )


@rule(
    "RET-004",
    title="Active legal hold not applied to backups",
    severity="blocker",
    family="retention",
    maps={"soc2": ["C1.1", "P4.2"], "nist": ["SI-12"], "iso27001": ["A.5.33", "A.5.31"]},
    fix="Put the affected recovery points on hold (for example an object-lock legal hold) or suspend their "
        "lifecycle, pull tapes out of rotation, and record the scope and release of every hold.",
    description="A legal hold is active on a system whose backups can still expire or cannot be held.",
)
def ret_004(ctx):
    for i, h in enumerate(ctx.policy.legal_holds):
        if h.released_on is not None and h.released_on <= ctx.today:
            continue
        if h.since is not None and h.since > ctx.today:
            continue
        label = f"Legal hold {h.id}" + (f" ({h.matter})" if h.matter else "")
        since = f" since {h.since}" if h.since else ""
        if not h.systems:
            yield ctx.ask(f"{label}: which systems does it cover?", f"legal_holds[{i}].systems", subject=h.id)
            continue
        if h.applies_to_backups is None:
            yield ctx.ask(f"{label} on {', '.join(h.systems)}: does it cover their backups too?",
                          f"legal_holds[{i}].applies_to_backups", subject=h.id, scopes=tuple(h.systems))
        for sid in dict.fromkeys(h.systems):
            a = ctx.systems.get(sid)
            if a is None:
                continue
            problems, paths = [], []
            if h.applies_to_backups is False:
                expiring = [c for c in ctx.copies(a) if not (c.retention and c.retention.indefinite)]
                if expiring:
                    what = ", ".join(f"{c.id} ({_kept(c)})" for c in expiring)
                    problems.append(f"it does not apply to backups, so {what} can still delete points "
                                    f"from before the hold")
                    paths.append(f"legal_holds[{i}].applies_to_backups")
            copies = ctx.copies(a)
            preserved = any(c.legal_hold_supported or (c.retention and c.retention.indefinite) for c in copies)
            # One held copy preserves the points; a short-lived copy beside it loses nothing the hold needs.
            no_hold = [] if preserved else [c for c in copies if c.legal_hold_supported is False]
            if no_hold:
                problems.append(f"{', '.join(c.id for c in no_hold)} cannot put points on hold")
                paths += [ctx.tp(c, "legal_hold_supported") for c in no_hold]
            if problems:
                yield ctx.hit(f"{label} is active on {a.id}{since}, but {'; and '.join(problems)}.", *paths,
                              system=a, scopes=(h.id,) + tuple(c.id for c in no_hold))


@rule(
    "RET-005",
    title="Erasure requests not handled in backups",
    severity="major",
    family="retention",
    maps={"soc2": ["P4.3", "P4.2", "C1.2"], "iso27001": ["A.8.10"], "gdpr": ["17", "5(1)(e)"],
          "other": ["ICO beyond use"]},
    fix="Document how erasure requests reach backups: put erased data beyond use, re-apply the deletion log after "
        "any restore, let backups age out within the stated window, and say so in the privacy notice.",
    description="Personal data is backed up but erasure in backups is not documented, or a lock outlives its "
                "privacy maximum.",
)
def ret_005(ctx):
    privacy = ctx.category("privacy")
    affected = [a for a in ctx.in_scope_systems
                if "pii" in a.data_classes and (privacy or "gdpr" in a.regulatory_tags)]
    if not affected:
        return
    names = _names(a.id for a in affected)
    scopes = tuple(a.id for a in affected)
    p = ctx.policy.privacy
    if not (p.erasure_in_backups_procedure or "").strip():
        yield ctx.ask(f"Personal data is backed up ({names}): which procedure handles erasure requests "
                      "for data in backups?", "privacy.erasure_in_backups_procedure", subject="privacy", scopes=scopes)
    for field, text in (
        ("beyond_use_statement", "erased data in backups is put beyond use until it expires"),
        ("deletion_replay_on_restore", "deletions are re-applied after a restore"),
    ):
        value = getattr(p, field)
        if value is False:
            yield ctx.hit(f"The policy does not state that {text}, yet personal data is backed up ({names}).",
                          f"privacy.{field}", subject="privacy", scopes=scopes)
        elif value is None:
            yield ctx.ask(f"Personal data is backed up ({names}): is it stated that {text}?",
                          f"privacy.{field}", subject="privacy", scopes=scopes)
    cap = p.max_backup_age_for_pii
    for a in affected:
        limit = a.max_retention if _known(a.max_retention) else (cap if _known(cap) else None)
        if limit is None:
            continue
        locked = [c for c in ctx.copies(a) if c.immutability and c.immutability.mode in LOCKS_THAT_OUTLIVE
                  and c.immutability.days is not None and c.immutability.days > limit.days]
        if locked:
            what = ", ".join(f"{c.id} ({c.immutability.mode}, {c.immutability.days}d)" for c in locked)
            where = ctx.sp(a, "max_retention") if _known(a.max_retention) else "privacy.max_backup_age_for_pii"
            yield ctx.hit(
                f"{a.id}: the lock on {what} outlives its {limit} privacy maximum, so erased personal "
                "data cannot leave those backups in time.",
                *(ctx.tp(c, "immutability", "days") for c in locked), where, system=a,
                scopes=tuple(c.id for c in locked),
            )


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------
def _known(d: Optional[Duration]) -> bool:
    return d is not None and not d.vague


def _tags(ctx, a) -> str:
    return ", ".join(sorted(ctx.tags(a)))


def _longest_per_copy(ctx, a) -> list:
    """(copy, longest retention, FOREVER, or None when not answered) for each copy of ``a``."""
    memo = ctx.__dict__.setdefault("_retention_longest", {})
    out = []
    for c in ctx.copies(a):
        found = memo.get(c.id, memo)
        if found is memo:
            r = c.retention
            found = memo[c.id] = None if r is None else FOREVER if r.indefinite else r.longest()
        out.append((c, found))
    return out


def _seconds_by_target(ctx) -> dict:
    """Target id -> the length of its longest retention in seconds (inf when kept indefinitely, None when
    not answered), as :func:`_longest_per_copy` judges it: floats let the common no-finding case
    compare without building a list of pairs per system. Filled by :func:`_seconds`."""
    memo = ctx.__dict__.get("_retention_seconds")
    if memo is None:
        memo = ctx._retention_seconds = {}
    return memo


def _seconds(memo: dict, c) -> Optional[float]:
    s = memo.get(c.id, memo)
    if s is memo:
        r = c.retention
        longest = None if r is None else FOREVER if r.indefinite else r.longest()
        s = memo[c.id] = None if longest is None else INF if longest is FOREVER else longest.approx_seconds
    return s


def _answered_seconds(ctx) -> dict:
    """Target id -> its longest answered retention in seconds (inf: indefinitely; -1: not answered)."""
    answered = ctx.__dict__.get("_retention_answered")
    if answered is None:
        memo = _seconds_by_target(ctx)
        answered = ctx._retention_answered = {}
        for tid, c in ctx.targets.items():
            s = _seconds(memo, c)
            answered[tid] = -1.0 if s is None else s
    return answered


def _longest_seconds(ctx, a) -> Optional[float]:
    """The longest retention over the copies of ``a`` in seconds; None when it has no copy or a copy's
    retention is not answered, inf when a copy keeps points indefinitely."""
    memo = _seconds_by_target(ctx)
    best = None
    for c in ctx.copies(a):
        s = _seconds(memo, c)
        if s is None:
            return None
        if best is None or s > best:
            best = s
    return best


def _kept(c) -> str:
    longest = c.retention.longest() if c.retention else None
    return f"kept {longest}" if longest is not None else "retention not stated"
