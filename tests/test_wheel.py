"""The installed wheel works on its own: data files ship, `widgets` is ours, commands run.

Builds the wheel once, installs it into a fresh virtualenv and runs the
command line from a folder outside the checkout, so nothing can be picked up
from the source tree by accident.
"""

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)])
    (wheel,) = dist.glob("*.whl")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    run([str(py), "-m", "pip", "install", "-q", str(wheel)])
    work = base / "elsewhere"
    work.mkdir()
    return py, env_dir / "bin" / "workbench", work


def test_templates_ship_in_the_wheel(installed):
    py, exe, work = installed
    out = run([str(exe), "templates", "--format", "json"], cwd=work)
    names = {t["name"] for t in json.loads(out)}
    assert len(names) >= 4
    run([str(exe), "new", "--template", sorted(names)[0], "-o", "client.yaml"], cwd=work)
    assert (work / "client.yaml").exists()
    report = subprocess.run([str(exe), "check", "client.yaml", "--format", "json"], cwd=work, capture_output=True, text=True)
    assert report.returncode in (0, 1), report.stderr
    assert "findings" in report.stdout


def test_packages_come_from_the_wheel_not_the_checkout(installed):
    py, exe, work = installed
    code = "import workbench, widgets, os; print(workbench.__file__); print(widgets.__file__)"
    out = run([str(py), "-c", code], cwd=work, env={**os.environ, "PYTHONPATH": ""})
    for line in out.split():
        assert "site-packages" in line, line


def test_document_templates_ship_in_the_wheel(installed):
    py, exe, work = installed
    name = json.loads(run([str(exe), "templates", "--format", "json"], cwd=work))[0]["name"]
    run([str(exe), "new", "--template", name, "-o", "doc.yaml", "--force"], cwd=work)
    run([str(exe), "render", "doc.yaml", "-f", "html", "-o", "client.html"], cwd=work)
    assert "<html" in (work / "client.html").read_text().lower()
