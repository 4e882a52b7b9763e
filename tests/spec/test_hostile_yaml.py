"""Hostile spec files (issue 11 §1): nested aliases and huge files are refused at once, with file and line.

The bombs run in a subprocess under ``ulimit -v`` (virtual memory) and a timeout: before the budget
existed, the 379-byte file below took every command past 30 s and several GB.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.spec import SpecError, load, loads
from workbench.spec import io

LIST_BOMB = """\
organization:
  name: Bomb
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
# unknown (the word alone once made the loader walk the whole expansion)
"""

MAPPING_BOMB = """\
organization: {name: Bomb}
a: &a {k1: x, k2: x, k3: x, k4: x, k5: x, k6: x, k7: x, k8: x, k9: x}
b: &b {k1: *a, k2: *a, k3: *a, k4: *a, k5: *a, k6: *a, k7: *a, k8: *a, k9: *a}
c: &c {k1: *b, k2: *b, k3: *b, k4: *b, k5: *b, k6: *b, k7: *b, k8: *b, k9: *b}
d: &d {k1: *c, k2: *c, k3: *c, k4: *c, k5: *c, k6: *c, k7: *c, k8: *c, k9: *c}
e: &e {k1: *d, k2: *d, k3: *d, k4: *d, k5: *d, k6: *d, k7: *d, k8: *d, k9: *d}
f: &f {k1: *e, k2: *e, k3: *e, k4: *e, k5: *e, k6: *e, k7: *e, k8: *e, k9: *e}
g: &g {k1: *f, k2: *f, k3: *f, k4: *f, k5: *f, k6: *f, k7: *f, k8: *f, k9: *f}
h: &h {k1: *g, k2: *g, k3: *g, k4: *g, k5: *g, k6: *g, k7: *g, k8: *g, k9: *g}
"""

DEPENDS_ON_BOMB = """\
organization: {name: Bomb}
x0: &a [db, db, db, db, db, db, db, db, db, db]
x1: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
x2: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
x3: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
x4: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
systems:
  - id: db
    depends_on: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
"""


def refused(text: str) -> str:
    with pytest.raises(SpecError) as info:
        loads(text, "yaml", "bomb.yaml")
    (problem,) = info.value.problems
    return str(problem)


def test_nested_list_aliases_are_refused_at_the_alias_that_crosses_the_budget():
    message = refused(LIST_BOMB)
    assert message.startswith("bomb.yaml:7:")  # "e: &e [*d, ...": the first line whose aliases cross the budget
    assert "aliases (*name)" in message and "10,000" in message


def test_nested_mapping_aliases_and_a_bomb_under_depends_on_are_refused():
    assert refused(MAPPING_BOMB).startswith("bomb.yaml:")
    assert "aliases (*name)" in refused(MAPPING_BOMB)
    message = refused(DEPENDS_ON_BOMB)
    assert message.startswith("bomb.yaml:") and "aliases" in message


def test_an_alias_inside_itself_is_refused():
    assert "refers to the list or mapping that contains it" in refused("x: &x\n  - [1, 2]\n  - *x\n")


def test_a_few_shared_lists_still_load():
    policy = loads(
        "organization: {name: Acme}\n"
        "tiers: [{id: T1}]\n"
        "systems:\n"
        "  - {id: a, tier: T1, data_classes: &pii [pii, confidential]}\n"
        "  - {id: b, tier: T1, data_classes: *pii}\n",
        "yaml", "ok.yaml")
    assert [s.data_classes for s in policy.systems] == [["pii", "confidential"], ["pii", "confidential"]]


def test_a_file_over_the_size_limit_is_refused_unread_and_the_limit_can_be_raised(tmp_path, monkeypatch):
    big = tmp_path / "big.yaml"
    big.write_text("organization:\n  name: Big\n" + "# padding\n" * 300_000)  # about 3 MB
    monkeypatch.setattr(io, "MAX_SPEC_BYTES", 1024 * 1024)
    with pytest.raises(SpecError) as info:
        load(big)
    text = str(info.value)
    assert text.startswith(f"{big}:1: the file is 2.9 MB, over the 1 MB limit")
    assert "--max-spec-mb 3" in text
    assert load(big, max_bytes=4 * 1024 * 1024).organization.name == "Big"


def _run_limited(args, cwd, limit_kb=262_144, timeout=60):
    """Run the workbench in a child with its address space capped (``ulimit -v``) and a timeout."""
    command = f"ulimit -v {limit_kb}; exec {sys.executable} -m workbench {' '.join(args)}"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    return subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for ulimit")
@pytest.mark.parametrize("bomb", [LIST_BOMB, MAPPING_BOMB, DEPENDS_ON_BOMB], ids=["list", "mapping", "depends_on"])
@pytest.mark.parametrize("command", [["validate"], ["check"], ["render", "--format", "markdown"], ["convert"]])
def test_every_command_refuses_a_bomb_within_256_mb_of_address_space(tmp_path, bomb, command):
    (tmp_path / "bomb.yaml").write_text(bomb)
    args = command + ["bomb.yaml"] + (["out.json"] if command == ["convert"] else [])
    done = _run_limited(args, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "bomb.yaml:" in done.stderr and "aliases" in done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert not (tmp_path / "out.json").exists()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for ulimit")
def test_a_huge_file_is_refused_by_size_before_it_is_read(tmp_path):
    with open(tmp_path / "huge.yaml", "w") as fh:
        fh.write("organization:\n  name: Huge\nnotes: |\n")
        line = "  " + "x" * 98 + "\n"
        fh.write(line * 180_000)  # 18 MB: over the 16 MB default
    done = _run_limited(["check", "huge.yaml"], tmp_path)
    assert done.returncode == 2
    assert "huge.yaml:1: the file is 17.3 MB, over the 16 MB limit" in done.stderr
    assert "--max-spec-mb 18" in done.stderr
