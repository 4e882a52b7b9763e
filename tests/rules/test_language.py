"""VAGUE-001: vague durations and phrases anywhere in the policy."""

import time

from tests.rules.helpers import findings, policy


def base():
    return {
        "organization": {"name": "Acme", "description": "Payments platform for small shops."},
        "policy": {"purpose": "Keep customer data recoverable within stated objectives.", "review_interval": "1y"},
        "tiers": [{"id": "T1", "rpo": "4h", "restore_test_interval": "3mo"}],
        "systems": [{"id": "db-orders", "tier": "T1", "description": "Orders database"}],
        "schedules": [{"id": "s1", "systems": ["db-orders"], "interval": "1d"},
                      {"id": "s2", "systems": ["db-orders"], "interval": "1h"},
                      {"id": "s3", "systems": ["db-orders"], "interval": "15m"}],
    }


def test_concrete_policy_has_no_vague_wording():
    assert findings(base(), "VAGUE-001") == []


def test_vague_duration_quoted_with_its_path_and_an_example():
    data = base()
    data["schedules"][2]["interval"] = "as needed"
    (f,) = findings(data, "VAGUE-001")
    assert f.message == ("schedules[2].interval says 'as needed': an auditor cannot test it; "
                         "give a duration such as 1d.")
    assert f.path == "schedules[2].interval" and f.subject == "s3" and f.severity == "major"


def test_vague_phrases_in_free_text():
    data = base()
    data["policy"]["purpose"] = "Backups are taken regularly and tested as appropriate."
    data["systems"][0]["description"] = "Orders database, restored on demand"
    got = {f.path: f for f in findings(data, "VAGUE-001")}
    assert set(got) == {"policy.purpose", "systems[0].description"}
    assert "'regularly' and 'as appropriate'" in got["policy.purpose"].message
    assert "'on demand'" in got["systems[0].description"].message
    assert got["systems[0].description"].subject == "db-orders"


def test_ids_and_names_are_not_scanned():
    data = base()
    data["systems"][0]["id"] = "regular-db"
    data["schedules"][0]["systems"] = ["regular-db"]
    data["systems"][0]["owner"] = "routine-team"
    assert findings(data, "VAGUE-001") == []


def test_nested_and_dict_durations_are_walked():
    data = base()
    data["targets"] = [{"id": "v1", "retention": {"max": "as required"}}]
    data["baseline"] = {"restore_test_baseline": {"T1": "periodically"}}
    paths = {f.path for f in findings(data, "VAGUE-001")}
    assert paths == {"targets[0].retention.max", "baseline.restore_test_baseline.T1"}


def test_walk_is_fast_on_a_large_policy():
    systems = [{"id": f"sys-{i}", "tier": "T1", "description": f"System {i}", "rpo": "4h"} for i in range(5000)]
    scheds = [{"id": f"s-{i}", "systems": [f"sys-{i}"], "interval": "1d", "description": "nightly"}
              for i in range(5000)]
    systems[4999]["description"] = "backed up when possible"
    p = policy({"tiers": [{"id": "T1"}], "systems": systems, "schedules": scheds})
    findings(p, "VAGUE-001")
    start = time.perf_counter()
    (f,) = findings(p, "VAGUE-001")
    assert f.path == "systems[4999].description"
    assert time.perf_counter() - start < 1.0  # generous: shared CI machines are slow
