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


def test_check_holds_the_collector_only_while_it_imports_and_leaves_nothing_frozen(monkeypatch, capsys):
    """`check` holds the garbage collector while it imports pydantic, the spec and the rules, and moves what they
    made out of its sight (their objects live as long as the process); the collector runs while the spec is
    loaded and evaluated, and nothing stays frozen once the command is done (tests run many in one process)."""
    import gc

    import workbench.rules
    from workbench.cli import main
    from workbench.templates import template_path

    seen = []
    real = workbench.rules.evaluate

    def evaluate(policy, as_of=None):
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        return real(policy, as_of)

    monkeypatch.setattr(workbench.rules, "evaluate", evaluate)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    status = main(["check", str(template_path("saas-startup"))])
    assert status in (0, 1) and "saas" in capsys.readouterr().out.lower()
    assert seen == [(True, True)], "the collector was held while evaluating, or nothing was frozen"
    assert gc.isenabled() and gc.get_freeze_count() == 0, "the collector was left held, or objects frozen"


def test_check_leaves_a_held_collector_held(monkeypatch, capsys):
    import gc

    from workbench.cli import main
    from workbench.templates import template_path

    gc.disable()
    try:
        main(["check", str(template_path("saas-startup"))])
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
