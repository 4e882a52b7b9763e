"""The written policy: sections, statements from answers, open items, inert user text."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import docx
import pytest

from workbench.document import build_view, render, render_docx, render_html, render_markdown

from .helpers import AS_OF, full, hostile, policy, report

SECTION_TITLES = [
    "Purpose and scope", "Roles and responsibilities", "Criticality tiers and recovery objectives",
    "Backup schedules", "Copies and locations", "Immutability and isolation", "Retention and legal hold",
    "Encryption and key custody", "Access control and reviews", "Restore testing and disaster-recovery exercises",
    "Monitoring and response", "Disposal", "Exceptions register", "Open items", "Revision history",
    "Appendix A: criteria mapping",
]
PLACEHOLDERS = [re.compile(r"\[[A-Z][a-z]+\]"), re.compile(r"\bTBD\b", re.I), re.compile("lorem", re.I),
                re.compile(r"\{\{"), re.compile(r"\}\}"), re.compile(r"\{%")]


@pytest.fixture(scope="module")
def full_md() -> str:
    p = policy(full())
    return render_markdown(p, report(p))


def test_every_section_is_present_in_order(full_md):
    positions = [full_md.find(f"## {i}\\. {t}" if i <= 15 else f"## {t}")
                 for i, t in enumerate(SECTION_TITLES, 1)]
    assert all(pos >= 0 for pos in positions), positions
    assert positions == sorted(positions)
    assert "## Document control" in full_md


def test_document_control_comes_from_answers(full_md):
    for text in ("| Policy ID | BKP-POL-007 |", "| Version | 1.2 |", "| Owner | Ana Ruiz (Head of Infrastructure) |",
                 "| Approver | Lee Chen (CTO) |", "| Approval date | 2026-02-01 |", "| Effective date | 2026-02-15 |",
                 "| Next review date | 2027-02-01 |", "| Status as of | 2026-06-30 |"):
        assert text in full_md


def test_statements_are_specific_and_derived(full_md):
    assert "Tier T1 (Critical) systems must be recoverable to a point no more than 4 hours old (RPO)" in full_md
    assert "Tier T1 (Critical) systems are restore-tested every 3 months." in full_md
    assert "Tier T1 (Critical) systems keep at least 2 backup copies besides production." in full_md
    assert "Schedule sch-db takes snapshot backups of prod-db every hour" in full_md
    assert "A failed backup job is fixed or ticketed within 4 hours." in full_md
    assert "NIST SP 800-88 purge" in full_md
    assert "Membership of backup-operator is reviewed every 3 months; last reviewed on 2026-05-01." in full_md


def test_unanswered_rpo_is_an_open_item_not_a_value(full_md):
    assert "Not yet decided: the RPO of Tier T2 (Important). See open items." in full_md
    open_part = full_md.split("## 14\\. Open items", 1)[1]
    row = next(line for line in open_part.splitlines() if "tiers\\[1\\].rpo" in line)
    assert "Ana Ruiz" in row and "2026-07-15" in row  # the follow-up gives owner and due date


def test_vague_duration_is_not_a_commitment(full_md):
    assert "restore-tested every regularly" not in full_md
    assert "stated as “regularly”, which is not a testable commitment" in full_md


def test_dr_exercise_commitment_is_stated_or_left_open(full_md):
    assert "Not yet decided: how often disaster-recovery exercises are held. See open items." in full_md
    open_part = full_md.split("## 14\\. Open items", 1)[1]
    row = next(line for line in open_part.splitlines() if "policy.dr\\_exercise\\_interval" in line)
    assert "TEST-006" in row  # the rule's question, listed once
    data = full()
    data["policy"].update(dr_exercise_interval="1y", dr_exercise_types=["tabletop", "full_scale"])
    p = policy(data)
    for text in (render_markdown(p, report(p)), render_html(p, report(p))):
        assert "Disaster-recovery exercises are held every year (tabletop and full-scale)." in text
        assert "how often disaster-recovery exercises are held" not in text


def test_disposal_by_the_provider_and_in_the_policys_own_words():
    data = full()
    data["disposal"].update(method="provider_managed", procedure="buckets expire objects by lifecycle rule")
    p = policy(data)
    for text in (render_markdown(p, report(p)), render_html(p, report(p))):
        assert "destroyed by the cloud provider, which sanitizes its own storage media" in text
        assert "How it is done: buckets expire objects by lifecycle rule" in text


def test_manual_reviews_of_job_results_are_stated_and_their_gaps_listed():
    data = full()
    data["monitoring"]["manual_reviews"] = [
        {"after_each_job": True, "by": "IT operations", "evidence": "signed daily checklist"},
        {"interval": "1d", "covers": ["copy_failed"], "tiers": ["T2"]}]
    p = policy(data)
    md = render_markdown(p, report(p))
    assert ("Job results (backup job failed, backup job missed) of all systems are also checked by hand by IT "
            "operations after every scheduled job; each check is recorded in signed daily checklist.") in md
    assert "checked by hand by a person not yet named (see open items) every day" in md
    open_part = md.split("## 14\\. Open items", 1)[1]
    assert "monitoring.manual\\_reviews\\[1\\].evidence" in open_part


def test_an_owner_named_by_role_only_is_stated_not_left_open():
    data = full()
    data["policy"]["owner"] = {"role": "Security Officer"}
    data["policy"]["approver"] = {"role": "CTO"}
    p = policy(data)
    md = render_markdown(p, report(p))
    assert "The Security Officer owns this policy and is accountable for keeping it current." in md
    assert "The CTO approves this policy and each revision of it." in md
    control = md.split("## 1\\.", 1)[0]
    assert "Security Officer" in control and "CTO" in control
    assert "who owns this policy" not in md


def test_scope_counts_read_as_english_and_the_rule_matches_the_engine():
    data = full()
    data["systems"] = [data["systems"][0]]
    p = policy(data)
    md = render_markdown(p, report(p))
    assert "covers 1 system in scope out of 1 in the inventory." in md
    assert "whose data is not yet classified is in scope too" in md


def test_report_unanswered_findings_are_listed():
    p = policy(full())
    r = report(p)
    md = render_markdown(p, r)
    open_part = md.split("## 14\\. Open items", 1)[1].split("## 15\\.", 1)[0]
    for f in r.questions:
        assert f.rule in open_part


def test_exceptions_register_lists_accepted_exceptions(full_md):
    section = full_md.split("## 13\\. Exceptions register", 1)[1].split("## 14\\.", 1)[0]
    assert "EXC-1" in section and "Lee Chen" in section and "2026-12-31" in section and "COPY-003" in section


def test_scope_shows_exclusions_and_out_of_scope(full_md):
    scope = full_md.split("## 2\\.", 1)[0]
    assert "| cache | Stateless, rebuilt on start | Lee Chen |" in scope
    assert "### Systems not in scope" in scope and "| sandbox |" in scope


def test_calendar_computes_next_due_from_cadence_and_last_test(full_md):
    # prod-db: last passing test 2026-05-15, every 3 months -> 2026-08-15
    assert "| 2026-08-15 | prod-db | Tier T1 (Critical) | Restore test | 2026-05-15 | Due in 46 days |" in full_md
    # no full restore recorded -> due now
    assert "| 2026-06-30 | prod-db | Tier T1 (Critical) | Full restore | None | No passing test recorded; due now |" in full_md


def test_mapping_appendix_has_soc2_and_listed_frameworks(full_md):
    appendix = full_md.split("## Appendix A: criteria mapping", 1)[1]
    assert "SOC 2 (TSC 2017)" in appendix and "HIPAA Security Rule" in appendix and "ISO/IEC 27001:2022" in appendix
    assert "| Restore testing and disaster-recovery exercises | A1.3" in appendix


def test_history_argument_replaces_policy_revisions():
    p = policy(full())
    history = [{"version": "1.0", "date": "2026-01-01", "approver": "Lee Chen", "note": "First"},
               {"version": "1.1", "date": "2026-03-01", "approver": "Lee Chen", "note": "Added region"}]
    md = render_markdown(p, report(p), history=history)
    rev = md.split("## 15\\. Revision history", 1)[1]
    assert "| 1.1 | 2026-03-01 | Lee Chen | Added region |" in rev and "Annual review" not in rev


def test_empty_policy_renders_with_open_items_and_no_placeholders():
    p = policy({})
    for fmt in ("markdown", "html"):
        out = render(p, report(p), fmt)
        assert "Not yet decided" in out
        for pat in PLACEHOLDERS:
            assert not pat.search(out), (fmt, pat.pattern)
    assert "## Document control" in render_markdown(p, report(p))


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_no_placeholder_patterns(fmt):
    p = policy(full())
    out = render(p, report(p), fmt)
    for pat in PLACEHOLDERS:
        assert not pat.search(out), pat.pattern


def test_output_is_deterministic():
    p = policy(full())
    r = report(p)
    for fmt in ("markdown", "html", "docx"):
        assert render(p, r, fmt) == render(p, report(p), fmt)


def test_unknown_format_is_refused():
    p = policy({})
    with pytest.raises(ValueError):
        render(p, report(p), "pdf")


# ----------------------------------------------------------------------------
# hostile text
# ----------------------------------------------------------------------------
def test_markdown_escapes_hostile_text():
    p = policy(hostile())
    md = render_markdown(p, report(p))
    assert "<script>" not in md and "\\<script\\>" in md
    assert "{{ x }}" not in md and "\\{\\{ x \\}\\}" in md
    assert "**bold**" not in md and "\\*\\*bold\\*\\*" in md
    assert "\\| pipe \\|" in md
    assert "\n- not a list" not in md and "\n# not a heading" not in md
    # every table row of the scope table keeps its 8 columns despite the pipes
    rows = [ln for ln in md.split("### Systems in scope", 1)[1].split("###", 1)[0].splitlines() if ln.startswith("| ")]
    assert all(_cells(ln) == 8 for ln in rows)


def _cells(line: str) -> int:
    return len(re.split(r"(?<!\\)\|", line)) - 2


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_escapes_hostile_text_and_parses():
    p = policy(hostile())
    out = render_html(p, report(p))
    assert "<script" not in out.lower()
    parser = _Collector()
    parser.feed(out)
    parser.close()
    assert "script" not in parser.tags and "b" not in parser.tags
    text = "".join(parser.text)
    for s in ("<script>alert(1)</script>", "{{ x }}", "| pipe |", "**bold**", "{% if 1 %}yes{% endif %}"):
        assert s in text
    assert {"html", "head", "style", "body", "table", "h1", "h2"} <= set(parser.tags)


def test_docx_keeps_hostile_text_as_plain_runs():
    p = policy(hostile())
    d = docx.Document(io.BytesIO(render_docx(p, report(p))))
    texts = [para.text for para in d.paragraphs] + [c.text for t in d.tables for row in t.rows for c in row.cells]
    joined = "\n".join(texts)
    for s in ("<script>alert(1)</script>", "{{ x }}", "| pipe |", "**bold**"):
        assert s in joined
    assert "\\<" not in joined


def test_docx_has_headings_and_tables():
    p = policy(full())
    d = docx.Document(io.BytesIO(render_docx(p, report(p))))
    heads = {para.style.name: [] for para in d.paragraphs}
    for para in d.paragraphs:
        heads[para.style.name].append(para.text)
    assert heads["Title"] == ["Backup and Recovery Policy"]
    for i, title in enumerate(SECTION_TITLES[:-1], 1):
        assert f"{i}. {title}" in heads["Heading 1"]
    assert "Appendix A: criteria mapping" in heads["Heading 1"]
    assert "Systems in scope" in heads["Heading 2"]
    assert len(d.tables) >= 15
    control = d.tables[0]
    assert [c.text for c in control.rows[2].cells] == ["Policy ID", "BKP-POL-007"]
    tiers = next(t for t in d.tables if t.rows[0].cells[0].text == "Tier")
    assert [c.text for c in tiers.rows[1].cells][:4] == ["T1", "Critical", "—", "4 hours"]
    assert tiers.rows[2].cells[3].text == "Not yet decided"


def test_control_characters_do_not_break_docx():
    data = full()
    data["systems"][0]["description"] = "bell\x07 and nul\x00"
    p = policy(data)
    d = docx.Document(io.BytesIO(render_docx(p, report(p))))
    assert any("bell and nul" in c.text for t in d.tables for row in t.rows for c in row.cells)


# ----------------------------------------------------------------------------
# scale
# ----------------------------------------------------------------------------
def test_thousand_systems_render_grouped_by_tier():
    data = full()
    data["systems"] = [{"id": f"s{i:04d}", "environment": "prod", "owner": "ops", "tier": ("T1", "T2")[i % 2]}
                       for i in range(1000)]
    data["schedules"][0]["systems"] = ["s0000"]
    p = policy(data)
    view = build_view(p, report(p))
    scope = next(s for s in view["sections"] if s["id"] == "scope")
    heads = [b["text"] for b in scope["blocks"] if b["kind"] == "h"]
    assert "Tier T1 (Critical): 500 systems" in heads and "Tier T2 (Important): 500 systems" in heads
    md = render_markdown(p, report(p))
    assert md.count("| s0") >= 2000  # scope table and schedule table


def test_document_package_does_not_import_textual_or_docx():
    import subprocess
    import sys

    code = ("import sys, datetime as dt; from workbench.document import render; "
            "from workbench.spec import Policy; from workbench.rules import evaluate; "
            "p = Policy(); render(p, evaluate(p, dt.date(2026, 6, 30)), 'markdown'); "
            "print('textual' in sys.modules, 'docx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
