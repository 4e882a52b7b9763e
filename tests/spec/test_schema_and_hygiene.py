"""The published JSON Schema matches the model; the core never imports Textual."""

import json
import subprocess
import sys
from pathlib import Path

from workbench.commands.spec_cmds import schema_text

ROOT = Path(__file__).resolve().parents[2]


def test_schema_file_in_the_repository_matches_the_model():
    on_disk = (ROOT / "schema" / "policy-spec.schema.json").read_text()
    assert json.loads(on_disk) == json.loads(schema_text()), (
        "schema/policy-spec.schema.json is stale: run `workbench schema -o schema/policy-spec.schema.json`"
    )


def test_schema_describes_every_section_with_help_text():
    schema = json.loads(schema_text())
    props = schema["properties"]
    for section in ("policy", "engagement", "tiers", "systems", "schedules", "targets", "keys", "roles",
                    "monitoring", "restore_tests", "exceptions", "follow_ups", "revisions"):
        assert section in props and props[section].get("description"), section


def test_core_and_command_line_do_not_import_textual():
    code = (
        "import sys\n"
        "import workbench.spec, workbench.rules, workbench.store, workbench.cli\n"
        "import workbench.document\n"
        "from workbench.cli import main\n"
        "import glob, contextlib, io\n"
        "spec = sorted(glob.glob('policy_templates/profiles/*.yaml'))[0]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['rules']); main(['check', spec]); main(['render', spec])\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
