"""Start-up imports only what a command needs: ``workbench --help`` loads neither pydantic nor PyYAML,
and ``workbench rules`` (which validates nothing) does not build the spec's validators."""

import subprocess
import sys

PROBE = """
import sys
from workbench.cli import main
try:
    main({args!r})
except SystemExit:
    pass
{check}
"""


def _run(args, check):
    done = subprocess.run([sys.executable, "-c", PROBE.format(args=args, check=check)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_help_imports_neither_pydantic_nor_yaml():
    out = _run(["--help"], "assert not {'pydantic', 'yaml', 'workbench.spec'} & set(sys.modules), "
                           "sorted({'pydantic', 'yaml', 'workbench.spec'} & set(sys.modules))")
    assert "usage: workbench" in out


def test_rules_does_not_build_the_spec_validators():
    _run(["rules"], "from workbench.spec.model import Policy\n"
                    "assert not Policy.__pydantic_complete__, 'the Policy validator was built for nothing'")
