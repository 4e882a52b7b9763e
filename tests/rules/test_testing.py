"""TEST-001..006: restore and recovery testing."""

import copy

from tests.rules.helpers import findings, messages, one

AS_OF = "2025-06-30"


def base(**over):
    data = {
        "organization": {"name": "Acme"},
        "policy": {"dr_exercise_interval": "1y", "dr_exercise_types": ["tabletop", "functional"]},
        "engagement": {"soc2_type": "I", "categories": ["security", "availability"]},
        "tiers": [{"id": "T0", "restore_test_interval": "1mo", "rpo": "15m", "rto": "4h"},
                  {"id": "T1", "restore_test_interval": "3mo", "rpo": "4h", "rto": "24h",
                   "full_restore_interval": "1y"}],
        "systems": [{"id": "db-orders", "kind": "db", "environment": "prod", "tier": "T1", "region": "eu-west-1"}],
        "schedules": [{"id": "sch-1", "systems": ["db-orders"], "interval": "1d", "targets": ["vault-euc1"]}],
        "targets": [{"id": "vault-euc1", "region": "eu-central-1", "immutability": {"mode": "compliance", "days": 35}},
                    {"id": "snap-local", "region": "eu-west-1", "immutability": {"mode": "none"}, "offline": False,
                     "isolated_account": False}],
        "restore_tests": [{"id": "RT-1", "system": "db-orders", "date": "2025-05-15", "type": "app",
                           "source_target": "vault-euc1", "result": "pass", "integrity_check": True,
                           "evidence_ref": "TCK-1"}],
        "dr_exercises": [{"id": "DR-1", "date": "2025-03-20", "type": "functional",
                          "scenarios": ["ransomware", "key_person_absent"]}],
    }
    data.update(copy.deepcopy(over))
    return data


# TEST-001 ----------------------------------------------------------------
def test_001_clean_policy_has_no_finding():
    assert findings(base(), "TEST-001", AS_OF) == []


def test_001_cadence_looser_than_baseline_names_tier_and_values():
    data = base()
    data["tiers"][1]["restore_test_interval"] = "6mo"
    f = one(data, "TEST-001")
    assert f.kind == "gap" and f.severity == "major"
    assert "T1 (db-orders)" in f.message and "6mo" in f.message and "3mo baseline" in f.message
    assert f.path == "tiers[1].restore_test_interval"


def test_001_missing_cadence_is_a_question():
    data = base()
    del data["tiers"][1]["restore_test_interval"]
    f = one(data, "TEST-001")
    assert f.kind == "question" and f.path == "tiers[1].restore_test_interval"


def test_001_vague_cadence_asks_for_a_testable_one_without_quoting_it():
    data = base()
    data["tiers"][1]["restore_test_interval"] = "as needed"
    f = one(data, "TEST-001")
    assert f.kind == "question" and f.path == "tiers[1].restore_test_interval"
    assert "T1 (db-orders)" in f.message and "as needed" not in f.message  # VAGUE-001 quotes the wording


def test_001_untiered_system_gets_a_question_and_tiered_ones_do_not():
    data = base()
    data["systems"].append({"id": "crm", "kind": "saas", "environment": "prod"})
    f = one(data, "TEST-001")
    assert f.kind == "question" and f.severity == "major"
    assert f.message.startswith("No restore-test cadence applies to crm, as it has no tier")
    assert f.paths == ("systems[1].tier", "tiers") and "crm" in f.scopes
    data["systems"][1]["tier"] = "T1"
    assert findings(data, "TEST-001", AS_OF) == []


def test_001_untiered_systems_are_grouped_into_one_question_naming_them():
    data = base()
    data["systems"] += [{"id": f"app-{i}", "environment": "prod"} for i in range(5)]
    data["systems"].append({"id": "lab", "environment": "dev"})  # out of scope: not asked about
    data["systems"].append({"id": "ghost", "environment": "prod", "tier": "T9"})  # tier not defined
    untiered, ghost = findings(data, "TEST-001")
    assert untiered.message.startswith("No restore-test cadence applies to app-0, as it has no tier: how often is "
                                       "it restore-tested?")
    assert "The same holds for app-1, app-2, app-3 and 1 more (5 systems in all)." in untiered.message
    assert untiered.subjects == tuple(f"app-{i}" for i in range(5)) and "lab" not in untiered.scopes
    assert untiered.path == "systems[1].tier" and "systems[5].tier" in untiered.paths
    assert ghost.message.startswith("No restore-test cadence applies to ghost, as it has no tier that is defined")
    # each question's cause is the system's missing tier, which COV-002 owns in a full evaluation
    assert untiered.causes == tuple(f"systems[{i}].tier" for i in range(1, 6))


def test_001_over_a_year_fails_even_with_a_loose_baseline():
    data = base(baseline={"restore_test_baseline": {"T1": "2y"}})
    data["tiers"][1]["restore_test_interval"] = "18mo"
    f = one(data, "TEST-001")
    assert "once a year" in f.message


def test_001_cis_profile_needs_a_quarterly_sample():
    data = base(baseline={"cis_profile": True}, tiers=[{"id": "T2", "restore_test_interval": "6mo"}])
    data["systems"][0]["tier"] = "T2"
    f = one(data, "TEST-001")
    assert "CIS 11.5" in f.message and "T2" in f.message
    data["tiers"][0]["restore_test_interval"] = "3mo"
    assert findings(data, "TEST-001", AS_OF) == []


# TEST-002 ----------------------------------------------------------------
def test_002_recent_pass_is_fine():
    assert findings(base(), "TEST-002", AS_OF) == []


def test_002_overdue_message_names_dates_cadence_and_days():
    data = base()
    data["restore_tests"][0]["date"] = "2025-02-20"
    f = one(data, "TEST-002")
    assert f.severity == "major"
    assert f.message == ("db-orders (T1): last passing restore test 2025-02-20, due again by 2025-05-20 "
                         "(every 3mo); overdue by 41 days as of 2025-06-30.")
    assert f.paths == ("restore_tests[0].date", "tiers[1].restore_test_interval")


def test_002_more_than_two_intervals_or_never_is_a_blocker():
    data = base()
    data["restore_tests"][0]["date"] = "2024-11-02"
    f = one(data, "TEST-002")
    assert f.severity == "blocker" and "overdue by 148 days" in f.message
    data["restore_tests"][0]["result"] = "fail"
    f = one(data, "TEST-002")
    assert f.severity == "blocker" and "no passing restore test" in f.message


def test_002_tier_sample_counts_and_the_message_says_whose_test():
    data = base()
    data["systems"].append({"id": "db-users", "kind": "db", "environment": "prod", "tier": "T1"})
    assert findings(data, "TEST-002", AS_OF) == []  # db-users is covered by the T1 sample
    data["restore_tests"][0]["date"] = "2025-02-20"
    (f,) = findings(data, "TEST-002", AS_OF)  # the tier's verdict: said once, naming both systems
    assert f.subjects == ("db-orders", "db-users")
    assert f.message.startswith("db-orders, db-users (T1; 2 systems): the latest passing restore test in tier T1 "
                                "(one test counts for the whole tier) was on 2025-02-20, due again by 2025-05-20")


def test_002_untiered_system_without_a_passing_test_is_a_blocker():
    data = base()
    data["systems"].append({"id": "crm", "kind": "saas", "environment": "prod"})
    f = one(data, "TEST-002")
    assert f.severity == "blocker" and f.subject == "crm"
    assert f.message == ("crm: no passing restore test on record as of 2025-06-30 "
                         "(no restore-test cadence is set, as it has no tier).")
    assert f.paths == ("restore_tests", "systems[1].tier")
    data["restore_tests"].append({"system": "crm", "date": "2024-01-10", "result": "pass"})
    assert findings(data, "TEST-002", AS_OF) == []  # with no cadence, any passing test is all that can be asked


def test_002_tier_without_a_cadence_still_needs_a_passing_test():
    data = base(tiers=[{"id": "all"}])  # no T-rank, so no baseline cadence either
    data["systems"][0]["tier"] = "all"
    assert findings(data, "TEST-002", AS_OF) == []  # RT-1 passed
    data["restore_tests"][0]["result"] = "fail"
    f = one(data, "TEST-002")
    assert f.severity == "blocker"
    assert f.message == ("db-orders (all): no passing restore test on record as of 2025-06-30 "
                         "(no restore-test cadence is set).")
    assert f.paths == ("restore_tests", "tiers[0].restore_test_interval")


def test_002_vague_cadence_still_needs_a_passing_test():
    data = base(tiers=[{"id": "all", "restore_test_interval": "periodically"}])
    data["systems"][0]["tier"] = "all"
    data["restore_tests"] = []
    f = one(data, "TEST-002")
    # no restore-test records at all: one evidence finding for the kind of record
    assert f.severity == "blocker" and f.kind == "evidence" and f.adjusted == ("no passing restore test is on record",)
    # the base policy is a Type I engagement: the records are what the Type II audit after it samples
    assert f.message.startswith("No restore-test records yet: at the Type II audit that usually follows a Type I, "
                                "the auditor samples restore tests of each tier "
                                "against its cadence (all: cadence not set); 1 tier, 1 system.")
    data["restore_tests"] = [{"system": "db-orders", "date": "2023-03-01", "result": "fail"}]
    f = one(data, "TEST-002")
    assert f.severity == "blocker" and "no testable restore-test cadence is set" in f.message
    assert "db-orders (all): no passing restore test on record as of 2025-06-30" in f.message
    data["restore_tests"] = [{"system": "db-orders", "date": "2023-03-01", "result": "pass"}]
    assert findings(data, "TEST-002", AS_OF) == []  # nothing to be overdue against


def test_002_future_dated_tests_do_not_count():
    data = base()
    data["restore_tests"][0]["date"] = "2025-07-15"
    assert one(data, "TEST-002").severity == "blocker"


def test_002_type_ii_counts_tests_in_the_period():
    data = base(engagement={"soc2_type": "II", "period_start": "2024-12-01", "period_end": "2025-11-30",
                            "categories": ["availability"]})
    f = one(data, "TEST-002")
    assert "Type II period 2024-12-01..2025-06-30" in f.message and "1 passing" in f.message
    assert "2 were due" in f.message and f.severity == "major"
    data["restore_tests"].append({"system": "db-orders", "date": "2025-02-01", "result": "pass"})
    assert findings(data, "TEST-002", AS_OF) == []


def test_002_t0_escalates_by_tier():
    data = base()
    data["systems"][0]["tier"] = "T0"
    data["restore_tests"][0]["date"] = "2025-05-20"  # due 2025-06-20
    f = one(data, "TEST-002")
    assert f.severity == "blocker" and "every 1mo" in f.message


# TEST-003 ----------------------------------------------------------------
def test_003_passing_latest_test_is_fine():
    assert findings(base(), "TEST-003", AS_OF) == []


def test_003_failed_test_without_ticket():
    data = base()
    data["restore_tests"][0].update(result="fail")
    f = one(data, "TEST-003")
    assert f.message == ("db-orders (T1): the latest restore test (2025-05-15, RT-1) failed; "
                         "no remediation ticket is recorded.")
    assert f.path == "restore_tests[0].result"


def test_003_ticket_gives_thirty_days_to_retest():
    data = base()
    data["restore_tests"][0].update(result="fail", remediation_ticket="TCK-9", date="2025-06-10")
    assert findings(data, "TEST-003", AS_OF) == []
    f = one(data, "TEST-003", "2025-07-15")
    assert "TCK-9" in f.message and "2025-07-10" in f.message


def test_003_measured_rto_above_objective():
    data = base()
    data["restore_tests"][0]["measured_rto"] = "30h"
    f = one(data, "TEST-003")
    assert "took 30h against an RTO of 1d" in f.message
    assert "restore_tests[0].measured_rto" in f.paths and "tiers[1].rto" in f.paths


# TEST-004 ----------------------------------------------------------------
def test_004_app_restore_from_offsite_copy_is_fine():
    assert findings(base(), "TEST-004", AS_OF) == []


def test_004_no_full_restore_in_interval():
    data = base()
    data["restore_tests"][0]["type"] = "file"
    f = one(data, "TEST-004")
    assert f.message.startswith("db-orders (T1): no full-system or application restore test since 2024-06-30")
    assert "tiers[1].full_restore_interval" in f.paths


def test_004_restore_only_from_a_local_mutable_copy():
    data = base()
    data["restore_tests"][0]["source_target"] = "snap-local"
    f = one(data, "TEST-004")
    assert "snap-local" in f.message and "restore from vault-euc1 instead" in f.message
    assert f.path == "restore_tests[0].source_target"


def test_004_unknown_source_is_a_question_not_a_gap():
    data = base()
    del data["restore_tests"][0]["source_target"]
    f = one(data, "TEST-004")
    assert f.kind == "question"


def test_004_only_for_t0_t1():
    data = base()
    data["tiers"].append({"id": "T2", "restore_test_interval": "6mo"})
    data["systems"][0]["tier"] = "T2"
    data["restore_tests"] = []
    assert findings(data, "TEST-004", AS_OF) == []


# TEST-005 ----------------------------------------------------------------
def test_005_complete_record_is_fine():
    assert findings(base(), "TEST-005", AS_OF) == []


def test_005_no_integrity_check():
    data = base()
    data["restore_tests"][0]["integrity_check"] = False
    del data["restore_tests"][0]["evidence_ref"]
    f = one(data, "TEST-005")
    assert f.kind == "evidence" and f.severity == "minor"  # the record falls short, not the policy
    assert "RT-1" in f.message and "db-orders" in f.message and "no integrity check" in f.message
    assert f.paths == ("restore_tests[0].integrity_check", "restore_tests[0].evidence_ref")


def test_005_old_records_are_not_reported():
    data = base()
    data["restore_tests"][0].update(integrity_check=False, date="2023-01-01")
    assert findings(data, "TEST-005", AS_OF) == []


def test_005_a_record_dated_after_today_is_said_and_counts_as_no_test():
    """A restore test written with next year's date (a typo, or a plan) was silently ignored: the tier looked
    untested and nobody was told why."""
    data = base()
    data["restore_tests"][0]["date"] = "2026-06-01"  # a year after AS_OF; the record is otherwise complete
    f = one(data, "TEST-005")
    assert f.kind == "gap" and f.paths == ("restore_tests[0].date",)
    assert "is dated 2026-06-01, after today (2025-06-30)" in f.message and "db-orders" in f.message
    assert any(x.rule == "TEST-002" for x in findings(data, "TEST-002", AS_OF))  # and no test is counted


# TEST-006 ----------------------------------------------------------------
def test_006_recent_functional_exercise_is_fine():
    assert findings(base(), "TEST-006", AS_OF) == []


def test_006_no_exercise_within_a_year():
    data = base()
    data["dr_exercises"][0]["date"] = "2024-03-20"
    f = one(data, "TEST-006")
    assert f.message == ("No disaster-recovery exercise since 2024-06-30 (every 1y, as the policy states); "
                         "the latest was on 2024-03-20.")


def test_006_tabletop_only_with_critical_systems():
    data = base()
    data["dr_exercises"][0]["type"] = "tabletop"
    f = one(data, "TEST-006")
    assert "functional" in f.message and "db-orders" in f.message and f.path == "dr_exercises[0].type"


def test_006_missing_scenarios():
    data = base()
    data["dr_exercises"][0]["scenarios"] = ["ransomware"]
    f = one(data, "TEST-006")
    assert "an absent key person" in f.message and f.path == "dr_exercises[0].scenarios"


def test_003_restore_from_the_disaster_copy_is_held_to_the_disaster_objectives():
    data = base()
    data["tiers"][1].update(dr_rpo="1d", dr_rto="2d")
    data["restore_tests"][0].update(measured_rpo="20h", measured_rto="30h")  # from vault-euc1, another region
    assert findings(data, "TEST-003", AS_OF) == []
    data["restore_tests"][0].update(source_target="snap-local")  # same region: normal objectives
    data["schedules"][0]["targets"].append("snap-local")
    f = one(data, "TEST-003")
    assert "against an RTO of 1d" in f.message and "against an RPO of 4h" in f.message


def test_006_stated_interval_longer_than_a_year_is_a_gap():
    data = base()
    data["policy"]["dr_exercise_interval"] = "2y"
    f = one(data, "TEST-006")  # DR-1 (2025-03-20) is within the two years, so only the cadence is wrong
    assert f.kind == "gap" and f.severity == "major" and f.path == "policy.dr_exercise_interval"
    assert "every 2y" in f.message and "once a year" in f.message


def test_006_exercise_within_the_stated_interval_is_fine():
    data = base()
    data["dr_exercises"][0]["date"] = "2024-08-30"  # ten months before the as-of date
    assert findings(data, "TEST-006", AS_OF) == []
    data["policy"]["dr_exercise_interval"] = "6mo"  # the policy's own, shorter cadence is what counts
    f = one(data, "TEST-006")
    assert f.message == ("No disaster-recovery exercise since 2024-12-30 (every 6mo, as the policy states); "
                         "the latest was on 2024-08-30.")
    assert f.paths == ("dr_exercises", "policy.dr_exercise_interval")


def test_006_unanswered_interval_is_a_minor_question_and_a_year_is_assumed():
    data = base()
    del data["policy"]
    f = one(data, "TEST-006")
    assert f.kind == "question" and f.severity == "minor" and f.path == "policy.dr_exercise_interval"
    assert "no interval is set" in f.message
    data["dr_exercises"][0]["date"] = "2024-03-20"
    msgs = messages(data, "TEST-006")
    assert "No disaster-recovery exercise since 2024-06-30; the latest was on 2024-03-20." in msgs


def test_006_vague_interval_is_asked_again_without_quoting_it():
    data = base()
    data["policy"]["dr_exercise_interval"] = "periodically"
    f = one(data, "TEST-006")
    assert f.kind == "question" and "periodically" not in f.message and "as a number of months" in f.message


def test_tiers_named_high_medium_low_are_as_critical_as_their_objectives():
    """A policy's own tier names carry no T-number; a 1-hour RTO is still mission-critical (GAP_RULES §5.5)."""
    from workbench.spec.model import Tier

    levels = {t["id"]: Tier.model_validate(t).level() for t in (
        {"id": "High", "rpo": "15m", "rto": "1h"}, {"id": "Medium", "rpo": "4h", "rto": "24h"},
        {"id": "Low", "rto": "1w"}, {"id": "Unrated"}, {"id": "Vague", "rto": "Next business day"},
        {"id": "Gold", "rank": 2, "rto": "1h"})}
    assert levels == {"High": 0, "Medium": 1, "Low": 3, "Unrated": 9, "Vague": 9, "Gold": 2}
    data = base(tiers=[{"id": "High", "rpo": "15m", "rto": "1h", "restore_test_interval": "1mo"},
                       {"id": "Unrated", "restore_test_interval": "1mo"}])
    data["restore_tests"][0]["type"] = "file"  # no full-system or application restore on record
    data["systems"][0]["tier"] = "High"
    (f,) = findings(data, "TEST-004", AS_OF)  # held to the critical tiers' full-restore test
    assert f.message.startswith("db-orders (High): no full-system or application restore test")
    data["systems"][0]["tier"] = "Unrated"
    assert findings(data, "TEST-004", AS_OF) == []


def test_002_type_ii_shortfall_is_counted_in_proper_english():
    """"0 passing restore test(s) where 1 were due" read as a form letter: the nouns and verbs take the count."""
    data = base(engagement={"soc2_type": "II", "period_start": "2025-03-01", "period_end": "2025-11-30",
                            "categories": ["availability"]})
    data["restore_tests"][0]["result"] = "fail"  # on record, but not passing
    f = one(data, "TEST-002")
    assert "its tier had 0 passing restore tests where 1 was due" in f.message, f.message
    assert "test(s)" not in f.message
    data["restore_tests"][0]["result"] = "pass"
    data["engagement"]["period_start"] = "2024-12-01"
    assert "its tier had 1 passing restore test where 2 were due" in one(data, "TEST-002").message
