"""SAAS: SaaS data that only the provider's own recovery protects."""

from __future__ import annotations

from .helpers import findings


def workspace(tier="T2", saas=None, schedules=(), targets=(), tiers=None, **system):
    return {
        "tiers": tiers if tiers is not None else [{"id": "T2", "rpo": "1d", "rto": "3d"}],
        "systems": [{"id": "google-workspace", "kind": "saas", "environment": "corp", "tier": tier,
                     "data_classes": ["confidential"], "provider": "google", "account": "northwind.example",
                     "saas": saas or {"provider": "Google Workspace", "native_recovery_window": "25d"}, **system}],
        "schedules": list(schedules),
        "targets": list(targets),
    }


def test_saas001_native_recovery_only_with_objectives_is_a_gap():
    (f,) = findings(workspace(), "SAAS-001")
    assert f.kind == "gap" and f.severity == "major"
    assert "google-workspace" in f.message and "Google Workspace" in f.message and "recovery window of 25 days" in f.message
    assert "RPO 1d" in f.message


def test_saas001_independent_backup_passes():
    data = workspace(schedules=[{"id": "sch-gws", "systems": ["google-workspace"], "interval": "1d",
                                 "targets": ["backupco"]}],
                     targets=[{"id": "backupco", "provider": "backupco", "account": "nw-backup"}])
    assert findings(data, "SAAS-001") == []


def test_saas001_copy_in_the_same_tenant_does_not_count():
    data = workspace(schedules=[{"id": "sch-vault", "systems": ["google-workspace"], "interval": "1d",
                                 "targets": ["google-vault"]}],
                     targets=[{"id": "google-vault", "provider": "google", "account": "northwind.example"}])
    (f,) = findings(data, "SAAS-001")
    assert "google-vault" in f.message and "same tenant" in f.message


def test_saas001_regulatory_minimum_beyond_native_window():
    data = workspace(tiers=[{"id": "T2"}], regulatory_tags=["hipaa"])
    (f,) = findings(data, "SAAS-001")
    assert "6y" in f.message and "25d" in f.message and "HIPAA" in f.message


def test_saas001_phi_alone_does_not_bring_hipaas_six_years():
    """HIPAA's 6 years bind its documentation, not the medical records a workspace holds (GAP_RULES §4)."""
    data = workspace(tiers=[{"id": "T2"}], data_classes=["phi"])
    (f,) = findings(data, "SAAS-001")
    assert f.kind == "question" and "6y" not in f.message and "HIPAA" not in f.message


def test_saas001_required_horizon_within_native_window_passes():
    data = workspace(tiers=[{"id": "T2"}],
                     saas={"provider": "Microsoft 365", "native_recovery_window": "93d", "restore_horizon": "30d"})
    assert findings(data, "SAAS-001") == []


def test_saas001_required_horizon_beyond_native_window():
    data = workspace(tiers=[{"id": "T2"}],
                     saas={"provider": "Microsoft 365", "native_recovery_window": "93d", "restore_horizon": "1y"})
    (f,) = findings(data, "SAAS-001")
    assert "1y" in f.message and "93d" in f.message and f.paths[0] == "systems[0].saas.native_recovery_window"


def test_saas001_unknown_native_window_is_asked_when_it_matters():
    data = workspace(tiers=[{"id": "T2"}], regulatory_tags=["sox"], saas={"provider": "Salesforce"})
    (f,) = findings(data, "SAAS-001")
    assert f.kind == "question" and "Salesforce" in f.message


def test_saas001_silence_on_objectives_and_horizon_is_asked_not_passed():
    """Real policies (issue 12) leave Office 365 or SharePoint to the provider's recycle bin and say nothing
    more: an auditor asks whether that is enough; stating the horizon answers it."""
    (f,) = findings(workspace(tiers=[{"id": "T2"}]), "SAAS-001")
    assert f.kind == "question" and f.paths[0] == "systems[0].saas.restore_horizon"
    assert "Google Workspace's own recovery window of 25 days" in f.message
    answered = workspace(tiers=[{"id": "T2"}], saas={"provider": "Google Workspace", "native_recovery_window": "25d",
                                                     "restore_horizon": "14d"})
    assert findings(answered, "SAAS-001") == []


def test_saas001_an_unclassified_saas_system_is_asked_too_but_not_an_excluded_or_non_production_one():
    data = workspace(tiers=[], tier=None, data_classes=[])
    (f,) = findings(data, "SAAS-001")
    assert f.kind == "question"
    data["systems"][0]["environment"] = "dev"
    assert findings(data, "SAAS-001") == []
    data["systems"][0]["environment"] = "corp"
    data["systems"][0]["exclusion"] = {"reason": "mail is archived elsewhere", "approved_by": "CIO"}
    assert findings(data, "SAAS-001") == []
