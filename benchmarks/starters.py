"""Policies built the way real ones look: a starter replicated with distinct ids.

The generator (``generate.py``) draws every system from one distribution; a
real policy is a few dozen hand-written systems, each with its own schedules,
restore tests and exceptions. ``replicate(name, n)`` copies a starter's
systems until there are ``n`` of them (copy ``k`` of ``db-core`` is
``db-core-r7``), together with everything that names a system: the
schedules that list systems, restore tests, exceptions scoped to a system,
and the ``systems`` lists of alerts, manual reviews and legal holds.
Tiers, targets, keys, roles and principals are shared, as in a real company
with many systems on one backup plane. The result is valid (references
resolve) and evaluates like the starter, scaled.

    .venv/bin/python benchmarks/starters.py healthcare-hipaa 5000 -o /tmp/h5000.yaml
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

STARTERS = ("fintech-sox-pci", "healthcare-hipaa", "msp-small-business", "saas-startup")


def starter_data(name: str) -> dict:
    """The starter's raw mapping, as its file holds it."""
    import yaml

    from workbench.templates import template_path

    with open(template_path(name), encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def replicate(name: str, n: int) -> dict:
    """The starter ``name`` with its systems copied to exactly ``n`` (raw data, ready to validate or dump)."""
    base = starter_data(name)
    systems = base.get("systems") or []
    if not systems:
        raise ValueError(f"{name} has no systems to replicate")
    copies = -(-n // len(systems))  # ceil
    out = copy.deepcopy(base)

    def rid(sid, k):
        return sid if k == 0 else f"{sid}-r{k}"

    own_ids = {s["id"] for s in systems}
    new_systems = []
    for k in range(copies):
        for s in systems:
            if len(new_systems) == n:
                break
            c = copy.deepcopy(s)
            c["id"] = rid(s["id"], k)
            if k and c.get("name"):
                c["name"] = f"{c['name']} #{k + 1}"
            if c.get("depends_on"):
                c["depends_on"] = [rid(d, k) if d in own_ids else d for d in c["depends_on"]]
            new_systems.append(c)
    out["systems"] = new_systems
    present = {s["id"] for s in new_systems}
    for c in new_systems:  # the last, partial copy may lack a system its systems depend on: the original then
        if c.get("depends_on"):
            c["depends_on"] = [d if d in present else d.rsplit("-r", 1)[0] for d in c["depends_on"]]
    made = {k: {rid(s["id"], k) for s in systems} & present for k in range(copies)}

    def per_copy(items, key, listed):
        """Items naming systems, once per copy that has all the systems they name (ids suffixed)."""
        result = []
        for item in items or []:
            names = item.get(key)
            names = [names] if isinstance(names, str) else (names or [])
            if not any(x in own_ids for x in names):
                result.append(item)
                continue
            for k in range(copies):
                mapped = [rid(x, k) if x in own_ids else x for x in names]
                mapped = [x for x in mapped if x in present or x not in own_ids and not x.startswith(tuple(own_ids))]
                if not set(mapped) & made[k]:
                    continue  # the last, partial copy lacks every system this item names
                c = copy.deepcopy(item)
                if k and c.get("id"):
                    c["id"] = f"{c['id']}-r{k}"
                c[key] = mapped if listed else mapped[0]
                result.append(c)
        return result

    out["schedules"] = per_copy(base.get("schedules"), "systems", True)
    out["restore_tests"] = per_copy(base.get("restore_tests"), "system", False)
    out["exceptions"] = per_copy(base.get("exceptions"), "scope", False)
    out["legal_holds"] = per_copy(base.get("legal_holds"), "systems", True)
    mon = out.get("monitoring") or {}
    for section in ("alerts", "manual_reviews"):
        for item in mon.get(section) or []:
            if item.get("systems"):
                item["systems"] = [rid(x, k) for k in range(copies) for x in item["systems"]
                                   if rid(x, k) in present or x not in own_ids]
    # follow-up questions point at fields of the starter's own systems: keep them as they are
    return out


def policy(name: str, n: int):
    """A validated policy: starter ``name`` replicated to ``n`` systems."""
    from workbench.spec.model import Policy

    return Policy.model_validate(replicate(name, n))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write a starter replicated to N systems as YAML.")
    ap.add_argument("starter", choices=STARTERS)
    ap.add_argument("n", type=int)
    ap.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import generate

    text = generate.dump_yaml(replicate(args.starter, args.n))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
