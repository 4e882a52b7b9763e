"""Golden files: the Markdown of each company-profile template, as of 2026-06-30.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/document``
and review the diff like any other change to the policy wording.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from workbench.document import render_html, render_markdown
from workbench.resources import profiles_dir
from workbench.rules import evaluate
from workbench.spec import load

AS_OF = dt.date(2026, 6, 30)
GOLDEN = Path(__file__).parent / "golden"


def _profiles() -> list[Path]:
    folder = profiles_dir()
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


PROFILES = _profiles()


@pytest.mark.skipif(not PROFILES, reason="no company-profile templates in policy_templates/profiles yet")
@pytest.mark.parametrize("profile", PROFILES, ids=[p.stem for p in PROFILES])
@pytest.mark.parametrize("document", ["policy", "report"])
def test_profile_markdown_matches_golden(profile: Path, document: str):
    policy = load(profile)
    text = render_markdown(policy, evaluate(policy, AS_OF), document=document)
    golden = GOLDEN / (f"{profile.stem}.md" if document == "policy" else f"{profile.stem}.report.md")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8", newline="\n")
    if not golden.exists():
        pytest.fail(f"no golden file for {profile.stem}; run with UPDATE_GOLDEN=1 and review {golden}")
    assert text == golden.read_text(encoding="utf-8"), (
        f"{profile.stem}: the {document} Markdown differs from {golden.name}; if intended, regenerate with UPDATE_GOLDEN=1"
    )


@pytest.mark.skipif(not PROFILES, reason="no company-profile templates in policy_templates/profiles yet")
@pytest.mark.parametrize("profile", PROFILES, ids=[p.stem for p in PROFILES])
def test_profile_documents_have_no_placeholders(profile: Path):
    from .test_render import PLACEHOLDERS

    policy = load(profile)
    report = evaluate(policy, AS_OF)
    for fmt, text in (("markdown", render_markdown(policy, report)), ("html", render_html(policy, report)),
                      ("report markdown", render_markdown(policy, report, document="report")),
                      ("report html", render_html(policy, report, document="report"))):
        for pattern in PLACEHOLDERS:
            assert not pattern.search(text), (profile.stem, fmt, pattern.pattern)
