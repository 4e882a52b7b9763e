"""What each rule reads: trace every rule through a recording context (for the incremental evaluator's tables).

``traced_reads(policies)`` runs every rule over each policy with a context that records each member the rule
touches (mapped to sections by ``CONTEXT_READS``) and each top-level section of ``ctx.policy`` it reads.
``python -m tests.rules.tracing`` prints the table for the starters, their replicas and generated policies.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from workbench.rules import RULES
from workbench.rules.context import Context
from workbench.rules.engine import _findings_of
from workbench.rules.incremental import CONTEXT_READS

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 12, 1)


class _TracePolicy:
    def __init__(self, policy, seen: set):
        self.__dict__.update(_p=policy, _seen=seen)

    def __getattr__(self, name):
        self._seen.add(name)
        return getattr(self._p, name)


class _TraceContext:
    def __init__(self, ctx: Context, seen: set):
        self.__dict__.update(_ctx=ctx, _seen=seen)

    def __getattr__(self, name):
        ctx, seen = self._ctx, self._seen
        if name == "policy":
            return _TracePolicy(ctx.policy, seen)
        if name == "index_of":
            def index_of(section, item):
                seen.add(section)
                return ctx.index_of(section, item)
            return index_of
        seen.update(CONTEXT_READS.get(name, {f"?{name}"}))
        return getattr(ctx, name)


def traced_reads(policies, day: dt.date = DAY) -> dict[str, set[str]]:
    """Rule id -> the sections (and ``?member`` for context members the table does not know) it was seen reading."""
    out: dict[str, set[str]] = {rid: set() for rid in RULES}
    for policy in policies:
        ctx = Context(policy, day)
        for r in RULES.values():
            try:
                list(r.func(_TraceContext(ctx, out[r.id])))  # severity modifiers and acceptance: sections_read
            except AttributeError:  # walks the policy as a model (its fields by type): reads everything
                out[r.id].add("*")
    return out


def sample_policies():
    """The starters, each with every section emptied in turn, their replicas, and generated policies."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate
    import starters

    from workbench.spec.model import Policy
    from workbench.templates import load_template

    out = []
    for name in starters.STARTERS:
        base = load_template(name)
        out.append(base)
        out.append(starters.policy(name, 40))
        for section, field in Policy.model_fields.items():
            if section in ("spec_version",):
                continue
            p = base.model_copy(deep=True)
            default = field.get_default(call_default_factory=True)
            object.__setattr__(p, section, default)
            out.append(p)
    for seed in (1, 2, 3):
        out.append(generate.policy(60, seed))
    return out


if __name__ == "__main__":
    reads = traced_reads(sample_policies())
    for rid, sections in reads.items():
        print(f"    {rid!r}: _s({', '.join(repr(s) for s in sorted(sections))}),")


def traced_system_fields(policies, day: dt.date = DAY) -> dict[str, set[str]]:
    """Rule id -> the fields of systems it was seen reading (its severity modifiers included).

    Each rule runs on a context of its own, so that no memo filled by another rule hides a read.
    """
    from workbench.rules.engine import _findings_of
    from workbench.spec.model import System

    out: dict[str, set[str]] = {rid: set() for rid in RULES}
    fields = set(System.model_fields)
    current: list[set] = [set()]
    plain = object.__getattribute__

    def recording(self, name):
        if name in fields:
            current[0].add(name)
        return plain(self, name)

    for policy in policies:
        for r in RULES.values():
            ctx = Context(policy, day)
            current[0] = out[r.id]
            System.__getattribute__ = recording
            try:
                list(_findings_of(r, ctx))
            finally:
                del System.__getattribute__
    return out
