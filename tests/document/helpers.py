"""Small policies for document tests, built from plain data."""

from __future__ import annotations

import datetime as dt

from workbench.rules import evaluate
from workbench.spec import Policy
from workbench.spec.io import strip_unknown

AS_OF = dt.date(2026, 6, 30)
HOSTILE = ["<script>alert(1)</script>", "{{ x }}", "| pipe |", "**bold**"]


def policy(data: dict) -> Policy:
    return Policy.model_validate(strip_unknown(data))


def report(p: Policy, as_of: dt.date = AS_OF):
    return evaluate(p, as_of)


def full() -> dict:
    """A policy that answers most questions, with one tier left partly open."""
    return {
        "organization": {"name": "Acme Health", "description": "Clinic scheduling software."},
        "policy": {
            "id": "BKP-POL-007", "title": "Backup and Recovery Policy", "version": "1.2",
            "purpose": "Keep patient scheduling data recoverable within agreed objectives.",
            "owner": {"name": "Ana Ruiz", "role": "Head of Infrastructure"},
            "approver": {"name": "Lee Chen", "role": "CTO"},
            "approved_on": "2026-02-01", "effective_from": "2026-02-15", "last_reviewed_on": "2026-02-01",
            "review_interval": "1y", "communicated_to": ["infrastructure", "security"],
        },
        "engagement": {"soc2_type": "II", "period_start": "2026-01-01", "period_end": "2026-12-31",
                       "categories": ["security", "availability"], "frameworks": ["hipaa", "iso_27001"]},
        "tiers": [
            {"id": "T1", "name": "Critical", "rpo": "4h", "rto": "1d", "mtd": "2d", "min_backup_copies": 2,
             "require_immutable": True, "restore_test_interval": "3mo", "full_restore_interval": "1y"},
            {"id": "T2", "name": "Important", "rto": "3d", "restore_test_interval": "regularly"},
        ],
        "inventory": {"source": "CMDB", "reconcile_interval": "1mo", "last_reconciled_on": "2026-06-01"},
        "systems": [
            {"id": "prod-db", "description": "Scheduling database", "kind": "db", "environment": "prod",
             "owner": "platform", "tier": "T1", "data_classes": ["phi"], "region": "us-east-1"},
            {"id": "files", "kind": "fileshare", "environment": "prod", "owner": "it", "tier": "T2",
             "data_classes": ["internal"], "region": "us-east-1"},
            {"id": "cache", "environment": "prod", "tier": "T2",
             "exclusion": {"reason": "Stateless, rebuilt on start", "approved_by": "Lee Chen"}},
            {"id": "sandbox", "environment": "dev", "data_classes": ["public"]},
        ],
        "schedules": [
            {"id": "sch-db", "systems": ["prod-db"], "type": "snapshot", "interval": "1h", "automated": True,
             "targets": ["vault-use1", "vault-usw2"]},
            {"id": "sch-files", "tiers": ["T2"], "type": "incremental", "interval": "daily", "automated": True,
             "targets": ["vault-use1"]},
        ],
        "targets": [
            {"id": "vault-use1", "provider": "aws", "account": "prod", "region": "us-east-1",
             "immutability": {"mode": "none"}, "isolated_account": False,
             "encryption": {"at_rest": True, "algorithm": "AES-256", "key": "k1"},
             "transfer": {"protocol": "https", "tls_min": "1.2"}, "retention": {"daily": "35d", "max": "1y"}},
            {"id": "vault-usw2", "provider": "aws", "account": "backup", "region": "us-west-2",
             "immutability": {"mode": "compliance", "days": 35}, "isolated_account": True,
             "encryption": {"at_rest": True, "algorithm": "AES-256", "key": "k1"},
             "transfer": {"protocol": "https", "tls_min": "1.2"}, "retention": {"daily": "35d", "max": "7y"}},
        ],
        "keys": [{"id": "k1", "provider": "aws_kms", "region": "us-east-1", "replicas": ["us-west-2"], "admins": ["u-sec"]}],
        "roles": [{"id": "backup-operator", "permissions": ["run", "restore"], "members": ["u-ana"], "mfa_required": True,
                   "review_interval": "3mo", "last_review_on": "2026-05-01"}],
        "principals": [{"id": "u-ana", "name": "Ana Ruiz", "type": "human", "status": "active", "mfa_enrolled": True},
                       {"id": "u-sec", "name": "Sec Person", "type": "human", "status": "active", "mfa_enrolled": True}],
        "monitoring": {"alerts": [{"event": "job_failed", "channel": "pagerduty", "on_call": True}],
                       "failure_ticket_sla": "4h", "job_log_retention": "1y", "report_interval": "1mo", "report_to": "CTO"},
        "evidence": {"store": "GRC bucket", "immutable": True, "retention": "3y"},
        "restore_tests": [{"system": "prod-db", "date": "2026-05-15", "type": "database", "result": "pass",
                           "source_target": "vault-usw2", "integrity_check": True, "evidence_ref": "OPS-1"}],
        "dr_exercises": [{"id": "DR-1", "date": "2026-03-01", "type": "tabletop", "scenarios": ["ransomware"]}],
        "disposal": {"method": "nist_800_88_purge", "verification_interval": "3mo"},
        "exceptions": [{"id": "EXC-1", "rule": "COPY-003", "scope": "files", "justification": "Low value data",
                        "approved_by": "Lee Chen", "approved_on": "2026-02-01", "expires_on": "2026-12-31"}],
        "follow_ups": [{"id": "FU-1", "question": "What is the RPO of Tier 2?", "field": "tiers[1].rpo",
                        "owner": "Ana Ruiz", "due": "2026-07-15"}],
        "revisions": [{"version": "1.2", "date": "2026-02-01", "approver": "Lee Chen", "note": "Annual review"}],
    }


def hostile() -> dict:
    """A policy whose every free-text answer is an attempt to inject markup or template code."""
    data = full()
    data["organization"]["name"] = "<script>alert('org')</script>"
    data["organization"]["description"] = "{{ x }} and {% if 1 %}yes{% endif %} **bold** | pipe |"
    data["policy"]["purpose"] = "- not a list\n# not a heading\n[link](http://x) <b>b</b>"
    data["systems"][0]["description"] = "<script>alert(1)</script>"
    data["systems"][1]["owner"] = "| pipe |"
    data["systems"].append({"id": "<script>", "environment": "prod", "tier": "T1", "owner": "{{ x }}",
                            "description": "**bold** `code` _em_"})
    data["schedules"][0]["systems"].append("<script>")
    return data
