"""Fuzzing every command in-process: mutated specs in all three formats, random bytes, mutated CSV.

The promise (issue 11 §2): whatever the file, a command ends with exit 0, 1
(findings) or 2 (bad input, with a message), never a traceback and never
exit 3 (an internal error). Each example is a starter spec mutated the way
files get damaged or attacked (a line dropped, doubled or cut, a character
swapped for a control character, a quote, a bracket or a surrogate, random
bytes inserted), then run through validate, check, render (Markdown, HTML,
Word), convert, diff and import-systems.

CI runs a short profile (``WORKBENCH_FUZZ_EXAMPLES``, default 25). The long
run, whose figures go in the closing notes::

    WORKBENCH_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/fuzz -q
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.cli import main
from workbench.spec import dumps, load

ROOT = Path(__file__).resolve().parents[2]
STARTERS = sorted((ROOT / "policy_templates" / "profiles").glob("*.yaml"))
CSV = (ROOT / "tests" / "data" / "systems.csv").read_text(encoding="utf-8")
EXAMPLES = int(os.environ.get("WORKBENCH_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 25,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

# Texts of every starter in every format, made once.
SOURCES = [(fmt, dumps(load(p, check_references=False), fmt) if fmt != "yaml" else p.read_text(encoding="utf-8"))
           for p in STARTERS for fmt in ("yaml", "json", "toml")]
NASTY = ["\x00", "\x1b", "\x07", "\ud800", "\u202e", '"', "'", "[", "]", "{", "}", ":", "- ", "&a", "*a", "!!python/object:os.system",
         "\t", "\r", "\\", "#", "\n", "unknown", "1dd", "9" * 30, "é", "\ufeff", "=", ",", "---\n"]


@st.composite
def damaged(draw) -> tuple[str, bytes]:
    fmt, text = draw(st.sampled_from(SOURCES))
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(("drop", "double", "cut", "swap", "insert", "bytes")))
        if how == "drop":
            del lines[i]
        elif how == "double":
            lines.insert(i, lines[i])
        elif how == "cut":
            lines = lines[:i] + [lines[i][: draw(st.integers(0, len(lines[i])))]]
        elif how == "swap" and lines[i]:
            j = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:j] + draw(st.sampled_from(NASTY)) + lines[i][j + 1:]
        elif how == "insert":
            lines.insert(i, draw(st.sampled_from(NASTY)) + "\n")
        else:
            lines.insert(i, draw(st.binary(min_size=1, max_size=20)).decode("latin-1"))
    data = "".join(lines).encode("utf-8", "surrogatepass")
    return fmt, data


def run(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, err.getvalue()


def assert_handled(command: list[str], status: int, err: str) -> None:
    assert status in (0, 1, 2), f"{' '.join(command)} -> exit {status}: {err[-2000:]}"
    assert "Traceback" not in err and "internal error" not in err, f"{' '.join(command)}: {err[-2000:]}"


@FUZZ
@given(case=damaged())
def test_every_command_handles_a_damaged_spec(tmp_path_factory, case):
    fmt, data = case
    folder = tmp_path_factory.mktemp("fuzz")
    spec = folder / f"client.{fmt}"
    spec.write_bytes(data)
    other = "json" if fmt != "json" else "toml"
    (folder / "inv.csv").write_text(CSV, encoding="utf-8")
    commands = [
        ["validate", str(spec)],
        ["check", str(spec), "--as-of", "2026-12-01"],
        ["check", str(spec), "--format", "json"],
        ["check", str(spec), "--format", "sarif"],
        ["render", str(spec), "-f", "markdown", "-o", str(folder / "p.md")],
        ["render", str(spec), "-f", "html", "-o", str(folder / "p.html")],
        ["render", str(spec), "-f", "docx", "-o", str(folder / "p.docx")],
        ["convert", str(spec), str(folder / f"out.{other}"), "--force"],
        ["diff", str(spec), str(spec)],
        ["import-systems", str(spec), str(folder / "inv.csv"), "-o", str(folder / "imported.yaml")],
    ]
    for command in commands:
        assert_handled(command, *run(*command))


@FUZZ
@given(data=st.binary(max_size=400), fmt=st.sampled_from(("yaml", "json", "toml")))
def test_random_bytes_are_refused_cleanly(tmp_path_factory, data, fmt):
    spec = tmp_path_factory.mktemp("bytes") / f"x.{fmt}"
    spec.write_bytes(data)
    for command in (["validate", str(spec)], ["check", str(spec)], ["render", str(spec), "-f", "markdown"]):
        assert_handled(command, *run(*command))


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(NASTY + [",,,", '"a""b"', "\n\n"])),
                      min_size=1, max_size=6))
def test_a_damaged_csv_is_refused_by_line_or_imported(tmp_path_factory, edits):
    folder = tmp_path_factory.mktemp("csv")
    text = CSV
    for at, piece in edits:
        at %= max(len(text), 1)
        text = text[:at] + piece + text[at + 1:]
    (folder / "inv.csv").write_bytes(text.encode("utf-8", "surrogatepass"))
    command = ["import-systems", str(STARTERS[0]), str(folder / "inv.csv"), "-o", str(folder / "o.yaml")]
    assert_handled(command, *run(*command))


@pytest.mark.parametrize("name", ["bomb"])
def test_the_fuzzer_itself_sees_a_crash(monkeypatch, name):
    """A fuzz run that could not see a crash would prove nothing: an injected bug must fail assert_handled."""
    import workbench.commands.spec_cmds as spec_cmds

    monkeypatch.setattr(spec_cmds, "load_spec", lambda *a, **k: (_ for _ in ()).throw(KeyError(name)))
    status, err = run("validate", str(STARTERS[0]))
    with pytest.raises(AssertionError):
        assert_handled(["validate"], status, err)
