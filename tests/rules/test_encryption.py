"""ENC rules: encryption at rest and in transit, key custody and key recoverability."""

from __future__ import annotations

import copy

from tests.rules.helpers import findings


def base(target: dict | None = None, **over) -> dict:
    """A PCI database in a production account, copied to one vault in a backup account."""
    vault = {"id": "vault-bkp", "account": "backup-acct", "region": "eu-central-1",
             "encryption": {"at_rest": True, "algorithm": "AES-256", "key": "kms-bkp"},
             "transfer": {"protocol": "https", "tls_min": "1.2"}}
    vault.update(target or {})
    data = {
        "tiers": [{"id": "T1", "rpo": "4h"}],
        "systems": [{"id": "db-pay", "tier": "T1", "environment": "prod", "data_classes": ["pci", "confidential"],
                     "account": "prod-acct", "region": "eu-central-1"}],
        "schedules": [{"id": "sch-pay", "systems": ["db-pay"], "interval": "1h", "targets": ["vault-bkp"]}],
        "targets": [vault],
        "keys": [{"id": "kms-bkp", "account": "backup-acct", "region": "eu-central-1", "admins": ["u-sec"],
                  "deletion_window_days": 30, "dual_control": True}],
        "restore_tests": [{"system": "db-pay", "date": "2025-05-01", "source_target": "vault-bkp", "result": "pass"}],
    }
    data.update(copy.deepcopy(over))
    return data


def internal(data: dict) -> dict:
    data["systems"][0]["data_classes"] = ["confidential"]
    return data


# --- ENC-001 ------------------------------------------------------------------
def unclassified(data: dict) -> dict:
    data["systems"][0]["data_classes"] = []
    return data


def test_enc001_asks_about_a_copy_of_data_nobody_has_classified():
    (f,) = findings(unclassified(base({"encryption": None})), "ENC-001")
    assert f.kind == "question" and f.severity == "major"
    assert f.message == ("vault-bkp holds backups of db-pay, whose data is not classified yet: is it encrypted "
                         "at rest, and with which cipher? At stake: sensitive backups are not encrypted at rest "
                         "with approved cryptography (major).")
    assert f.paths == ("targets[0].encryption.at_rest", "systems[0].data_classes")


def test_enc001_unencrypted_copy_of_unclassified_data_asks_whether_it_is_confidential():
    (f,) = findings(unclassified(base({"encryption": {"at_rest": False}})), "ENC-001")
    assert f.kind == "question" and "is not encrypted at rest" in f.message and "confidential?" in f.message


def test_enc001_encrypted_copy_of_unclassified_data_is_fine():
    assert findings(unclassified(base()), "ENC-001") == []


def test_enc001_public_data_needs_no_encryption_question():
    data = base({"encryption": None})
    data["systems"][0]["data_classes"] = ["public"]
    assert findings(data, "ENC-001") == []


def test_enc001_unencrypted_copy_of_card_data_is_a_blocker():
    (f,) = findings(base({"encryption": {"at_rest": False}}), "ENC-001")
    assert f.severity == "blocker" and f.kind == "gap"
    assert "vault-bkp holds backups of db-pay (pci, confidential)" in f.message and "not encrypted" in f.message
    assert f.paths == ("targets[0].encryption.at_rest",)


def test_enc001_weak_cipher_is_a_blocker():
    (f,) = findings(base({"encryption": {"at_rest": True, "algorithm": "3DES"}}), "ENC-001")
    assert f.severity == "blocker" and "3DES" in f.message


def test_enc001_aes128_is_minor_but_pci_keeps_it_at_major():
    weak = {"encryption": {"at_rest": True, "algorithm": "AES-128"}}
    (plain,) = findings(internal(base(weak)), "ENC-001")
    assert plain.severity == "minor" and "below the policy baseline of AES-256" in plain.message
    (pci,) = findings(base(weak), "ENC-001")
    assert pci.severity == "major"  # a rule citing PCI is never below major for PCI data


def test_enc001_unknown_encryption_is_asked():
    (f,) = findings(base({"encryption": None}), "ENC-001")
    assert f.kind == "question" and "is it encrypted at rest" in f.message


def test_enc001_aes256_or_non_sensitive_data_is_quiet():
    assert findings(base(), "ENC-001") == []
    data = base({"encryption": {"at_rest": False}})
    data["systems"][0]["data_classes"] = ["internal"]
    assert findings(data, "ENC-001") == []


# --- ENC-002 ------------------------------------------------------------------
def test_enc002_plain_ftp_across_accounts():
    (f,) = findings(base({"transfer": {"protocol": "ftp"}}), "ENC-002")
    assert "db-pay" in f.message and "vault-bkp" in f.message and "account prod-acct → backup-acct" in f.message
    assert "over ftp" in f.message and f.paths[0] == "targets[0].transfer.protocol"


def test_enc002_old_tls_version():
    (f,) = findings(base({"transfer": {"protocol": "https", "tls_min": "1.0"}}), "ENC-002")
    assert "TLS 1.0" in f.message and f.kind == "gap"


def test_enc002_unknown_transport_is_asked():
    (f,) = findings(base({"transfer": None}), "ENC-002")
    assert f.kind == "question" and "how does the data travel" in f.message


def test_enc002_tls12_or_no_boundary_is_quiet():
    assert findings(base(), "ENC-002") == []
    same = base({"account": "prod-acct", "transfer": {"protocol": "nfs"}})
    assert findings(same, "ENC-002") == []


# --- ENC-003 ------------------------------------------------------------------
ROLES = [{"id": "prod-admin", "permissions": ["prod_admin"], "members": ["u-ops"]},
         {"id": "kms-admins", "members": ["u-ops", "u-sec"]}]


def test_enc003_production_admin_administers_the_backup_key():
    data = base(roles=ROLES)
    data["keys"][0].update(admins=["kms-admins"], dual_control=False)
    (f,) = findings(data, "ENC-003")
    assert "Key kms-bkp (used by vault-bkp)" in f.message
    assert "u-ops (key admin through role kms-admins, and prod_admin through role prod-admin)" in f.message
    assert "u-sec" not in f.message and f.paths[0] == "keys[0].admins"


def test_enc003_dual_control_unknown_is_asked_and_true_is_quiet():
    data = base(roles=ROLES)
    data["keys"][0].update(admins=["kms-admins"], dual_control=None)
    (f,) = findings(data, "ENC-003")
    assert f.kind == "question" and "dual control" in f.message
    data["keys"][0]["dual_control"] = True
    assert findings(data, "ENC-003") == []


def test_enc003_isolated_copy_with_its_key_in_production():
    data = base({"isolated_account": True})
    data["keys"][0]["account"] = "prod-acct"
    (f,) = findings(data, "ENC-003")
    assert "vault-bkp is in an isolated account but its key kms-bkp lives in production account prod-acct" \
        in f.message


def test_enc003_separated_custody_is_quiet():
    assert findings(base({"isolated_account": True}), "ENC-003") == []


# --- ENC-004 ------------------------------------------------------------------
def test_enc004_key_in_another_region_without_replica():
    data = base()
    data["keys"][0]["region"] = "eu-west-1"
    (f,) = findings(data, "ENC-004")
    assert "vault-bkp in eu-central-1 is encrypted with key kms-bkp in eu-west-1" in f.message
    data["keys"][0]["replicas"] = ["eu-central-1"]
    assert findings(data, "ENC-004") == []


def test_enc004_short_deletion_window_and_dropped_key_versions():
    data = base({"retention": {"daily": "35d", "max": "1y"}})
    data["keys"][0].update(deletion_window_days=3, rotation_interval="90d", retains_old_versions=False)
    msgs = [f.message for f in findings(data, "ENC-004")]
    assert any("deleted 3 days after deletion is scheduled" in m for m in msgs)
    assert any("rotates every 90d but vault-bkp keeps points for 1y" in m for m in msgs)


def test_enc004_no_restore_test_from_the_copy_in_twelve_months():
    data = base(restore_tests=[{"system": "db-pay", "date": "2024-03-01", "source_target": "vault-bkp",
                                "result": "pass"}])
    (f,) = findings(data, "ENC-004")
    assert "No restore test in the 12 months to 2025-06-30 restored data from vault-bkp (key kms-bkp)" in f.message
    assert "2024-03-01" in f.message


def test_enc004_provider_managed_encryption_needs_no_decryption_proof():
    """Without a key of the customer's own, there is no key to lose; the missing test is TEST-002's finding."""
    data = base({"encryption": {"at_rest": True, "algorithm": "AES-256"}}, restore_tests=[], keys=[])
    assert findings(data, "ENC-004") == []


def test_enc004_recoverable_key_is_quiet():
    assert findings(base(), "ENC-004") == []


# --- ENC-005 ------------------------------------------------------------------
TAPE = {"id": "tape-offsite", "media": "tape", "leaves_facility": True, "transfer": None,
        "encryption": {"at_rest": False}, "chain_of_custody": "sealed cases, tracked courier, media log"}


def test_enc005_unencrypted_tapes_leaving_the_site_with_card_data_are_a_blocker():
    data = base()
    data["targets"] = [TAPE]
    data["schedules"][0]["targets"] = ["tape-offsite"]
    (f,) = findings(data, "ENC-005")
    assert f.severity == "blocker" and "tape-offsite holding db-pay" in f.message
    assert "are not encrypted" in f.message and f.paths == ("targets[0].encryption.at_rest",)


def test_enc005_missing_chain_of_custody_is_asked():
    data = internal(base())
    data["targets"] = [dict(TAPE, encryption={"at_rest": True}, chain_of_custody=None)]
    data["schedules"][0]["targets"] = ["tape-offsite"]
    (f,) = findings(data, "ENC-005")
    assert f.kind == "question" and "how are they tracked" in f.message


def test_enc005_encrypted_tracked_tapes_or_onsite_media_are_quiet():
    data = base()
    data["targets"] = [dict(TAPE, encryption={"at_rest": True})]
    data["schedules"][0]["targets"] = ["tape-offsite"]
    assert findings(data, "ENC-005") == []
    data["targets"] = [dict(TAPE, leaves_facility=False)]
    assert findings(data, "ENC-005") == []


def test_enc002_courier_tape_is_left_to_enc005():
    """Tape written on site and carried by courier has no network path to ask about."""
    from .helpers import findings

    data = {
        "systems": [{"id": "pacs", "environment": "prod", "region": "dc-1", "site": "dc-1"}],
        "targets": [{"id": "tape-vault", "media": "tape", "storage_class": "tape_offsite", "site": "iron-vault",
                     "leaves_facility": True}],
        "schedules": [{"id": "weekly-tape", "systems": ["pacs"], "interval": "1w", "targets": ["tape-vault"]}],
    }
    assert findings(data, "ENC-002") == []
    data["targets"][0]["transfer"] = {"protocol": "ftp"}
    assert findings(data, "ENC-002")
