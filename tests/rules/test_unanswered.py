"""ASK-001: core interview questions with no answer yet."""

from tests.rules.helpers import findings


def complete():
    return {
        "organization": {"name": "Acme"},
        "engagement": {"soc2_type": "II", "period_start": "2025-01-01", "period_end": "2025-12-31",
                       "categories": ["security"]},
        "tiers": [{"id": "T1"}],
        "systems": [{"id": "db-orders", "kind": "db", "environment": "prod", "owner": "team-orders",
                     "tier": "T1", "region": "eu-west-1"},
                    {"id": "m365", "kind": "saas", "environment": "corp", "owner": "it", "tier": "T1"}],
    }


def test_complete_answers_ask_nothing():
    assert findings(complete(), "ASK-001") == []


def test_each_missing_answer_is_one_question_with_its_path():
    data = complete()
    del data["organization"]["name"]
    del data["engagement"]["period_end"]
    del data["systems"][0]["owner"]
    del data["systems"][0]["region"]
    got = {f.subject: f for f in findings(data, "ASK-001")}
    assert {f.path for f in got.values()} >= {"organization.name", "engagement.period_end"}
    assert all(f.kind == "question" and f.severity == "minor" for f in got.values())
    # a system's missing answers are asked together, each path kept for jump-to-field
    db = got["db-orders"]
    assert set(db.paths) == {"systems[0].owner", "systems[0].region"} and db.subject == "db-orders"
    assert db.message.startswith("db-orders:") and db.message.count("db-orders") == 1


def test_report_type_unknown():
    data = complete()
    data["engagement"] = {"categories": ["security"]}
    (f,) = findings(data, "ASK-001")
    assert f.path == "engagement.soc2_type"


def test_out_of_scope_systems_are_only_asked_their_environment():
    data = complete()
    data["systems"].append({"id": "scratch", "tier": None})
    (f,) = findings(data, "ASK-001")
    assert f.path == "systems[2].environment" and "scratch" in f.message
