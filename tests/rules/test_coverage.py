"""COV: scope, classification, objectives, dependencies and inventory drift."""

from __future__ import annotations

from .helpers import findings

TIERS = [
    {"id": "T0", "rpo": "15m", "rto": "4h", "mtd": "8h"},
    {"id": "T1", "rpo": "4h", "rto": "24h", "mtd": "2d"},
    {"id": "T2", "rpo": "1d", "rto": "3d", "mtd": "5d"},
]


def base(systems, schedules=(), **extra):
    data = {"tiers": TIERS, "systems": list(systems), "schedules": list(schedules)}
    data.update(extra)
    return data


def prod(id, **kw):
    return {"id": id, "environment": "prod", "tier": "T1", "data_classes": ["confidential"], **kw}


# COV-001 -------------------------------------------------------------------
def test_cov001_backed_up_system_passes():
    data = base([prod("prod-db")], [{"id": "sch-db", "systems": ["prod-db"], "interval": "1d"}])
    assert findings(data, "COV-001") == []


def test_cov001_tier_based_schedule_counts():
    data = base([prod("prod-db")], [{"id": "sch-t1", "tiers": ["T1"], "interval": "1d"}])
    assert findings(data, "COV-001") == []


def test_cov001_unscheduled_production_system_is_a_blocker():
    (f,) = findings(base([prod("prod-db")]), "COV-001")
    assert f.severity == "blocker" and f.kind == "gap"
    assert "prod-db" in f.message and f.path == "systems[0]"


def test_cov001_valid_exclusion_passes():
    data = base([prod("cache", exclusion={"reason": "stateless", "approved_by": "CTO", "expires_on": "2026-01-01"})])
    assert findings(data, "COV-001", as_of="2025-06-30") == []


def test_cov001_exclusion_without_expiry_is_a_minor_finding():
    data = base([prod("office-365", exclusion={"reason": "provider keeps it", "approved_by": "CIO"})])
    (f,) = findings(data, "COV-001", as_of="2025-06-30")
    assert f.severity == "minor" and f.kind == "gap"
    assert f.message == ("office-365 (production) is excluded from backup (provider keeps it, approved by CIO) "
                         "with no expiry date: set one, so the exclusion is reviewed.")
    assert f.path == "systems[0].exclusion.expires_on"


def test_cov001_exclusion_of_a_system_that_needs_no_backup_is_not_reviewed():
    dev = {"id": "sandbox", "environment": "dev", "data_classes": ["internal"],
           "exclusion": {"reason": "throwaway", "approved_by": "CTO"}}
    assert findings(base([dev]), "COV-001") == []


def test_cov001_an_empty_inventory_is_a_blocking_question():
    (f,) = findings(base([]), "COV-001")
    assert f.kind == "question" and f.severity == "blocker"
    assert f.message.startswith("Which systems does the policy cover?") and f.paths == ("systems",)


def test_cov001_expired_exclusion_names_the_date():
    data = base([prod("cache", exclusion={"reason": "stateless", "approved_by": "CTO", "expires_on": "2025-01-01"})])
    (f,) = findings(data, "COV-001", as_of="2025-06-30")
    assert f.kind == "gap" and "expired on 2025-01-01" in f.message
    assert f.path == "systems[0].exclusion.expires_on"


def test_cov001_exclusion_without_approver_is_a_question():
    data = base([prod("cache", exclusion={"reason": "stateless"})])
    (f,) = findings(data, "COV-001")
    assert f.kind == "question" and f.severity == "blocker"
    assert "cache" in f.message and f.path == "systems[0].exclusion.approved_by"


def test_cov001_dev_system_without_sensitive_data_is_out_of_scope():
    data = base([{"id": "sandbox", "environment": "dev", "tier": "T3", "data_classes": ["internal"]}])
    assert findings(data, "COV-001") == []


# COV-002 -------------------------------------------------------------------
def test_cov002_classified_system_passes():
    assert findings(base([prod("prod-db")]), "COV-002") == []


def test_cov002_production_system_without_tier_or_classes_is_asked():
    data = base([{"id": "prod-db", "environment": "prod"}])
    (f,) = findings(data, "COV-002")
    assert f.kind == "question" and f.severity == "major"
    assert "prod-db" in f.message and set(f.paths) == {"systems[0].tier", "systems[0].data_classes"}


def test_cov002_backed_up_dev_system_without_classes():
    data = base([{"id": "dev-db", "environment": "dev", "tier": "T2"}],
                [{"id": "sch", "systems": ["dev-db"], "interval": "1d"}])
    (f,) = findings(data, "COV-002")
    assert f.paths == ("systems[0].data_classes",)


def test_cov002_unscheduled_dev_system_is_not_asked():
    assert findings(base([{"id": "dev-db", "environment": "dev"}]), "COV-002") == []


# COV-003 -------------------------------------------------------------------
def test_cov003_objectives_from_tier_pass():
    assert findings(base([prod("prod-db")]), "COV-003") == []


def test_cov003_tier_without_rto_is_asked_once_for_the_tier_as_a_blocker():
    tiers = [{"id": "T1", "rpo": "4h"}]
    data = {"tiers": tiers, "systems": [prod("a"), prod("b")]}
    (f,) = findings(data, "COV-003")
    assert f.kind == "question" and f.severity == "blocker"
    assert f.path == "tiers[0].rto" and "a and b" in f.message


def test_cov003_untiered_system_is_major():
    data = {"systems": [{"id": "crm", "environment": "prod"}]}
    (f,) = findings(data, "COV-003")
    assert f.severity == "major" and "crm" in f.message and "RPO and RTO" in f.message


def test_cov003_system_override_answers_it():
    data = {"tiers": [{"id": "T1"}], "systems": [prod("a", rpo="1h", rto="8h")]}
    assert findings(data, "COV-003") == []


def test_cov003_vague_objective_is_not_asked():
    data = {"tiers": [{"id": "T1", "rpo": "as needed", "rto": "4h"}], "systems": [prod("a")]}
    assert findings(data, "COV-003") == []


# COV-004 -------------------------------------------------------------------
def test_cov004_consistent_objectives_pass():
    data = base([prod("app", tier="T0", depends_on=["idp"]), prod("idp", tier="T0")])
    assert findings(data, "COV-004") == []


def test_cov004_rto_longer_than_mtd():
    data = {"tiers": [{"id": "T1", "rpo": "4h", "rto": "3d", "mtd": "2d"}], "systems": [prod("erp")]}
    (f,) = findings(data, "COV-004")
    assert "erp" in f.message and "3d" in f.message and "2d" in f.message
    assert f.paths == ("tiers[0].rto", "tiers[0].mtd")


def test_cov004_dependency_with_looser_objectives():
    data = base([prod("app", tier="T0", depends_on=["idp"]), prod("idp", tier="T2")])
    (f,) = findings(data, "COV-004")
    assert "app depends on idp" in f.message and "RTO 3d against 4h" in f.message
    assert f.path == "systems[0].depends_on[0]"


def test_cov004_looser_override_without_rationale_is_asked():
    data = base([prod("crm", rto="36h")])
    (f,) = findings(data, "COV-004")
    assert f.kind == "question" and "crm" in f.message and "36h" in f.message and "tier T1's 1d" in f.message
    assert f.paths == ("systems[0].rto", "systems[0].override_rationale")


def test_cov004_looser_override_with_rationale_passes():
    data = base([prod("crm", rto="36h", override_rationale="Sales can work from exports for a day and a half.")])
    assert findings(data, "COV-004") == []


# COV-005 -------------------------------------------------------------------
def reconciled(**inventory):
    inv = {"last_reconciled_on": "2025-06-01", "reconcile_interval": "1mo", **inventory}
    return base([prod("prod-db")], [{"id": "sch", "systems": ["prod-db"], "interval": "1d"}], inventory=inv)


def test_cov005_recent_reconciliation_passes():
    assert findings(reconciled(discovered=["prod-db"]), "COV-005", as_of="2025-06-30") == []


def test_cov005_overdue_reconciliation_names_dates():
    (f,) = findings(reconciled(last_reconciled_on="2025-03-01"), "COV-005", as_of="2025-06-30")
    assert f.kind == "evidence" and "2025-03-01" in f.message and "2025-04-01" in f.message


def test_cov005_tier_interval_is_tighter_than_inventory_interval():
    data = reconciled(reconcile_interval="3mo", last_reconciled_on="2025-05-01")
    data["tiers"] = [dict(t, reconcile_interval="2w") if t["id"] == "T1" else t for t in TIERS]
    (f,) = findings(data, "COV-005", as_of="2025-06-30")
    assert "tier T1" in f.message and "2w" in f.message


def test_cov005_missing_interval_is_asked_and_default_applies():
    data = reconciled(last_reconciled_on="2025-04-01")
    del data["inventory"]["reconcile_interval"]
    found = findings(data, "COV-005", as_of="2025-06-30")
    assert {(f.kind, f.path) for f in found} == {
        ("question", "inventory.reconcile_interval"), ("evidence", "inventory.last_reconciled_on")}


def test_cov005_discovered_resource_missing_from_inventory():
    (f,) = findings(reconciled(discovered=["prod-db", "i-0abc123"]), "COV-005", as_of="2025-06-30")
    assert "i-0abc123" in f.message and f.path == "inventory.discovered[1]"


def test_cov005_orphan_schedule_reference_is_minor():
    data = reconciled()
    data["schedules"][0]["systems"].append("old-db")
    (f,) = findings(data, "COV-005", as_of="2025-06-30")
    assert f.severity == "minor" and "old-db" in f.message and f.path == "schedules[0].systems[1]"


def test_cov005_a_typo_for_a_system_no_schedule_backs_up_is_major_and_names_it():
    """A reviewer's schedule listed 'prod-pgg' for prod-pg: a minor 'not in the inventory' at the bottom of the
    list, while its consequence (prod-pg in no schedule) was a blocker at the top. The likely typo is said, at
    the rule's own severity; a stray id whose look-alike is backed up stays minor, with the hint."""
    data = base([prod("prod-pg"), prod("web")], [{"id": "sch-pg", "systems": ["prod-pgg", "web"], "interval": "1d"}],
                inventory={"last_reconciled_on": "2025-06-01", "reconcile_interval": "1mo"})
    (f,) = findings(data, "COV-005", as_of="2025-06-30")
    assert f.severity == "major" and "did you mean prod-pg, which no schedule backs up?" in f.message
    assert f.path == "schedules[0].systems[0]"
    data["schedules"][0]["systems"] = ["prod-pg", "web", "prod-pgg"]
    (f,) = findings(data, "COV-005", as_of="2025-06-30")
    assert f.severity == "minor" and "(did you mean prod-pg?)" in f.message


def test_cov002_a_validly_excluded_system_is_not_asked_for_its_tier_or_classes():
    excluded = {"id": "self-service-vm", "environment": "prod",
                "exclusion": {"reason": "tenants back it up themselves", "approved_by": "CTO", "expires_on": "2026-01-01"}}
    assert findings(base([excluded]), "COV-002", as_of="2025-06-30") == []
    assert len(findings(base([dict(excluded, exclusion=None)]), "COV-002", as_of="2025-06-30")) == 1


def test_a_backed_up_system_nobody_has_classified_is_in_scope():
    """Unknown data is not assumed harmless: a corp file server the policy backs up is held to the backup rules."""
    from workbench.rules.context import Context
    from .helpers import AS_OF, policy

    corp = {"id": "file-server", "environment": "corp"}
    p = policy(base([corp, {"id": "dev-box", "environment": "dev"}, {"id": "old-nas", "environment": "corp"}],
                    [{"id": "s", "systems": ["file-server", "dev-box"], "interval": "1d"}]))
    ctx = Context(p, AS_OF)
    assert [a.id for a in ctx.in_scope_systems] == ["file-server"]


def test_cov002_asks_the_classes_of_an_unclassified_corp_system_even_when_not_backed_up():
    (f,) = findings(base([{"id": "sharepoint", "environment": "corp", "tier": "T2"}]), "COV-002")
    assert f.kind == "question" and f.message == "sharepoint is a corp system but has no data classes: which apply?"
    assert findings(base([{"id": "sandbox", "environment": "dev"}]), "COV-002") == []


def test_cov001_an_unapproved_exclusion_of_an_unclassified_system_is_asked():
    """A reviewer excluded the laptop fleet (corp, T3, data classes not stated) with a reason and no approver:
    no finding, while the written policy said 'the approval is not recorded yet'. Unclassified, the exclusion
    is all that keeps it out of scope, so who approved it is asked; once approved, no expiry is asked of it."""
    laptops = {"id": "laptops", "kind": "endpoint", "environment": "corp", "tier": "T3",
               "exclusion": {"reason": "files sync to Google Drive"}}
    found = [f for f in findings(base([laptops]), "COV-001", as_of="2025-06-30") if "approved" in f.message]
    assert len(found) == 1 and found[0].kind == "question"
    assert "laptops (what it holds is not classified) is excluded from backup" in found[0].message
    assert "systems[0].exclusion.approved_by" in found[0].paths
    laptops["exclusion"]["approved_by"] = "CTO"
    assert [f for f in findings(base([laptops]), "COV-001", as_of="2025-06-30")
            if "approved" in f.message or "expiry" in f.message] == []
    laptops["data_classes"] = ["internal"]
    del laptops["exclusion"]["approved_by"]
    assert [f for f in findings(base([laptops]), "COV-001", as_of="2025-06-30") if "approved" in f.message] == []
