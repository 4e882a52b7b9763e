"""The same policy gives the same findings in every run, whatever Python's hash seed.

Messages name example systems ("... reaches the PCI data of payments-db"); if
they were picked from a set, each run (and each keystroke in the app) could
name a different one, and diffs of published findings would show noise.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROFILES = sorted((ROOT / "policy_templates" / "profiles").glob("*.yaml"))


def findings_with_seed(spec: Path, seed: str) -> list:
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "check", str(spec), "--format", "json", "--as-of", "2026-06-30",
         "--include-accepted"],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed},
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


@pytest.mark.parametrize("spec", PROFILES, ids=[p.stem for p in PROFILES])
def test_findings_do_not_depend_on_the_hash_seed(spec):
    assert findings_with_seed(spec, "1") == findings_with_seed(spec, "2") == findings_with_seed(spec, "3")
