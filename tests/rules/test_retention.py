"""RET-001..005: retention and legal hold."""

import copy

from tests.rules.helpers import findings, one

AS_OF = "2025-06-30"


def base(**over):
    data = {
        "engagement": {"categories": ["security", "privacy"]},
        "tiers": [{"id": "T1", "rpo": "4h", "rto": "24h"}],
        "systems": [{"id": "db-ledger", "environment": "prod", "tier": "T1", "region": "eu-west-1",
                     "data_classes": ["financial"], "regulatory_tags": ["sox"], "records_retention_via": "backup"}],
        "schedules": [{"id": "sch-1", "systems": ["db-ledger"], "interval": "1d", "targets": ["vault-a"]}],
        "targets": [{"id": "vault-a", "region": "eu-central-1", "storage_class": "standard",
                     "retention": {"daily": "35d", "yearly": "7y", "max": "7y"}, "legal_hold_supported": True}],
        "privacy": {"erasure_in_backups_procedure": "PRV-9", "beyond_use_statement": True,
                    "deletion_replay_on_restore": True},
    }
    data.update(copy.deepcopy(over))
    return data


# RET-001 ----------------------------------------------------------------
def test_001_long_enough_retention_is_fine():
    assert findings(base(), "RET-001", AS_OF) == []


def test_001_retention_shorter_than_regime():
    data = base()
    data["targets"][0]["retention"] = {"daily": "35d", "max": "13mo"}
    f = one(data, "RET-001")
    assert f.severity == "blocker"
    assert "db-ledger" in f.message and "13mo" in f.message and "7y" in f.message and "SOX" in f.message
    assert f.paths == ("targets[0].retention.max", "systems[0].records_retention_via")


def test_001_card_data_alone_carries_no_minimum_retention():
    """PCI DSS keeps audit logs 12 months; card data itself is to be kept as briefly as possible (3.2.1)."""
    data = base()
    data["systems"][0].update(id="db-cards", data_classes=["pci"], regulatory_tags=[], records_retention_via=None)
    data["schedules"][0]["systems"] = ["db-cards"]
    data["targets"][0]["retention"] = {"daily": "35d", "max": "35d"}
    assert findings(data, "RET-001", AS_OF) == []


def test_001_pci_audit_logs_still_need_twelve_months():
    data = base()
    data["systems"][0].update(id="siem", kind="log_store", data_classes=["logs", "pci"], regulatory_tags=[])
    data["schedules"][0]["systems"] = ["siem"]
    data["targets"][0]["retention"] = {"daily": "35d", "max": "6mo"}
    f = one(data, "RET-001")
    assert f.severity == "blocker" and "siem" in f.message and "1y" in f.message


def test_001_system_of_record_is_not_checked_and_undefined_is_asked():
    data = base()
    data["targets"][0]["retention"] = {"max": "35d"}
    data["systems"][0]["records_retention_via"] = "system_of_record"
    assert findings(data, "RET-001", AS_OF) == []
    del data["systems"][0]["records_retention_via"]
    f = one(data, "RET-001")
    assert f.kind == "question" and f.path == "systems[0].records_retention_via"


def test_001_unknown_retention_is_not_a_wrong_answer():
    data = base()
    del data["targets"][0]["retention"]
    assert findings(data, "RET-001", AS_OF) == []


def hipaa(data_classes, **system):
    """A HIPAA system on a one-year backup, its records kept by (or not said)."""
    data = base()
    data["systems"][0].update({"id": "ehr-db", "data_classes": data_classes, "regulatory_tags": ["hipaa"], **system})
    data["schedules"][0]["systems"] = ["ehr-db"]
    data["targets"][0]["retention"] = {"daily": "35d", "max": "1y"}
    return data


def test_001_phi_system_is_not_told_hipaa_needs_six_years_of_its_records():
    f = one(hipaa(["phi"], records_retention_via=None), "RET-001")
    assert f.kind == "question" and f.severity == "major" and f.path == "systems[0].records_retention_via"
    assert f.message.startswith(
        "ehr-db: PHI is held there; HIPAA's 6 years (45 CFR 164.316) apply to HIPAA documentation, not to medical "
        "records, whose retention state law sets; which mechanism keeps its records (the system of record, an "
        "archive or the backups), and for how long? At stake: ")
    assert "requires 6y" not in f.message and ": 6y)" not in f.message


def test_001_phi_kept_a_year_by_the_backups_breaks_no_known_minimum():
    assert findings(hipaa(["phi", "pii"]), "RET-001", AS_OF) == []
    assert findings(hipaa(["phi"], regulatory_tags=[]), "RET-001", AS_OF) == []  # phi alone implies hipaa


def test_001_hipaa_audit_logs_kept_a_year_by_the_backups_is_still_the_blocker():
    f = one(hipaa(["phi", "logs"]), "RET-001")
    assert f.kind == "gap" and f.severity == "blocker"
    assert f.message == (
        "ehr-db: its records are kept by the backup, but the longest backup retention is 1y (vault-a 1y) "
        "while HIPAA documentation (45 CFR 164.316) requires 6y.")
    f = one(hipaa(["confidential"], kind="log_store"), "RET-001")
    assert f.severity == "blocker" and "requires 6y" in f.message


def test_001_other_regimes_of_a_phi_system_still_apply():
    f = one(hipaa(["phi", "financial"], regulatory_tags=["hipaa", "sox"]), "RET-001")
    assert f.severity == "blocker" and "SOX" in f.message and "requires 7y" in f.message
    f = one(hipaa(["phi", "financial"], regulatory_tags=["hipaa", "sox"], records_retention_via=None), "RET-001")
    assert f.severity == "blocker" and "(SOX / SEC Rule 2-06 convention: 7y)" in f.message


def test_001_hipaa_tag_without_phi_keeps_the_documentation_minimum():
    f = one(hipaa(["confidential"], records_retention_via=None), "RET-001")
    assert f.severity == "blocker" and "(HIPAA documentation (45 CFR 164.316): 6y)" in f.message


# RET-002 ----------------------------------------------------------------
def test_002_bounded_retention_is_fine():
    assert findings(base(), "RET-002", AS_OF) == []


def test_002_indefinite_without_basis():
    data = base()
    data["targets"][0]["retention"] = {"indefinite": True}
    f = one(data, "RET-002")
    assert f.kind == "gap" and "vault-a" in f.message and f.path == "targets[0].retention.indefinite_basis"
    data["targets"][0]["retention"]["indefinite_basis"] = "SEC 17a-4 books and records"
    assert findings(data, "RET-002", AS_OF) == []


def test_002_missing_retention_is_asked():
    data = base()
    del data["targets"][0]["retention"]
    f = one(data, "RET-002")
    assert f.kind == "question" and f.path == "targets[0].retention"


def test_002_personal_data_kept_beyond_its_maximum():
    data = base()
    data["systems"][0].update(data_classes=["pii"], regulatory_tags=[], max_retention="400d")
    f = one(data, "RET-002")
    assert "db-ledger" in f.message and "vault-a 7y" in f.message and "400d" in f.message
    assert "systems[0].max_retention" in f.paths
    data["systems"][0]["retention_justification"] = "Tax law requires 7 years for invoices"
    assert findings(data, "RET-002", AS_OF) == []


# RET-003 ----------------------------------------------------------------
def pci_logs(**target):
    data = base()
    data["systems"][0].update(id="siem-logs", kind="log_store", data_classes=["logs", "pci"], regulatory_tags=[],
                              records_retention_via="system_of_record")
    data["schedules"][0]["systems"] = ["siem-logs"]
    data["targets"][0].update(target)
    return data


def test_003_hot_year_of_logs_is_fine():
    assert findings(pci_logs(retention={"max": "13mo"}), "RET-003", AS_OF) == []


def test_003_logs_kept_under_a_year():
    f = one(pci_logs(retention={"max": "6mo"}), "RET-003")
    assert "siem-logs" in f.message and "6mo" in f.message and "12 months" in f.message
    assert f.path == "targets[0].retention.max"


def test_003_newest_months_only_in_deep_archive():
    f = one(pci_logs(retention={"max": "13mo"}, storage_class="deep_archive"), "RET-003")
    assert "vault-a (deep_archive, 12h to first byte)" in f.message and f.path == "targets[0].storage_class"


# RET-004 ----------------------------------------------------------------
def hold(**over):
    h = {"id": "LH-12", "matter": "Contract dispute", "systems": ["db-ledger"], "since": "2025-02-01",
         "applies_to_backups": True}
    h.update(over)
    return base(legal_holds=[h])


def test_004_hold_applied_to_backups_is_fine():
    assert findings(hold(), "RET-004", AS_OF) == []
    assert findings(hold(applies_to_backups=False, released_on="2025-05-01"), "RET-004", AS_OF) == []


def test_004_hold_not_applied_to_expiring_backups():
    f = one(hold(applies_to_backups=False), "RET-004")
    assert f.severity == "blocker"
    assert "LH-12" in f.message and "db-ledger" in f.message and "2025-02-01" in f.message and "vault-a" in f.message
    assert f.path == "legal_holds[0].applies_to_backups"


def test_004_copy_that_cannot_hold():
    data = hold()
    data["targets"][0]["legal_hold_supported"] = False
    f = one(data, "RET-004")
    assert "vault-a cannot put points on hold" in f.message and f.path == "targets[0].legal_hold_supported"


def test_004_one_held_copy_preserves_the_points():
    data = hold()
    data["targets"][0]["legal_hold_supported"] = False
    data["targets"].append({"id": "vault-b", "region": "eu-central-1", "legal_hold_supported": True,
                            "retention": {"max": "1y"}})
    data["schedules"][0]["targets"].append("vault-b")
    assert findings(data, "RET-004", AS_OF) == []


def test_004_unknown_scope_is_asked():
    f = one(hold(applies_to_backups=None), "RET-004")
    assert f.kind == "question" and f.path == "legal_holds[0].applies_to_backups"


# RET-005 ----------------------------------------------------------------
def pii(**privacy):
    data = base()
    data["systems"][0].update(data_classes=["pii"], regulatory_tags=["gdpr"], max_retention="400d",
                              retention_justification="kept for tax")
    data["privacy"].update(privacy)
    return data


def test_005_documented_erasure_handling_is_fine():
    assert findings(pii(), "RET-005", AS_OF) == []


def test_005_no_beyond_use_statement():
    f = one(pii(beyond_use_statement=False), "RET-005")
    assert f.kind == "gap" and "db-ledger" in f.message and f.path == "privacy.beyond_use_statement"


def test_005_missing_procedure_is_asked():
    f = one(pii(erasure_in_backups_procedure=None), "RET-005")
    assert f.kind == "question" and f.path == "privacy.erasure_in_backups_procedure"


def test_005_compliance_lock_outlives_privacy_maximum():
    data = pii()
    data["targets"][0]["immutability"] = {"mode": "compliance", "days": 730}
    f = one(data, "RET-005")
    assert "vault-a (compliance, 730d)" in f.message and "400d" in f.message
    assert f.paths == ("targets[0].immutability.days", "systems[0].max_retention")


def test_005_not_applicable_without_personal_data():
    data = base(privacy={})
    assert findings(data, "RET-005", AS_OF) == []
