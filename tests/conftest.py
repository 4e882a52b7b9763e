"""Fixtures for the whole suite."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory):
    """The suite keeps what the workbench caches (the spec's core schemas) in a folder of its own, never the
    user's cache folder; commands the tests start inherit it."""
    saved = os.environ.get("WORKBENCH_CACHE_DIR")
    os.environ["WORKBENCH_CACHE_DIR"] = str(tmp_path_factory.mktemp("workbench-cache"))
    yield
    if saved is None:
        os.environ.pop("WORKBENCH_CACHE_DIR", None)
    else:
        os.environ["WORKBENCH_CACHE_DIR"] = saved


def pytest_configure(config):
    config.addinivalue_line("markers", "long: a test of minutes; run first, so the suite's other workers share "
                                       "the rest while it runs and it does not finish alone at the end")


def pytest_collection_modifyitems(config, items):
    """Long tests go first (a stable sort keeps the others in their order)."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
