"""Fixtures for the store tests: a small policy free of blockers, workspaces in tmp_path."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from workbench.rules import evaluate
from workbench.spec import Policy
from workbench.spec.io import strip_unknown

TODAY = dt.date(2025, 6, 30)

BASE = {
    "organization": {"name": "Acme Corp"},
    "policy": {"title": "Backup and recovery policy", "review_interval": "1y"},
    "tiers": [{"id": "T1", "rpo": "1d", "rto": "4h", "restore_test_interval": "3mo"},
              {"id": "T2", "rpo": "1d", "rto": "1d", "restore_test_interval": "6mo"}],
    "systems": [{"id": "db", "tier": "T1", "kind": "db", "environment": "prod"}],
    "targets": [{"id": "vault-euc1", "retention": {"daily": "35d"}, "immutability": {"mode": "compliance", "days": 35}}],
    "schedules": [{"id": "s1", "systems": ["db"], "interval": "1d", "targets": ["vault-euc1"], "automated": True}],
    "principals": [{"id": "alice", "type": "human"}, {"id": "dave", "type": "human"}],
    "roles": [{"id": "backup-admin", "permissions": ["restore", "configure"], "members": ["alice"]}],
}


def data(**changes) -> dict:
    """A deep copy of BASE with top-level sections replaced."""
    out = copy.deepcopy(BASE)
    out.update(copy.deepcopy(changes))
    return out


def accept(rule: str) -> dict:
    return {"rule": rule, "scope": "*", "justification": "accepted for the test", "approved_by": "Ann",
            "expires_on": "2099-12-31"}


def make(raw: dict, *, keep: tuple[str, ...] = (), today: dt.date = TODAY) -> Policy:
    """A Policy from ``raw`` with everything that blocks audit readiness accepted, except rules in ``keep``.

    Other engineers' rules land over time; accepting whatever blocks keeps
    these tests about the store, not about the rule catalog.
    """
    policy = Policy.model_validate(strip_unknown(copy.deepcopy(raw)))
    for _ in range(3):  # accepting a finding that stood for another rule's (same cause) shows that one
        blocking = sorted({f.rule for f in evaluate(policy, today).blocking} - set(keep))
        if not blocking:
            break
        raw = copy.deepcopy(raw)
        raw["exceptions"] = list(raw.get("exceptions", [])) + [accept(r) for r in blocking]
        policy = Policy.model_validate(strip_unknown(raw))
    return policy


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path, monkeypatch):
    """Never touch the real user data directory."""
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def policy() -> Policy:
    return make(BASE)
