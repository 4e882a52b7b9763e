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
    assert len(f) == 1 and f[0].kind == "unanswered"


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
