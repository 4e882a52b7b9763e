"""Spec integrity (REF): duplicate ids and references that point nowhere.

Loading can refuse such a file; ``check`` instead loads it without the
reference check and reports every problem here, so a policy someone else
wrote can still be evaluated. A schedule naming a system that is not in the
inventory is left to COV-005 (orphan schedules).

Shared causes: none; a dangling reference is this rule's alone.
"""

from __future__ import annotations

from workbench.spec.io import format_path
from workbench.spec.refs import reference_problems

from .engine import rule


@rule(
    "REF-001",
    title="Duplicate id or dangling reference",
    severity="major",
    family="integrity",
    catalog=False,
    maps={"soc2": ["CC2.1"]},
    fix="Give every item a unique id and make each reference name an item that exists (check for typos); "
        "otherwise rules that follow the reference cannot judge it.",
    description="Two items share an id, or a field refers to a tier, system, target, key, role or principal "
                "that is not defined.",
)
def ref_001(ctx):
    policy = ctx.policy
    # The ids the Context has already indexed, rather than reading those columns again. ctx._schedules holds
    # every system id a schedule lists (and ids of systems a tier-wide schedule covers), ctx._tests the system
    # of every restore test: what reference_problems asks of ``listed``.
    known_ids = {"tiers": ctx.tiers, "systems": ctx.system_index, "schedules": ctx.schedule_index,
                 "targets": ctx.target_index, "keys": ctx.key_index, "roles": ctx.role_index,
                 "principals": ctx.principal_index}
    listed = {"schedules.systems": ctx._schedules, "restore_tests.system": ctx._tests}
    for path, message in reference_problems(policy, known_ids, listed):
        if len(path) == 4 and path[0] == "schedules" and path[2] == "systems":
            continue  # COV-005 reports orphan schedules
        section, index = path[0], path[1] if len(path) > 1 and isinstance(path[1], int) else None
        item = getattr(policy, section)[index] if index is not None else None
        ident = getattr(item, "id", None) or (f"{section}[{index}]" if index is not None else section)
        where = format_path(path)
        if section == "systems":
            yield ctx.hit(f"{where}: {message}.", where, subject=ident, system=item)
        else:
            yield ctx.hit(f"{where}: {message}.", where, subject=ident)
