"""The command line's promises whatever a file holds (issue 11 §2 and §4).

A control character from a spec never reaches the terminal raw; a lone
surrogate never crashes an output; an unexpected exception is one line and
exit 3 (neither "clean" nor "findings"), with the traceback only on --debug.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from workbench import cli
from workbench.commands.safety import CRASH_STATUS, escape_controls


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, timeout=120)


@pytest.fixture
def hostile(tmp_path):
    spec = tmp_path / "hostile.yaml"
    # ESC [31m (red), BEL, a C1 CSI and a right-to-left override in names the outputs print
    spec.write_text('organization:\n  name: "Ap\\e[31mX\\a\\x9b2J\\u202e"\n'
                    "policy:\n  approver: {name: \"Eve\\e]0;pwned\\a\"}\n", encoding="utf-8")
    return spec


@pytest.mark.parametrize("command", [["check", "--as-of", "2026-12-01"], ["render", "-f", "markdown"],
                                     ["validate"]])
def test_no_raw_control_character_reaches_the_terminal(hostile, command):
    result = run(command[0], str(hostile), *command[1:])
    shown = result.stdout + result.stderr
    assert result.returncode in (0, 1), shown
    for raw in (b"\x1b", b"\x07", "\x9b".encode(), "\u202e".encode()):
        assert raw not in shown
    if command[0] != "validate":
        assert b"Ap\\u001b" in result.stdout  # still visible, escaped


def test_json_output_stays_valid_json_with_control_characters(hostile):
    result = run("check", str(hostile), "--as-of", "2026-12-01", "--format", "json")
    data = json.loads(result.stdout)
    assert b"\x1b" not in result.stdout
    assert data["organization"].startswith("Ap\x1b[31mX")  # the value itself is kept


def test_lone_surrogate_is_shown_not_a_crash(tmp_path):
    spec = tmp_path / "s.json"
    spec.write_text('{"organization": {"name": "A\\ud800B"}}', encoding="utf-8")
    for command in (["check", str(spec), "--as-of", "2026-12-01"], ["render", str(spec), "-f", "markdown"]):
        result = run(*command)
        assert result.returncode in (0, 1), result.stderr
        assert b"Traceback" not in result.stderr
        assert b"A\\ud800B" in result.stdout


def test_unexpected_exception_is_one_line_and_exit_3(monkeypatch, capsys, tmp_path):
    def boom(args):
        raise RuntimeError("something nobody expected")

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: _with_func(parser, "rules", boom))
    assert cli.main(["rules"]) == CRASH_STATUS
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: something nobody expected" in err
    assert "--debug" in err and "Traceback" not in err

    assert cli.main(["rules", "--debug"]) == CRASH_STATUS  # --debug accepted after the command too
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "something nobody expected" in err


def _with_func(parser, command, func):
    sub = next(a for a in parser._actions if a.dest == "command")
    sub.choices[command].set_defaults(func=func)
    return parser


def test_escape_controls_keeps_newlines_and_tabs():
    assert escape_controls("a\tb\nc") == "a\tb\nc"
    assert escape_controls("a\x1bb\x7f") == "a\\u001bb\\u007f"


@pytest.mark.parametrize("command", [["schema", "-o", "{dir}"],
                                     ["convert", "policy_templates/profiles/saas-startup.yaml", "{dir}/x.json/"],
                                     ["new", "--template", "saas-startup", "-o", "{dir}/sub.yaml/", "--force"]])
def test_write_errors_are_messages_with_exit_2(tmp_path, command):
    (tmp_path / "x.json").mkdir()
    (tmp_path / "sub.yaml").mkdir()
    result = run(*[c.format(dir=tmp_path) for c in command])
    assert result.returncode == 2, result.stderr
    assert b"Traceback" not in result.stderr and str(tmp_path).encode() in result.stderr
