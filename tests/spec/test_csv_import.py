"""CSV rows for any table: every row checked before anything is added; bad rows named by line and column."""

import pytest

from workbench.spec.csv_import import read_items
from workbench.spec.io import SpecError
from workbench.templates import new_policy_from_template


@pytest.fixture
def policy():
    return new_policy_from_template("saas-startup", "Acme")


def test_targets_are_read_with_nested_fields_lists_and_yes_no(tmp_path, policy):
    f = tmp_path / "t.csv"
    f.write_text("ID,Provider,Region,Storage class,Offline,Other media,Retention daily,encryption.at_rest\n"
                 "vault-2,aws,eu-west-1,glacier_ir,no,tape;disk,35d,yes\n"
                 "vault-3,azure,westeurope,,unknown,,,\n", encoding="utf-8")
    rows = read_items(policy, "targets", f)
    assert rows.lines == [2, 3]
    assert rows.items[0] == {"id": "vault-2", "provider": "aws", "region": "eu-west-1", "storage_class": "glacier_ir",
                             "offline": False, "other_media": ["tape", "disk"], "retention": {"daily": "35d"},
                             "encryption": {"at_rest": True}}
    assert rows.items[1] == {"id": "vault-3", "provider": "azure", "region": "westeurope"}


def test_a_bad_row_refuses_the_whole_file_naming_line_column_and_field(tmp_path, policy):
    existing = policy.targets[0].id
    f = tmp_path / "t.csv"
    f.write_text("id,storage_class,retention.daily\n"
                 "ok-1,standard,30d\n"
                 f"{existing},standard,30d\n"
                 "ok-2,glaciar,30d\n"
                 "ok-3,standard,30 days please\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        read_items(policy, "targets", f)
    text = [str(p) for p in info.value.problems]
    assert len(text) == 3
    assert text[0].startswith(f"{f}:3:1: id: duplicate id {existing!r}")
    assert text[1].startswith(f"{f}:4:2: storage_class:") and "glacier" in text[1]
    assert text[2].startswith(f"{f}:5:3: retention.daily:")


def test_systems_go_through_the_inventory_importer(tmp_path, policy):
    f = tmp_path / "s.csv"
    tier = policy.tiers[0].id
    f.write_text(f"Name,Type,Env,Tier\nnew-db,postgres,production,{tier}\nnew-vm,vm,prod,T9\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        read_items(policy, "systems", f)
    assert [p.line for p in info.value.problems] == [3] and "tier 'T9' is not defined" in str(info.value)
    f.write_text(f"Name,Type,Env,Tier\nnew-db,postgres,production,{tier}\n", encoding="utf-8")
    rows = read_items(policy, "systems", f)
    assert rows.items == [{"id": "new-db", "kind": "db", "environment": "prod", "tier": tier}]
    assert len(policy.systems) == len(new_policy_from_template("saas-startup", "Acme").systems)  # untouched


def test_restore_tests_need_their_required_column_and_an_empty_file_is_refused(tmp_path, policy):
    f = tmp_path / "r.csv"
    f.write_text("id,date,result\nRT-9,2026-05-01,pass\n", encoding="utf-8")
    with pytest.raises(SpecError, match="no column for system"):
        read_items(policy, "restore_tests", f)
    f.write_text("system,date,result\ndb,2026-05-01,pass\ndb,2026-13-01,pass\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        read_items(policy, "restore_tests", f)
    assert [(p.line, p.column) for p in info.value.problems] == [(3, 2)]
    f.write_text("", encoding="utf-8")
    with pytest.raises(SpecError, match="empty"):
        read_items(policy, "restore_tests", f)
    with pytest.raises(SpecError, match="no such file"):
        read_items(policy, "keys", tmp_path / "missing.csv")


@pytest.mark.parametrize("head", ["systems", "targets"])
def test_an_unclosed_quote_is_refused_at_the_row_it_opens_on(tmp_path, policy, head):
    """It read every row after it as one cell: 'web' and a system named 'broken,prod\\napi,prod'."""
    f = tmp_path / "inventory.csv"
    f.write_text('id,environment\nweb,prod\n"broken,prod\napi,prod\n', encoding="utf-8")
    with pytest.raises(SpecError) as info:
        read_items(policy, head, f)
    (problem,) = info.value.problems
    assert str(problem).startswith(f"{f}:3: not readable as CSV: a quote opened in this row is never closed")


def test_a_binary_file_is_refused_and_a_utf16_export_is_read(tmp_path, policy):
    xlsx = tmp_path / "inventory.csv"
    xlsx.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))  # a workbook saved under a .csv name
    with pytest.raises(SpecError) as info:
        read_items(policy, "systems", xlsx)
    assert "not a CSV text file (it holds NUL bytes)" in str(info.value.problems[0])
    utf16 = tmp_path / "unicode.csv"
    utf16.write_bytes("id\tenvironment\nzürich-db\tprod\n".encode("utf-16"))
    assert read_items(policy, "systems", utf16).items == [{"id": "zürich-db", "environment": "prod"}]
