"""Incremental evaluation for the app: an edit re-evaluates only what it can change.

The interview evaluates on every keystroke. A full :func:`~workbench.rules.evaluate` builds a new
:class:`~workbench.rules.context.Context` and runs every rule; an :class:`Evaluator` keeps the context and
each rule's findings, and on an edit (the :class:`~workbench.spec.edit.Change` the ``Editor`` reports):

* re-runs only the rules that read the top-level section the edit touched (:data:`READS`, one table for
  every rule; a rule missing from it counts as reading everything);
* for an edit inside one system (``systems[3].environment``), re-runs the rules whose findings about a
  system depend on that system alone (:data:`SYSTEM_LOCAL`) for that one system, keeping their findings
  about every other system;
* keeps the context's indexes when the edit cannot move them (a system's fields other than its id and
  tier; sections the indexes are not built from; the exceptions, whose index alone is rebuilt), and drops
  only the memos about the edited system and what rules stashed for one evaluation;
* always re-runs the exceptions rules (they judge how the other rules' findings were accepted);
* puts the findings together with the engine's own last step, the cross-rule post-processing
  (:func:`~workbench.rules.engine.finalize`: one cause one finding, questions together, evidence records,
  many subjects one finding), on the live context.

``tests/rules/test_incremental.py`` holds the proof: a Hypothesis test applies random edit sequences (set,
add, remove, undo, redo through the ``Editor``) to every starter and asserts that :meth:`Evaluator.report`
always equals a full evaluation, finding for finding and in order; another checks :data:`READS` against
what each rule is seen to read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from workbench.spec.model import Policy, System

from . import Report
from .context import Context
from .engine import RULES, Finding, Rule, _findings_of, finalize

#: Every top-level section of a spec.
SECTIONS: tuple[str, ...] = tuple(Policy.model_fields)
ALL = frozenset(SECTIONS)

# The top-level sections each rule reads, directly or through the context (see CONTEXT_READS). Found by
# tracing every rule over the starters and generated policies, widened by reading the rules, and checked by
# the tests. Severity modifiers add their own (sections_read). A rule not listed reads everything.
def _s(*sections: str) -> frozenset[str]:
    return frozenset(sections)


READS: dict[str, frozenset[str]] = {
    'GOV-001': _s('policy'),
    'GOV-002': _s('policy'),
    'GOV-003': _s('disposal', 'monitoring', 'roles', 'schedules'),
    'EVID-001': _s('baseline', 'engagement', 'evidence', 'monitoring', 'schedules', 'systems', 'tiers'),
    'EVID-002': _s('engagement', 'monitoring', 'policy', 'restore_tests', 'roles', 'schedules', 'systems', 'tiers'),
    'COV-001': _s('schedules', 'systems', 'tiers'),
    'COV-002': _s('schedules', 'systems', 'tiers'),
    'COV-003': _s('schedules', 'systems', 'tiers'),
    'COV-004': _s('schedules', 'systems', 'tiers'),
    'COV-005': _s('inventory', 'schedules', 'systems', 'tiers'),
    'SAAS-001': _s('baseline', 'schedules', 'systems', 'targets', 'tiers'),
    'COPY-001': _s('schedules', 'systems', 'targets', 'tiers'),
    'COPY-002': _s('engagement', 'schedules', 'systems', 'targets', 'tiers'),
    'COPY-003': _s('schedules', 'systems', 'targets', 'tiers'),
    'COPY-004': _s('engagement', 'schedules', 'systems', 'targets', 'tiers', 'vendors'),
    'FREQ-001': _s('schedules', 'systems', 'targets', 'tiers'),
    'FREQ-002': _s('roles', 'schedules', 'systems', 'targets', 'tiers'),
    'FREQ-003': _s('schedules', 'systems', 'tiers'),
    'FREQ-004': _s('engagement', 'schedules', 'systems', 'tiers'),
    'RTO-001': _s('restore_tests', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'RTO-002': _s('roles', 'schedules', 'systems', 'targets', 'tiers'),
    'RTO-003': _s('roles', 'schedules', 'systems', 'targets', 'tiers'),
    'IMM-001': _s('keys', 'principals', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'IMM-002': _s('keys', 'principals', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'ENC-001': _s('keys', 'principals', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'ENC-002': _s('keys', 'principals', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'ENC-003': _s('keys', 'principals', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'ENC-004': _s('keys', 'principals', 'restore_tests', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'ENC-005': _s('keys', 'principals', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'ACC-001': _s('keys', 'principals', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'ACC-002': _s('keys', 'principals', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'ACC-003': _s('keys', 'principals', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'ACC-004': _s('baseline', 'keys', 'principals', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'ACC-005': _s('baseline', 'keys', 'principals', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'ACC-006': _s('baseline', 'keys', 'principals', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'MON-001': _s('monitoring', 'schedules', 'systems', 'targets', 'tiers'),
    'MON-002': _s('monitoring', 'schedules', 'systems', 'tiers'),
    'MON-003': _s('keys', 'monitoring', 'schedules', 'targets'),
    'TEST-001': _s('baseline', 'schedules', 'systems', 'tiers'),
    'TEST-002': _s('baseline', 'engagement', 'restore_tests', 'schedules', 'systems', 'tiers'),
    'TEST-003': _s('restore_tests', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'TEST-004': _s('restore_tests', 'roles', 'schedules', 'systems', 'targets', 'tiers'),
    'TEST-005': _s('engagement', 'restore_tests', 'systems'),
    'TEST-006': _s('dr_exercises', 'policy', 'tiers'),
    'RET-001': _s('schedules', 'systems', 'targets', 'tiers'),
    'RET-002': _s('privacy', 'schedules', 'systems', 'targets', 'tiers'),
    'RET-003': _s('schedules', 'systems', 'targets', 'tiers'),
    'RET-004': _s('legal_holds', 'schedules', 'systems', 'targets', 'tiers'),
    'RET-005': _s('engagement', 'privacy', 'schedules', 'systems', 'targets', 'tiers'),
    'DISP-001': _s('disposal', 'schedules', 'systems', 'targets', 'tiers'),
    'VAGUE-001': ALL,
    'ASK-001': _s('engagement', 'organization', 'systems'),
    'VEND-001': _s('targets', 'vendors'),
    'CFG-001': _s('schedules', 'systems', 'tiers'),
    'EXC-001': _s('exceptions'),
    'EXC-002': _s('dr_exercises', 'exceptions', 'keys', 'legal_holds', 'principals', 'restore_tests', 'roles', 'schedules', 'systems', 'targets', 'tiers', 'vendors'),
    'REF-001': _s('dr_exercises', 'exceptions', 'follow_ups', 'keys', 'legal_holds', 'monitoring', 'principals', 'restore_tests', 'roles', 'schedules', 'systems', 'targets', 'tiers', 'vendors'),
}

#: Rules whose findings about a system depend only on that system (plus sections other than ``systems``):
#: re-run for the edited system alone. Each yields every finding with ``system=`` set to the system it is
#: about, and iterates the inventory through ``ctx.systems``, ``ctx.in_scope_systems`` or
#: ``ctx.policy.systems``. Chosen by re-running each rule for one edited system and comparing with a full
#: run over thousands of random edits; kept out: rules that also yield findings about no one system, and
#: rules whose findings never appeared in those runs (not proven either way).
SYSTEM_LOCAL: frozenset[str] = frozenset({
    "COPY-001", "COPY-002", "COPY-003", "COV-003", "FREQ-001", "FREQ-002", "IMM-002", "MON-001", "RET-001",
    "RET-003", "RTO-001", "RTO-003", "SAAS-001", "TEST-003", "TEST-004", "TEST-005",
})

#: The fields of a system each rule reads (directly, through the context, or in its severity modifiers), for
#: rules that read the systems: an edit of one field of one system skips the rules that never read it.
#: Traced like READS (tests/rules/tracing.py), through every attribute read on a system, each rule on a
#: context of its own. A rule that reads the systems and is not listed reads every field.
SYSTEM_FIELDS: dict[str, frozenset[str]] = {
    'EVID-001': _s('data_classes', 'environment', 'exclusion', 'id', 'regulatory_tags', 'tier'),
    'EVID-002': _s('data_classes', 'environment', 'exclusion', 'tier'),
    'COV-001': _s('data_classes', 'environment', 'exclusion', 'id', 'kind', 'tier'),
    'COV-002': _s('data_classes', 'environment', 'id', 'tier'),
    'COV-003': _s('data_classes', 'environment', 'exclusion', 'id', 'rpo', 'rto', 'tier'),
    'COV-004': _s('data_classes', 'depends_on', 'environment', 'exclusion', 'id', 'mtd', 'override_rationale', 'rpo', 'rto', 'tier'),
    'COV-005': _s('data_classes', 'environment', 'exclusion', 'tier'),
    'SAAS-001': _s('account', 'data_classes', 'environment', 'exclusion', 'id', 'kind', 'provider', 'regulatory_tags', 'rpo', 'rto', 'saas', 'tier'),
    'COPY-001': _s('data_classes', 'environment', 'exclusion', 'id', 'tier'),
    'COPY-002': _s('data_classes', 'environment', 'exclusion', 'id', 'region', 'site', 'tier'),
    'COPY-003': _s('account', 'data_classes', 'environment', 'exclusion', 'id', 'tier'),
    'COPY-004': _s('data_classes', 'environment', 'exclusion', 'id', 'regulatory_tags', 'residency', 'tier'),
    'FREQ-001': _s('data_classes', 'environment', 'exclusion', 'id', 'rpo', 'rto', 'tier'),
    'FREQ-002': _s('data_classes', 'environment', 'exclusion', 'id', 'region', 'rpo', 'rto', 'site', 'tier'),
    'FREQ-003': _s('data_classes', 'environment', 'exclusion', 'id', 'tier'),
    'FREQ-004': _s('data_classes', 'environment', 'exclusion', 'id', 'kind', 'tier'),
    'RTO-001': _s('data_classes', 'environment', 'exclusion', 'id', 'kind', 'rebuild_hours', 'rpo', 'rto', 'size_gb', 'tier'),
    'RTO-002': _s('account', 'data_classes', 'environment', 'exclusion', 'id', 'rebuild_hours', 'region', 'rpo', 'rto', 'site', 'size_gb', 'tier'),
    'RTO-003': _s('account', 'alternate_site', 'data_classes', 'environment', 'exclusion', 'id', 'provisioning_hours', 'rebuild_hours', 'region', 'restore_procedure', 'rpo', 'rto', 'site', 'size_gb', 'tier'),
    'IMM-001': _s('data_classes', 'environment', 'exclusion', 'id', 'regulatory_tags', 'tier'),
    'IMM-002': _s('regulatory_tags', 'tier'),
    'ENC-003': _s('account', 'environment'),
    'ENC-004': _s('id', 'tier'),
    'ENC-005': _s('data_classes', 'id', 'regulatory_tags', 'tier'),
    'ACC-001': _s('data_classes', 'environment', 'exclusion', 'id', 'tier'),
    'ACC-002': _s('id', 'tier'),
    'ACC-003': _s('id', 'tier'),
    'ACC-005': _s('data_classes', 'regulatory_tags'),
    'MON-001': _s('data_classes', 'environment', 'exclusion', 'id', 'tier'),
    'MON-002': _s('data_classes', 'environment', 'exclusion', 'id', 'rpo', 'rto', 'tier'),
    'TEST-001': _s('data_classes', 'environment', 'exclusion', 'id', 'regulatory_tags', 'tier'),
    'TEST-002': _s('data_classes', 'environment', 'exclusion', 'id', 'regulatory_tags', 'tier'),
    'TEST-003': _s('data_classes', 'environment', 'exclusion', 'id', 'region', 'regulatory_tags', 'rpo', 'rto', 'tier'),
    'TEST-004': _s('data_classes', 'environment', 'exclusion', 'id', 'region', 'site', 'tier'),
    'TEST-005': _s('tier'),
    'RET-001': _s('data_classes', 'environment', 'exclusion', 'id', 'kind', 'records_retention_via', 'regulatory_tags', 'tier'),
    'RET-002': _s('data_classes', 'environment', 'exclusion', 'id', 'kind', 'max_retention', 'records_retention_via', 'regulatory_tags', 'retention_justification', 'tier'),
    'RET-003': _s('data_classes', 'environment', 'exclusion', 'id', 'kind', 'records_retention_via', 'regulatory_tags', 'tier'),
    'RET-004': _s('id'),
    'RET-005': _s('data_classes', 'environment', 'exclusion', 'id', 'max_retention', 'regulatory_tags', 'tier'),
    'DISP-001': _s('data_classes', 'environment', 'exclusion', 'id', 'regulatory_tags', 'tier'),
    'CFG-001': _s('backs_up_system_state', 'data_classes', 'environment', 'exclusion', 'id', 'kind', 'tier'),
    'REF-001': _s('depends_on', 'id', 'tier'),
}

#: The same for the items of every other list section: section -> rule -> fields of its items the rule reads.
#: An edit of one field of one item (``targets[2].region``) re-runs only the rules that read that field of
#: that section (a rule reading the section and not listed here reads every field).
ITEM_FIELDS: dict[str, dict[str, frozenset[str]]] = {
    'tiers': {
        'EVID-002': _s('id', 'restore_test_interval'),
        'COV-003': _s('rpo', 'rto'),
        'COV-004': _s('mtd', 'rpo', 'rto'),
        'COV-005': _s('id', 'reconcile_interval'),
        'SAAS-001': _s('rpo', 'rto'),
        'COPY-001': _s('id', 'min_backup_copies', 'rank'),
        'FREQ-001': _s('rpo', 'rto'),
        'FREQ-002': _s('dr_rpo', 'rpo', 'rto'),
        'RTO-001': _s('dr_rto', 'id', 'rank', 'rpo', 'rto'),
        'RTO-002': _s('dr_rto', 'rpo', 'rto'),
        'RTO-003': _s('dr_rto', 'id', 'rank', 'rpo', 'rto'),
        'IMM-001': _s('id', 'rank', 'require_immutable'),
        'IMM-002': _s('id', 'rank'),
        'ENC-001': _s('id', 'rank'),
        'ENC-002': _s('id', 'rank'),
        'ENC-003': _s('id', 'rank'),
        'ENC-004': _s('id', 'rank'),
        'ENC-005': _s('id', 'rank'),
        'ACC-001': _s('id', 'rank'),
        'ACC-002': _s('id', 'rank'),
        'ACC-003': _s('id', 'rank'),
        'ACC-004': _s('id', 'rank'),
        'ACC-005': _s('id', 'rank'),
        'ACC-006': _s('id', 'rank'),
        'MON-002': _s('id', 'rank', 'rpo', 'rto'),
        'TEST-001': _s('id', 'rank', 'restore_test_interval'),
        'TEST-002': _s('id', 'rank', 'restore_test_interval'),
        'TEST-003': _s('dr_rpo', 'dr_rto', 'id', 'rank', 'rpo', 'rto'),
        'TEST-004': _s('full_restore_interval', 'id', 'rank'),
        'TEST-005': _s('id', 'rank'),
        'TEST-006': _s('id', 'rank'),
        'VAGUE-001': _s('description', 'dr_rpo', 'dr_rto', 'full_restore_interval', 'id', 'mtd', 'reconcile_interval', 'restore_test_interval', 'rpo', 'rto'),
    },
    'schedules': {
        'GOV-003': _s('interval'),
        'EVID-002': _s('started_on'),
        'COV-005': _s('id', 'systems'),
        'COPY-001': _s('id', 'targets', 'tiers', 'type', 'versioned'),
        'COPY-002': _s('id', 'targets', 'tiers', 'type', 'versioned'),
        'COPY-003': _s('id', 'targets', 'tiers', 'type', 'versioned'),
        'FREQ-001': _s('id', 'interval', 'type', 'versioned'),
        'FREQ-002': _s('copy_lag', 'id', 'interval', 'systems', 'tiers'),
        'FREQ-003': _s('automated', 'interval', 'systems', 'tiers', 'type', 'versioned'),
        'FREQ-004': _s('app_consistent', 'tiers', 'type', 'versioned'),
        'IMM-001': _s('systems', 'targets', 'tiers', 'type', 'versioned'),
        'IMM-002': _s('systems', 'targets', 'tiers', 'type', 'versioned'),
        'ENC-001': _s('systems', 'targets', 'tiers', 'type', 'versioned'),
        'ENC-002': _s('systems', 'targets', 'tiers', 'type', 'versioned'),
        'ENC-003': _s('systems', 'targets', 'tiers', 'type', 'versioned'),
        'ENC-004': _s('systems', 'targets', 'tiers', 'type', 'versioned'),
        'ENC-005': _s('systems', 'targets', 'tiers', 'type', 'versioned'),
        'ACC-001': _s('systems', 'targets', 'tiers', 'type', 'versioned'),
        'ACC-002': _s('systems', 'targets', 'tiers', 'type', 'versioned'),
        'ACC-003': _s('systems', 'targets', 'tiers', 'type', 'versioned'),
        'ACC-004': _s('systems', 'targets', 'tiers', 'type', 'versioned'),
        'ACC-005': _s('systems', 'targets', 'tiers', 'type', 'versioned'),
        'ACC-006': _s('systems', 'targets', 'tiers', 'type', 'versioned'),
        'MON-001': _s('copy_lag', 'targets', 'type'),
        'REF-001': _s('id', 'systems', 'targets', 'tiers'),
    },
    'targets': {
        'SAAS-001': _s('account', 'provider'),
        'COPY-001': _s('id', 'media', 'provider'),
        'COPY-002': _s('id', 'offline', 'region', 'site'),
        'COPY-003': _s('account', 'id', 'isolated_account', 'offline'),
        'COPY-004': _s('id', 'region', 'transfer_mechanism', 'vendor'),
        'FREQ-002': _s('id', 'region', 'site'),
        'RTO-001': _s('id', 'restore_throughput_gbph', 'retrieval_hours', 'retrieval_option', 'storage_class'),
        'RTO-002': _s('account', 'immutability', 'isolated_account', 'offline', 'region', 'restore_throughput_gbph', 'retrieval_hours', 'retrieval_option', 'site', 'storage_class'),
        'RTO-003': _s('id', 'region', 'restore_throughput_gbph', 'retrieval_hours', 'retrieval_option', 'site', 'storage_class'),
        'IMM-001': _s('encryption', 'id', 'immutability', 'offline'),
        'IMM-002': _s('encryption', 'id', 'immutability', 'offline', 'retention', 'soft_delete_days'),
        'ENC-001': _s('encryption'),
        'ENC-002': _s('encryption', 'id', 'media', 'transfer'),
        'ENC-003': _s('account', 'encryption', 'id', 'isolated_account'),
        'ENC-004': _s('encryption', 'id', 'region'),
        'ENC-005': _s('chain_of_custody', 'encryption', 'id', 'leaves_facility', 'media', 'storage_class'),
        'ACC-001': _s('encryption'),
        'ACC-002': _s('encryption'),
        'ACC-003': _s('encryption', 'id', 'immutability'),
        'ACC-004': _s('encryption'),
        'ACC-005': _s('encryption'),
        'ACC-006': _s('encryption'),
        'MON-003': _s('encryption', 'immutability'),
        'TEST-003': _s('region'),
        'TEST-004': _s('id', 'immutability', 'isolated_account', 'offline', 'region', 'site'),
        'RET-001': _s('id', 'retention'),
        'RET-002': _s('id', 'retention'),
        'RET-003': _s('id', 'retention', 'retrieval_hours', 'retrieval_option', 'storage_class'),
        'RET-004': _s('legal_hold_supported', 'retention'),
        'RET-005': _s('immutability'),
        'DISP-001': _s('media', 'provider', 'storage_class'),
        'VEND-001': _s('id', 'vendor'),
        'REF-001': _s('encryption', 'id', 'vendor'),
    },
    'keys': {
        'IMM-001': _s('admins', 'id'),
        'IMM-002': _s('admins', 'id'),
        'ENC-001': _s('admins', 'id'),
        'ENC-002': _s('admins', 'id'),
        'ENC-003': _s('account', 'admins', 'dual_control', 'id'),
        'ENC-004': _s('admins', 'deletion_window_days', 'id', 'region', 'replicas', 'retains_old_versions', 'rotation_interval'),
        'ENC-005': _s('admins', 'id'),
        'ACC-001': _s('admins', 'id'),
        'ACC-002': _s('admins', 'id'),
        'ACC-003': _s('admins', 'id'),
        'ACC-004': _s('admins', 'id'),
        'ACC-005': _s('admins', 'id'),
        'ACC-006': _s('admins', 'id'),
        'REF-001': _s('admins', 'id'),
    },
    'roles': {
        'GOV-003': _s('review_interval'),
        'EVID-002': _s('enforced_from'),
        'IMM-001': _s('id', 'permissions'),
        'IMM-002': _s('id', 'members', 'mfa_required', 'permissions', 'targets'),
        'ENC-001': _s('id', 'permissions'),
        'ENC-002': _s('id', 'permissions'),
        'ENC-003': _s('id', 'members', 'permissions', 'targets'),
        'ENC-004': _s('id', 'permissions'),
        'ENC-005': _s('id', 'permissions'),
        'ACC-001': _s('id', 'members', 'mfa_required', 'permissions'),
        'ACC-002': _s('id', 'members', 'permissions', 'targets'),
        'ACC-003': _s('dual_authorization_for', 'id', 'members', 'permissions', 'targets'),
        'ACC-004': _s('id', 'members', 'permissions'),
        'ACC-005': _s('id', 'last_review_on', 'permissions', 'review_interval', 'targets'),
        'ACC-006': _s('id', 'members', 'permissions'),
        'REF-001': _s('id', 'members', 'targets'),
    },
    'principals': {
        'IMM-001': _s('members'),
        'IMM-002': _s('members', 'mfa_enrolled', 'type'),
        'ENC-001': _s('members'),
        'ENC-002': _s('members'),
        'ENC-003': _s('members'),
        'ENC-004': _s('members'),
        'ENC-005': _s('members'),
        'ACC-001': _s('members', 'mfa_enrolled'),
        'ACC-002': _s('members', 'type'),
        'ACC-003': _s('members'),
        'ACC-004': _s('last_login', 'members', 'status', 'type'),
        'ACC-005': _s('members'),
        'ACC-006': _s('interactive_login', 'members', 'owner', 'type'),
    },
    'restore_tests': {
        'EVID-002': _s('date', 'system'),
        'RTO-001': _s('date', 'measured_rto'),
        'ENC-004': _s('date', 'result', 'source_target'),
        'TEST-002': _s('date', 'result', 'system'),
        'TEST-003': _s('date', 'id', 'measured_rpo', 'measured_rto', 'remediation_ticket', 'result', 'source_target', 'system'),
        'TEST-004': _s('date', 'id', 'source_target', 'type'),
        'TEST-005': _s('date', 'evidence_ref', 'id', 'integrity_check', 'system'),
        'EXC-002': _s('id'),
        'REF-001': _s('id', 'source_target', 'system'),
    },
    'dr_exercises': {
        'TEST-006': _s('date', 'scenarios', 'type'),
        'EXC-002': _s('id'),
        'REF-001': _s('id'),
    },
    'legal_holds': {
        'RET-004': _s('applies_to_backups', 'id', 'matter', 'released_on', 'since', 'systems'),
        'EXC-002': _s('id'),
        'REF-001': _s('id', 'systems'),
    },
    'vendors': {
        'COPY-004': _s('baa_signed', 'id', 'name'),
        'VEND-001': _s('bridge_letter', 'cuecs_mapped', 'id', 'name', 'soc2_type2_report_date'),
        'EXC-002': _s('id'),
        'REF-001': _s('id'),
    },
    'exceptions': {
        'FREQ-001': _s('scope'),
        'ACC-005': _s('scope'),
        'MON-002': _s('scope'),
        'TEST-002': _s('approved_by', 'expires_on', 'justification', 'scope'),
        'EXC-001': _s('approved_by', 'expires_on', 'id', 'justification', 'rule', 'scope'),
        'EXC-002': _s('approved_by', 'expires_on', 'justification'),
        'REF-001': _s('id'),
    },
    'follow_ups': {
        'REF-001': _s('id'),
    },
}

#: Fields of a list section's items that the context's indexes are built from (traced; every field of a
#: tier, as its level may come from its objectives): an edit of one re-runs every rule that reads the section.
INIT_FIELDS: dict[str, Optional[frozenset[str]]] = {
    "tiers": None,  # every field
    "schedules": _s("id", "interval", "job_duration", "performed_by", "systems", "targets", "tiers", "type",
                    "versioned"),
    "targets": _s("id", "managed_by"),
    "keys": _s("id"),
    "roles": _s("id", "members", "permissions"),
    "principals": _s("id"),
    "restore_tests": _s("date", "system"),
    "exceptions": None,  # handled on its own (acceptance)
}

#: What each member of the Context reads, for tracing rules (tests) and for reading this module.
CONTEXT_READS: dict[str, frozenset[str]] = {
    name: frozenset(sections) for names, sections in [
        (("today", "hit", "ask", "missing", "_gc", "restorable"), ()),
        (("availability", "category"), ("engagement",)),
        (("tiers", "tier_index", "tier", "tier_level", "critical", "tierp", "_tier_levels"), ("tiers",)),
        (("systems", "system_index", "sp", "valid_exempt", "tags", "records_min", "_tags"), ("systems",)),
        (("systems_by_tier",), ("systems", "tiers")),
        (("targets", "target_index", "tp", "retrieval_hours", "_ransomware_memo"), ("targets",)),
        (("keys", "key_index", "keyp"), ("keys",)),
        (("roles", "role_index", "rolep", "roles_by_perm", "holders", "holders_on", "_holders"), ("roles",)),
        (("principals", "principal_index", "principalp"), ("principals",)),
        (("schedule_index", "schp", "_schedule_ids_unique"), ("schedules",)),
        (("schedules", "_schedules"), ("schedules", "systems", "tiers")),
        (("copies", "copies_with_schedule", "rp_gap", "_plans", "_single_plans", "_pairs", "_plan_of",
          "_schedule_pairs", "_merged", "_merged_pairs", "_target_maps", "_schedule_plan"),
         ("schedules", "systems", "tiers", "targets")),
        (("rpo", "rto", "mtd", "dr_rpo", "dr_rto", "rpo_path", "rto_path", "_objectives_of", "_objectives"),
         ("systems", "tiers")),
        (("in_scope", "in_scope_systems"), ("systems", "tiers", "schedules")),
        (("restore_hours",), ("targets", "systems")),
        (("survives",), ("targets", "systems", "roles")),
        (("tests", "_tests"), ("restore_tests",)),
        (("alerts_covering",), ("monitoring",)),
        (("exceptions_for", "exception_valid", "_exceptions", "used_exceptions"), ("exceptions",)),
    ] for name in names
}

#: Sections the context's indexes are built from: an edit of one of these builds a new context.
INDEXED = frozenset({"engagement", "tiers", "systems", "targets", "keys", "roles", "principals", "schedules",
                     "restore_tests"})
#: Fields of a system the indexes are keyed on (systems by id and by tier, schedules by system).
_INDEXED_SYSTEM_FIELDS = frozenset({"id", "tier"})


#: What the rules added or extended by issue 12 §5 and issue 10 (policy-wide defaults, provider-run controls,
#: per-system and per-schedule cadences, follow-ups past due, weakenings) read beyond the traced tables above,
#: as tests/rules/tracing.py sees them. The four new rules re-run on every edit (ALL) until they are traced
#: finely: FUP-001 reads whichever field a follow-up names, so no narrower row is right for it.
_ADDED_READS = {
    "COPY-001": {"policy"}, "IMM-001": {"policy"}, "IMM-002": {"policy"}, "TEST-001": {"policy"},
    "TEST-002": {"policy"}, "TEST-004": {"policy"}, "RET-002": {"roles"}, "VEND-001": {"schedules"},
    "ASK-001": {"dr_exercises", "keys", "policy", "principals", "roles"},
}
_ADDED_SYSTEM_FIELDS = {
    "IMM-002": {"data_classes"}, "TEST-001": {"restore_test_interval"}, "TEST-002": {"restore_test_interval"},
    "RET-002": {"region", "site"}, "ASK-001": {"depends_on", "residency"}, "REF-001": {"exclusion"},
}
_ADDED_ITEM_FIELDS = {
    "tiers": {"IMM-002": {"require_immutable"}, "TEST-004": {"restore_test_method"}},
    "schedules": {"FREQ-001": {"job_duration"}, "TEST-001": {"restore_test_interval"},
                  "TEST-002": {"restore_test_interval"}, "VEND-001": {"performed_by"}, "REF-001": {"performed_by"}},
    "targets": {"IMM-002": {"isolated_account"}, "ENC-005": {"other_media"}, "RET-002": {"offline", "region", "site"},
                "DISP-001": {"other_media"}, "VEND-001": {"managed_by"}, "REF-001": {"managed_by"}},
    "keys": {"ASK-001": {"replicas"}},
    "roles": {"ASK-001": {"dual_authorization_for", "members", "permissions"}},
    "principals": {"ASK-001": {"members"}},
    "dr_exercises": {"ASK-001": {"scenarios"}},
}
for _rid in ("CHG-001", "FUP-001", "REST-001", "VEND-002"):
    READS[_rid] = ALL
for _rid, _extra in _ADDED_READS.items():
    READS[_rid] = READS[_rid] if READS[_rid] == ALL else READS[_rid] | frozenset(_extra)
for _rid, _extra in _ADDED_SYSTEM_FIELDS.items():
    SYSTEM_FIELDS[_rid] = SYSTEM_FIELDS.get(_rid, frozenset()) | frozenset(_extra)
# ASK-001 asks for any core answer a system leaves unset (a kind cleared back to unknown included), so every
# field of a system can change it: tracing on answered starters sees only the fields they leave unset.
SYSTEM_FIELDS["ASK-001"] = frozenset(System.model_fields)
for _section, _rules in _ADDED_ITEM_FIELDS.items():
    _table = ITEM_FIELDS.setdefault(_section, {})
    for _rid, _extra in _rules.items():
        _table[_rid] = _table.get(_rid, frozenset()) | frozenset(_extra)


def sections_read(r: Rule) -> frozenset[str]:
    """The sections ``r``'s findings depend on, its severity modifiers included."""
    found = READS.get(r.id)
    if found is None:
        return ALL
    if r.availability_only:
        found = found | {"engagement"}
    if r.tier_modifier:
        found = found | {"tiers", "systems"}
    if r.regimes:
        found = found | {"systems"}
    return found


class Evaluator:
    """A policy's findings, kept up to date edit by edit.

    ``Evaluator(policy, today)`` evaluates in full once; then call :meth:`apply` with each
    :class:`~workbench.spec.edit.Change` after it is applied to ``policy`` (or :meth:`attach` to an
    ``Editor``), and :meth:`report` for the findings, equal to ``evaluate(policy, today)``.
    """

    def __init__(self, policy: Policy, today: Optional[dt.date] = None):
        self.policy = policy
        self._today = today
        self._rules = [r for r in RULES.values() if r.family != "exceptions"]
        self._deferred = [r for r in RULES.values() if r.family == "exceptions"]  # judged after the others
        self._reads = {r.id: sections_read(r) for r in RULES.values()}
        self._local = {r.id for r in self._rules if r.id in SYSTEM_LOCAL and r.id in READS}
        every = frozenset(System.model_fields)
        self._fields = {r.id: every if self._reads[r.id] == ALL else SYSTEM_FIELDS.get(r.id, every)
                        for r in RULES.values()}
        #: What the last evaluation did: "full", "section", "system" or "kept", and how many rules it re-ran.
        self.last: dict[str, Any] = {}
        self.evaluate_all()

    # -- public ---------------------------------------------------------------
    def attach(self, editor) -> None:
        """Follow every edit, undo and redo of ``editor`` (whose policy must be this one)."""
        editor.subscribe(self.apply)

    def apply(self, change) -> None:
        """Bring the findings up to date with ``change`` (already applied to the policy)."""
        path = tuple(change.path)
        section = path[0] if path else None
        if section not in ALL or (section == "as_of" and self._today is None):
            self.evaluate_all()
            return
        if (section == "systems" and len(path) >= 3 and isinstance(path[1], int) and isinstance(path[2], str)
                and path[2] not in _INDEXED_SYSTEM_FIELDS and 0 <= path[1] < len(self.policy.systems)):
            a = self.policy.systems[path[1]]
            if self._ctx.systems.get(a.id) is a:  # a duplicated id (REF-001) is left to the whole-section path
                self._apply_system(a, path[2])
                return
        field = path[2] if len(path) >= 3 and isinstance(path[1], int) and isinstance(path[2], str) else None
        init = INIT_FIELDS.get(section, frozenset())
        if field is not None and section in ITEM_FIELDS and init is not None and field not in init:
            self._apply_section(section, field)
            return
        self._apply_section(section)

    def report(self) -> Report:
        """The findings now, as ``evaluate(policy, today)`` gives them."""
        if self._report is None:
            out: list[Finding] = []
            for rid, found in self._findings.items():
                out.extend(found)
                groups = self._by_system.get(rid)
                if groups:
                    for group in groups.values():
                        out.extend(group)
            self._report = Report(finalize(out, self._ctx), self._day)
        return self._report

    # -- evaluation ----------------------------------------------------------
    def evaluate_all(self) -> None:
        """Evaluate every rule afresh (first use; an edit of the evaluation date)."""
        from workbench.spec.io import _gc_paused

        with _gc_paused():
            self._day = self._today or self.policy.as_of or dt.date.today()
            self._as_of = self.policy.as_of
            self._new_context()
            self._findings: dict[str, list[Finding]] = {}
            self._by_system: dict[str, dict[int, list[Finding]]] = {}
            for r in self._rules:
                self._run(r)
            self._exception_keys = self._exception_signatures()
            self._run_deferred()
        self.last = {"how": "full", "rules": len(RULES)}

    def _new_context(self) -> None:
        self._ctx = Context(self.policy, self._day)
        self._base = frozenset(self._ctx.__dict__)  # the indexes; anything added later is a memo or a stash

    def _forget(self, a: System | None = None) -> None:
        """Drop what rules stashed on the context for one evaluation, and the memos about ``a``."""
        d = self._ctx.__dict__
        for name in [k for k in d if k not in self._base]:
            del d[name]
        if a is not None:
            self._ctx._tags.pop(id(a), None)
            self._ctx._objectives.pop(id(a), None)

    def _run(self, r: Rule) -> None:
        if r.id in self._local:
            systems: list = []
            found = list(_findings_of(r, self._ctx, systems))
            kept, groups = [], {}
            for f, a in zip(found, systems):
                if a is None:
                    kept.append(f)
                else:
                    groups.setdefault(id(a), []).append(f)
            self._findings[r.id] = kept
            self._by_system[r.id] = groups
        else:
            self._findings[r.id] = list(_findings_of(r, self._ctx))

    def _run_for(self, r: Rule, a: System) -> None:
        """Re-run a system-local rule for ``a`` alone, replacing its findings about ``a``."""
        systems: list = []
        found = list(_findings_of(r, _Focus(self._ctx, a, self._base), systems))
        mine = [f for f, s in zip(found, systems) if s is a]
        groups = self._by_system[r.id]
        if mine:
            groups[id(a)] = mine
        else:
            groups.pop(id(a), None)

    def _run_deferred(self) -> None:
        ctx = self._ctx
        ctx.used_exceptions = self._used_exceptions()
        for r in self._deferred:
            self._findings[r.id] = list(_findings_of(r, ctx))
        self._report = None

    def _used_exceptions(self) -> set[int]:
        """id() of each exception some finding was accepted by (what ``_accept`` records during a full run)."""
        ctx, used = self._ctx, set()
        for rid, excs in ctx._exceptions.items():
            found = list(self._findings.get(rid, ()))
            for group in self._by_system.get(rid, {}).values():
                found.extend(group)
            for f in found:
                if f.accepted is None:
                    continue
                for exc in excs:  # the first that matches, as _accept picks it
                    if (exc.scope == "*" or exc.scope == f.subject or exc.scope in f.scopes) \
                            and ctx.exception_valid(exc):
                        used.add(id(exc))
                        break
        return used

    def _exception_signatures(self) -> dict[str, tuple]:
        out: dict[str, list] = {}
        for e in self.policy.exceptions:
            out.setdefault(e.rule, []).append(
                (e.id, e.scope, e.approved_by, e.expires_on, e.justification, e.rule))
        return {k: tuple(v) for k, v in out.items()}

    def _apply_system(self, a: System, field: str) -> None:
        from workbench.spec.io import _gc_paused

        with _gc_paused():
            self._forget(a)
            whole = local = 0
            for r in self._rules:
                if "systems" not in self._reads[r.id] or field not in self._fields[r.id]:
                    continue
                if r.id in self._local:
                    self._run_for(r, a)
                    local += 1
                else:
                    self._run(r)
                    whole += 1
            self._run_deferred()
        self.last = {"how": "system", "rules": whole + len(self._deferred), "rules_for_one_system": local}

    def _apply_section(self, section: str, field: Optional[str] = None) -> None:
        """Re-run the rules that read ``section`` (with ``field``: that field of one of its items)."""
        from workbench.spec.io import _gc_paused

        with _gc_paused():
            changed: set[str] = set()
            if section == "targets" and field is not None:
                # a target's field the indexes are not built from: the plans hold the same Target objects;
                # only the memo of which copies survive ransomware reads a target's own fields
                self._forget()
                self._ctx._ransomware_memo.clear()
            elif section in INDEXED:
                self._new_context()
            else:
                self._forget()
                if section == "exceptions":
                    self._ctx.index_exceptions()
                    keys = self._exception_signatures()
                    changed = {rid for rid in keys.keys() | self._exception_keys.keys()
                               if keys.get(rid) != self._exception_keys.get(rid)}
                    self._exception_keys = keys
            n = 0
            fields = ITEM_FIELDS.get(section, {}) if field is not None else {}
            for r in self._rules:
                if field is not None and self._reads[r.id] != ALL and r.id in fields and field not in fields[r.id]:
                    continue
                if section in self._reads[r.id] or r.id in changed:
                    self._run(r)
                    n += 1
            self._run_deferred()
        self.last = {"how": "section", "section": section, "field": field, "rules": n + len(self._deferred)}


class _Focus:
    """The context as one system-local rule sees it when re-run for one system: that system is the whole
    inventory; every index, path and memo is the real context's. What a rule stashes stays here."""

    def __init__(self, ctx: Context, a: System, base: frozenset):
        self._ctx, self._base = ctx, base
        self.systems = {a.id: a}
        self.in_scope_systems = [a] if ctx.in_scope(a) else []
        self.policy = _PolicyView(ctx.policy, [a])

    def __getattr__(self, name: str):
        if name in self._base or hasattr(Context, name):
            return getattr(self._ctx, name)
        raise AttributeError(name)  # a rule's stash not made yet: it makes its own, here


class _PolicyView:
    def __init__(self, policy: Policy, systems: list):
        self._policy, self.systems = policy, systems

    def __getattr__(self, name: str):
        return getattr(self._policy, name)


__all__ = ["Evaluator", "INIT_FIELDS", "ITEM_FIELDS", "READS", "SYSTEM_FIELDS", "SYSTEM_LOCAL", "SECTIONS", "sections_read"]
