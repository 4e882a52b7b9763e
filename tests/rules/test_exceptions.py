"""EXC-001 and EXC-002: the accepted-exception register."""

import datetime as dt

from tests.rules.helpers import findings, policy
from workbench.rules import RULES
from workbench.rules.engine import run_rules

AS_OF = dt.date(2025, 6, 30)


def base(**exc):
    e = {"id": "EXC-7", "rule": "DISP-001", "scope": "*", "justification": "Tape vendor contract renegotiation",
         "approved_by": "CISO", "expires_on": "2025-12-31"}
    e.update(exc)
    return {"disposal": {"method": "other", "verification_interval": "3mo"}, "exceptions": [e]}


def run(data, *ids):
    return run_rules(policy(data), AS_OF, rules=[RULES[i] for i in ids])


def test_001_valid_exception_is_fine():
    assert findings(base(), "EXC-001", AS_OF) == []


def test_001_expired_unapproved_exception_is_reported_and_hides_nothing():
    data = base(expires_on="2025-03-31", approved_by=None)
    got = run(data, "DISP-001", "EXC-001")
    exc = [f for f in got if f.rule == "EXC-001"]
    assert len(exc) == 1 and exc[0].severity == "major"
    assert "EXC-7" in exc[0].message and "DISP-001" in exc[0].message and "expired on 2025-03-31" in exc[0].message
    assert "has no approver" in exc[0].message
    assert exc[0].paths == ("exceptions[0].expires_on", "exceptions[0].approved_by")
    assert all(f.open for f in got if f.rule == "DISP-001")


def test_001_no_expiry_is_minor():
    (f,) = findings(base(expires_on=None), "EXC-001", AS_OF)
    assert f.severity == "minor" and "no expiry" in f.message and f.path == "exceptions[0].expires_on"


def test_002_used_exception_is_not_stale():
    got = run(base(), "DISP-001", "EXC-002")
    assert [f.rule for f in got] == ["DISP-001"] and got[0].accepted is not None


def test_002_exception_that_matches_nothing_is_stale():
    data = base()
    data["disposal"]["method"] = "nist_800_88_purge"
    got = run(data, "DISP-001", "EXC-002")
    assert len(got) == 1 and got[0].rule == "EXC-002" and got[0].severity == "advisory"
    assert "EXC-7" in got[0].message and "DISP-001" in got[0].message


def test_002_wrong_scope_is_named_and_invalid_exceptions_are_not_stale():
    data = base(scope="db-ordrs")
    (f,) = [f for f in run(data, "DISP-001", "EXC-002") if f.rule == "EXC-002"]
    assert "'db-ordrs' names nothing" in f.message and f.path == "exceptions[0].scope"
    assert [f for f in run(base(approved_by=None), "EXC-002")] == []


def test_001_an_exception_approved_by_the_person_whose_access_it_accepts_is_reported():
    """The review prefilled the policy's approver, Sam Okafor (CTO), on an ACC-002 exception about u-sam, who is
    Sam Okafor: a separation-of-duties conflict signed off by the one who holds it."""
    data = base(rule="ACC-002", scope="u-sam", approved_by="Sam Okafor (CTO)")
    data["principals"] = [{"id": "u-sam", "name": "Sam Okafor"}, {"id": "u-priya", "name": "Priya Raman"}]
    (f,) = findings(data, "EXC-001", AS_OF)
    assert f.kind == "gap" and f.severity == "major" and f.path == "exceptions[0].approved_by"
    assert "is approved by Sam Okafor (CTO), who is u-sam, whose access it accepts" in f.message
    data["exceptions"][0]["approved_by"] = "Priya Raman"
    assert findings(data, "EXC-001", AS_OF) == []
