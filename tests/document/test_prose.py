"""The prose check: every starter and a few hundred mutated specs render to text with no broken sentences.

Each company-profile starter is mutated by a seeded random walk (answers
dropped, set to ``unknown``, lists emptied, durations made vague, free text
replaced by a whole sentence) and rendered, the policy and the readiness
report. Every sentence, list item, heading and table cell of both is checked
for what a reader would notice: doubled punctuation, a sentence inside a
sentence, nested parentheses from joined values, "None", a field left blank
or shown as not stated while the spec has a value, snake_case words,
lower-cased acronyms ("Dr exercises"), unfilled {placeholders}, "0 copies".
The view model is checked (the text every format prints), plus the Markdown
of the starters themselves.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from workbench.document import render_markdown
from workbench.document.readiness import build_both
from workbench.resources import profiles_dir
from workbench.rules import evaluate
from workbench.spec import Policy, load
from workbench.spec.io import strip_unknown

AS_OF = dt.date(2026, 6, 30)
PROFILES = sorted(profiles_dir().glob("*.yaml")) if profiles_dir().is_dir() else []
MUTANTS_PER_PROFILE = 75
SENTENCES = ("Backups are checked daily.", "Erasure requests are handled by the privacy team.")
VAGUE = ("regularly", "as needed", "Next business day")
#: Answers written in the policy's own words, which may well be whole sentences (ids and names are not).
FREE_TEXT = {"description", "purpose", "procedure", "reason", "justification", "matter", "erasure_in_backups_procedure",
             "store", "location", "source", "note", "override_rationale", "chain_of_custody", "after_action_ref",
             "evidence", "escalation", "indefinite_basis", "retention_justification", "notes", "question",
             "restore_procedure"}
ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|Inc|Ltd|Co|No|vs)\.")
CHECKS = {
    "doubled punctuation": re.compile(r"(?<!\.)[.,;:]\s*[.,;:](?!\.)|\(\s*\)|\s[.,;:](?=\s|$)"),
    "nested parentheses": re.compile(r"\([^()]*\("),
    "None": re.compile(r"\bNone\b"),
    "unfilled placeholder": re.compile(r"\{[a-z_]+\}"),
    "0 copies": re.compile(r"\b0 (backup )?cop(y|ies)\b"),
    "old open marker": re.compile(r"Not yet decided|Open: "),
    "lower-cased acronym": re.compile(r"\bDr\b(?!\. [A-Z])|\b(Rpo|Rto|Mtd|Mfa|Sla|Kms|Tls|Pci|Phi|Pii|Soc|Msp|Hipaa|Gdpr|Sox|Baa|Dpa)\b"
                                      r"|\b(dr|rpo|rto|mtd|mfa|phi|pii)\b(?![-_.\w])"),
}
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
#: Report columns that quote the gap engine or a field path verbatim (their wording is the engine's).
VERBATIM_COLUMNS = {"Field", "Finding", "What to do", "Decision or question", "Question"}


def _clean_starters() -> dict[str, Policy]:
    """The clean starters (organization x IT model) and the blank start, where this build has them."""
    try:
        from workbench import starters
    except ImportError:
        return {}
    out = {f"{o.name}-{i.name}": starters.build_starter(o.name, i.name)
           for o in starters.organizations() for i in starters.it_models()}
    out["blank"] = starters.blank_policy()
    return out


CLEAN = _clean_starters()


def _starter_data() -> dict[str, tuple[dict, int]]:
    """Each starter's data and how many mutants to make of it (the full examples are the richest)."""
    from workbench.spec import dumps

    out = {p.stem: (yaml.safe_load(p.read_text(encoding="utf-8")), MUTANTS_PER_PROFILE) for p in PROFILES}
    for name, policy in CLEAN.items():
        out[name] = (yaml.safe_load(dumps(policy, "yaml")), 10)
    return out


def _slots(node, out: list) -> list:
    """Every (container, key) in a spec tree, leaves and branches."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        out.append((node, key))
        _slots(value, out)
    return out


def _mutate(data: dict, rng: random.Random, n: int) -> dict:
    data = copy.deepcopy(data)
    for _ in range(n):
        slots = [s for s in _slots(data, []) if not (isinstance(s[0], dict) and s[1] in ("spec_version", "template"))]
        if not slots:
            break
        container, key = rng.choice(slots)
        value = container[key]
        roll = rng.random()
        if isinstance(value, str) and roll < 0.3 and key in FREE_TEXT:
            container[key] = rng.choice(SENTENCES)
        elif isinstance(value, str) and roll < 0.45 and re.fullmatch(r"\d+\s*[a-z]+", value):
            container[key] = rng.choice(VAGUE)
        elif isinstance(value, list) and roll < 0.5:
            container[key] = []
        elif roll < 0.75 and not isinstance(value, (dict, list)):
            container[key] = "unknown"
        elif isinstance(container, list):
            container.pop(key)
        else:
            del container[key]
    return data


def _mutants() -> list[tuple[str, Policy]]:
    out = []
    for stem, (data, wanted) in _starter_data().items():
        rng = random.Random(f"prose-{stem}")
        made = tries = 0
        while made < wanted and tries < wanted * 4:
            tries += 1
            mutated = _mutate(data, rng, rng.randint(1, 12))
            try:
                policy = Policy.model_validate(strip_unknown(mutated))
            except (ValidationError, ValueError, TypeError):
                continue  # a mutation the loader refuses with a positioned error: not a document case
            out.append((f"{stem}#{made}", policy))
            made += 1
    return out


def _texts(view: dict):
    """(where, text, column) for every piece of text of a view model."""
    for row in view["control"]:
        yield "control", row["value"], row["label"], "cell"
    for s in view["sections"]:
        yield s["title"], s["title"], None, "h"
        for b in s["blocks"]:
            if b["kind"] in ("p", "pending", "h"):
                yield s["title"], b["text"], None, b["kind"]
            elif b["kind"] == "ul":
                for item in b["items"]:
                    yield s["title"], item, None, "li"
            elif b["kind"] == "table":
                for row in b["rows"]:
                    for col, cell in zip(b["columns"], row):
                        if not cell.strip() and not b.get("form"):
                            yield s["title"], "<empty cell>", col, "cell"
                        yield s["title"], cell, col, "cell"


def problems(view: dict, policy: Policy) -> list[str]:
    found = []
    for where, text, column, kind in _texts(view):
        if kind in ("p", "pending") and text[:1].islower():
            found.append(f"{where}: sentence starts lower-case: {text[:80]}")
        if text == "<empty cell>":
            found.append(f"{where}: empty cell in column {column}")
            continue
        verbatim = view["kind"] == "report" and column in VERBATIM_COLUMNS
        plain = ABBREVIATIONS.sub("abbr", text)
        for name, pattern in CHECKS.items():
            if verbatim and name != "unfilled placeholder":
                continue
            m = pattern.search(plain)
            if m:
                found.append(f"{where}: {name}: …{text[max(0, m.start() - 40):m.end() + 40]}…")
        if not verbatim and column is None and SNAKE.search(text):
            found.append(f"{where}: snake_case: {text[:120]}")
        for s in SENTENCES:
            core = re.escape(s.rstrip("."))
            if re.search(rf"[a-z0-9,;)] {core}|{core}\.?[ ]+[a-z(]|{core}\.\s*[.,;:)]", text):
                found.append(f"{where}: sentence inside a sentence: {text[:160]}")
    found += _values_shown(view, policy)
    return found


def _values_shown(view: dict, policy: Policy) -> list[str]:
    """Cells that must carry the spec's value when it has one (a retention beside "Kept for", a tier's RPO)."""
    out = []
    if view["kind"] != "policy":
        return out
    for s in view["sections"]:
        for b in s["blocks"]:
            if b["kind"] != "table":
                continue
            cols = b["columns"]
            if cols[:3] == ["Record", "Kept in", "Kept for"]:
                for row, src in zip(b["rows"], policy.evidence.sources):
                    if src.retention is not None and not src.retention.vague and row[2] in ("Not specified", "Pending"):
                        out.append(f"{s['title']}: evidence {src.kind} kept for {src.retention} shown as {row[2]}")
            if cols[:2] == ["Tier", "Name"] and "RPO" in cols:
                i = cols.index("RPO")
                for row, tier in zip(b["rows"], policy.tiers):
                    if tier.rpo is not None and not tier.rpo.vague and row[i] in ("Not specified", "Pending"):
                        out.append(f"{s['title']}: tier {tier.id} RPO {tier.rpo} shown as {row[i]}")
    return out


@pytest.mark.skipif(not PROFILES, reason="no company-profile starters")
@pytest.mark.parametrize("profile", PROFILES, ids=[p.stem for p in PROFILES])
def test_starters_read_as_prose(profile: Path):
    policy = load(profile)
    report = evaluate(policy, AS_OF)
    found = []
    for view in build_both(policy, report):
        found += problems(view, policy)
    for document in ("policy", "report"):
        md = render_markdown(policy, report, document=document)
        assert "None" not in re.sub(r"\\", "", md), document
    assert not found, "\n".join(found[:40])


@pytest.mark.skipif(not CLEAN, reason="this build has no clean starters")
@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_starters_read_as_prose(name: str):
    policy = CLEAN[name]
    report = evaluate(policy, AS_OF)
    found = []
    for view in build_both(policy, report):
        found += problems(view, policy)
    assert not found, "\n".join(found[:40])


@pytest.mark.skipif(not PROFILES, reason="no company-profile starters")
def test_mutated_specs_read_as_prose():
    mutants = _mutants()
    assert len(mutants) >= 200, len(mutants)
    failures = []
    for name, policy in mutants:
        report = evaluate(policy, AS_OF)
        for view in build_both(policy, report):
            for p in problems(view, policy):
                failures.append(f"{name}: {p}")
    assert not failures, f"{len(failures)} problems, first ones:\n" + "\n".join(list(dict.fromkeys(failures))[:40])


def test_the_check_catches_what_it_is_for():
    """Each check fails on the broken text the issue quotes, so a passing run means something."""
    broken = {"kind": "policy", "control": [], "sections": [{"title": "T", "blocks": [
        {"kind": "p", "text": "Erasure requests that reach backups follow Erasure requests are handled by the privacy team."},
        {"kind": "p", "text": "Kept in the vault (append-only (WORM))."},
        {"kind": "p", "text": "Members of backup_operators use MFA.."},
        {"kind": "p", "text": "Dr exercises are held every None."},
        {"kind": "p", "text": "Tier 2 systems keep at least 0 copies."},
        {"kind": "p", "text": "the policy approver approves each request."},
        {"kind": "table", "columns": ["Record", "Kept in", "Kept for"], "rows": [["Job history", "", "Not specified"]]},
    ]}]}
    policy = Policy.model_validate({"evidence": {"sources": [{"kind": "job_history", "retention": "6y"}]}})
    found = "\n".join(problems(broken, policy))
    for expected in ("sentence inside a sentence", "nested parentheses", "snake_case", "doubled punctuation",
                     "lower-cased acronym", "None", "0 copies", "empty cell", "kept for 6y shown as Not specified",
                     "starts lower-case"):
        assert expected in found, expected
