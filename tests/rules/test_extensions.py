"""Optional rules of GAP_RULES §8.15: vendor assurance (VEND-001) and configuration as data (CFG-001)."""

from __future__ import annotations

from workbench.rules import RULES, evaluate

from .helpers import AS_OF, findings, policy


def vendor_policy(**vendor) -> dict:
    v = {"id": "acme-msp", "name": "Acme MSP", "service": "msp", "soc2_type2_report_date": "2025-01-31",
         "cuecs_mapped": True}
    v.update(vendor)
    return {
        "systems": [{"id": "files", "environment": "prod", "tier": "T2"}],
        "schedules": [{"id": "s", "systems": ["files"], "interval": "1d", "targets": ["msp-cloud"]}],
        "targets": [{"id": "msp-cloud", "vendor": "acme-msp"}],
        "vendors": [v],
    }


def test_vend001_current_report_is_fine():
    assert findings(vendor_policy(), "VEND-001") == []


def test_vend001_report_older_than_a_year_without_bridge_letter():
    (f,) = findings(vendor_policy(soc2_type2_report_date="2024-03-31"), "VEND-001")
    assert f.kind == "evidence" and f.severity == "minor"  # the vendor's assurance record is overdue
    assert f.message == ("Acme MSP (holding msp-cloud): its latest SOC 2 Type II report is from 2024-03-31, more "
                         "than 12 months before 2025-06-30, and no bridge letter covers the months since.")
    assert findings(vendor_policy(soc2_type2_report_date="2024-03-31", bridge_letter=True), "VEND-001") == []


def test_vend001_unknown_report_is_asked_and_unmapped_cuecs_reported():
    msgs = {f.kind: f.message for f in findings(vendor_policy(soc2_type2_report_date=None, cuecs_mapped=False),
                                                "VEND-001")}
    assert msgs["question"] == "Acme MSP (holding msp-cloud): what is the date of its latest SOC 2 Type II report?"
    assert "complementary user-entity controls" in msgs["gap"]


def test_vend001_vendor_holding_no_copies_is_not_asked():
    data = vendor_policy(soc2_type2_report_date=None)
    data["targets"][0]["vendor"] = None
    assert findings(data, "VEND-001") == []


def critical(**system) -> dict:
    s = {"id": "db-orders", "environment": "prod", "tier": "T0", "kind": "db"}
    s.update(system)
    return {"tiers": [{"id": "T0"}, {"id": "T2"}], "systems": [s, {"id": "wiki", "environment": "prod", "tier": "T2"}]}


def test_cfg001_critical_system_without_configuration_backup():
    (f,) = findings(critical(backs_up_system_state=False), "CFG-001")
    assert f.kind == "gap" and f.subject == "db-orders" and "restoring its data would not restore" in f.message


def test_cfg001_unanswered_is_one_question_naming_the_critical_systems():
    (f,) = findings(critical(), "CFG-001")
    assert f.kind == "question" and "db-orders" in f.message and "wiki" not in f.message
    assert findings(critical(backs_up_system_state=True), "CFG-001") == []
    assert findings(critical(kind="saas"), "CFG-001") == []


def test_optional_rules_do_not_count_in_readiness_or_decide_audit_readiness():
    assert not RULES["VEND-001"].catalog and not RULES["CFG-001"].catalog
    report = evaluate(policy(vendor_policy(soc2_type2_report_date="2020-01-01")), AS_OF)
    assert "VEND-001" in {f.rule for f in report.open}
    assert all(f.rule != "VEND-001" for f in report.blocking)
