"""CSV inventory import: aliased columns, reported unknown columns, every bad row by line, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.spec import Policy, SpecError, dumps, loads
from workbench.spec.importer import import_systems
from workbench.spec.io import strip_unknown

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "systems.csv"


@pytest.fixture
def policy() -> Policy:
    return Policy.model_validate(strip_unknown({
        "organization": {"name": "Example Co"},
        "tiers": [{"id": "T0", "rpo": "15m"}, {"id": "T1", "rpo": "4h"}, {"id": "T2", "rpo": "1d"}, {"id": "T3"}],
        "systems": [{"id": "prod-postgres", "kind": "db", "tier": "T0"}],
    }))


def write(tmp_path: Path, text: str, name: str = "inventory.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(policy, path):
    with pytest.raises(SpecError) as err:
        import_systems(policy, path)
    return err.value.problems


# ----------------------------------------------------------------------------
# good imports
# ----------------------------------------------------------------------------
def test_good_import_adds_every_row_as_a_system(policy):
    updated, report = import_systems(policy, SAMPLE)
    ids = [s.id for s in updated.systems]
    assert ids == ["prod-postgres", "crm-db", "crm-app", "hr-files", "marketing-site"]
    assert report.added == ids[1:]
    crm = updated.systems[1]
    assert crm.kind == "db"                       # "database" understood
    assert crm.environment == "prod"              # "production" understood
    assert crm.data_classes == ["confidential", "pii"]   # list with a comma inside quotes
    assert crm.regulatory_tags == ["gdpr"]
    assert crm.size_gb == 120
    assert str(crm.rpo) == "4h" and str(crm.rto) == "1d"
    assert crm.account == "nw-prod" and crm.provider == "aws"
    hr = updated.systems[3]
    assert hr.kind == "fileshare"                 # "file share"
    assert hr.data_classes == ["confidential", "pii"]    # list separated by ;
    assert hr.size_gb == 1500                     # "1.5 TB"
    assert updated.systems[2].depends_on == ["crm-db"]   # a dependency on a row of the same file
    assert updated.systems[2].rpo is None         # an empty cell stays unknown


def test_import_does_not_change_the_policy_it_was_given(policy):
    import_systems(policy, SAMPLE)
    assert [s.id for s in policy.systems] == ["prod-postgres"]


def test_imported_policy_is_a_valid_spec_with_intact_references(policy):
    updated, _ = import_systems(policy, SAMPLE)
    assert loads(dumps(updated)) == updated


def test_unknown_columns_are_reported_not_fatal(policy):
    updated, report = import_systems(policy, SAMPLE)
    assert report.unknown_columns == ["Asset Tag"]
    lines = report.lines()
    assert any("unknown column 'Asset Tag'" in line for line in lines)
    assert any("System -> id" in line and "Type -> kind" in line for line in lines)
    assert len(updated.systems) == 5


def test_misspelled_column_gets_a_suggestion(policy, tmp_path):
    path = write(tmp_path, "id,kind,ownr\napp1,vm,ops\n")
    _, report = import_systems(policy, path)
    assert report.unknown_columns == ["ownr"]
    assert any("did you mean 'owner'?" in line for line in report.lines())


def test_headers_ignore_case_spaces_and_order(policy, tmp_path):
    path = write(tmp_path, " TIER , Data_Classes,ENV , Name \nT2,internal,dev,tool-1\n")
    updated, _ = import_systems(policy, path)
    s = updated.systems[-1]
    assert (s.id, s.tier, s.data_classes, s.environment) == ("tool-1", "T2", ["internal"], "dev")


def test_tier_is_matched_without_regard_to_case(policy, tmp_path):
    updated, _ = import_systems(policy, write(tmp_path, "id,tier\napp1,t1\n"))
    assert updated.systems[-1].tier == "T1"


def test_unknown_answers_stay_unknown(policy, tmp_path):
    updated, _ = import_systems(policy, write(tmp_path, "id,kind,owner,rpo\napp1,unknown,?,tbd\n"))
    s = updated.systems[-1]
    assert (s.kind, s.owner, s.rpo) == (None, None, None)


def test_utf8_bom_and_semicolon_delimiter(policy, tmp_path):
    text = "\ufeffName;Type;Tier;Data classes;Size (GB)\nbilling;database;T1;confidential, financial;12,5\n"
    path = write(tmp_path, text, encoding="utf-8")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    updated, report = import_systems(policy, path)
    s = updated.systems[-1]
    assert report.delimiter == ";"
    assert report.unknown_columns == []
    assert (s.id, s.kind, s.tier) == ("billing", "db", "T1")
    assert s.data_classes == ["confidential", "financial"]
    assert s.size_gb == 12.5                      # decimal comma, as a European Excel writes it


def test_tab_delimited_export(policy, tmp_path):
    updated, report = import_systems(policy, write(tmp_path, "id\tkind\tenv\napp1\tvm\tprod\n"))
    assert report.delimiter == "\t" and updated.systems[-1].environment == "prod"


def test_header_only_file_adds_nothing(policy, tmp_path):
    updated, report = import_systems(policy, write(tmp_path, "id,kind\n"))
    assert updated.systems == policy.systems and report.added == []


# ----------------------------------------------------------------------------
# bad rows: each reported with its line, nothing imported
# ----------------------------------------------------------------------------
BAD = (
    "id,kind,tier,rpo,depends_on,owner\n"      # line 1
    "good-1,vm,T1,4h,,ops\n"                   # line 2: fine
    "app-2,databse,T1,4h,,ops\n"               # line 3: bad kind
    "app-3,vm,T1,1dd,,ops\n"                   # line 4: bad duration
    "good-1,vm,T1,4h,,ops\n"                   # line 5: duplicate of line 2
    "prod-postgres,db,T0,15m,,ops\n"           # line 6: duplicate of an existing system
    "app-7,vm,T9,4h,,ops\n"                    # line 7: tier not in the policy
    ",vm,T1,4h,,ops\n"                         # line 8: empty id
    "app-9,vm,T1,4h,nope-db,ops\n"             # line 9: dependency on nothing
)


def test_every_bad_row_is_reported_with_its_line_field_and_reason(policy, tmp_path):
    path = write(tmp_path, BAD)
    found = problems(policy, path)
    by_line = {p.line: p for p in found}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9]
    for p in found:
        assert p.file == str(path)
        assert str(p).startswith(f"{path}:{p.line}:")
    assert by_line[3].path == ("kind",) and "'databse'" in by_line[3].message
    assert "did you mean 'db'?" in by_line[3].message
    assert by_line[4].path == ("rpo",) and "'1dd' is not a duration" in by_line[4].message
    assert by_line[5].path == ("id",) and "line 2 of this file already uses it" in by_line[5].message
    assert by_line[6].path == ("id",) and "policy already has a system" in by_line[6].message
    assert by_line[7].path == ("tier",) and "'T9' is not defined in the policy" in by_line[7].message
    assert "T0, T1, T2, T3" in by_line[7].message
    assert by_line[8].path == ("id",) and "no id" in by_line[8].message
    assert by_line[9].path == ("depends_on",) and "'nope-db'" in by_line[9].message


def test_columns_of_bad_cells_are_given(policy, tmp_path):
    found = problems(policy, write(tmp_path, BAD))
    cols = {p.line: p.column for p in found}
    assert cols[3] == 2 and cols[4] == 4 and cols[7] == 3 and cols[8] == 1


def test_nothing_is_imported_when_any_row_is_bad(policy, tmp_path):
    path = write(tmp_path, "id,kind\nok-1,vm\nok-2,vm\nbad-3,spaceship\n")
    with pytest.raises(SpecError) as err:
        import_systems(policy, path)
    assert [p.line for p in err.value.problems] == [4]
    assert [s.id for s in policy.systems] == ["prod-postgres"]


def test_one_row_with_several_problems_reports_each(policy, tmp_path):
    found = problems(policy, write(tmp_path, "id,kind,tier,rto\nx,blob storage?,T7,24/7\n"))
    assert {p.path for p in found} == {("kind",), ("tier",), ("rto",)}
    assert {p.line for p in found} == {2}


def test_bad_value_in_an_aliased_column_names_the_column(policy, tmp_path):
    found = problems(policy, write(tmp_path, "System,Type\nx,mainframe\n"))
    assert "(column 'Type')" in found[0].message


def test_line_numbers_count_quoted_multi_line_cells_and_blank_lines(policy, tmp_path):
    text = 'id,description,kind\nok-1,"first line\nsecond line",vm\n\nbad-2,,toaster\n'
    found = problems(policy, write(tmp_path, text))
    assert [p.line for p in found] == [5]


def test_row_with_too_many_cells_is_reported(policy, tmp_path):
    found = problems(policy, write(tmp_path, "id,kind\napp1,vm,extra\n"))
    assert found[0].line == 2 and "header names 2 columns" in found[0].message


def test_file_without_a_system_column_is_refused(policy, tmp_path):
    found = problems(policy, write(tmp_path, "kind,owner\nvm,ops\n"))
    assert found[0].line == 1 and "id, name or system column" in found[0].message


def test_empty_and_missing_files_are_reported(policy, tmp_path):
    assert "empty" in problems(policy, write(tmp_path, ""))[0].message
    assert problems(policy, tmp_path / "missing.csv")[0].message == "no such file"
