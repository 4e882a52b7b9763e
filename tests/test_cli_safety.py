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
                                     ["validate"], ["convert", "{out}"]])
def test_control_characters_are_refused_at_their_field_and_never_printed_raw(hostile, tmp_path, command):
    result = run(command[0], str(hostile), *[c.format(out=tmp_path / "o.json") for c in command[1:]])
    shown = result.stdout + result.stderr
    assert result.returncode == 2, shown
    for raw in (b"\x1b", b"\x07", "\x9b".encode(), "\u202e".encode()):
        assert raw not in shown
    assert b"hostile.yaml:2:9: organization.name: holds a control character (ESC, U+001B)" in result.stderr
    assert b"policy.approver.name" in result.stderr


@pytest.mark.parametrize("command", [["check", "--as-of", "2026-12-01"], ["render", "-f", "markdown"], ["validate"]])
def test_a_lone_surrogate_is_refused_not_a_crash(tmp_path, command):
    spec = tmp_path / "s.json"
    spec.write_text('{"organization": {"name": "A\\ud800B"}}', encoding="utf-8")
    result = run(command[0], str(spec), *command[1:])
    assert result.returncode == 2, result.stderr
    assert b"Traceback" not in result.stderr
    assert b"organization.name: holds a lone surrogate (U+D800" in result.stderr


def test_the_escaping_writer_shows_controls_that_reach_output(capsys):
    import sys as _sys

    from workbench.commands.safety import EscapingWriter

    EscapingWriter(_sys.stdout).write("Ap\x1b[31mX\x07 \ud800\n")
    assert capsys.readouterr().out == "Ap\\u001b[31mX\\u0007 \\ud800\n"


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
