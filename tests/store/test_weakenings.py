"""Issue 12 §4: a retention cut or another material weakening against the last published version, with no
reason recorded, is asked about; the publish step records the weakenings on the revision, the rule reads them."""

from __future__ import annotations

import json

from workbench.rules import evaluate
from workbench.spec import load
from workbench.store import Workspace
from workbench.store.publishing import publish
from workbench.store.semdiff import diff

from .conftest import TODAY, data, make


def _publish(ws, policy, **kw):
    kw.setdefault("approver", "Ann")
    kw.setdefault("note", "a version")
    return publish(ws, policy, bump="major", today=TODAY, use_git=False, **kw)


def cut():
    d = data()
    d["targets"][0]["retention"] = {"daily": "14d"}
    return make(d)


def test_the_diff_says_which_material_changes_weaken_the_policy():
    looser = data()
    looser["targets"][0]["retention"] = {"daily": "90d"}
    looser["tiers"][0]["rpo"] = "2d"
    looser["targets"][0]["immutability"] = {"mode": "governance", "days": 35}
    texts = [c.text for c in diff(make(data()), make(looser), findings=False).weakenings]
    assert texts == ["tier T1: rpo 1d → 2d", "target vault-euc1: immutability.mode compliance → governance"]
    # and `workbench diff` marks them where it lists the material changes (a reviewer read a schedule moved from
    # hourly to every business day as one more change)
    shown = diff(make(data()), make(looser), findings=False).to_text()
    assert "tier T1: rpo 1d → 2d  (weakens the policy)" in shown
    assert "retention.daily 35d → 90d  (weakens" not in shown


def test_publishing_a_retention_cut_without_a_reason_records_it_and_asks_why(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    _publish(ws, make(data()))
    result = _publish(ws, cut())
    rev = result.policy.revisions[-1]
    assert rev.weakens == ["target vault-euc1: retention.daily 35d → 2w"] and rev.reason is None
    (f,) = [f for f in result.report.open if f.rule == "CHG-001"]
    assert f.kind == "question" and "Version 2.0 weakens the previous version (target vault-euc1: retention.daily " \
        "35d → 2w)" in f.message and f.paths == ("revisions[1].reason",)
    record = json.loads((result.path / "record.json").read_text())
    assert record["weakens"] == rev.weakens and "reason" not in record
    # the published spec carries it, so the next evaluation still asks
    again = load(result.path / "spec.yaml")
    assert [f.rule for f in evaluate(again, TODAY).open if f.rule == "CHG-001"] == ["CHG-001"]


def test_a_reason_answers_it_and_survives_the_next_publish(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    _publish(ws, make(data()))
    result = _publish(ws, cut(), reason="14 days agreed with the data owner; long-term copies moved to the archive")
    assert not [f for f in result.report.open if f.rule == "CHG-001"]
    third = _publish(ws, cut(), note="wording only")
    revs = third.policy.revisions
    assert revs[1].reason.startswith("14 days agreed") and revs[1].weakens
    assert revs[2].weakens == [] and not [f for f in third.report.open if f.rule == "CHG-001"]


def test_a_stronger_version_records_no_weakening(tmp_path):
    ws = Workspace.create(tmp_path / "ws")
    _publish(ws, make(data()))
    stronger = data()
    stronger["targets"][0]["retention"] = {"daily": "90d"}
    result = _publish(ws, make(stronger))
    assert result.policy.revisions[-1].weakens == []


def test_the_command_line_says_what_a_version_weakens_and_takes_a_reason(tmp_path, capsys):
    import yaml
    from workbench.cli import main
    from workbench.spec import dumps

    spec = tmp_path / "acme.yaml"
    spec.write_text(dumps(make(data())))
    args = ["--as-of", TODAY.isoformat(), "--no-git", "--workspace", str(tmp_path / "ws")]
    assert main(["publish", str(spec), "--bump", "major", "--approver", "Ann", "--note", "first", *args]) == 0
    raw = yaml.safe_load(spec.read_text())
    raw["targets"][0]["retention"]["daily"] = "14d"
    spec.write_text(yaml.safe_dump(raw))
    capsys.readouterr()
    assert main(["publish", str(spec), "--bump", "major", "--approver", "Ann", "--note", "cut", *args]) == 0
    out = capsys.readouterr().out
    assert "Weakens version 1.0: target vault-euc1: retention.daily 35d → 2w" in out
    assert "no reason recorded (--reason)" in out
    assert main(["publish", str(spec), "--bump", "major", "--approver", "Ann", "--note", "same", "--reason",
                 "agreed with the owner", *args]) == 0
    out = capsys.readouterr().out
    assert "Weakens" not in out  # nothing weaker than 2.0
