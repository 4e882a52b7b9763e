"""The criteria catalog: every id a rule cites has our own paraphrase."""

from __future__ import annotations

import workbench.rules  # noqa: F401  (loads every rule family, so RULES is complete)
from workbench.rules import RULES
from workbench.rules.criteria import CRITERIA, Criterion, criteria, describe, frameworks, unknown
from workbench.rules.engine import FRAMEWORK_ORDER


def test_every_cited_criterion_is_in_the_catalog():
    missing = unknown(RULES.values())
    assert not missing, "rules cite criteria missing from workbench/rules/criteria.py: " + ", ".join(
        f"{rid} {fw} {cid!r}" for rid, fw, cid in missing
    )


def test_catalog_covers_the_soc2_backup_criteria():
    for cid in ("CC1.3", "CC2.1", "CC5.3", "CC6.1", "CC7.5", "CC9.1", "A1.1", "A1.2", "A1.3",
                "C1.1", "C1.2", "P4.2", "P4.3", "PI1.5"):
        assert ("soc2", cid) in CRITERIA, cid


def test_soc2_first_then_companion_frameworks():
    order = [c.framework for c in CRITERIA.values()]
    assert order[0] == "soc2"
    ranks = [FRAMEWORK_ORDER.index(fw) for fw in order]
    assert ranks == sorted(ranks)
    assert frameworks()[:7] == ["soc2", "cis", "nist", "iso27001", "hipaa", "pci", "gdpr"]


def test_entries_are_one_line_paraphrases():
    for (fw, cid), c in CRITERIA.items():
        assert isinstance(c, Criterion) and (c.framework, c.id) == (fw, cid)
        assert c.name and c.paraphrase, cid
        assert "\n" not in c.paraphrase and len(c.paraphrase) <= 160, cid
        assert c.paraphrase.endswith((".", ")")), cid


def test_verify_items_are_marked():
    assert describe("cis", "17.7").verify
    assert describe("pci", "12.1.2").verify
    assert describe("hipaa", "164.316(b)(2)(i)").verify
    assert not describe("soc2", "A1.2").verify
    assert not describe("cis", "11.2").verify


def test_lookup_is_forgiving_about_spelling():
    assert describe("gdpr", "Art. 17").id == "17"
    assert describe("cis", "CIS 11.2").id == "11.2"
    assert describe("iso27001", "8.13").id == "A.8.13"
    assert describe("hipaa", "164.316(a)-(b)").id == "164.316(a)"
    assert describe("pci", "12.1.2 (verify)").id == "12.1.2"
    assert describe("nist", "CP-9(a-c)").id == "CP-9"
    assert describe("other", "SEC 17a-4(f)").framework == "other"
    assert describe("other", "SP 800-34") is not None
    assert describe("nist", "SP 800-34 (RTO within MTD)").id == "SP 800-34"
    assert describe("hipaa", "164.308(a)(7)(ii)(A) (if PHI)").id == "164.308(a)(7)(ii)(A)"
    assert describe("soc2", "Z9.9") is None
    assert describe("nist", "CP-99") is None and describe("cis", "CIS 99.9") is None


def test_filter_by_framework():
    soc2 = criteria("soc2")
    assert soc2 and all(c.framework == "soc2" for c in soc2)
    assert len(criteria()) == len(CRITERIA)
