"""Issue 12 §4 and §5: where a real policy is silent and an auditor would ask, ask; and what a real policy
says (per-system cadences, provider-run controls, exclusions without an approver ...) is read as it says it."""

import copy

from tests.rules.helpers import findings, messages, policy

AS_OF = "2025-06-30"


def untiered(**over):
    """A small policy with no tiers, as many real ones are: one production database backed up nightly."""
    data = {
        "organization": {"name": "Acme"},
        "engagement": {"soc2_type": "I", "categories": ["security", "availability"]},
        "systems": [{"id": "db", "kind": "db", "environment": "prod", "data_classes": ["confidential"],
                     "owner": "ops", "region": "eu-west-1", "provider": "aws", "account": "prod"}],
        "schedules": [{"id": "nightly", "systems": ["db"], "interval": "1d", "automated": True,
                       "targets": ["vault"]}],
        "targets": [{"id": "vault", "provider": "aws", "account": "backup", "region": "eu-central-1",
                     "transfer": {"protocol": "https", "tls_min": "1.2"}}],
        "restore_tests": [{"id": "RT-1", "system": "db", "date": "2025-05-15", "type": "database",
                           "result": "pass", "integrity_check": True, "evidence_ref": "TCK-1"}],
    }
    for k, v in copy.deepcopy(over).items():
        data[k] = v
    return data


# --- encryption in transit (ENC-002) -------------------------------------------------------------------
def test_a_copy_whose_location_and_transport_are_unknown_is_asked_about_encryption_in_transit():
    data = untiered()
    data["systems"][0].update(provider=None, account=None)
    data["targets"][0] = {"id": "vault"}
    found = findings(data, "ENC-002", AS_OF)
    assert len(found) == 1 and found[0].kind == "question"
    assert "nothing states that they are encrypted in transit" in found[0].message
    assert found[0].paths[0] == "targets[0].transfer.protocol"


def test_encrypted_in_transit_stated_without_a_protocol_is_one_minor_question():
    data = untiered()
    data["targets"][0]["transfer"] = {"encrypted": True}
    (f,) = findings(data, "ENC-002", AS_OF)
    assert f.kind == "question" and f.severity == "minor" and "over which protocol" in f.message


def test_not_encrypted_in_transit_across_accounts_is_a_gap():
    data = untiered()
    data["targets"][0]["transfer"] = {"encrypted": False}
    (f,) = findings(data, "ENC-002", AS_OF)
    assert f.kind == "gap" and "not encrypted in transit" in f.message


def test_a_stated_protocol_leaves_nothing_to_ask():
    assert findings(untiered(), "ENC-002", AS_OF) == []


# --- exclusions (COV-001) --------------------------------------------------------------------------------
def test_an_exclusion_with_no_approver_still_excludes_and_is_asked_once():
    data = untiered()
    data["systems"].append({"id": "cache", "kind": "server", "environment": "prod", "owner": "ops",
                            "region": "eu-west-1", "exclusion": {"reason": "stateless, rebuilt from IaC"}})
    all_findings = [f for rid in ("COV-001", "COV-002", "COV-003", "TEST-001", "TEST-002", "MON-001")
                    for f in findings(data, rid, AS_OF) if f.subject == "cache"]
    assert [f.rule for f in all_findings] == ["COV-001"]
    assert "who approved it" in all_findings[0].message and "stays out of scope" in all_findings[0].message
    assert all_findings[0].paths == ("systems[1].exclusion.approved_by",)


def test_an_excluded_endpoint_asks_where_its_data_lives_and_a_home_without_backup_is_a_gap():
    data = untiered()
    data["systems"].append({"id": "laptops", "kind": "endpoint", "environment": "corp",
                            "exclusion": {"reason": "files sync to the share", "approved_by": "CIO",
                                          "expires_on": "2026-01-01"}})
    (f,) = [f for f in findings(data, "COV-001", AS_OF) if f.subject == "laptops"]
    assert f.kind == "question" and "where does its data live instead" in f.message
    data["systems"][1]["exclusion"]["data_kept_in"] = "share"
    data["systems"].append({"id": "share", "kind": "fileshare", "environment": "corp"})
    (f,) = [f for f in findings(data, "COV-001", AS_OF) if f.subject == "laptops"]
    assert f.kind == "gap" and "share is in no backup schedule either" in f.message
    data["schedules"][0]["systems"].append("share")
    assert [f for f in findings(data, "COV-001", AS_OF) if f.subject == "laptops"] == []


# --- restore-test cadence per system, per schedule, policy-wide (TEST-001/002/004) ----------------------
def test_an_untiered_system_with_no_cadence_anywhere_is_asked():
    (f,) = findings(untiered(), "TEST-001", AS_OF)
    assert "policy.restore_test_interval" in f.message


def test_a_cadence_per_system_per_schedule_or_policy_wide_answers_without_inventing_a_tier():
    with_system = untiered()
    with_system["systems"][0]["restore_test_interval"] = "3mo"
    with_schedule = untiered()
    with_schedule["schedules"][0]["restore_test_interval"] = "quarterly"
    policy_wide = untiered(policy={"restore_test_interval": "3mo", "restore_test_method": "sample"})
    for data in (with_system, with_schedule, policy_wide):
        assert findings(data, "TEST-001", AS_OF) == []
        assert findings(data, "TEST-002", AS_OF) == []


def test_a_stated_cadence_holds_an_untiered_system_to_it():
    data = untiered(policy={"restore_test_interval": "1mo"})
    (f,) = findings(data, "TEST-002", AS_OF)
    assert "last passing restore test 2025-05-15, due again by 2025-06-15 (every 1mo)" in f.message
    data["schedules"][0]["restore_test_interval"] = "2y"
    data["policy"] = {}
    (f,) = findings(data, "TEST-001", AS_OF)
    assert "looser than once a year" in f.message and f.paths == ("schedules[0].restore_test_interval",)


def test_the_policy_wide_cadence_answers_a_tier_that_states_none():
    data = untiered(policy={"restore_test_interval": "3mo"},
                    tiers=[{"id": "Gold", "rpo": "4h", "rto": "1d"}])
    data["systems"][0]["tier"] = "Gold"
    assert findings(data, "TEST-001", AS_OF) == []
    data["policy"] = {}
    assert len(findings(data, "TEST-001", AS_OF)) == 1


def test_full_application_restores_on_the_policy_cadence_meet_the_full_restore_test():
    data = untiered(policy={"restore_test_interval": "3mo", "restore_test_method": "full_application"},
                    tiers=[{"id": "T1", "rpo": "4h", "rto": "1d"}])
    data["systems"][0]["tier"] = "T1"
    data["restore_tests"][0]["date"] = "2024-12-01"
    data["restore_tests"][0]["type"] = "app"
    msgs = messages(data, "TEST-004", AS_OF)
    assert any("since 2025-03-30 (every 3mo)" in m for m in msgs), msgs
    data["policy"] = {"full_restore_interval": "2y"}
    msgs = messages(data, "TEST-004", AS_OF)
    assert not any("no full-system" in m for m in msgs), msgs


# --- controls a provider runs (VEND-002, and the questions it replaces) ---------------------------------
def paas(**over):
    data = untiered(vendors=[{"id": "heroku", "name": "Heroku", "service": "paas"}])
    data["schedules"][0] = {"id": "pg-backups", "systems": ["db"], "interval": "1d", "targets": ["pg-store"],
                            "performed_by": "heroku"}
    data["targets"][0] = {"id": "pg-store", "managed_by": "heroku", "region": "eu-central-1",
                          "retention": {"daily": "7d"}}
    data.update(copy.deepcopy(over))
    return data


def test_a_provider_run_backup_asks_for_the_providers_assurance_once_and_not_for_its_internals():
    from workbench.rules import evaluate
    import datetime as dt
    report = evaluate(policy(paas()), dt.date(2025, 6, 30))
    inside = [f for f in report.open if f.kind == "question"
              and any(p.startswith(("targets[0].", "schedules[0].")) and not p.endswith(("region", "retention"))
                      for p in f.paths)]
    assert inside == [], [(f.rule, f.message) for f in inside]
    (f,) = [f for f in report.open if f.rule == "VEND-002"]
    assert f.kind == "question" and f.severity == "major"
    assert "Heroku runs the backups of schedule pg-backups and the copy pg-store" in f.message
    assert f.paths == ("vendors[0].soc2_type2_report_date", "vendors[0].cuecs_mapped")


def test_the_same_policy_run_by_the_client_is_asked_the_details():
    from workbench.rules import evaluate
    import datetime as dt
    data = paas()
    del data["schedules"][0]["performed_by"]
    del data["targets"][0]["managed_by"]
    report = evaluate(policy(data), dt.date(2025, 6, 30))
    assert not [f for f in report.open if f.rule == "VEND-002"]
    assert [f for f in report.open if f.kind == "question" and any(p.startswith("targets[0].") for p in f.paths)]


def test_a_provider_with_assurance_on_record_leaves_nothing_to_ask_and_a_stale_report_is_a_gap():
    data = paas(vendors=[{"id": "heroku", "soc2_type2_report_date": "2025-03-01", "cuecs_mapped": True}])
    assert findings(data, "VEND-002", AS_OF) == []
    data["vendors"][0]["soc2_type2_report_date"] = "2023-03-01"
    (f,) = findings(data, "VEND-002", AS_OF)
    assert f.kind == "gap" and "more than 12 months" in f.message


# --- immutability: is a lock needed, and "immutable" stated without a mechanism (IMM-001/002) ----------
def test_nothing_saying_whether_a_lock_is_needed_is_asked_once_for_the_policy():
    data = untiered()
    data["targets"][0]["immutability"] = {"mode": "none"}
    (f,) = findings(data, "IMM-001", AS_OF)
    assert f.kind == "question" and "Must any copy be immutable or offline" in f.message
    assert f.paths[0] == "policy.require_immutable"
    data["policy"] = {"require_immutable": False}
    assert findings(data, "IMM-001", AS_OF) == []
    data["policy"] = {"require_immutable": True}
    (f,) = findings(data, "IMM-001", AS_OF)
    assert f.kind == "gap" and "none of its copies is locked" in f.message


def test_a_tier_that_states_it_answers_the_question_for_the_policy():
    data = untiered(tiers=[{"id": "T0", "require_immutable": True}, {"id": "T2"}])
    data["systems"][0]["tier"] = "T2"
    data["targets"][0]["immutability"] = {"mode": "none"}
    assert findings(data, "IMM-001", AS_OF) == []


def test_immutable_stated_without_a_mechanism_is_one_question_not_a_gap_and_not_silence():
    data = untiered(policy={"require_immutable": True})
    data["targets"][0]["immutability"] = {"enabled": True}
    assert findings(data, "IMM-001", AS_OF) == []       # stated: not a contradiction
    (f,) = findings(data, "IMM-002", AS_OF)             # but the mechanism is asked
    assert f.kind == "question" and "by which mechanism" in f.message and "how many days" in f.message
    assert f.paths == ("targets[0].immutability.mode",)


# --- an unknown job time where it decides the RPO (FREQ-001) ---------------------------------------------
def test_rpo_equal_to_the_interval_asks_the_job_time_and_an_answer_decides_it():
    data = untiered()
    data["systems"][0]["rpo"] = "1d"
    (f,) = findings(data, "FREQ-001", AS_OF)
    # the system's RPO goes with the job time: a provider running the job does not answer whether the RPO holds
    assert f.kind == "question" and f.paths == ("schedules[0].job_duration", "systems[0].rpo")
    assert "exactly its RPO (1d)" in f.message and "How long does a job take?" in f.message
    data["schedules"][0]["job_duration"] = "2h"
    (f,) = findings(data, "FREQ-001", AS_OF)
    assert f.kind == "gap" and "can be 26h old" in f.message


def test_a_vague_rpo_against_a_daily_schedule_asks_the_job_time():
    data = untiered()
    data["systems"][0]["rpo"] = "Minimal"
    (f,) = findings(data, "FREQ-001", AS_OF)
    assert f.kind == "question" and "'Minimal'" in f.message and "interval plus the time a job takes" in f.message


def test_an_rpo_with_room_for_the_job_or_an_instant_snapshot_asks_nothing():
    data = untiered()
    data["systems"][0]["rpo"] = "2d"
    assert findings(data, "FREQ-001", AS_OF) == []
    data["systems"][0]["rpo"] = "1d"
    data["schedules"][0]["type"] = "snapshot"
    assert findings(data, "FREQ-001", AS_OF) == []


# --- off-site copies kept shorter than on-site ones (RET-002) ---------------------------------------------
def two_copies(onsite: str, offsite: str):
    data = untiered()
    data["schedules"][0]["targets"] = ["local", "vault"]
    data["targets"].insert(0, {"id": "local", "region": "eu-west-1", "retention": {"max": onsite}})
    data["targets"][1]["retention"] = {"max": offsite}
    return data


def test_an_offsite_copy_kept_shorter_than_the_onsite_one_is_a_minor_gap_naming_both():
    msgs = [f for f in findings(two_copies("1y", "30d"), "RET-002", AS_OF)]
    (f,) = [f for f in msgs if "off-site" in f.message]
    assert f.kind == "gap" and f.severity == "minor"
    assert "off-site copy vault of db is kept for 30d, but the copy local" in f.message and "for 1y" in f.message
    assert f.paths == ("targets[1].retention", "targets[0].retention")


def test_the_usual_design_short_onsite_and_long_offsite_is_quiet():
    assert not [f for f in findings(two_copies("7d", "1y"), "RET-002", AS_OF) if "off-site" in f.message]


# --- soft delete or versioning as the only protection (IMM-002) -------------------------------------------
def test_soft_delete_as_the_only_stated_protection_is_asked_once_per_target():
    data = untiered()
    data["targets"][0].update(soft_delete_days=30, isolated_account=False)
    (f,) = findings(data, "IMM-002", AS_OF)
    assert f.kind == "question" and "relies on soft delete (30 days)" in f.message
    assert f.paths == ("targets[0].immutability.mode", "targets[0].isolated_account")


def test_versioned_replication_as_the_only_protection_is_asked():
    data = untiered()
    data["schedules"][0].update(type="replication", versioned=True)
    (f,) = findings(data, "IMM-002", AS_OF)
    assert "relies on versioning" in f.message


def test_a_lock_an_offline_copy_or_an_account_of_its_own_answers_it():
    for extra in ({"immutability": {"mode": "compliance", "days": 30}}, {"offline": True},
                  {"isolated_account": True}):
        data = untiered()
        data["targets"][0].update(soft_delete_days=30, **extra)
        assert not [f for f in findings(data, "IMM-002", AS_OF) if "relies on" in f.message], extra


# --- who authorises a restore (REST-001) -------------------------------------------------------------------
def test_who_authorises_a_restore_is_asked_once_with_the_former_employee_case():
    (f,) = findings(untiered(), "REST-001", AS_OF)
    assert f.kind == "question" and "Who authorises a restore request, and who may request restoring a former " \
        "employee's data?" in f.message
    assert f.paths == ("policy.restore_authorized_by", "policy.former_employee_restore")


def test_the_former_employee_case_is_asked_only_where_people_data_is_backed_up():
    data = untiered(policy={"restore_authorized_by": "the system owner"})
    assert findings(data, "REST-001", AS_OF) == []
    data["systems"][0]["data_classes"] = ["pii"]
    (f,) = findings(data, "REST-001", AS_OF)
    assert f.severity == "minor" and f.paths == ("policy.former_employee_restore",)
    # the systems are named as those holding people's data, not as where laptops are kept ("laptops in x")
    sid = data["systems"][0]["id"]
    assert f"data, such as mail, files or a laptop's contents, from the systems that hold it ({sid})?" \
        in f.message, f.message
    assert "laptops in" not in f.message
    data["policy"]["former_employee_restore"] = "HR with Legal"
    assert findings(data, "REST-001", AS_OF) == []


# --- lists written as unknown are questions, not "none" (ASK-001) -------------------------------------------
def test_a_list_written_unknown_is_asked_and_an_empty_one_is_not():
    data = untiered(roles=[{"id": "backup-admin", "permissions": ["restore"], "members": "unknown",
                            "dual_authorization_for": []},
                           {"id": "auditors", "permissions": ["read"], "members": [], "dual_authorization_for": []}])
    asked = [f for f in findings(data, "ASK-001", AS_OF) if f.subject in ("backup-admin", "auditors")]
    assert [(f.subject, f.paths, f.severity) for f in asked] == [("backup-admin", ("roles[0].members",), "major")]
    assert "who holds it" in asked[0].message and "not as none" in asked[0].message


def test_the_written_policy_says_an_unknown_member_list_is_open_not_none():
    import datetime as dt
    from workbench.document import render_markdown
    from workbench.rules import evaluate
    p = policy(untiered(roles=[{"id": "backup-admin", "permissions": ["restore"], "members": "unknown"}]))
    text = render_markdown(p, evaluate(p, dt.date(2025, 6, 30)))
    row = next(line for line in text.splitlines() if line.startswith("| backup-admin |") and "Members" not in line)
    assert "None" not in row


# --- copies in words, policy-wide; several media on one target (COPY-001, DISP-001, ENC-005) ------------------
def test_a_policy_wide_count_in_words_is_held_as_its_lower_bound_and_quoted():
    data = untiered(policy={"min_backup_copies": "multiple"})
    (f,) = findings(data, "COPY-001", AS_OF)
    assert "the policy requires at least 2 ('multiple')" in f.message
    assert "policy.min_backup_copies" in f.paths
    data["policy"]["min_backup_copies"] = 1
    assert findings(data, "COPY-001", AS_OF) == []


def test_a_target_on_disk_and_tape_is_judged_for_its_tape_too():
    data = untiered(disposal={"method": "nist_800_88_purge", "verification_interval": "1y"})
    data["targets"][0].update(media=["disk", "tape"], leaves_facility=True, encryption={"at_rest": True})
    msgs = messages(data, "ENC-005", AS_OF)
    assert msgs and "The tape media of vault" in msgs[0] and "how are they tracked" in msgs[0]


def test_every_list_answer_written_unknown_evaluates_renders_and_saves_on_every_starter():
    """No rule, renderer or the diff may read an unanswered list (None) as a list."""
    import datetime as dt
    from pydantic import BaseModel
    from workbench.document import render
    from workbench.rules import evaluate
    from workbench.spec import dumps, loads
    from workbench.spec.io import _list_fields
    from workbench.store.semdiff import diff
    from workbench.templates import list_templates, load_template

    def null_all(m):
        if isinstance(m, BaseModel):
            nullable, _ = _list_fields(type(m))
            for n in type(m).model_fields:
                v = getattr(m, n)
                if n in nullable:
                    setattr(m, n, None)
                elif isinstance(v, list):
                    for x in v:
                        null_all(x)
                else:
                    null_all(v)

    for name, _, _ in list_templates():
        before, p = load_template(name), load_template(name)
        null_all(p)
        report = evaluate(p, dt.date(2026, 6, 30))
        assert any(f.rule == "ASK-001" and f.path.endswith(".members") for f in report.open)
        lines = render(p, report, "markdown").splitlines()
        assert not [line for r in p.roles for line in lines
                    if line.startswith(f"| {r.id} |") and line.rstrip().endswith("| None |")]
        assert loads(dumps(p)).roles[0].members is None
        assert diff(before, p, findings=False).changes
