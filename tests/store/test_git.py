"""Git, where the user has it: publish commits and tags; git trouble is only a warning."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from workbench.store import Workspace
from workbench.store.publishing import publish

from .conftest import TODAY

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd, *args) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))  # no user config leaks in
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    return root


def test_publish_commits_and_tags_in_a_repository(repo, policy):
    ws = Workspace.create(repo)
    first = publish(ws, policy, bump="major", approver="Ann", note="first", today=TODAY)
    assert first.warnings == []
    assert first.git["tag"] == "v1.0"
    assert git(repo, "rev-parse", "v1.0^{commit}") == first.git["commit"]
    files = git(repo, "ls-files").splitlines()
    assert "versions/1.0/record.json" in files and "draft.yaml" in files and "published.json" in files
    assert git(repo, "status", "--porcelain", "--", "versions") == ""
    second = publish(ws, first.policy, bump="minor", approver="Bob", note="second", today=TODAY)
    assert second.git["tag"] == "v1.1"
    assert "Publish" in git(repo, "log", "-1", "--format=%s")


def test_a_workspace_inside_a_bigger_repository_gets_prefixed_tags(repo, policy):
    ws = Workspace.create(repo / "clients" / "acme")
    result = publish(ws, policy, bump="major", approver="Ann", note="first", today=TODAY)
    assert result.git["tag"] == "acme/v1.0"


def test_other_staged_work_is_not_committed(repo, policy):
    (repo / "notes.txt").write_text("mine")
    git(repo, "add", "notes.txt")
    publish(Workspace.create(repo), policy, bump="major", approver="Ann", note="first", today=TODAY)
    assert "notes.txt" not in git(repo, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert git(repo, "diff", "--cached", "--name-only") == "notes.txt"


def test_git_failure_is_a_warning_not_a_failed_publish(repo, policy):
    (repo / "README").write_text("x")
    git(repo, "add", "README")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "init")
    git(repo, "tag", "v1.0")  # the tag publish wants is taken
    result = publish(Workspace.create(repo), policy, bump="major", approver="Ann", note="first", today=TODAY)
    assert (repo / "versions" / "1.0" / "record.json").exists()
    assert result.git is None
    assert len(result.warnings) == 1 and "git tag failed" in result.warnings[0]


def test_no_repository_no_git(tmp_path, policy):
    result = publish(Workspace.create(tmp_path / "plain"), policy, bump="major", approver="Ann", note="first",
                     today=TODAY)
    assert result.git is None and result.warnings == []
