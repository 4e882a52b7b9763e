"""Every finding's field paths lead somewhere the interview can open: the edit API reads (and can answer) them.

The gap panel jumps to ``finding.path``; the editor must resolve it, also when
it points inside a section the user has not answered yet.
"""

import pytest

from workbench.rules import evaluate
from workbench.spec.edit import Editor
from workbench.templates import list_templates, load_template

from .helpers import AS_OF, policy

SPARSE = {
    "tiers": [{"id": "T0", "rpo": "15m", "rto": "1h"}],
    "systems": [{"id": "db", "environment": "prod", "tier": "T0", "data_classes": ["pci"]}],
    "schedules": [{"id": "s", "systems": ["db"], "interval": "1d", "targets": ["vault", "tape"]}],
    "targets": [{"id": "vault", "region": "us-west-2"}, {"id": "tape", "media": "tape", "leaves_facility": True}],
    "roles": [{"id": "ops", "permissions": ["restore", "delete_recovery_point"], "members": ["u1"]}],
    "vendors": [{"id": "msp"}],
}


@pytest.mark.parametrize("name", [n for n, *_ in list_templates()] + ["sparse"])
def test_every_path_of_every_finding_resolves_in_the_editor(name):
    p = policy(SPARSE) if name == "sparse" else load_template(name)
    editor = Editor(p)
    report = evaluate(p, AS_OF)
    assert report.findings
    for f in report.findings:
        assert f.paths, f.rule
        for path in f.paths:
            editor.get(path)  # raises EditError for a path that leads nowhere
