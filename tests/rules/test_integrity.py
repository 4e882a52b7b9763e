"""REF-001: duplicate ids and dangling references."""

from tests.rules.helpers import findings


def base():
    return {
        "tiers": [{"id": "T1"}],
        "systems": [{"id": "db-orders", "tier": "T1"}],
        "schedules": [{"id": "s1", "systems": ["db-orders"], "targets": ["vault-a"]}],
        "targets": [{"id": "vault-a"}],
    }


def test_consistent_references_are_fine():
    assert findings(base(), "REF-001") == []


def test_dangling_tier_is_reported_with_a_hint():
    data = base()
    data["systems"][0]["tier"] = "T11"
    (f,) = findings(data, "REF-001")
    assert f.path == "systems[0].tier" and "'T11'" in f.message and "did you mean 'T1'" in f.message
    assert f.subject == "db-orders" and f.severity == "major"


def test_duplicate_ids_and_dangling_targets():
    data = base()
    data["targets"].append({"id": "vault-a"})
    data["schedules"][0]["targets"].append("vault-b")
    paths = {f.path for f in findings(data, "REF-001")}
    assert paths == {"targets[1].id", "schedules[0].targets[1]"}


def test_orphan_schedule_systems_are_left_to_cov_005():
    data = base()
    data["schedules"][0]["systems"].append("ghost")
    assert findings(data, "REF-001") == []
