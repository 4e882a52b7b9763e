"""Wording from real backup policies, through the command line: what loads, what is flagged, what is refused."""

from __future__ import annotations

import json

from workbench.cli import main

TIERS = """\
organization:
  name: Acme Ltd
tiers:
  - id: T1
    rpo: {rpo}
    rto: within twenty-four (24) hours
    restore_test_interval: at least once per quarter
"""


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def write(tmp_path, text, name="acme.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_wording_without_a_duration_validates_and_the_check_quotes_it_back(tmp_path, capsys):
    path = write(tmp_path, TIERS.format(rpo="Minimal"))
    status, out, err = run(capsys, "validate", path)
    assert status == 0, out + err
    status, out, _ = run(capsys, "check", path, "--as-of", "2026-06-30", "--format", "json")
    vague = [f for f in json.loads(out)["findings"] if f["rule"] == "VAGUE-001"]
    assert [f["paths"] for f in vague] == [["tiers[0].rpo"]]  # the phrases that parse are not flagged
    assert "'Minimal'" in vague[0]["message"]


def test_phrases_load_as_exact_durations_and_save_canonically(tmp_path, capsys):
    path = write(tmp_path, TIERS.format(rpo="no more than 4 hours"))
    out_path = tmp_path / "acme.json"
    status, _, err = run(capsys, "convert", path, out_path)
    assert status == 0, err
    tier = json.loads(out_path.read_text())["tiers"][0]
    assert (tier["rpo"], tier["rto"], tier["restore_test_interval"]) == ("4h", "1d", "3mo")


def test_malformed_duration_is_refused_with_its_line_and_what_is_accepted(tmp_path, capsys):
    path = write(tmp_path, TIERS.format(rpo="1dd"))
    status, out, err = run(capsys, "validate", path)
    text = out + err
    assert status == 2
    line = next(ln for ln in text.splitlines() if "'1dd'" in ln)
    assert line.startswith(f"{path}:5:") and "tiers[0].rpo" in line
    assert "is not a duration" in line and "once per quarter" in line and "kept but reported" in line


def test_a_comma_splitting_an_unquoted_value_gets_a_hint(tmp_path, capsys):
    path = write(tmp_path, (
        "systems:\n"
        "  - id: laptops\n"
        "    exclusion: {reason: kept on a USB drive, or other offline locations}\n"
        "  - id: web\n"
        "    tire: T1\n"
    ))
    status, out, err = run(capsys, "validate", path)
    text = out + err
    assert status == 2
    split = next(ln for ln in text.splitlines() if "'or other offline locations'" in ln)
    assert split.startswith(f"{path}:3:") and "unknown field" in split
    assert "did a comma split a text value? put the text in quotes" in split
    typo = next(ln for ln in text.splitlines() if "'tire'" in ln)
    assert "did you mean 'tier'" in typo and "did a comma split" not in typo  # an ordinary typo gets no such hint
