"""The `check` text report a client can act on: summary first, worst and most critical first, one line each,
detail on demand, fixes once and addressed to whoever acts, criteria for the frameworks in scope, plain words."""

from __future__ import annotations

import re

import pytest

from workbench.cli import main
from workbench.rules import evaluate
from workbench.spec import load
from workbench.starters import build_starter, starter_text

AS_OF = "2026-06-30"
SEV = ("BLOCKER", "MAJOR", "MINOR", "ADVISORY")


@pytest.fixture
def dental(tmp_path):
    path = tmp_path / "dental.yaml"
    policy = build_starter("healthcare", "msp", "Bright Smile Dental")
    policy.vendors[0].name = "Ridge IT"
    path.write_text(starter_text(policy), encoding="utf-8")
    return path


def check(capsys, *argv) -> str:
    main(["check", *map(str, argv), "--as-of", AS_OF])
    return capsys.readouterr().out


def finding_lines(out: str) -> list[str]:
    return [l for l in out.splitlines() if l.split(" ", 1)[0] in SEV]


def test_summary_comes_first_with_counts_by_severity_and_kind(dental, capsys):
    lines = check(capsys, dental).splitlines()
    assert lines[0].startswith(f"{dental} (Bright Smile Dental), as of {AS_OF}")
    assert re.match(r"Readiness \d+/100\b.*\. Not audit-ready: \d+ open blockers", lines[1])
    assert re.match(r"Open: \d+ blocker, \d+ major, \d+ minor, \d+ advisory \(.*questions.*\)", lines[2])


def test_findings_by_severity_then_by_the_criticality_of_what_they_concern(dental, capsys):
    out = check(capsys, dental)
    rows = finding_lines(out)
    ranks = [SEV.index(r.split(" ", 1)[0]) for r in rows]
    assert ranks == sorted(ranks), "a blocker question never comes after a major gap"
    policy = load(dental)
    tier = {s.id: s.tier for s in policy.systems}
    blocker_systems = [m.group(1) for r in rows if r.startswith("BLOCKER")
                       for m in [re.search(r"BLOCKER\s+\S+\s+(\S+?)[: ]", r)] if m and m.group(1) in tier]
    levels = [int(tier[s][1]) for s in blocker_systems]
    assert levels == sorted(levels), blocker_systems  # T0 before T1 before T2
    assert len(rows) == len(evaluate(policy, load(dental).as_of or __import__("datetime").date(2026, 6, 30)).open)


def test_one_line_per_finding_by_default_and_detail_on_demand(dental, capsys):
    short = check(capsys, dental)
    assert "fix:" not in short and "criteria:" not in short and "where:" not in short
    body = short.split("\n\n", 1)[1].split("WORDS USED ABOVE")[0]
    assert all(not l or l.split(" ", 1)[0] in SEV or l.endswith(")") for l in body.splitlines())
    detail = check(capsys, dental, "--detail")
    assert "where: " in detail and "criteria: SOC 2" in detail
    # a fix shared by several findings is printed once, under them
    fixes = [l for l in detail.splitlines() if l.lstrip().startswith("fix")]
    texts = [l.split(": ", 1)[1] for l in fixes if not re.search(r": as for \S+ above$", l)]
    assert len(texts) == len(set(texts))
    assert any(l.startswith("  fix (for the ") for l in fixes)


def test_criteria_only_for_soc2_and_the_frameworks_in_the_engagement(dental, capsys):
    detail = check(capsys, dental, "--detail")
    assert "HIPAA 164." in detail  # the engagement names HIPAA
    for other in ("PCI DSS", "GDPR", "CIS v8", "NIST 800-53", "ISO 27001"):
        assert other not in detail, other
    everything = check(capsys, dental, "--detail", "--all-criteria")
    assert "PCI DSS" in everything and "NIST 800-53" in everything
    main(["check", str(dental), "--as-of", AS_OF, "--format", "json"])
    import json

    data = json.loads(capsys.readouterr().out)
    assert any("pci" in f["criteria"] for f in data["findings"])  # JSON keeps them all


def test_fixes_name_who_acts_when_an_msp_runs_the_backups(dental, capsys):
    detail = check(capsys, dental, "--detail")
    assert re.search(r"fix( \(for the \d+ above\))?: ask Ridge IT (to|:) ", detail)
    # what the organization itself must do is not sent to the MSP
    baa = detail.split("COPY-004", 1)[1].split("\nBLOCKER", 1)[0].split("\nMAJOR", 1)[0]
    assert "ask Ridge IT" not in baa


@pytest.mark.parametrize("group_by,heading", [
    ("system", r"^system ehr: \d+ findings?, worst blocker$"),
    ("owner", r"^Practice manager: \d+ findings?, worst \w+$"),
    ("rule", r"^COPY-003: .+: \d+ findings?, worst blocker$"),
])
def test_group_by(dental, capsys, group_by, heading):
    out = check(capsys, dental, "--group-by", group_by)
    assert re.search(heading, out, re.M), out[:2000]
    assert len(finding_lines(out)) == len(finding_lines(check(capsys, dental)))


def test_plain_words_first_and_jargon_explained(dental, capsys):
    out = check(capsys, dental)
    body = "\n".join(finding_lines(out))
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", body), re.findall(r"\b[a-z]+_[a-z_]+\b", body)
    assert "(PHI, PII, HIPAA)" in out and "phi" not in body  # acronyms as a reader writes them
    assert "WORDS USED ABOVE" in out and "compliance mode: a lock" in out
    detail = check(capsys, dental, "--detail")
    assert "in the spec's words:" in detail  # the spec's own terms stay available


def test_the_report_is_short_enough_to_read(dental, capsys):
    """The dental group of the issue: 217 lines and 36 KB before; the default view is a page of one-liners."""
    out = check(capsys, dental)
    assert len(out.splitlines()) < 110 and len(out.encode()) < 14_000


def test_a_vendor_holding_a_copy_is_asked_for_what_concerns_that_copy(tmp_path, capsys):
    from workbench.spec.model import Vendor

    policy = build_starter("saas", "paas", "Acme")
    policy.vendors.append(Vendor(id="vaultco", name="VaultCo", service="saas_backup"))
    vault = next(t for t in policy.targets if t.id == "backup-vault")
    vault.vendor = "vaultco"
    path = tmp_path / "acme.yaml"
    path.write_text(starter_text(policy), encoding="utf-8")
    detail = check(capsys, path, "--detail")
    assert re.search(r"fix( \(for the \d+ above\))?: ask VaultCo (to|:) ", detail)
    assert "your MSP" not in detail  # no MSP in this policy
    owners = check(capsys, path, "--group-by", "owner")
    assert re.search(r"^VaultCo: \d+ findings?", owners, re.M)


def test_plain_words_keep_the_policy_s_own_ids_as_written():
    """Spec words become plain words; an id the policy gives a system or a target stays as written, even
    with an underscore or spelled like a data class."""
    from workbench.rules.wording import in_plain_words

    message = "prod_db (role ops_admins) holds delete_recovery_point on vault_a; pii and phi (plan_disabled / plan_deleted)."
    # "holds delete_recovery_point" read "holds delete backups": a permission's plain words are a verb
    assert in_plain_words(message) == "prod db (role ops admins) can delete backups on vault a; PII and PHI."
    assert in_plain_words(message, {"prod_db", "ops_admins", "vault_a", "phi"}) == \
        "prod_db (role ops_admins) can delete backups on vault_a; PII and phi."
    # a policy id spelled like a permission is the policy's own word: "holds" stays
    assert in_plain_words("u-1 holds key_admin.", {"key_admin"}) == "u-1 holds key_admin."
