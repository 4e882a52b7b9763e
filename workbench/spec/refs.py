"""Cross-references inside a spec: duplicate ids and names that point nowhere.

``workbench validate`` (and loading by default) treats these as errors; the
gap engine reports the same problems as findings so that ``check`` can still
evaluate a policy someone else wrote.
"""

from __future__ import annotations

import operator
from itertools import chain
from typing import Any, Collection, Mapping, Optional

from .model import Policy

#: list section -> attribute holding its id
ID_SECTIONS = {
    "tiers": "id", "systems": "id", "schedules": "id", "targets": "id", "keys": "id",
    "roles": "id", "principals": "id", "legal_holds": "id", "vendors": "id",
    "restore_tests": "id", "exceptions": "id", "follow_ups": "id", "dr_exercises": "id",
}


#: Where a spec names an item of another section by its id: (path, with "*" for every item of a list, and the
#: sections whose ids it may name). The same references :func:`reference_problems` checks, and an exception's
#: scope (which may name an item of any section).
REFERENCES: tuple[tuple[tuple, frozenset[str]], ...] = tuple((path, frozenset(sections)) for path, sections in (
    (("systems", "*", "tier"), ("tiers",)),
    (("systems", "*", "depends_on", "*"), ("systems",)),
    (("systems", "*", "exclusion", "data_kept_in"), ("systems",)),
    (("schedules", "*", "systems", "*"), ("systems",)),
    (("schedules", "*", "tiers", "*"), ("tiers",)),
    (("schedules", "*", "targets", "*"), ("targets",)),
    (("schedules", "*", "performed_by"), ("vendors",)),
    (("targets", "*", "encryption", "key"), ("keys",)),
    (("targets", "*", "vendor"), ("vendors",)),
    (("targets", "*", "managed_by"), ("vendors",)),
    (("keys", "*", "admins", "*"), ("principals", "roles")),
    (("roles", "*", "members", "*"), ("principals",)),
    (("principals", "*", "members", "*"), ("principals",)),
    (("roles", "*", "targets", "*"), ("targets",)),
    (("monitoring", "alerts", "*", "systems", "*"), ("systems",)),
    (("monitoring", "alerts", "*", "tiers", "*"), ("tiers",)),
    (("monitoring", "manual_reviews", "*", "systems", "*"), ("systems",)),
    (("monitoring", "manual_reviews", "*", "tiers", "*"), ("tiers",)),
    (("restore_tests", "*", "system"), ("systems",)),
    (("restore_tests", "*", "source_target"), ("targets",)),
    (("legal_holds", "*", "systems", "*"), ("systems",)),
    (("exceptions", "*", "scope"), tuple(ID_SECTIONS)),
))


def references(policy: Policy, section: str, name: str) -> list[tuple]:
    """The paths where ``policy`` names item ``name`` of ``section`` (what renaming it must rename too)."""
    out: list[tuple] = []

    def walk(node: Any, pattern: tuple, at: tuple) -> None:
        if not pattern:
            if node == name:
                out.append(at)
            return
        head, rest = pattern[0], pattern[1:]
        if head == "*":
            if isinstance(node, list):
                for i, item in enumerate(node):
                    walk(item, rest, at + (i,))
        elif node is not None:
            walk(getattr(node, head, None), rest, at + (head,))

    for pattern, sections in REFERENCES:
        if section in sections:
            walk(policy, pattern, ())
    return out


def ids_in(policy: Policy) -> frozenset[str]:
    """Every id the policy gives an item (systems, targets, roles, people ...): words a reader sees as names."""
    out: set[str] = set()
    for section, attr in ID_SECTIONS.items():
        out.update(i for i in map(operator.attrgetter(attr), getattr(policy, section)) if i)
    return frozenset(out)


def _hint(name: str, known: set[str], memo: Optional[dict] = None) -> str:
    """`` (did you mean 'x'?)`` for the id of ``known`` closest to ``name``, or nothing. With ``memo`` (one per
    check of a policy), each name is matched once per pool: removing a system leaves its id dangling in every
    schedule and restore test that names it, and matching one name against thousands of ids takes tens of ms."""
    key = (name, id(known))
    if memo is not None and key in memo:
        return memo[key]
    found = _closest(name, known)
    if memo is not None:
        memo[key] = found
    return found


_CLOSEST: dict[tuple, str] = {}  # (name, how many ids, hash of their set) -> hint; the ids themselves are not kept


def closest_id(name: str, known: Collection[str]) -> Optional[str]:
    """The id of ``known`` that ``name`` is most likely a typo of (difflib's closest, ratio 0.6 or more), or None."""
    hint = _closest(name, known if isinstance(known, set) else set(known))
    return hint[len(" (did you mean '"):-len("'?)")] if hint.startswith(" (did you mean '") else None


def _closest(name: str, known: set[str]) -> str:
    """The hint for ``name`` among ``known``, kept from one check to the next: while a reference stays broken,
    the app's evaluator asks again after each edit that re-runs the reference check, with the same ids (5,000
    system ids: about 40 ms per name)."""
    key = (name, len(known), hash(frozenset(known)))
    found = _CLOSEST.get(key)
    if found is not None:
        return found
    import difflib  # only when a reference is broken

    match = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    if len(_CLOSEST) >= 256:
        _CLOSEST.clear()
    found = _CLOSEST[key] = f" (did you mean {match[0]!r}?)" if match else ""
    return found


def reference_problems(policy: Policy, known_ids: Optional[Mapping[str, Collection]] = None,
                       listed: Optional[Mapping[str, Collection]] = None) -> list[tuple[tuple, str]]:
    """Every duplicate id and dangling reference, as (field path, message).

    Runs on every evaluation: each section is first checked as a whole with C-level set operations,
    and only a section that has a problem is walked item by item to say where (in the same order).

    A caller that has already read the policy's id columns may pass them, to spare reading them again
    (the gap engine's Context does); the answer is the same. ``known_ids``: section -> its distinct ids
    (the keys of an index by id will do). ``listed``: ``"schedules.systems"`` -> every system id the
    schedules list, ``"restore_tests.system"`` -> every system id the restore tests name; a collection
    holding other ids as well is fine as long as they are ids of systems.
    """
    out: list[tuple[tuple, str]] = []
    ids: dict[str, set[str]] = {}
    known_ids = known_ids or {}
    listed = listed or {}
    for section, attr in ID_SECTIONS.items():
        items = getattr(policy, section)
        given = known_ids.get(section)
        known = set(map(operator.attrgetter(attr), items)) if given is None else set(given)
        if len(known) != len(items) or None in known:  # a duplicate, or an item without an id
            values = _column(items, attr)
            known.discard(None)
            if len(known) + values.count(None) != len(values):
                _duplicates(section, attr, values, out)
        ids[section] = known

    people = ids["principals"] | ids["roles"]
    hints: dict = {}  # (name, id(pool)) -> its hint; the pools live as long as this call

    def check(path: tuple, value: str | None, section: str, what: str, known: set[str] | None = None) -> None:
        pool = ids[section] if known is None else known
        if value is not None and value not in pool:
            out.append((path, f"{what} {value!r} is not defined in {section}{_hint(value, pool, hints)}"))

    systems, schedules, targets = policy.systems, policy.schedules, policy.targets
    if not (_known(_column(systems, "tier"), ids["tiers"])
            and _all_known(_flat(systems, "depends_on"), ids["systems"])):
        for i, s in enumerate(systems):
            check(("systems", i, "tier"), s.tier, "tiers", "tier")
            for j, d in enumerate(s.depends_on or ()):
                check(("systems", i, "depends_on", j), d, "systems", "system")
    scheduled = listed.get("schedules.systems")
    if not (_all_known(_flat(schedules, "systems") if scheduled is None else scheduled, ids["systems"])
            and _all_known(_flat(schedules, "tiers"), ids["tiers"])
            and _all_known(_flat(schedules, "targets"), ids["targets"])):
        for i, sc in enumerate(schedules):
            for j, sid in enumerate(sc.systems):
                check(("schedules", i, "systems", j), sid, "systems", "system")
            for j, tid in enumerate(sc.tiers):
                check(("schedules", i, "tiers", j), tid, "tiers", "tier")
            for j, tid in enumerate(sc.targets):
                check(("schedules", i, "targets", j), tid, "targets", "target")
    keys = [t.encryption.key for t in targets if t.encryption is not None]
    if not (_known(keys, ids["keys"]) and _known(_column(targets, "vendor"), ids["vendors"])):
        for i, t in enumerate(targets):
            if t.encryption is not None:
                check(("targets", i, "encryption", "key"), t.encryption.key, "keys", "key")
            check(("targets", i, "vendor"), t.vendor, "vendors", "vendor")
    if not _all_known(_flat(policy.keys, "admins"), people):
        for i, k in enumerate(policy.keys):
            for j, a in enumerate(k.admins or ()):
                check(("keys", i, "admins", j), a, "principals", "key admin", people)
    if not (_all_known(_flat(policy.roles, "members"), ids["principals"])
            and _all_known(_flat(policy.roles, "targets"), ids["targets"])):
        for i, r in enumerate(policy.roles):
            for j, m in enumerate(r.members or ()):
                check(("roles", i, "members", j), m, "principals", "member")
            for j, tid in enumerate(r.targets):
                check(("roles", i, "targets", j), tid, "targets", "target")
    for section in ("alerts", "manual_reviews"):
        items = getattr(policy.monitoring, section)
        if not (_all_known(_flat(items, "systems"), ids["systems"]) and _all_known(_flat(items, "tiers"), ids["tiers"])):
            for i, a in enumerate(items):
                for j, sid in enumerate(a.systems):
                    check(("monitoring", section, i, "systems", j), sid, "systems", "system")
                for j, tid in enumerate(a.tiers):
                    check(("monitoring", section, i, "tiers", j), tid, "tiers", "tier")
    tests = policy.restore_tests
    tested = listed.get("restore_tests.system")
    if not (_known(_column(tests, "system") if tested is None else tested, ids["systems"])
            and _known(_column(tests, "source_target"), ids["targets"])):
        for i, t in enumerate(tests):
            check(("restore_tests", i, "system"), t.system, "systems", "system")
            check(("restore_tests", i, "source_target"), t.source_target, "targets", "target")
    # Providers that run a schedule or keep a copy, and where an excluded system's data lives instead.
    if not (_known(_column(schedules, "performed_by"), ids["vendors"])
            and _known(_column(targets, "managed_by"), ids["vendors"])):
        for i, sc in enumerate(schedules):
            check(("schedules", i, "performed_by"), sc.performed_by, "vendors", "vendor")
        for i, t in enumerate(targets):
            check(("targets", i, "managed_by"), t.managed_by, "vendors", "vendor")
    kept_in = [s.exclusion.data_kept_in for s in systems if s.exclusion is not None]
    if not _known(kept_in, ids["systems"]):
        for i, s in enumerate(systems):
            if s.exclusion is not None:
                check(("systems", i, "exclusion", "data_kept_in"), s.exclusion.data_kept_in, "systems", "system")
    if not _all_known(_flat(policy.legal_holds, "systems"), ids["systems"]):
        for i, h in enumerate(policy.legal_holds):
            for j, sid in enumerate(h.systems):
                check(("legal_holds", i, "systems", j), sid, "systems", "system")
    return out


def _duplicates(section: str, attr: str, values: list, out: list) -> None:
    """Report each id of ``section`` that an earlier item already uses."""
    seen: dict[str, int] = {}
    for i, value in enumerate(values):
        if value is None:
            continue
        if value in seen:
            out.append(((section, i, attr), f"duplicate id {value!r}: {section}[{seen[value]}] already uses it"))
        else:
            seen[value] = i


def _column(items: list, attr: str) -> list:
    return list(map(operator.attrgetter(attr), items))


def _flat(items: list, attr: str):
    """Every element of a list field over ``items``."""
    return chain.from_iterable(filter(None, map(operator.attrgetter(attr), items)))  # most lists are empty


def _known(values: Collection, pool: set) -> bool:
    """Whether every value (None aside: an unset reference) is in ``pool``; ``values`` is read twice at most."""
    if pool.issuperset(values):
        return True
    missing = set(values) - pool
    missing.discard(None)
    return not missing


def _all_known(values, pool: set) -> bool:
    """Whether every value is in ``pool``, for a list field of ids (which holds no None), without copying the
    values first. False is only a cue to walk the items, which find the exact problems."""
    return pool.issuperset(values)


def id_problem(ident: str) -> Optional[str]:
    """Why ``ident`` will not do as a new item's id, or None: ids are written in other items' lists
    (schedules, tests, alerts) and on the command line, so they hold no spaces; the message suggests one."""
    import re

    if not any(c.isspace() for c in ident.strip()):
        return None
    slug = re.sub(r"[^0-9a-z]+", "-", ident.strip().lower()).strip("-") or "item-1"
    return f"an id has no spaces (other items name it in their lists), e.g. {slug!r}; the full name goes in its name"
