"""The written policy: sections, statements from answers, open items, inert user text."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import docx
import pytest

from workbench.document import build_view, render, render_docx, render_html, render_markdown, render_view

from .helpers import AS_OF, full, hostile, policy, report

SECTION_TITLES = [
    ("1", "Purpose"), ("2", "Scope"), ("3", "Definitions"), ("4", "Roles and responsibilities"),
    ("5", "Policy statements"), ("5.1", "Criticality tiers and recovery objectives"), ("5.2", "Backup schedules"),
    ("5.3", "Copies and locations"), ("5.4", "Immutability and isolation"), ("5.5", "Retention and legal hold"),
    ("5.6", "Encryption and key custody"), ("5.7", "Access control and reviews"),
    ("5.8", "Restore testing and disaster-recovery exercises"), ("5.9", "Monitoring and response"),
    ("5.10", "Disposal"), ("6", "Exceptions"), ("7", "Enforcement"), ("8", "Related documents"),
    ("9", "Review and approval"), ("10", "Revision history"),
]
REPORT_TITLES = ["Summary", "Open decisions and questions", "Restore-test calendar", "Exceptions register", "Findings",
                 "Evidence request list"]
PLACEHOLDERS = [re.compile(r"\[[A-Z][a-z]+\]"), re.compile(r"\bTBD\b", re.I), re.compile("lorem", re.I),
                re.compile(r"\{\{"), re.compile(r"\}\}"), re.compile(r"\{%")]


def heading(number: str, title: str) -> str:
    """The Markdown heading of a numbered section (parts of section 5 one level down)."""
    return f"## {number}\\. {title}" if "." not in number else f"### {number} {title}"


def part(md: str, number: str, title: str) -> str:
    """The text of one section, up to the next heading of its level or above."""
    head = heading(number, title)
    rest = md.split(head, 1)[1]
    stop = re.search(r"\n##? " if "." not in number else r"\n##?#? ", rest)
    return rest[: stop.start()] if stop else rest


@pytest.fixture(scope="module")
def full_md() -> str:
    p = policy(full())
    return render_markdown(p, report(p))


@pytest.fixture(scope="module")
def full_report() -> str:
    p = policy(full())
    return render_markdown(p, report(p), document="report")


def test_every_section_is_present_in_order(full_md):
    positions = [full_md.find(heading(n, t)) for n, t in SECTION_TITLES] + [full_md.find("## Appendix A: criteria mapping")]
    assert all(pos >= 0 for pos in positions), positions
    assert positions == sorted(positions)
    assert "## Document control" in full_md


def test_report_sections_are_present_in_order(full_report):
    positions = [full_report.find(f"## {i}\\. {t}") for i, t in enumerate(REPORT_TITLES, 1)]
    assert all(pos >= 0 for pos in positions), positions
    assert positions == sorted(positions)
    assert full_report.startswith("# Backup Policy Readiness Report")


def test_document_control_comes_from_answers(full_md):
    for text in ("| Policy ID | BKP-POL-007 |", "| Version | 1.2 |", "| Owner | Ana Ruiz (Head of Infrastructure) |",
                 "| Approver | Lee Chen (CTO) |", "| Approval date | 2026-02-01 |", "| Effective date | 2026-02-15 |",
                 "| Next review date | 2027-02-01 |"):
        assert text in full_md


def test_statements_are_specific_derived_and_mandatory(full_md):
    assert ("Tier 1 (Critical) systems shall be recoverable to a point no more than 4 hours old (RPO) and shall be "
            "restored within 1 day (RTO).") in full_md
    assert "Tier 1 (Critical) systems shall be restore-tested every 3 months." in full_md
    assert "Tier 1 (Critical) systems shall keep at least 2 backup copies besides production." in full_md
    assert ("The system prod-db shall be backed up every hour by snapshot backups written to vault-use1 and "
            "vault-usw2.") in full_md
    assert "All systems in Tier 2 (Important) shall be backed up every day by incremental backups" in full_md
    assert "A failed backup job shall be fixed or ticketed within 4 hours." in full_md
    assert "NIST SP 800-88 purge" in full_md
    assert "Membership of backup-operator shall be reviewed every 3 months." in full_md


def test_expected_policy_sections_have_content(full_md):
    definitions = part(full_md, "3", "Definitions")
    for term in ("Recovery point objective (RPO)", "Recovery time objective (RTO)", "Maximum tolerable downtime (MTD)",
                 "Immutable copy", "Restore test", "Tier"):
        assert f"| {term} |" in definitions
    exceptions = part(full_md, "6", "Exceptions")
    assert "shall ask Ana Ruiz (Head of Infrastructure) in writing" in exceptions
    assert "Lee Chen (CTO) approves or rejects each request" in exceptions
    assert "at most one review cycle (1 year)" in exceptions
    assert "disciplinary action" in part(full_md, "7", "Enforcement")
    related = part(full_md, "8", "Related documents")
    for doc in ("Incident response plan", "Business continuity and disaster recovery plan",
                "Data classification and retention schedule"):
        assert f"- {doc}" in related
    review = part(full_md, "9", "Review and approval")
    assert "### Sign-off" in review and "| Role | Name | Signature | Date |" in review
    assert "| Approver | Lee Chen (CTO) |   | 2026-02-01 |" in review


def test_the_policy_body_holds_no_status_report(full_md):
    from workbench.rules import RULES

    body = full_md.split("## 1\\. Purpose", 1)[1].split("## Appendix A", 1)[0]
    rule_ids = "|".join(re.escape(r) for r in RULES)
    for pattern in (r"\w+\\?\[\d+\\?\]\.\w+", rf"\b({rule_ids})\b", r"\bCovers\b", r"due now", r"Due in \d+",
                    r"Not yet decided", r"\bNone\b", "—", r"Open items", r"\bEXC-1\b", r"FU-1"):
        assert not re.search(pattern, body), pattern


def test_display_names_replace_ids():
    data = full()
    data["systems"][0]["name"] = "Scheduling database"
    data["targets"][1]["name"] = "Locked vault (Oregon)"
    data["roles"][0]["name"] = "Backup operators"
    data["keys"][0]["name"] = "Backup key"
    data["schedules"][0]["name"] = "Hourly database snapshots"
    p = policy(data)
    md = render_markdown(p, report(p))
    body = md.split("## Appendix A", 1)[0]
    for name in ("Scheduling database", "Locked vault (Oregon)", "Backup operators", "Backup key",
                 "Hourly database snapshots: Scheduling database shall be backed up every hour"):
        assert name in body
    for ident in ("prod-db", "vault-usw2", "backup-operator", "| k1 |", "sch-db"):
        assert ident not in body, ident


def test_unanswered_rpo_is_one_pending_sentence_with_owner_and_due_date(full_md, full_report):
    tiers = part(full_md, "5.1", "Criticality tiers and recovery objectives")
    assert ("Decisions pending: the RPO of Tier 2 (Important), to be decided by Ana Ruiz by 2026-07-15; the MTD of "
            "Tier 2 (Important), not yet assigned to anyone.") in tiers
    assert tiers.count("pending") == 1
    open_part = full_report.split("## 2\\. Open decisions", 1)[1].split("## 3\\.", 1)[0]
    row = next(line for line in open_part.splitlines() if "| tier T2: rpo |" in line)  # where, in words
    assert "Ana Ruiz" in row and "2026-07-15" in row  # the follow-up gives owner and due date


def test_a_system_with_no_schedule_is_pending_not_unprotected():
    data = full()
    data["schedules"] = [data["schedules"][0]]  # "files" loses its only schedule
    p = policy(data)
    md = render_markdown(p, report(p))
    row = next(line for line in part(md, "5.2", "Backup schedules").splitlines() if line.startswith("| files |"))
    assert row == "| files | Pending | Pending | Pending |"
    assert "which schedule backs up files" in part(md, "5.2", "Backup schedules")
    assert "| 0 |" not in md and "None" not in md


def test_vague_duration_is_not_a_commitment(full_md):
    assert "restore-tested every regularly" not in full_md
    assert "how often Tier 2 (Important) systems are restore-tested, now stated as “regularly”" in full_md


def test_dr_exercise_commitment_is_stated_or_left_pending(full_md, full_report):
    assert "how often disaster-recovery exercises are held, not yet assigned to anyone" in full_md
    assert "policy: dr exercise interval" in full_report.split("## 3\\.", 1)[0]
    data = full()
    data["policy"].update(dr_exercise_interval="1y", dr_exercise_types=["tabletop", "full_scale"])
    p = policy(data)
    for text in (render_markdown(p, report(p)), render_html(p, report(p))):
        assert "Disaster-recovery exercises shall be held every year, as tabletop and full-scale exercises." in text
        assert "how often disaster-recovery exercises are held" not in text


def test_disposal_by_the_provider_and_in_the_policys_own_words():
    data = full()
    data["disposal"].update(method="provider_managed", procedure="buckets expire objects by lifecycle rule")
    p = policy(data)
    for text in (render_markdown(p, report(p)), render_html(p, report(p))):
        assert "destroyed by the cloud provider, which sanitizes its own storage media" in text
        assert "How it is done: buckets expire objects by lifecycle rule." in text


def test_manual_reviews_of_job_results_are_stated_and_their_gaps_listed():
    data = full()
    data["monitoring"]["manual_reviews"] = [
        {"after_each_job": True, "by": "IT operations", "evidence": "signed daily checklist"},
        {"interval": "1d", "covers": ["copy_failed"], "tiers": ["T2"]}]
    p = policy(data)
    md = render_markdown(p, report(p))
    assert ("Job results (backup job failed and backup job missed) of all systems shall also be checked by hand by IT "
            "operations after every scheduled job. Each check shall be recorded in signed daily checklist.") in md
    assert "checked by hand by a person not yet named every day" in md
    assert "where each check of job results by hand is recorded" in part(md, "5.9", "Monitoring and response")
    rep = render_markdown(p, report(p), document="report")
    assert "monitoring: manual review 2: evidence" in rep


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


def test_provider_responsibilities_and_what_the_client_keeps():
    data = full()
    data["vendors"] = [{"id": "acme-msp", "name": "Acme IT", "service": "msp"}]
    data["targets"][1]["vendor"] = "acme-msp"
    p = policy(data)
    roles = part(render_markdown(p, report(p)), "4", "Roles and responsibilities")
    assert "| Acme IT | Runs the backup schedules, monitors the jobs and performs restores" in roles
    assert "holds the backup copies in vault-usw2." in roles
    assert "However much is outsourced, Acme Health keeps:" in roles
    assert "- approving this policy, its revisions and every exception to it;" in roles


def test_scope_counts_read_as_english_and_the_rule_matches_the_engine():
    data = full()
    data["systems"] = [data["systems"][0]]
    p = policy(data)
    md = render_markdown(p, report(p))
    assert "covers 1 system in scope out of 1 in the inventory." in md
    assert "whose data is not yet classified is in scope too" in md


def test_report_lists_every_question_of_the_engine(full_report):
    p = policy(full())
    r = report(p)
    open_part = full_report.split("## 2\\. Open decisions", 1)[1].split("## 3\\.", 1)[0]
    from workbench.document.context import Writer, questions
    from workbench.document.templating import md_cell

    plain = Writer(p, r, {}).finding_words  # the spec's words in plain words, paths named as a client reads them
    for f in questions(r):
        assert md_cell(plain(f.message)) in open_part
    assert "delete_recovery_point" not in full_report.replace("\\_", "_")
    assert "delete recovery points" in open_part or "delete backups" in open_part


def test_report_exceptions_register_lists_accepted_exceptions(full_report):
    section = full_report.split("## 4\\. Exceptions register", 1)[1].split("## 5\\.", 1)[0]
    assert "EXC-1" in section and "Lee Chen" in section and "2026-12-31" in section and "COPY-003" in section


def test_report_counts_accepted_findings_in_plain_grammar(full_report):
    # the full fixture accepts one finding; the report said "1 finding are accepted as documented exceptions"
    assert "Accepted as documented exceptions: 1 finding (see the exceptions register)." in full_report
    assert "1 findings" not in full_report


def test_report_findings_are_grouped_by_kind(full_report):
    section = full_report.split("## 5\\. Findings", 1)[1].split("## 6\\.", 1)[0]
    assert "### Questions not answered yet:" in section and "### Gaps:" in section
    assert section.index("### Questions") < section.index("### Gaps")


def test_report_groups_the_new_kinds_of_the_engine():
    from workbench.document.readiness import findings as findings_section

    p = policy(full())
    r = report(p)
    for f in r.findings:  # the engine may call a question "unanswered" or "question", and add "evidence"
        if f.rule.startswith("EVID"):
            f.kind = "evidence"
        elif f.kind == "unanswered":
            f.kind = "question"
    from workbench.document.readiness import build_report

    view = build_report(p, r)
    sec = next(s for s in view["sections"] if s["id"] == "findings")
    heads = [b["text"] for b in sec["blocks"] if b["kind"] == "h"]
    assert any(h.startswith("Questions not answered yet") for h in heads)
    assert not any(h.startswith("Unanswered") for h in heads)
    assert findings_section


def test_scope_shows_exclusions_and_out_of_scope(full_md):
    scope = part(full_md, "2", "Scope")
    assert "| cache | Stateless, rebuilt on start | Lee Chen |" in scope
    assert "### Systems not in scope" in scope and "| sandbox |" in scope


def test_calendar_computes_next_due_from_cadence_and_last_test(full_report):
    # prod-db: last passing test 2026-05-15, every 3 months -> 2026-08-15
    assert "| 2026-08-15 | prod-db | Tier 1 (Critical) | Restore test | 2026-05-15 | Due in 46 days |" in full_report
    # no full restore recorded -> due now
    assert ("| 2026-06-30 | prod-db | Tier 1 (Critical) | Full restore | No passing test on record | "
            "Due now: no passing test on record |") in full_report


def test_calendar_does_not_count_a_test_dated_after_the_report():
    """A full restore recorded with next year's date showed as the last test, "due in 400 days"."""
    data = full()
    data["restore_tests"].append({"system": "prod-db", "date": "2027-02-01", "type": "full_system", "result": "pass",
                                  "integrity_check": True, "evidence_ref": "OPS-2"})
    p = policy(data)
    text = render_markdown(p, report(p), document="report")
    assert ("| 2026-06-30 | prod-db | Tier 1 (Critical) | Full restore | No passing test on record | "
            "Due now: no passing test on record |") in text
    assert "| 2026-08-15 | prod-db | Tier 1 (Critical) | Restore test | 2026-05-15 | Due in 46 days |" in text
    assert "is dated 2027-02-01, after today (2026-06-30)" in text  # TEST-005 says why


def test_evidence_request_list_says_what_to_sample_and_what_each_record_shows(full_report):
    section = full_report.split("## 6\\. Evidence request list", 1)[1]
    row = next(line for line in section.splitlines() if line.startswith("| Tier 1 (Critical) systems restore-tested"))
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[2] == "2 of about 4 (quarterly)" and cells[3] == "2026-01-01 to 2026-12-31"
    for needed in ("date", "system", "source copy", "result", "duration against the RTO of 1 day", "integrity check",
                   "who ran it"):
        assert needed in cells[4]
    assert cells[5] == "☐"
    assert "The AICPA does not set sample sizes" in section
    jobs = next(line for line in section.splitlines() if line.startswith("| Backups run as scheduled"))
    assert "25 of about" in jobs and "(many times a day)" in jobs


def test_type_1_samples_one_instance():
    data = full()
    data["engagement"]["soc2_type"] = "I"
    p = policy(data)
    section = render_markdown(p, report(p), document="report").split("## 6\\. Evidence request list", 1)[1]
    row = next(line for line in section.splitlines() if line.startswith("| Tier 1 (Critical) systems restore-tested"))
    assert "| 1 | as of 2026-06-30 |" in row


def test_mapping_appendix_has_soc2_and_listed_frameworks(full_md):
    appendix = full_md.split("## Appendix A: criteria mapping", 1)[1]
    assert "SOC 2 (TSC 2017)" in appendix and "HIPAA Security Rule" in appendix and "ISO/IEC 27001:2022" in appendix
    assert "| Restore testing and disaster-recovery exercises | A1.3" in appendix


def test_history_argument_replaces_policy_revisions():
    p = policy(full())
    history = [{"version": "1.0", "date": "2026-01-01", "approver": "Lee Chen", "note": "First"},
               {"version": "1.1", "date": "2026-03-01", "approver": "Lee Chen", "note": "Added region"}]
    md = render_markdown(p, report(p), history=history)
    rev = md.split("## 10\\. Revision history", 1)[1]
    assert "| 1.1 | 2026-03-01 | Lee Chen | Added region |" in rev and "Annual review" not in rev


def test_empty_policy_renders_with_pending_decisions_and_no_placeholders():
    p = policy({})
    for document in ("policy", "report"):
        for fmt in ("markdown", "html"):
            out = render(p, report(p), fmt, document=document)
            if document == "policy":
                assert "Decisions pending:" in out
            for pat in PLACEHOLDERS:
                assert not pat.search(out), (fmt, pat.pattern)
    assert "## Document control" in render_markdown(p, report(p))


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_no_placeholder_patterns(fmt):
    p = policy(full())
    for document in ("policy", "report"):
        out = render(p, report(p), fmt, document=document)
        for pat in PLACEHOLDERS:
            assert not pat.search(out), pat.pattern


def test_output_is_deterministic():
    p = policy(full())
    r = report(p)
    for document in ("policy", "report"):
        for fmt in ("markdown", "html", "docx"):
            assert render(p, r, fmt, document=document) == render(p, report(p), fmt, document=document)


def test_unknown_format_or_document_is_refused():
    p = policy({})
    with pytest.raises(ValueError):
        render(p, report(p), "pdf")
    with pytest.raises(ValueError):
        render(p, report(p), "markdown", document="memo")


def test_one_view_renders_every_format():
    from workbench.document import render_view

    p = policy(full())
    r = report(p)
    view = build_view(p, r, document="report")
    assert render_view(view, "markdown") == render(p, r, "markdown", document="report")
    assert render_view(view, "docx")[:2] == b"PK"


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
    heads: dict[str, list[str]] = {}
    for para in d.paragraphs:
        heads.setdefault(para.style.name, []).append(para.text)
    assert heads["Title"] == ["Backup and Recovery Policy"]
    for number, title in SECTION_TITLES:
        style = "Heading 1" if "." not in number else "Heading 2"
        assert (f"{number}. {title}" if style == "Heading 1" else f"{number} {title}") in heads[style]
    assert "Appendix A: criteria mapping" in heads["Heading 1"]
    assert "Systems in scope" in heads["Heading 2"]
    assert "Sign-off" in heads["Heading 2"]
    assert len(d.tables) >= 15
    control = d.tables[0]
    assert [c.text for c in control.rows[2].cells] == ["Policy ID", "BKP-POL-007"]
    tiers = next(t for t in d.tables if t.rows[0].cells[0].text == "Tier")
    assert [c.text for c in tiers.rows[0].cells] == ["Tier", "Name", "RPO", "RTO", "MTD"]
    assert [c.text for c in tiers.rows[1].cells] == ["Tier 1", "Critical", "4 hours", "1 day", "2 days"]
    assert tiers.rows[2].cells[2].text == "Pending"


def _xml(data: bytes, name: str) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def test_docx_has_header_footer_page_numbers_and_a_table_of_contents():
    data = full()
    data["policy"]["classification"] = "Confidential"
    p = policy(data)
    out = render_docx(p, report(p))
    d = docx.Document(io.BytesIO(out))
    section = d.sections[0]
    assert "Acme Health · Backup and Recovery Policy" in section.header.paragraphs[0].text
    footer = section.footer.paragraphs[0].text
    assert footer.startswith("BKP-POL-007 · Version 1.2 · Confidential · Page ")
    footer_xml = "".join(_xml(out, n) for n in ("word/footer1.xml",) if True)
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml
    body = _xml(out, "word/document.xml")
    assert 'TOC \\o "1-2"' in body
    assert "updateFields" in _xml(out, "word/settings.xml")
    toc = [para.text for para in d.paragraphs if para.text in ("1. Purpose", "5.1 Criticality tiers and recovery objectives")]
    assert len(toc) == 4  # once in the contents, once as the heading
    rep = docx.Document(io.BytesIO(render_docx(p, report(p), document="report")))
    assert rep.paragraphs[0].text == "Backup Policy Readiness Report"
    assert "1. Summary" in [para.text for para in rep.paragraphs if para.style.name == "Heading 1"]


def test_reference_docx_gives_styles_and_letterhead(tmp_path):
    from docx.shared import Pt, RGBColor

    ref = docx.Document()
    ref.styles["Heading 1"].font.color.rgb = RGBColor(0x12, 0x34, 0x56)
    ref.styles["Normal"].font.name = "Georgia"
    ref.sections[0].header.paragraphs[0].text = "Ridgeline Consulting LLP"
    ref.sections[0].left_margin = Pt(90)
    ref.add_paragraph("Sample body text that must not survive")
    path = tmp_path / "letterhead.docx"
    ref.save(path)
    p = policy(full())
    d = docx.Document(io.BytesIO(render_docx(p, report(p), reference_docx=path)))
    assert d.styles["Heading 1"].font.color.rgb == RGBColor(0x12, 0x34, 0x56)
    assert d.styles["Normal"].font.name == "Georgia"
    assert d.sections[0].left_margin == Pt(90)
    header = [para.text for para in d.sections[0].header.paragraphs]
    assert header[0] == "Ridgeline Consulting LLP" and "Backup and Recovery Policy" in header[1]
    assert all("Sample body text" not in para.text for para in d.paragraphs)
    assert d.paragraphs[0].text == "Backup and Recovery Policy"


def test_reference_docx_that_is_not_word_is_refused(tmp_path):
    bad = tmp_path / "styles.docx"
    bad.write_text("not a zip", encoding="utf-8")
    p = policy(full())
    with pytest.raises(ValueError, match="not a Word .docx file"):
        render_docx(p, report(p), reference_docx=bad)


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
    assert "Tier 1 (Critical): 500 systems" in heads and "Tier 2 (Important): 500 systems" in heads
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


def test_reference_docx_saved_by_word_lacks_styles_it_never_used(tmp_path):
    """Word keeps unused styles latent: the headings, bullets and table grid are added, with their outline level."""
    ref = docx.Document()
    styles = ref.styles.element
    for name in ("Heading 2", "Heading 3", "List Bullet", "Table Grid", "TOC Heading"):
        styles.remove(ref.styles[name].element)
    path = tmp_path / "word.docx"
    ref.save(path)
    p = policy(full())
    d = docx.Document(io.BytesIO(render_docx(p, report(p), reference_docx=path)))
    names = {para.style.name for para in d.paragraphs}
    assert {"Heading 1", "Heading 2", "Heading 3", "List Bullet"} <= names
    assert "w:outlineLvl" in d.styles["Heading 2"].element.xml


def test_readiness_report_keeps_hostile_text_inert():
    data = hostile()
    data["follow_ups"][0]["question"] = "<script>alert('q')</script> {{ x }}"
    data["exceptions"][0]["justification"] = "**bold** | pipe |"
    p = policy(data)
    md = render_markdown(p, report(p), document="report")
    assert "<script>" not in md and "\\<script\\>" in md and "\\*\\*bold\\*\\*" in md
    out = render_html(p, report(p), document="report")
    parser = _Collector()
    parser.feed(out)
    parser.close()
    assert "script" not in parser.tags
    text = "".join(parser.text)
    assert "<script>alert('q')</script> {{ x }}" in text and "**bold** | pipe |" in text


def test_both_documents_from_one_pass_match_separate_renders():
    from workbench.document import build_views, render_all

    p = policy(full())
    r = report(p)
    views = build_views(p, r)
    for document in ("policy", "report"):
        assert render_view(views[document], "markdown") == render(p, r, "markdown", document=document)
        assert render_all(p, r, ("markdown", "html"), document=document)["html"] == render(p, r, "html", document=document)


def test_a_system_nobody_has_described_is_not_declared_out_of_scope():
    """A system just added (no environment, tier or data yet) was listed under "need no backup: none runs in
    production ... or holds confidential data", facts nobody had entered."""
    data = full()
    data["systems"].append({"id": "xray-sensors"})
    p = policy(data)
    scope = part(render_markdown(p, report(p)), "2", "Scope")
    assert "| xray-sensors |" not in scope and "| sandbox |" in scope
    assert "Whether this policy covers xray-sensors is not decided yet" in scope
    assert "does not require it to be backed up" in scope
