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
    assert out.startswith("# Backup and Recovery Policy") and "| Status as of | 2026-06-30 |" in out


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
