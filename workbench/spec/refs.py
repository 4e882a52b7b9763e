"""Cross-references inside a spec: duplicate ids and names that point nowhere.

``workbench validate`` (and loading by default) treats these as errors; the
gap engine reports the same problems as findings so that ``check`` can still
evaluate a policy someone else wrote.
"""

from __future__ import annotations

import difflib

from .model import Policy

#: list section -> attribute holding its id
ID_SECTIONS = {
    "tiers": "id", "systems": "id", "schedules": "id", "targets": "id", "keys": "id",
    "roles": "id", "principals": "id", "legal_holds": "id", "vendors": "id",
    "restore_tests": "id", "exceptions": "id", "follow_ups": "id", "dr_exercises": "id",
}


def _hint(name: str, known: set[str]) -> str:
    match = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def reference_problems(policy: Policy) -> list[tuple[tuple, str]]:
    """Every duplicate id and dangling reference, as (field path, message)."""
    out: list[tuple[tuple, str]] = []
    ids: dict[str, set[str]] = {}
    for section, attr in ID_SECTIONS.items():
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(policy, section)):
            value = getattr(item, attr)
            if value is None:
                continue
            if value in seen:
                out.append(((section, i, attr), f"duplicate id {value!r}: {section}[{seen[value]}] already uses it"))
            else:
                seen[value] = i
        ids[section] = set(seen)

    people = ids["principals"] | ids["roles"]

    def check(path: tuple, value: str | None, section: str, what: str, known: set[str] | None = None) -> None:
        pool = ids[section] if known is None else known
        if value is not None and value not in pool:
            out.append((path, f"{what} {value!r} is not defined in {section}{_hint(value, pool)}"))

    for i, s in enumerate(policy.systems):
        check(("systems", i, "tier"), s.tier, "tiers", "tier")
        for j, d in enumerate(s.depends_on):
            check(("systems", i, "depends_on", j), d, "systems", "system")
    for i, sc in enumerate(policy.schedules):
        for j, sid in enumerate(sc.systems):
            check(("schedules", i, "systems", j), sid, "systems", "system")
        for j, tid in enumerate(sc.tiers):
            check(("schedules", i, "tiers", j), tid, "tiers", "tier")
        for j, tid in enumerate(sc.targets):
            check(("schedules", i, "targets", j), tid, "targets", "target")
    for i, t in enumerate(policy.targets):
        if t.encryption is not None:
            check(("targets", i, "encryption", "key"), t.encryption.key, "keys", "key")
        check(("targets", i, "vendor"), t.vendor, "vendors", "vendor")
    for i, k in enumerate(policy.keys):
        for j, a in enumerate(k.admins):
            check(("keys", i, "admins", j), a, "principals", "key admin", people)
    for i, r in enumerate(policy.roles):
        for j, m in enumerate(r.members):
            check(("roles", i, "members", j), m, "principals", "member")
        for j, tid in enumerate(r.targets):
            check(("roles", i, "targets", j), tid, "targets", "target")
    for i, a in enumerate(policy.monitoring.alerts):
        for j, sid in enumerate(a.systems):
            check(("monitoring", "alerts", i, "systems", j), sid, "systems", "system")
        for j, tid in enumerate(a.tiers):
            check(("monitoring", "alerts", i, "tiers", j), tid, "tiers", "tier")
    for i, t in enumerate(policy.restore_tests):
        check(("restore_tests", i, "system"), t.system, "systems", "system")
        check(("restore_tests", i, "source_target"), t.source_target, "targets", "target")
    for i, h in enumerate(policy.legal_holds):
        for j, sid in enumerate(h.systems):
            check(("legal_holds", i, "systems", j), sid, "systems", "system")
    return out
