"""`workbench check`, `workbench rules` and `workbench criteria`.

Findings are triggered with FREQ-001 (a T0 tier with a 1h RPO and a production
system backed up daily), so these tests do not depend on the details of the
other rule families. Tests about exit codes run the engine with FREQ-001 only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest

from workbench.cli import main
from workbench.rules import RULES, engine

SPEC = """\
organization:
  name: Acme Ltd
engagement:
  categories: [security, availability]
tiers:
  - id: {tier}
    rpo: 1h
    rto: 4h
systems:
  - id: web
    environment: prod
    tier: {tier}
  - id: prod-db
    kind: db
    environment: prod
    tier: {tier}
schedules:
  - id: nightly
    systems: [prod-db]
    interval: {interval}
    automated: true
    targets: [vault1]
  - id: web-hourly
    systems: [web]
    type: snapshot
    interval: 1h
    automated: true
    targets: [vault1]
targets:
  - id: vault1
    region: eu-west-1
"""

EXCEPTION = """\
exceptions:
  - id: EXC-1
    rule: FREQ-001
    scope: prod-db
    justification: the business accepts a day of loss until the migration
    approved_by: CFO
    expires_on: 2025-12-31
"""


def write(tmp_path, name="acme.yaml", *, tier="T0", interval="1d", extra=""):
    path = tmp_path / name
    path.write_text(SPEC.format(tier=tier, interval=interval) + extra, encoding="utf-8")
    return path


@pytest.fixture
def freq_only(monkeypatch):
    """Evaluate with FREQ-001 alone, so exit codes do not depend on the other families."""
    monkeypatch.setattr(engine, "RULES", {"FREQ-001": RULES["FREQ-001"]})


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# ----------------------------------------------------------------------------
# text
# ----------------------------------------------------------------------------
def test_text_groups_by_severity_and_names_the_system(tmp_path, capsys):
    status, out, err = run(capsys, "check", write(tmp_path), "--as-of", "2025-06-30")
    assert status == 1 and "Traceback" not in err
    lines = out.splitlines()
    line = next(i for i, l in enumerate(lines) if l.startswith("BLOCKER") and "FREQ-001" in l)
    assert "prod-db" in lines[line] and "1d" in lines[line] and "1h" in lines[line]
    heading = max(i for i, l in enumerate(lines[:line]) if l.startswith("BLOCKER:"))
    assert all(not l or l.startswith("BLOCKER ") for l in lines[heading + 1:line])  # one line per finding
    assert lines[1].startswith("Readiness ") and "Not audit-ready" in lines[1]  # the summary comes first
    assert "fix:" not in out and "criteria:" not in out
    assert "\x1b[" not in out  # no colour codes
    status, out, err = run(capsys, "check", write(tmp_path), "--as-of", "2025-06-30", "--detail")
    lines = out.splitlines()
    line = next(i for i, l in enumerate(lines) if l.startswith("BLOCKER") and "FREQ-001" in l)
    assert "where: schedules[0].interval" in lines[line + 1] and "criteria: SOC 2 A1.2, CC9.1" in lines[line + 1]
    assert lines[line + 2].startswith("  fix: ")


def test_text_and_json_say_why_a_severity_moved(tmp_path, capsys, freq_only):
    """FREQ-001 is a blocker in the catalog; on a T3 system it is one level milder, and the output says so."""
    path = write(tmp_path, tier="T3")
    status, out, _ = run(capsys, "check", path, "--as-of", "2025-06-30", "--detail")
    lines = out.splitlines()
    line = next(i for i, l in enumerate(lines) if l.startswith("MAJOR") and "FREQ-001" in l)
    assert lines[line + 2] == "  severity: tier T3 (least critical): one level milder"
    status, out, _ = run(capsys, "check", path, "--as-of", "2025-06-30", "--format", "json")
    (f,) = [f for f in json.loads(out)["findings"] if f["subject"] == "prod-db"]
    assert f["severity"] == "major" and f["severity_adjusted"] == ["tier T3 (least critical): one level milder"]


def test_text_separates_questions_and_accepted_exceptions(tmp_path, capsys):
    path = write(tmp_path, extra=EXCEPTION)
    status, out, _ = run(capsys, "check", path, "--as-of", "2025-06-30")
    assert "ACCEPTED AS EXCEPTIONS: 1 finding" in out
    accepted = out.split("ACCEPTED AS EXCEPTIONS")[1]
    assert "FREQ-001" in accepted and "until 2025-12-31" in accepted and "approved by CFO" in accepted
    gaps = out.split("ACCEPTED AS EXCEPTIONS")[0]
    assert "FREQ-001  prod-db" not in gaps


def test_kind_filters_the_findings_in_every_format(tmp_path, capsys):
    path = write(tmp_path)
    _, out, _ = run(capsys, "check", path, "--as-of", "2025-06-30", "--format", "json")
    every = json.loads(out)
    kinds = {f["kind"] for f in every["findings"]}
    assert {"gap", "question"} <= kinds
    _, out, _ = run(capsys, "check", path, "--as-of", "2025-06-30", "--format", "json", "--kind", "question")
    data = json.loads(out)
    assert data["findings"] and {f["kind"] for f in data["findings"]} == {"question"}
    assert data["summary"] == every["summary"]  # the summary still counts every kind
    _, out, _ = run(capsys, "check", path, "--as-of", "2025-06-30", "--format", "sarif", "--kind", "gap",
                    "--kind", "evidence")
    results = json.loads(out)["runs"][0]["results"]
    assert results and {r["properties"]["kind"] for r in results} <= {"gap", "evidence"}
    _, out, _ = run(capsys, "check", path, "--as-of", "2025-06-30", "--kind", "question")
    headings = re.findall(r"^(?:BLOCKER|MAJOR|MINOR|ADVISORY): \d+ (\w+)", out, re.M)
    assert headings and set(headings) <= {"question", "questions"}
    status, _, err = run_raw(capsys, "check", path, "--kind", "gaps")
    assert status == 2 and "invalid choice" in err


def run_raw(capsys, *argv):
    """``run`` for argument errors, which argparse reports by exiting."""
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in argv])
    captured = capsys.readouterr()
    return info.value.code, captured.out, captured.err


def test_as_of_decides_whether_an_exception_still_holds(tmp_path, capsys, freq_only):
    path = write(tmp_path, extra=EXCEPTION)
    assert run(capsys, "check", path, "--as-of", "2025-06-30")[0] == 0
    status, out, _ = run(capsys, "check", path, "--as-of", "2026-01-15")
    assert status == 1 and "BLOCKER  FREQ-001  prod-db" in out


def test_bad_as_of_is_a_clear_error(tmp_path, capsys):
    status, _, err = run(capsys, "check", write(tmp_path), "--as-of", "30/06/2025")
    assert status == 2 and "YYYY-MM-DD" in err and "Traceback" not in err


# ----------------------------------------------------------------------------
# exit codes
# ----------------------------------------------------------------------------
def test_exit_zero_when_nothing_is_at_or_above_fail_on(tmp_path, capsys, freq_only):
    status, out, _ = run(capsys, "check", write(tmp_path, interval="30m"), "--as-of", "2025-06-30")
    assert status == 0 and "No open gaps" in out and "Audit-ready: no open blocker" in out


def test_a_major_question_left_unanswered_keeps_the_policy_from_audit_ready(tmp_path, capsys, monkeypatch):
    """No blocker, but the objectives of prod systems are not answered: saying less must not read as ready."""
    monkeypatch.setattr(engine, "RULES", {"COV-003": RULES["COV-003"]})
    spec = SPEC.format(tier="T2", interval="1d").replace("    rpo: 1h\n    rto: 4h\n", "")
    path = tmp_path / "quiet.yaml"
    path.write_text(spec, encoding="utf-8")
    status, out, _ = run(capsys, "check", path, "--as-of", "2025-06-30", "--fail-on", "blocker")
    assert status == 0  # no blocker: CI thresholds are unchanged
    assert "Not audit-ready: 1 major question not answered yet." in out  # RPO and RTO of the tier: asked together
    status, out, _ = run(capsys, "check", path, "--as-of", "2025-06-30", "--format", "json")
    assert json.loads(out)["summary"]["audit_ready"] is False


def test_exit_one_for_a_blocker(tmp_path, capsys, freq_only):
    assert run(capsys, "check", write(tmp_path), "--as-of", "2025-06-30")[0] == 1


def test_fail_on_threshold(tmp_path, capsys, freq_only):
    path = write(tmp_path, tier="T3")  # T3 lowers FREQ-001 from blocker to major
    assert run(capsys, "check", path, "--as-of", "2025-06-30")[0] == 0
    assert run(capsys, "check", path, "--as-of", "2025-06-30", "--fail-on", "blocker")[0] == 0
    assert run(capsys, "check", path, "--as-of", "2025-06-30", "--fail-on", "major")[0] == 1
    assert run(capsys, "check", path, "--as-of", "2025-06-30", "--fail-on", "advisory")[0] == 1


def test_unreadable_file_exit_two_others_still_checked(tmp_path, capsys, freq_only):
    good = write(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("systems:\n  - id: x\n    tier: [oops\n", encoding="utf-8")
    status, out, err = run(capsys, "check", bad, good, tmp_path / "missing.yaml", "--as-of", "2025-06-30")
    assert status == 2
    assert f"{bad}:4" in err and "not valid YAML" in err
    assert "missing.yaml: no such file" in err
    assert "Traceback" not in err + out
    assert "BLOCKER  FREQ-001  prod-db" in out  # the good file was still checked
    summary = out.split("SUMMARY: 3 files")[1].strip().splitlines()
    assert len(summary) == 3
    assert summary[0].startswith(str(bad)) and "ERROR" in summary[0]
    assert summary[1].startswith(str(good)) and "readiness" in summary[1] and "worst blocker" in summary[1]
    assert "ERROR" in summary[2]


def test_invalid_field_is_reported_with_line(tmp_path, capsys):
    path = tmp_path / "typo.yaml"
    path.write_text("systems:\n  - id: x\n    enviroment: prod\n", encoding="utf-8")
    status, _, err = run(capsys, "check", path)
    assert status == 2 and f"{path}:3" in err and "environment" in err and "Traceback" not in err


def test_dangling_reference_is_a_finding_not_a_load_error(tmp_path, capsys):
    path = write(tmp_path, extra="")
    path.write_text(path.read_text().replace("targets: [vault1]\n  - id: web-hourly", "targets: [nowhere]\n  - id: web-hourly"))
    status, _, err = run(capsys, "check", path, "--as-of", "2025-06-30")
    assert status in (0, 1) and "not checked" not in err


# ----------------------------------------------------------------------------
# several files
# ----------------------------------------------------------------------------
def test_several_files_end_with_one_line_each(tmp_path, capsys, freq_only):
    a = write(tmp_path, "a.yaml")
    b = write(tmp_path, "b.yaml", interval="15m")
    status, out, _ = run(capsys, "check", a, b, "--as-of", "2025-06-30")
    assert status == 1
    tail = out.split("SUMMARY: 2 files")[1].strip().splitlines()
    assert len(tail) == 2
    assert tail[0].startswith(str(a)) and "blocker   1" in tail[0] and "worst blocker" in tail[0]
    assert tail[1].startswith(str(b)) and "readiness 100" in tail[1] and "worst none" in tail[1]


# ----------------------------------------------------------------------------
# json
# ----------------------------------------------------------------------------
def test_json_carries_summary_and_findings(tmp_path, capsys):
    status, out, _ = run(capsys, "check", write(tmp_path), "--as-of", "2025-06-30", "--format", "json")
    data = json.loads(out)
    assert status == 1
    assert data["organization"] == "Acme Ltd" and data["as_of"] == "2025-06-30"
    assert {"readiness", "evidence_readiness", "audit_ready", "open", "by_kind", "by_criterion", "questions",
            "accepted"} <= set(data["summary"])
    assert set(data["summary"]["by_kind"]) == {"gap", "question", "evidence"}
    assert all(f["kind"] in ("gap", "question", "evidence") for f in data["findings"])
    freq = [f for f in data["findings"] if f["rule"] == "FREQ-001"]
    assert freq and freq[0]["subject"] == "prod-db" and freq[0]["severity"] == "blocker"
    assert freq[0]["criteria"]["soc2"] == ["A1.2", "CC9.1"]


def test_json_accepted_only_with_flag(tmp_path, capsys, freq_only):
    path = write(tmp_path, extra=EXCEPTION)
    data = json.loads(run(capsys, "check", path, "--as-of", "2025-06-30", "--format", "json")[1])
    assert data["findings"] == [] and data["summary"]["accepted"] == 1
    data = json.loads(run(capsys, "check", path, "--as-of", "2025-06-30", "--format", "json", "--include-accepted")[1])
    assert data["findings"][0]["accepted"]["expires_on"] == "2025-12-31"


def test_json_several_files_is_a_list_with_errors_in_place(tmp_path, capsys, freq_only):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    status, out, _ = run(capsys, "check", write(tmp_path), bad, "--format", "json", "--as-of", "2025-06-30")
    data = json.loads(out)
    assert status == 2 and isinstance(data, list) and len(data) == 2
    assert data[0]["findings"][0]["rule"] == "FREQ-001"
    assert data[1]["error"] is True and data[1]["problems"][0]["line"] == 1


# ----------------------------------------------------------------------------
# sarif
# ----------------------------------------------------------------------------
def test_sarif_is_structurally_valid_and_points_at_the_line(tmp_path, capsys):
    path = write(tmp_path)
    status, out, _ = run(capsys, "check", path, "--as-of", "2025-06-30", "--format", "sarif")
    doc = json.loads(out)
    assert status == 1 and doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
    run0 = doc["runs"][0]
    rules = run0["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == list(RULES) and "FREQ-001" in ids
    for r in rules:
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"]
        assert isinstance(r["properties"]["tags"], list)
    assert "SOC 2 A1.2" in rules[ids.index("FREQ-001")]["properties"]["tags"]
    assert run0["invocations"][0]["executionSuccessful"] is True
    for res in run0["results"]:
        assert res["ruleId"] in ids and res["level"] in ("error", "warning", "note") and res["message"]["text"]
        assert ids[res["ruleIndex"]] == res["ruleId"]
        phys = res["locations"][0]["physicalLocation"]
        assert phys["artifactLocation"]["uri"].endswith("acme.yaml")
        assert phys.get("region", {"startLine": 1})["startLine"] >= 1
    freq = next(r for r in run0["results"] if r["ruleId"] == "FREQ-001")
    assert freq["level"] == "error"
    line = freq["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert path.read_text().splitlines()[line - 1].strip() == "interval: 1d"


def test_sarif_reports_unreadable_files_as_notifications(tmp_path, capsys, freq_only):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1\n", encoding="utf-8")
    status, out, _ = run(capsys, "check", bad, write(tmp_path), "--format", "sarif", "--as-of", "2025-06-30")
    run0 = json.loads(out)["runs"][0]
    assert status == 2 and run0["invocations"][0]["executionSuccessful"] is False
    assert run0["invocations"][0]["toolExecutionNotifications"][0]["level"] == "error"
    assert [r["ruleId"] for r in run0["results"]] == ["FREQ-001"]


def test_sarif_accepted_findings_are_suppressed(tmp_path, capsys, freq_only):
    path = write(tmp_path, extra=EXCEPTION)
    out = run(capsys, "check", path, "--format", "sarif", "--as-of", "2025-06-30", "--include-accepted")[1]
    result = json.loads(out)["runs"][0]["results"][0]
    assert result["suppressions"][0]["status"] == "accepted" and "2025-12-31" in result["suppressions"][0]["justification"]


# ----------------------------------------------------------------------------
# rules, criteria
# ----------------------------------------------------------------------------
def test_rules_lists_every_rule(capsys):
    status, out, _ = run(capsys, "rules")
    assert status == 0
    for rid in RULES:
        assert rid in out
    line = next(l for l in out.splitlines() if l.startswith("FREQ-001"))
    assert "blocker" in line and "A1.2, CC9.1" in line and "RPO" in line


def test_rules_json_catalog_first(capsys):
    data = json.loads(run(capsys, "rules", "--format", "json")[1])
    assert {d["id"] for d in data} == set(RULES)
    flags = [d["catalog"] for d in data]
    assert flags == sorted(flags, reverse=True)
    freq = next(d for d in data if d["id"] == "FREQ-001")
    assert freq["severity"] == "blocker" and freq["soc2"] == ["A1.2", "CC9.1"] and freq["description"]


def test_criteria_lists_paraphrases(capsys):
    from workbench.rules.criteria import describe

    status, out, _ = run(capsys, "criteria")
    assert status == 0 and "SOC 2" in out and "CIS v8" in out
    assert describe("soc2", "A1.2").paraphrase in out
    assert "(verify)" in out
    status, out, _ = run(capsys, "criteria", "--framework", "gdpr", "--format", "json")
    data = json.loads(out)
    assert data and all(d["framework"] == "gdpr" for d in data)
    assert any(d["id"] == "32(1)(c)" and "FREQ-001" in d["rules"] for d in data)


# ----------------------------------------------------------------------------
# import hygiene
# ----------------------------------------------------------------------------
def test_command_line_does_not_import_textual(tmp_path):
    path = write(tmp_path)
    code = textwrap.dedent(f"""
        import sys, io, contextlib
        from workbench.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            main(['rules'])
            main(['check', {str(path)!r}, '--format', 'json'])
        print('textual' in sys.modules)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_an_organization_name_of_pages_is_shortened_in_the_heading(tmp_path, capsys):
    """A name pasted whole from a document (10,000 characters) made check's first line 10 KB long."""
    spec = tmp_path / "long.yaml"
    spec.write_text("organization:\n  name: " + "Acme Holdings " * 700 + "\n", encoding="utf-8")
    main(["check", str(spec)])
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"{spec} (Acme Holdings Acme") and "…), as of " in first and len(first) < 200


def test_check_on_a_folder_says_it_is_a_folder(tmp_path, capsys):
    assert main(["check", str(tmp_path)]) == 2
    assert f"{tmp_path}: is a folder; name a spec file in it" in capsys.readouterr().err
