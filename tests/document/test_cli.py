"""``workbench render``: formats, output files, and refusals."""

from __future__ import annotations

import io
import json

import docx
import pytest

from workbench.cli import main

from .helpers import full


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(full()), encoding="utf-8")
    return path


def test_markdown_to_stdout(spec, capsys):
    assert main(["render", str(spec), "--as-of", "2026-06-30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Backup and Recovery Policy") and "## 1\\. Purpose" in out


def test_report_to_stdout_and_to_word(spec, tmp_path, capsys):
    assert main(["render", str(spec), "--report", "--as-of", "2026-06-30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Backup Policy Readiness Report") and "| Status as of | 2026-06-30 |" in out
    assert "## 6\\. Evidence request list" in out
    target = tmp_path / "report.docx"
    assert main(["render", str(spec), "--report", "-o", str(target), "--as-of", "2026-06-30"]) == 0
    assert docx.Document(io.BytesIO(target.read_bytes())).paragraphs[0].text == "Backup Policy Readiness Report"


def test_reference_docx_option(spec, tmp_path, capsys):
    ref = docx.Document()
    ref.sections[0].header.paragraphs[0].text = "Consultant letterhead"
    ref_path = tmp_path / "ref.docx"
    ref.save(ref_path)
    target = tmp_path / "policy.docx"
    assert main(["render", str(spec), "-o", str(target), "--reference-docx", str(ref_path), "--as-of", "2026-06-30"]) == 0
    d = docx.Document(io.BytesIO(target.read_bytes()))
    assert d.sections[0].header.paragraphs[0].text == "Consultant letterhead"
    capsys.readouterr()
    assert main(["render", str(spec), "-o", str(target), "--reference-docx", str(tmp_path / "missing.docx")]) == 2
    assert "missing.docx: no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.docx"
    bad.write_text("plain text", encoding="utf-8")
    assert main(["render", str(spec), "-o", str(target), "--reference-docx", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.docx: not a Word .docx file" in err and "Traceback" not in err
    assert main(["render", str(spec), "--reference-docx", str(ref_path)]) == 2
    assert "applies to Word output" in capsys.readouterr().err


def test_html_to_file_by_extension(spec, tmp_path):
    target = tmp_path / "out" / "policy.html"
    assert main(["render", str(spec), "-o", str(target), "--as-of", "2026-06-30"]) == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_docx_needs_output(spec, capsys):
    assert main(["render", str(spec), "-f", "docx"]) == 2
    assert "-o" in capsys.readouterr().err


def test_docx_to_file(spec, tmp_path):
    target = tmp_path / "policy.docx"
    assert main(["render", str(spec), "-f", "docx", "-o", str(target), "--as-of", "2026-06-30"]) == 0
    d = docx.Document(io.BytesIO(target.read_bytes()))
    assert d.paragraphs[0].text == "Backup and Recovery Policy"


def test_bad_date_and_bad_spec(spec, tmp_path, capsys):
    assert main(["render", str(spec), "--as-of", "30/06/2026"]) == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("tiers: 3\n", encoding="utf-8")
    assert main(["render", str(bad)]) == 2
    assert "bad.yaml" in capsys.readouterr().err
