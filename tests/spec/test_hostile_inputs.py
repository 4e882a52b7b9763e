"""Files a careless user or an attacker hands the workbench: each is a clear problem, never a traceback
(issue 11 §2)."""

from __future__ import annotations

import pytest

from workbench.cli import main
from workbench.spec import SpecError, load
from workbench.spec.importer import import_systems
from workbench.spec.model import Policy


def problems(path) -> list[str]:
    with pytest.raises(SpecError) as info:
        load(path)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("fmt,text", [
    ("yaml", "organization:\n  name: " + "[" * 420 + "]" * 420 + "\n"),
    ("yaml", "systems:\n" + "".join("  " * i + "-\n" for i in range(1, 420))),
    ("json", '{"organization": {"name": ' + "[" * 1000 + "]" * 1000 + "}}"),
    ("toml", "[organization]\nname = " + "[" * 1000 + "]" * 1000 + "\n"),
])
def test_deep_nesting_is_a_problem_not_a_recursion_error(tmp_path, fmt, text):
    path = tmp_path / f"deep.{fmt}"
    path.write_text(text)
    [problem] = problems(path)  # read without recursion, or refused as too deep: one problem at the file
    assert problem.startswith(str(path)) and ("nested too deeply" in problem or "Input should be" in problem)


def test_a_nul_byte_is_placed_by_line_and_column(tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_text('organization:\n  name: "a\x00b"\n')
    assert problems(path) == [f"{path}:2:11: not valid YAML: the control character U+0000 is not allowed in a "
                              "YAML file; remove it"]


def test_a_huge_bad_value_is_quoted_as_a_short_excerpt(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("systems:\n  - id: a\n    kind: " + "x" * 1_000_000 + "\n")
    [problem] = problems(path)
    assert len(problem) < 500 and "(1,000,00" in problem and "systems[0].kind" in problem


def test_a_csv_cell_over_the_csv_limit_is_a_problem_at_its_line(tmp_path):
    csv = tmp_path / "inv.csv"
    csv.write_text("id,description\nok,fine\nbig," + "x" * 200_000 + "\n")
    with pytest.raises(SpecError) as info:
        import_systems(Policy(), csv)
    [problem] = [str(p) for p in info.value.problems]
    assert problem.startswith(f"{csv}:3: not readable as CSV: a cell is longer than 128 KB")


def test_commands_exit_2_on_each_hostile_file(tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text('{"organization": {"name": ' + "[" * 1000 + "]" * 1000 + "}}")
    for command in (["validate", str(deep)], ["check", str(deep)], ["render", str(deep), "-f", "markdown"],
                    ["convert", str(deep), str(tmp_path / "o.yaml")]):
        assert main(command) == 2, command
        assert "nested too deeply" in capsys.readouterr().err
    assert not (tmp_path / "o.yaml").exists()


def test_a_bidirectional_override_is_refused_in_a_file_and_at_the_field(tmp_path):
    """'Acme \\u202eevil\\u202c Corp' showed as 'Acme live Corp' in a handed-over Word file: a spoofed name. Text
    written right to left needs no override; Hebrew and Arabic names load as they are."""
    from workbench.spec.edit import EditError, Editor

    spec = tmp_path / "bidi.yaml"
    spec.write_text("organization:\n  name: Acme \u202eevil\u202c Corp\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load(spec)
    assert "organization.name: holds a bidirectional override (U+202E" in str(info.value.problems[0])
    ed = Editor(Policy())
    with pytest.raises(EditError, match="bidirectional override"):
        ed.set("organization.name", "Acme \u2066evil\u2069")
    ed.set("organization.name", "שלום בע\"מ / شركة")
    assert ed.policy.organization.name == "שלום בע\"מ / شركة"


def test_a_date_of_the_right_shape_that_is_no_day_says_why(tmp_path):
    """'2026-02-30 is not a date; write it as YYYY-MM-DD' told someone who had written it as YYYY-MM-DD."""
    from workbench.app.screens.dialogs import parse_date
    from workbench.spec.edit import EditError, Editor

    spec = tmp_path / "dates.yaml"
    spec.write_text("policy:\n  effective_from: 2026-02-30\n  approved_on: 2026-02-01T10:00:00\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load(spec)
    said = [str(p) for p in info.value.problems]
    assert "'2026-02-30' is not a day of the calendar: February 2026 has 28 days" in said[0]
    assert "2026-02-01T10:00:00 is a date and a time; write the date alone, here 2026-02-01" in said[1]
    with pytest.raises(EditError, match="February 2026 has 28 days"):
        Editor(Policy()).set("policy.effective_from", "2026-02-30")
    with pytest.raises(ValueError, match="Expires on: 2026-13-01 is not a day of the calendar: there is no month 13"):
        parse_date("2026-13-01", "Expires on")


@pytest.mark.parametrize("command", ["validate", "check", "render", "import-systems"])
def test_a_named_pipe_or_a_link_to_a_device_is_refused_without_waiting(tmp_path, capsys, command):
    """`check spec.yaml` on a named pipe with no writer waited forever; on a link to /dev/zero it read until memory
    ran out. Both are refused before any read, naming the file and what it is."""
    import os

    fifo, device, good = tmp_path / "pipe.yaml", tmp_path / "zero.yaml", tmp_path / "good.yaml"
    os.mkfifo(fifo)
    device.symlink_to("/dev/zero")
    assert main(["new", "--blank", "-o", str(good)]) == 0
    for path, kind in ((fifo, "a named pipe"), (device, "a device")):
        args = ["import-systems", str(good), str(path).replace(".yaml", ".csv")] if command == "import-systems" \
            else [command, str(path)]
        if command == "import-systems":
            os.replace(path, args[-1])
        capsys.readouterr()
        assert main(args) == 2
        assert f"{args[-1]}: this is {kind}, not a " in capsys.readouterr().err
