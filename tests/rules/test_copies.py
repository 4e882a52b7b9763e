"""COPY: number and diversity of copies, off-site, out of production's reach, allowed locations."""

from __future__ import annotations

from .helpers import findings


def target(id, **kw):
    base = {"id": id, "provider": "aws", "account": "backup", "region": "us-west-2", "media": "object",
            "isolated_account": True, "offline": False}
    base.update(kw)
    return base


def policy(targets, tier="T1", categories=("security", "availability"), min_copies=2, **system):
    sysdef = {"id": "prod-db", "environment": "prod", "tier": tier, "data_classes": ["confidential"],
              "account": "prod", "region": "us-east-1"}
    sysdef.update(system)
    return {
        "engagement": {"categories": list(categories)},
        "tiers": [{"id": tier, "min_backup_copies": min_copies}],
        "systems": [sysdef],
        "schedules": [{"id": "sch-db", "systems": ["prod-db"], "interval": "1d", "targets": [t["id"] for t in targets]}],
        "targets": targets,
    }


LOCAL = target("snap-use1", account="prod", region="us-east-1", media="disk", isolated_account=False)
REMOTE = target("vault-usw2")


# COPY-001 ------------------------------------------------------------------
def test_copy001_two_diverse_copies_pass():
    assert findings(policy([LOCAL, REMOTE]), "COPY-001") == []


def test_copy001_too_few_copies_names_count_and_tier():
    (f,) = findings(policy([REMOTE]), "COPY-001")
    assert f.kind == "gap" and f.severity == "major"
    assert f.message == "prod-db has 1 backup copy (vault-usw2) but tier T1 requires 2."
    assert "tiers[0].min_backup_copies" in f.paths


def test_copy001_replication_is_not_a_copy():
    data = policy([LOCAL, REMOTE])
    data["schedules"][0].update(type="replication", versioned=False)
    (f,) = findings(data, "COPY-001")
    assert "no versioned backup copy" in f.message


def test_copy001_same_platform_account_and_media_is_major():
    data = policy([target("a"), target("b", region="eu-west-1")])
    (f,) = findings(data, "COPY-001")
    assert f.severity == "major" and "aws account backup" in f.message


def test_copy001_only_media_diversity_missing_is_minor():
    data = policy([target("a"), target("b", account="backup-2")])
    (f,) = findings(data, "COPY-001")
    assert f.severity == "minor" and "different accounts" in f.message


def test_copy001_drops_a_level_without_availability_and_says_why():
    (f,) = findings(policy([REMOTE], categories=("security",)), "COPY-001")
    assert f.severity == "minor"
    assert f.adjusted == ("Availability is not in scope: one level milder",)
    assert f.to_dict()["severity_adjusted"] == ["Availability is not in scope: one level milder"]


def test_copy001_t0_system_is_one_level_worse_and_says_why():
    (f,) = findings(policy([REMOTE], tier="T0"), "COPY-001")
    assert f.severity == "blocker" and f.adjusted == ("tier T0 (most critical): one level worse",)


def test_copy001_at_the_rule_severity_nothing_is_said():
    (f,) = findings(policy([REMOTE]), "COPY-001")
    assert f.severity == "major" and f.adjusted == ()


def test_copy001_keeps_its_severity_while_the_categories_are_unanswered():
    """Unknown categories are not "Availability out of scope": the severity drops only when the user says so."""
    (f,) = findings(policy([REMOTE], categories=()), "COPY-001")
    assert f.severity == "major"


# COPY-002 ------------------------------------------------------------------
def test_copy002_offsite_copy_passes():
    assert findings(policy([LOCAL, REMOTE]), "COPY-002") == []


def test_copy002_all_copies_in_the_home_region():
    (f,) = findings(policy([LOCAL]), "COPY-002")
    assert f.severity == "blocker"
    assert "us-east-1" in f.message and "snap-use1" in f.message
    assert f.paths == ("systems[0].region", "targets[0].region")


def test_copy002_is_major_for_t2_without_availability():
    (f,) = findings(policy([LOCAL], tier="T2", categories=("security",)), "COPY-002")
    assert f.severity == "major"


def test_copy002_offline_tape_that_leaves_the_site_survives():
    tape = target("tape", region=None, media="tape", offline=True, leaves_facility=True)
    assert findings(policy([LOCAL, tape]), "COPY-002") == []


def test_copy002_unknown_target_region_is_asked_per_target():
    data = policy([LOCAL, target("vault", region=None)])
    (f,) = findings(data, "COPY-002")
    assert f.kind == "question" and f.path == "targets[1].region" and "prod-db" in f.message


# COPY-003 ------------------------------------------------------------------
def test_copy003_isolated_copy_passes():
    assert findings(policy([LOCAL, REMOTE]), "COPY-003") == []


def test_copy003_every_copy_reachable_from_production():
    data = policy([LOCAL, target("vault", account="prod", isolated_account=None)])
    (f,) = findings(data, "COPY-003")
    assert f.kind == "gap" and f.severity == "major"
    assert "snap-use1" in f.message and "vault" in f.message


def test_copy003_is_a_blocker_for_t0():
    (f,) = findings(policy([LOCAL], tier="T0"), "COPY-003")
    assert f.severity == "blocker"


def test_copy003_unknown_isolation_is_asked_for_the_target():
    data = policy([LOCAL, target("vault", isolated_account=None, offline=None)])
    (f,) = findings(data, "COPY-003")
    assert f.kind == "question" and f.subject == "vault" and "prod-db" in f.message


def test_copy003_tape_is_asked_whether_it_is_offline_not_about_accounts():
    tape = target("tapes", media="tape", account=None, isolated_account=None, offline=None)
    (f,) = findings(policy([LOCAL, tape]), "COPY-003")
    assert f.kind == "question" and f.subject == "tapes"
    assert f.message.startswith("Are the tape media of tapes ejected or taken off-site (offline)")
    assert "account" not in f.message and f.paths == ("targets[1].offline",)


# COPY-004 ------------------------------------------------------------------
def test_copy004_copies_inside_residency_pass():
    data = policy([target("a", region="eu-west-1"), target("b", region="eu-central-1")],
                  region="eu-west-1", residency=["eu"])
    assert findings(data, "COPY-004") == []


def test_copy004_copy_outside_residency_names_region():
    data = policy([target("a", region="eu-west-1"), target("b", region="us-east-1")],
                  region="eu-west-1", residency=["eu-west-1", "eu-central-1"])
    (f,) = findings(data, "COPY-004")
    assert f.kind == "gap" and "b in us-east-1" in f.message and "targets[1].region" in f.paths


def test_copy004_regions_of_european_providers_are_inside_the_eea():
    """Not only AWS, GCP and Azure names: Scaleway, OVH, Hetzner, DigitalOcean and plain city names place a region."""
    regions = ["fr-par", "de-fra1", "gra", "fsn1", "nl-ams", "francesouth", "paris"]
    data = policy([target(f"t{i}", region=r) for i, r in enumerate(regions)], region="fr-par",
                  residency=["eea"], regulatory_tags=["gdpr"])
    assert findings(data, "COPY-004") == []


def test_copy004_london_and_zurich_are_not_in_the_eea_despite_their_eu_names():
    data = policy([target("a", region="eu-west-2")], region="eu-west-1", regulatory_tags=["gdpr"])
    (f,) = findings(data, "COPY-004")
    assert "eu-west-2, outside the EEA" in f.message


def test_copy004_a_region_whose_name_does_not_say_is_asked_not_assumed_outside():
    data = policy([target("a", region="dc-hq")], region="dc-hq", residency=["eea"], regulatory_tags=["gdpr"])
    found = findings(data, "COPY-004")
    assert found and all(f.kind == "question" for f in found)
    # "is a (dc-hq) inside the EEA?" for the residency and the transfer question are one cause: asked once
    (f,) = found
    assert "is dc-hq inside the EEA?" in f.message and f.paths[0] == "targets[0].region"
    assert not any("outside the EEA" in f.message or "copies are kept outside" in f.message for f in found)


def test_copy004_phi_with_vendor_without_baa():
    data = policy([target("tapes", vendor="ironvault")], data_classes=["phi"])
    data["vendors"] = [{"id": "ironvault", "name": "Iron Vault", "baa_signed": False}]
    (f,) = findings(data, "COPY-004")
    assert f.kind == "gap" and "Iron Vault" in f.message and f.path == "vendors[0].baa_signed"


def test_copy004_phi_vendor_with_baa_passes():
    data = policy([target("tapes", vendor="ironvault")], data_classes=["phi"])
    data["vendors"] = [{"id": "ironvault", "baa_signed": True}]
    assert findings(data, "COPY-004") == []


def test_copy004_gdpr_copy_outside_eea_without_transfer_mechanism_is_asked():
    data = policy([target("a", region="eu-west-1"), target("b", region="us-east-1")],
                  region="eu-west-1", regulatory_tags=["gdpr"])
    (f,) = findings(data, "COPY-004")
    assert f.kind == "question" and "us-east-1" in f.message and f.path == "targets[1].transfer_mechanism"
    data["targets"][1]["transfer_mechanism"] = "SCCs 2021/914"
    assert findings(data, "COPY-004") == []


def test_copy004_unknown_dpa_with_a_vendor_holding_gdpr_data_is_asked():
    data = policy([target("msp-vault", vendor="msp", region="eu-west-1")], region="eu-west-1",
                  regulatory_tags=["gdpr"])
    data["vendors"] = [{"id": "msp", "name": "Acme MSP"}]
    (f,) = findings(data, "COPY-004")
    assert f.kind == "question" and "Acme MSP holds personal data under GDPR from prod-db" in f.message
    assert f.path == "vendors[0].dpa_signed"
    data["vendors"][0]["dpa_signed"] = True
    assert findings(data, "COPY-004") == []


def test_a_tier_placed_by_its_objectives_says_so_when_it_raises_a_severity():
    data = policy([REMOTE], tier="High")
    data["tiers"][0].update(rpo="15m", rto="1h")
    (f,) = findings(data, "COPY-001")
    assert f.severity == "blocker"
    assert f.adjusted == ("tier High (most critical, as its RPO/RTO place it): one level worse",)
