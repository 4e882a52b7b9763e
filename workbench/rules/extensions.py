"""Optional rules of GAP_RULES §8.15, where the spec holds the data: vendor assurance and configuration as data.

They are not catalog rules: they do not count in the readiness figure, and they
report at minor at most, so they never decide audit readiness on their own.
A vendor's SOC 2 report older than 12 months with no bridge letter (VEND-001) is
evidence: the assurance record is overdue, not the policy.
"""

from __future__ import annotations

from workbench.spec.durations import Duration

from .engine import rule
from .wording import join_and
from .wording import listing as _names

REPORT_MAX_AGE = Duration.of("1y")


@rule(
    "VEND-001",
    title="A vendor holding backups has no current assurance",
    severity="minor",
    family="vendors",
    records=True,
    catalog=False,
    maps={"soc2": ["CC9.2"], "nist": ["SA-9"], "iso27001": ["A.5.22", "A.5.23"]},
    fix="Get the vendor's latest SOC 2 Type II report (or a bridge letter covering the months since), read its "
        "exceptions, and map its complementary user-entity controls to controls of your own.",
    description="A backup SaaS, MSP or off-site vault holding copies has no SOC 2 Type II report from the last "
                "12 months (and no bridge letter), or its complementary user-entity controls are not mapped.",
)
def vend_001(ctx):
    holding: dict[str, list[str]] = {}
    for c in ctx.policy.targets:
        if c.vendor:
            holding.setdefault(c.vendor, []).append(c.id)
    if not holding:
        return
    oldest = REPORT_MAX_AGE.add_to(ctx.today, -1)
    # A vendor that runs a backup control is VEND-002's (one cause, one finding).
    runs = {sc.performed_by for sc in ctx.policy.schedules} | {c.managed_by for c in ctx.policy.targets}
    for i, v in enumerate(ctx.policy.vendors):
        copies = holding.get(v.id)
        if not copies or v.id in runs:
            continue
        who = f"{v.name or v.id} (holding {_names(copies)})"
        path = f"vendors[{i}]"
        report = v.soc2_type2_report_date
        if report is None:
            yield ctx.ask(f"{who}: what is the date of its latest SOC 2 Type II report?",
                          f"{path}.soc2_type2_report_date", subject=v.id, scopes=tuple(copies))
        elif report < oldest and not v.bridge_letter:
            yield ctx.missing(f"{who}: its latest SOC 2 Type II report is from {report}, more than 12 months before "
                          f"{ctx.today}, and no bridge letter covers the months since.",
                          f"{path}.soc2_type2_report_date", f"{path}.bridge_letter", subject=v.id,
                          scopes=tuple(copies))
        if v.cuecs_mapped is False:
            yield ctx.hit(f"{who}: the complementary user-entity controls of its SOC 2 report are not mapped to "
                          "controls of your own.", f"{path}.cuecs_mapped", subject=v.id, scopes=tuple(copies))


@rule(
    "VEND-002",
    title="A backup control run by a provider has no assurance on record",
    severity="major",
    family="vendors",
    catalog=False,
    maps={"soc2": ["CC9.2", "A1.2"], "nist": ["SA-9", "CP-9"], "iso27001": ["A.5.22", "A.5.23"]},
    fix="Get the provider's latest SOC 2 Type II report (or a bridge letter covering the months since), check "
        "that it covers the backups or copies it runs for you, and map its complementary user-entity controls "
        "(what you must do yourself: retention settings, access, restore testing) to controls of your own.",
    description="A provider or subservice organization takes backups (a schedule's performed_by) or keeps a copy "
                "(a target's managed_by), and its SOC 2 Type II report or its complementary user-entity controls "
                "are not on record.",
)
def vend_002(ctx):
    runs: dict[str, list[str]] = {}
    for sc in ctx.policy.schedules:
        if sc.performed_by:
            runs.setdefault(sc.performed_by, []).append(f"the backups of schedule {sc.id}")
    for c in ctx.policy.targets:
        if c.managed_by:
            runs.setdefault(c.managed_by, []).append(f"the copy {c.id}")
    if not runs:
        return
    oldest = REPORT_MAX_AGE.add_to(ctx.today, -1)
    for i, v in enumerate(ctx.policy.vendors):
        what = runs.get(v.id)
        if not what:
            continue
        who = f"{v.name or v.id} runs {join_and(what)}"
        path = f"vendors[{i}]"
        report = v.soc2_type2_report_date
        asked, paths = [], []
        if report is None:
            asked.append("what is the date of its latest SOC 2 Type II report")
            paths.append(f"{path}.soc2_type2_report_date")
        elif report < oldest and not v.bridge_letter:
            yield ctx.hit(f"{who}: its latest SOC 2 Type II report is from {report}, more than 12 months before "
                          f"{ctx.today}, and no bridge letter covers the months since; the client cannot see those "
                          "controls any other way.", f"{path}.soc2_type2_report_date", f"{path}.bridge_letter",
                          subject=v.id)
        if v.cuecs_mapped is None:
            asked.append("are its complementary user-entity controls mapped to controls of your own")
            paths.append(f"{path}.cuecs_mapped")
        elif v.cuecs_mapped is False:
            yield ctx.hit(f"{who}: the complementary user-entity controls of its SOC 2 report are not mapped to "
                          "controls of your own.", f"{path}.cuecs_mapped", subject=v.id)
        if asked:
            yield ctx.ask(f"{who}, which the client cannot inspect itself: {' and '.join(asked)}?", *paths,
                          subject=v.id)


@rule(
    "CFG-001",
    title="Configuration of critical systems is not backed up",
    severity="minor",
    family="coverage",
    catalog=False,
    maps={"soc2": ["CC7.5", "A1.2"], "nist": ["CP-9(b)", "CP-9(c)"]},
    fix="Back up what it takes to rebuild the environment too: infrastructure as code, images, DNS zones, "
        "identity-provider configuration and secrets metadata, and restore them in the DR exercise.",
    description="A T0/T1 system's system-level state (IaC, images, DNS, IdP configuration) is not backed up, "
                "or nobody has said whether it is.",
)
def cfg_001(ctx):
    no, unknown = [], []
    critical = {tid for tid, level in ctx._tier_levels.items() if level <= 1}  # as ctx.critical, once per tier
    if not critical:
        return
    for a in ctx.in_scope_systems:
        if a.tier not in critical or a.backs_up_system_state or a.kind == "saas":
            continue  # a SaaS system's platform (images, DNS, infrastructure) is the provider's to rebuild
        (no if a.backs_up_system_state is False else unknown).append(a)
    for a in no:
        yield ctx.hit(f"{a.id} ({a.tier}): its configuration (infrastructure as code, images, DNS, identity-provider "
                      "settings) is not backed up, so restoring its data would not restore a working system.",
                      ctx.sp(a, "backs_up_system_state"), system=a)
    if unknown:
        ids = [a.id for a in unknown]
        yield ctx.ask(f"Is the configuration (infrastructure as code, images, DNS, identity-provider settings) of "
                      f"the most critical systems {_names(ids)} backed up too?",
                      ctx.sp(unknown[0], "backs_up_system_state"), subject=unknown[0].id, scopes=tuple(ids))


@rule(
    "RET-006",
    title="Critical systems keep backups for less than the ransomware dwell time",
    severity="minor",
    family="retention",
    catalog=False,
    maps={"soc2": ["A1.2", "CC7.5"], "nist": ["CP-9"], "other": ["AWS Backup Audit Manager: retention 35 days"]},
    fix="Keep the oldest restore point of the most critical systems at least as long as the policy's retention "
        "floor (35 days by default): ransomware often sits unnoticed for weeks, and every younger copy is "
        "already encrypted.",
    description="No copy of a T0/T1 system keeps a restore point as old as baseline.min_retention_floor.",
)
def ret_006(ctx):
    floor = ctx.policy.baseline.min_retention_floor
    if floor is None or floor.vague:
        return
    critical = {tid for tid, level in ctx._tier_levels.items() if level <= 1}  # as ctx.critical, once per tier
    if not critical:
        return
    limit = floor.approx_seconds
    memo: dict = {}  # id(copies list) -> (longest seconds, or None when a retention is not answered)
    for a in ctx.in_scope_systems:
        if a.tier not in critical:
            continue
        copies = ctx.copies(a)
        if not copies:
            continue  # no copy at all is COV-001's or COPY-001's finding
        key = tuple(map(id, copies))
        longest = memo.get(key, memo)
        if longest is memo:
            longest = memo[key] = _longest_kept(copies)
        if longest is None or longest[0] >= limit:
            continue  # a retention not answered is asked by RET-002; long enough
        kept = ", ".join(f"{c.id} {d}" for c, d in longest[1])
        yield ctx.hit(f"{a.id} ({a.tier}): the oldest restore point any copy keeps is {longest[2]} ({kept}), "
                      f"less than the policy's retention floor of {floor}: ransomware found later than that has "
                      "already reached every copy.",
                      ctx.tp(longest[3], "retention", "max"), "baseline.min_retention_floor", system=a)


def _longest_kept(copies):
    """(seconds, [(copy, its longest retention)], the longest's text, its copy) over ``copies``; None when a
    retention is not answered or a copy keeps points indefinitely."""
    kept = []
    for c in copies:
        r = c.retention
        if r is None or r.indefinite:
            return None
        longest = r.longest()
        if longest is None or longest.vague:
            return None
        kept.append((c, longest))
    best_copy, best = max(kept, key=lambda cd: cd[1].approx_seconds)
    return best.approx_seconds, kept, best, best_copy
