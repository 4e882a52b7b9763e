"""The command line: publish, verify, diff, workspaces, versions; messages, never tracebacks."""

from __future__ import annotations

import json
import os

import yaml

from workbench.cli import main
from workbench.spec import dumps

from .conftest import BASE, TODAY, make


def write(path, policy):
    path.write_text(dumps(policy))
    return str(path)


def run(capsys, *argv):
    code = main([*argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_publish_verify_versions_diff(tmp_path, capsys):
    spec = write(tmp_path / "acme.yaml", make(BASE))
    code, out, err = run(capsys, "publish", spec, "--bump", "major", "--approver", "Ann", "--note", "first",
                         "--as-of", TODAY.isoformat(), "--no-git")
    assert code == 0, err
    ws = tmp_path / "data" / "workspaces" / "acme-corp"
    assert f"Published Acme Corp policy 1.0 into {ws / 'versions' / '1.0'}" in out
    assert "policy.docx" in out and "record.json" in out

    raw = yaml.safe_load(open(spec))
    raw["targets"][0]["retention"]["daily"] = "30d"
    (tmp_path / "acme.yaml").write_text(yaml.safe_dump(raw))
    code, out, err = run(capsys, "publish", spec, "--bump", "minor", "--approver", "Bob", "--note", "shorter",
                         "--client", "Acme Corp", "--as-of", TODAY.isoformat(), "--no-git")
    assert code == 0, err
    assert "policy 1.1" in out

    code, out, _ = run(capsys, "versions", "acme-corp")
    assert code == 0 and "1.0" in out and "approved by Bob: shorter" in out
    code, out, _ = run(capsys, "workspaces")
    assert code == 0 and "acme-corp" in out and "version 1.1" in out
    code, out, _ = run(capsys, "verify", str(ws))
    assert code == 0 and "OK: 2 published versions" in out

    code, out, _ = run(capsys, "diff", f"{ws}@1.0", "acme-corp@1.1", "--as-of", TODAY.isoformat())
    assert code == 0 and "target vault-euc1: retention.daily 35d → 30d" in out and "Suggested bump: major" in out
    code, out, _ = run(capsys, "diff", "acme-corp@1.0", spec, "--format", "json")
    assert code == 0 and json.loads(out)["suggested_bump"] == "major"

    policy_md = ws / "versions" / "1.0" / "policy.md"
    os.chmod(policy_md, 0o644)
    policy_md.write_text("changed")
    code, out, _ = run(capsys, "verify", "Acme Corp")
    assert code == 1 and "versions/1.0/policy.md: content changed" in out


def test_publish_refused_lists_the_blockers(tmp_path, capsys):
    raw = {**BASE, "systems": BASE["systems"] + [{"id": "crm", "tier": "T2"}]}
    spec = write(tmp_path / "acme.yaml", make(raw, keep=("COV-001",)))
    code, out, err = run(capsys, "publish", spec, "--bump", "major", "--approver", "Ann", "--note", "first",
                         "--workspace", str(tmp_path / "ws"), "--as-of", TODAY.isoformat())
    assert code == 1
    assert "version 1.0 was not published: 1 open blocker gap" in err
    assert "[COV-001] crm" in err and "Nothing was written" in err
    assert list((tmp_path / "ws" / "versions").iterdir()) == []


def test_clear_messages_instead_of_tracebacks(tmp_path, capsys):
    code, _, err = run(capsys, "verify", str(tmp_path / "nowhere"))
    assert code == 2 and "no such workspace folder" in err
    code, _, err = run(capsys, "diff", "a.yaml", "b.yaml")
    assert code == 2 and "a.yaml" in err
    spec = write(tmp_path / "anon.yaml", make({k: v for k, v in BASE.items() if k != "organization"}))
    code, _, err = run(capsys, "publish", spec, "--bump", "major", "--approver", "A", "--note", "n")
    assert code == 2 and "--workspace DIR or --client NAME" in err
    code, _, err = run(capsys, "diff", f"{tmp_path}@1.0", spec)
    assert code == 2 and "not a workspace" in err
    code, out, _ = run(capsys, "workspaces")
    assert code == 0 and "No client workspaces" in out
