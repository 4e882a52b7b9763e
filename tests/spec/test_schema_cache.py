"""The spec's validators built from kept core schemas validate, serialize and complain exactly as the ones
pydantic builds; a kept file that is stale, damaged or writable by others is never used; a cache folder
that cannot be written costs only the speed."""

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Loads every starter and a broken spec, edits a nested part (a valid and a refused assignment, a list
#: item added through the Editor), and prints what a user would see of each, plus how the validators were made.
PROBE = r"""
import json, sys
from workbench.spec import SpecError, load, loads, dumps
from workbench.spec import schema_cache
from workbench.spec.edit import Editor
from workbench.spec.model import Policy, System
from workbench.templates import list_templates, template_path
import pydantic

out = {}
for t in list_templates():
    name = t[0]
    policy = load(template_path(name))
    out[name] = [policy.model_dump(mode="json"), dumps(policy)]
try:
    loads("organization:\n  name: 3\nsystems:\n  - id: a\n    kind: dbx\n    tier: 7\n    bogus: 1\n", "yaml", "c.yaml")
except SpecError as exc:
    out["problems"] = [str(p) for p in exc.problems]
system = policy.systems[0]
system.name = "Renamed"
try:
    system.kind = "not-a-kind"
except pydantic.ValidationError as exc:
    out["assignment"] = [e["msg"] for e in exc.errors()]
editor = Editor(policy)
editor.add("systems", {"id": "new-sys", "kind": "db"})
editor.add("keys", {"id": "new-key", "provider": "aws_kms"})
out["added"] = [policy.systems[-1].model_dump(mode="json"), policy.keys[-1].model_dump(mode="json")]
out["kept_used"] = isinstance(schema_cache._schemas, dict) and "pydantic.plugin._loader" not in sys.modules
out["json_schema"] = Policy.model_json_schema()  # (encoding defaults looks pydantic's plugins up)
out["signature"] = str(System.__signature__)
print(json.dumps(out, sort_keys=True, default=str))
"""


def run(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DATA_DIR"}
    env["WORKBENCH_CACHE_DIR"] = str(cache)
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def normal_and_kept(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    first = run(cache)  # nothing kept yet: pydantic builds every validator, and the schemas are kept
    assert (cache / "spec-schema.pickle").is_file()
    second = run(cache)
    return cache, first, second


def _same(a: dict, b: dict) -> None:
    a = dict(a)
    b = dict(b)
    a.pop("kept_used")
    b.pop("kept_used")
    assert a.keys() == b.keys()
    for key in a:
        assert a[key] == b[key], key


def test_kept_schemas_validate_and_complain_as_pydantic_does(normal_and_kept):
    cache, first, second = normal_and_kept
    assert not first["kept_used"]
    assert second["kept_used"], "the second start built the validators again instead of using the kept schemas"
    assert len(first) > 8 and first["problems"] and first["assignment"]
    _same(first, second)


def test_the_kept_file_is_private(normal_and_kept):
    cache, *_ = normal_and_kept
    assert (cache / "spec-schema.pickle").stat().st_mode & 0o077 == 0


def _rewrite_header(path: Path, change) -> None:
    header, blob = pickle.loads(path.read_bytes())
    change(header)
    path.write_bytes(pickle.dumps((header, blob)))
    path.chmod(0o600)


@pytest.mark.parametrize("damage", ["stale source", "other pydantic", "garbage", "writable by others"])
def test_a_kept_file_that_does_not_fit_is_not_used_and_is_made_again(normal_and_kept, tmp_path, damage):
    _, first, _ = normal_and_kept
    cache = tmp_path / "cache"
    run(cache)
    kept = cache / "spec-schema.pickle"
    if damage == "stale source":
        _rewrite_header(kept, lambda h: h["stamps"].update({next(iter(h["stamps"])): "0" * 64}))
    elif damage == "other pydantic":
        _rewrite_header(kept, lambda h: h.update(versions=h["versions"][:3] + ("1.0.0",) + h["versions"][4:]))
    elif damage == "garbage":
        kept.write_bytes(b"\x80\x05not a pickle at all")
    else:
        kept.chmod(0o666)
    got = run(cache)
    assert not got["kept_used"]
    _same(first, got)
    if damage != "writable by others":  # a file someone else could have written is left for its owner to see
        assert run(cache)["kept_used"], "the kept file was not made again"


def test_a_cache_folder_that_cannot_be_written_costs_only_speed(normal_and_kept, tmp_path):
    _, first, _ = normal_and_kept
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    got = run(blocker / "cache")
    assert not got["kept_used"]
    _same(first, got)


def test_check_says_the_same_with_and_without_kept_schemas(tmp_path):
    from workbench.templates import template_path

    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DATA_DIR"}
    env["WORKBENCH_CACHE_DIR"] = str(tmp_path / "cache")
    bad = tmp_path / "bad.yaml"
    bad.write_text("organization:\n  name: Acme\nsystems:\n  - id: a\n    kind: dbx\n    tier: T1\n")
    outputs = []
    for _ in range(2):
        runs = []
        for args in (["check", str(template_path("saas-startup")), "--as-of", "2026-06-30"], ["check", str(bad)]):
            done = subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True,
                                  cwd=ROOT, env=env, timeout=300)
            runs.append((done.returncode, done.stdout, done.stderr))
        outputs.append(runs)
    assert outputs[0] == outputs[1]
    assert "bad.yaml:5" in outputs[0][1][2]  # the refused kind, at its line


@pytest.mark.parametrize("xdg", [None, "/tmp/xdg-cache", "relative/cache", ""])
@pytest.mark.parametrize("home", ["/home/someone", None, "relative-home"])
def test_the_cache_folder_is_the_one_platformdirs_names(xdg, home):
    code = ("import platformdirs; from workbench.spec.schema_cache import cache_dir; "
            "print(cache_dir()); print(platformdirs.user_cache_dir('backup-policy-workbench', appauthor=False))")
    env = {k: v for k, v in os.environ.items()
           if k not in ("WORKBENCH_CACHE_DIR", "WORKBENCH_DATA_DIR", "XDG_CACHE_HOME", "HOME")}
    if xdg is not None:
        env["XDG_CACHE_HOME"] = xdg
    if home is not None:
        env["HOME"] = home
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    ours, theirs = done.stdout.splitlines()
    assert ours == theirs


PLUGIN = '''
class _Recorder:
    def new_schema_validator(self, schema, schema_type, schema_type_path, schema_kind, config, plugin_settings):
        print("PLUGIN SAW", schema_type_path.name, flush=True)
        return None, None, None

plugin = _Recorder()
'''


def test_a_pydantic_plugin_installed_later_still_sees_the_spec_validated(tmp_path):
    """Kept schemas skip pydantic's plugin look-up only while no plugin can have appeared since."""
    cache = tmp_path / "cache"
    run(cache)
    assert (cache / "spec-schema.pickle").is_file()
    plugin_dir = tmp_path / "plugins"
    (plugin_dir / "wb_probe_plugin-1.0.dist-info").mkdir(parents=True)
    (plugin_dir / "wb_probe_plugin.py").write_text(PLUGIN)
    (plugin_dir / "wb_probe_plugin-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: wb-probe-plugin\nVersion: 1.0\n")
    (plugin_dir / "wb_probe_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[pydantic]\nprobe = wb_probe_plugin:plugin\n")
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DATA_DIR"}
    env.update(WORKBENCH_CACHE_DIR=str(cache), PYTHONPATH=str(plugin_dir))
    code = ("from workbench.templates import template_path; from workbench.spec import load; "
            "load(template_path('saas-startup'))")
    for _ in range(2):  # the second start too: nothing was kept for a process that has a plugin
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        assert "PLUGIN SAW" in done.stdout
