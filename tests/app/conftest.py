"""Shared fixtures for the app tests: a private data directory and a fixed date."""

from __future__ import annotations

import datetime as dt

import pytest

TODAY = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Every test gets its own workspaces folder (never the user's)."""
    root = tmp_path / "data"
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(root))
    return root


@pytest.fixture
def root(data_dir):
    return data_dir / "workspaces"
