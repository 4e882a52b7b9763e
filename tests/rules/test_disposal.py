"""DISP-001: disposal of expired backup data and media."""

from tests.rules.helpers import findings


def base(**disposal):
    d = {"method": "nist_800_88_purge", "verification_interval": "3mo", "certificate_required": True,
         "vendor_destroys_media": True}
    d.update(disposal)
    return {
        "tiers": [{"id": "T1"}],
        "systems": [{"id": "db-cards", "environment": "prod", "tier": "T1", "data_classes": ["pci"]}],
        "disposal": d,
    }


def test_sound_disposal_is_fine():
    assert findings(base(), "DISP-001") == []


def test_other_method_is_a_gap_and_missing_method_a_question():
    f = findings(base(method="other"), "DISP-001")
    assert len(f) == 1 and f[0].kind == "gap" and "'other'" in f[0].message and f[0].path == "disposal.method"
    f = findings(base(method=None), "DISP-001")
    assert len(f) == 1 and f[0].kind == "question"


def test_crypto_erase_with_key_kept_elsewhere():
    f = findings(base(method="crypto_erase", keys_retained_elsewhere=True, key_destruction_recorded=True), "DISP-001")
    assert len(f) == 1 and "escrow" in f[0].message and f[0].path == "disposal.keys_retained_elsewhere"


def test_pci_needs_quarterly_verification():
    f = findings(base(verification_interval="1y"), "DISP-001")
    assert len(f) == 1 and "1y" in f[0].message and "db-cards" in f[0].message
    assert f[0].path == "disposal.verification_interval"


def test_vendor_destruction_without_certificate():
    f = findings(base(certificate_required=False), "DISP-001")
    assert len(f) == 1 and "certificate" in f[0].message and f[0].path == "disposal.certificate_required"


CLOUD = {"id": "vault", "provider": "aws", "media": "object"}
TAPE = {"id": "tapes", "provider": "on_prem", "media": "tape"}


def test_provider_managed_disposal_of_cloud_backups_is_sound():
    data = base(method="provider_managed", certificate_required=None, vendor_destroys_media=None)
    data["targets"] = [CLOUD]
    assert findings(data, "DISP-001") == []


def test_provider_managed_disposal_does_not_cover_your_own_tapes():
    data = base(method="provider_managed", certificate_required=None, vendor_destroys_media=None)
    data["targets"] = [CLOUD, TAPE]
    (f,) = findings(data, "DISP-001")
    assert f.kind == "gap" and f.message.startswith("Disposal is left to the cloud provider, but tapes keeps backups")
    assert f.paths == ("disposal.method", "targets[1]")


def test_the_method_question_offers_provider_sanitization_only_for_cloud_storage():
    data = base(method=None)
    data["targets"] = [CLOUD]
    (f,) = findings(data, "DISP-001")
    assert "the provider's own media sanitization" in f.message
    data["targets"] = [CLOUD, TAPE]
    (f,) = findings(data, "DISP-001")
    assert "provider" not in f.message


def test_other_method_quotes_the_policys_own_words():
    (f,) = findings(base(method="other", procedure="erased, recycled or otherwise destroyed"), "DISP-001")
    assert "'other' ('erased, recycled or otherwise destroyed')" in f.message
    assert f.paths == ("disposal.method", "disposal.procedure")
