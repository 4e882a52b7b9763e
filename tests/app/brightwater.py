"""The client of the scripted interview: Brightwater Logistics, a UK freight-tracking SaaS with 20 systems.

Every answer the consultant gives is here, as the client would give it: the
systems and what they hold, three tiers, the backup schedules and vaults,
the keys, who may restore and delete, the tests and exercises already run,
the monitoring and the governance. ``ITEMS`` holds each list's items (what
the add form asks, then the item's answers by field); ``ANSWERS`` the
policy-wide answers by path. Values are what the consultant types or picks:
text as typed, a choice by its value, yes/no as True/False, several choices
or ids as a list.
"""

from __future__ import annotations


def _system(id, description, kind, environment, owner, tier, data_classes, provider, where=None, saas=None,
            **more):
    item = {"id": id, "description": description, "kind": kind, "environment": environment, "owner": owner,
            "tier": tier, "data_classes": data_classes, "provider": provider,
            "restore_procedure": f"RB-{len(_SYSTEMS) + 1:02d} Restore {id} (Confluence runbook)"}
    if where is not None:
        item["site" if provider == "on_prem" else "region"] = where
    if saas is not None:
        item["saas.provider"], item["saas.native_recovery_window"], item["saas.restore_horizon"] = saas
    # how long a replacement takes to stand up, and whether the backup holds the system's configuration too
    item["provisioning_hours"] = {"T0": 2, "T1": 8}.get(tier, 24)
    item["alternate_site"] = "warm" if tier == "T0" else "cold"
    item["backs_up_system_state"] = True
    item.update(more)
    _SYSTEMS.append(item)


_SYSTEMS: list[dict] = []
_system("tracking-db", "PostgreSQL (RDS) database of shipments and tracking events", "db", "prod",
        "Platform team", "T0", ["confidential", "pii"], "aws", "eu-west-2")
_system("orders-db", "PostgreSQL (RDS) database of customer bookings and invoices", "db", "prod",
        "Platform team", "T0", ["confidential", "pii", "financial"], "aws", "eu-west-2")
_system("events-stream", "Kafka (MSK) stream of vehicle position events", "transactional_store", "prod",
        "Platform team", "T0", ["confidential"], "aws", "eu-west-2")
_system("api-cluster", "EKS cluster running the customer API and web app", "k8s", "prod",
        "Platform team", "T0", ["internal"], "aws", "eu-west-2")
_system("documents-bucket", "S3 bucket of customs documents and proofs of delivery", "object_store", "prod",
        "Platform team", "T0", ["confidential", "pii"], "aws", "eu-west-2", size_gb=2400)
_system("platform-secrets", "AWS Secrets Manager secrets of the platform", "secrets", "prod",
        "Security team", "T0", ["restricted"], "aws", "eu-west-2")
_system("platform-kms", "AWS KMS keys that encrypt the production data stores", "kms", "prod",
        "Security team", "T0", ["restricted"], "aws", "eu-west-2")
_system("okta", "Okta single sign-on for staff and the admin consoles", "idp", "corp",
        "IT team", "T1", ["internal", "pii"], "okta", "Okta EU cell (Frankfurt)")
_system("search-index", "OpenSearch index of shipments for customer search", "db", "prod",
        "Platform team", "T1", ["confidential"], "aws", "eu-west-2")
_system("analytics-warehouse", "Redshift warehouse behind customer reporting", "db", "prod",
        "Data team", "T1", ["confidential"], "aws", "eu-west-2")
_system("app-logs", "CloudWatch Logs of the platform: application and audit logs", "log_store", "prod",
        "Platform team", "T1", ["logs"], "aws", "eu-west-2")
_system("github", "GitHub organisation: platform source code and Terraform", "config_repo", "corp",
        "Platform team", "T1", ["confidential"], "github", "github.com (US)")
_system("cloudflare-dns", "Cloudflare DNS zones of brightwater.example", "dns", "prod",
        "Platform team", "T1", ["internal"], "cloudflare", "global anycast")
_system("m365", "Microsoft 365 mail, OneDrive and SharePoint for staff", "saas", "corp",
        "IT team", "T1", ["confidential", "pii"], "microsoft", saas=("Microsoft 365", "93d", "1y"))
_system("xero", "Xero accounting ledgers and payroll journals", "saas", "corp",
        "Finance team", "T1", ["financial"], "xero", saas=("Xero", "30d", "7y"))
_system("hubspot", "HubSpot CRM of customers, contacts and deals", "saas", "corp",
        "Sales operations", "T1", ["confidential", "pii"], "hubspot", saas=("HubSpot", "90d", "1y"))
_system("stripe-billing", "Stripe subscriptions and payment records", "saas", "prod",
        "Finance team", "T1", ["financial", "pii"], "stripe", saas=("Stripe", "30d", "7y"))
_system("jira", "Jira and Confluence: tickets, runbooks and the evidence folder", "saas", "corp",
        "IT team", "T1", ["internal"], "atlassian", saas=("Atlassian Cloud", "30d", "1y"))
_system("file-share", "Windows file server in the Leeds office: HR and finance folders", "fileshare", "corp",
        "IT team", "T1", ["confidential", "pii", "financial"], "on_prem", "Leeds office comms room",
        region="UK (Leeds office)")
_system("laptops", "Staff MacBooks managed by Jamf; work files sync to OneDrive", "endpoint", "corp",
        "IT team", "T2", ["internal", "confidential"], "jamf")

SYSTEM_IDS = [s["id"] for s in _SYSTEMS]
T0 = [s["id"] for s in _SYSTEMS if s["tier"] == "T0"]
T1 = [s["id"] for s in _SYSTEMS if s["tier"] == "T1"]

ITEMS: dict[str, list[dict]] = {
    "tiers": [
        {"id": "T0", "name": "Mission-critical",
         "description": "The tracking platform and what it stands on; an outage stops customers booking or "
                        "tracking shipments",
         "rpo": "1h", "rto": "4h", "mtd": "1d", "min_backup_copies": 2, "require_immutable": True,
         "restore_test_interval": "1mo", "full_restore_interval": "6mo"},
        {"id": "T1", "name": "Business-critical",
         "description": "Systems the business runs on daily (finance, CRM, mail, code); work stops within a "
                        "day without them",
         "rpo": "4h", "rto": "1d", "mtd": "3d", "min_backup_copies": 2, "require_immutable": True,
         "restore_test_interval": "3mo", "full_restore_interval": "1y"},
        {"id": "T2", "name": "Supporting",
         "description": "Tools whose loss is an inconvenience; staff work on for a week by other means",
         "rpo": "1d", "rto": "3d", "mtd": "2w", "min_backup_copies": 2, "require_immutable": False,
         "restore_test_interval": "6mo", "full_restore_interval": "1y"},
    ],
    "systems": _SYSTEMS,
    "schedules": [
        {"id": "sch-rds-pitr", "job_duration": "10m", "description": "AWS Backup continuous backup of the RDS databases with "
                                              "point-in-time recovery",
         "systems": ["tracking-db", "orders-db"], "type": "continuous", "interval": "5m", "automated": True,
         "app_consistent": True, "versioned": True, "targets": ["vault-london", "vault-dublin"]},
        {"id": "sch-aws-hourly", "job_duration": "20m", "description": "Hourly AWS Backup snapshots of the other AWS systems",
         "systems": ["events-stream", "api-cluster", "documents-bucket", "platform-secrets", "platform-kms",
                     "search-index", "analytics-warehouse", "app-logs"],
         "type": "snapshot", "interval": "1h", "automated": True, "app_consistent": True,
         "targets": ["vault-london", "vault-dublin"]},
        {"id": "sch-saas-daily", "job_duration": "1h", "description": "Nightly Keepit backup of the SaaS tenants and the identity "
                                                "provider",
         "systems": ["okta", "github", "cloudflare-dns", "m365", "xero", "hubspot", "stripe-billing", "jira"],
         "type": "export", "interval": "4h", "automated": True, "app_consistent": True, "versioned": True,
         "targets": ["keepit-eu"]},
        {"id": "sch-office-nightly", "job_duration": "2h", "description": "Veeam backup of the Leeds file server and the laptops' "
                                                    "OneDrive sync to the NAS and AWS",
         "systems": ["file-share", "laptops"], "type": "incremental", "interval": "4h", "automated": True,
         "app_consistent": True, "targets": ["office-nas", "vault-dublin"]},
    ],
    "targets": [
        {"id": "vault-london", "transfer.tls_min": "1.2", "restore_throughput_gbph": 500, "description": "AWS Backup vault in the production account, London",
         "provider": "aws", "account": "brightwater-prod (4411-2233-5566)", "region": "eu-west-2",
         "media": "object", "storage_class": "standard", "offline": False, "isolated_account": False,
         "immutability.mode": "governance", "immutability.days": 35, "encryption.at_rest": True,
         "encryption.algorithm": "AES-256", "encryption.key": "kms-prod", "transfer.protocol": "https",
         "retention.max": "35d"},
        {"id": "vault-dublin", "transfer.tls_min": "1.2", "restore_throughput_gbph": 300, "description": "Locked AWS Backup vault in the separate backup account, Dublin",
         "provider": "aws", "account": "brightwater-backup (7788-9900-1122)", "region": "eu-west-1",
         "media": "object", "storage_class": "standard", "offline": False, "isolated_account": True,
         "immutability.mode": "compliance", "immutability.days": 35, "encryption.at_rest": True,
         "encryption.algorithm": "AES-256", "encryption.key": "kms-backup", "transfer.protocol": "https",
         "retention.max": "1y"},
        {"id": "keepit-eu", "transfer.tls_min": "1.2", "restore_throughput_gbph": 100, "description": "Keepit SaaS backup service, EU data centre (Copenhagen)",
         "provider": "keepit", "account": "brightwater tenant", "region": "eu-copenhagen", "media": "object",
         "storage_class": "standard", "offline": False, "isolated_account": True,
         "immutability.mode": "compliance", "immutability.days": 365, "encryption.at_rest": True,
         "encryption.algorithm": "AES-256", "encryption.key": "keepit-managed", "transfer.protocol": "https",
         "retention.max": "7y"},
        {"id": "office-nas", "transfer.tls_min": "1.2", "restore_throughput_gbph": 200, "description": "Synology NAS in the Leeds comms room (Veeam repository)",
         "provider": "on_prem", "account": "veeam-repo (local)", "site": "Leeds office comms room",
         "region": "UK (Leeds office)",
         "media": "disk", "storage_class": "standard", "offline": False, "isolated_account": False,
         "immutability.mode": "governance", "immutability.days": 14, "encryption.at_rest": True,
         "encryption.algorithm": "AES-256", "encryption.key": "veeam-key", "transfer.protocol": "smb3",
         "retention.max": "90d"},
    ],
    "keys": [
        {"id": "kms-prod", "provider": "aws_kms", "account": "brightwater-prod", "region": "eu-west-2",
         "admins": ["key-admin"], "dual_control": True, "deletion_window_days": 30, "retains_old_versions": True,
         "rotation_interval": "1y"},
        {"id": "kms-backup", "provider": "aws_kms", "account": "brightwater-backup", "region": "eu-west-1",
         "admins": ["key-admin"], "dual_control": True, "deletion_window_days": 30, "retains_old_versions": True,
         "rotation_interval": "1y"},
        {"id": "keepit-managed", "provider": "keepit", "account": "brightwater tenant", "region": "eu-copenhagen",
         "admins": ["backup-admin"], "dual_control": False, "deletion_window_days": 30,
         "retains_old_versions": True, "rotation_interval": "1y"},
        {"id": "veeam-key", "provider": "veeam", "account": "veeam-repo (local)", "region": "UK (Leeds office)",
         "admins": ["key-admin"], "dual_control": True, "deletion_window_days": 30, "retains_old_versions": True,
         "rotation_interval": "1y"},
    ],
    "roles": [
        {"id": "backup-admin", "description": "Manages backup plans, vaults and the SaaS backup service",
         "scope": "AWS Backup and Keepit consoles",
         "permissions": ["configure", "run", "restore", "read", "delete_recovery_point", "modify_retention",
                         "modify_immutability", "disable_plan", "delete_vault"],
         "dual_authorization_for": ["delete_recovery_point", "modify_retention", "modify_immutability",
                                    "disable_plan", "delete_vault"],
         "members": ["u-priya", "u-tom"], "mfa_required": True, "last_review_on": "2026-04-01",
         "review_interval": "3mo"},
        {"id": "backup-operator", "description": "Runs and checks backup jobs and restores files on request",
         "scope": "AWS Backup, Keepit and Veeam consoles", "permissions": ["run", "restore", "read"],
         "members": ["u-sam", "svc-veeam"], "mfa_required": True, "last_review_on": "2026-04-01",
         "review_interval": "3mo"},
        {"id": "key-admin", "description": "Administers the backup encryption keys, two people required",
         "scope": "AWS KMS in the backup account", "permissions": ["key_admin"],
         "members": ["u-priya", "u-dana"], "mfa_required": True, "last_review_on": "2026-04-01",
         "review_interval": "3mo"},
    ],
    "principals": [
        {"id": "u-priya", "name": "Priya Shah", "type": "human", "status": "active", "mfa_enrolled": True},
        {"id": "u-tom", "name": "Tom Barker", "type": "human", "status": "active", "mfa_enrolled": True},
        {"id": "u-sam", "name": "Sam Okafor", "type": "human", "status": "active", "mfa_enrolled": True},
        {"id": "u-dana", "name": "Dana Whitfield", "type": "human", "status": "active", "mfa_enrolled": True},
        {"id": "svc-veeam", "name": "Veeam backup service account", "type": "service", "status": "active",
         "interactive_login": False, "owner": "IT team"},
    ],
    "restore_tests": [
        {"system": "tracking-db", "date": "2026-06-12", "type": "database", "source_target": "vault-dublin",
         "result": "pass", "measured_rto": "2h", "integrity_check": True, "evidence_ref": "Jira OPS-2210"},
        {"system": "orders-db", "date": "2026-06-12", "type": "database", "source_target": "vault-dublin",
         "result": "pass", "measured_rto": "3h", "integrity_check": True, "evidence_ref": "Jira OPS-2211"},
        {"system": "documents-bucket", "date": "2026-06-05", "type": "file", "source_target": "vault-london",
         "result": "pass", "measured_rto": "1h", "integrity_check": True, "evidence_ref": "Jira OPS-2198"},
        {"system": "m365", "date": "2026-05-20", "type": "file", "source_target": "keepit-eu",
         "result": "pass", "measured_rto": "30m", "integrity_check": True, "evidence_ref": "Jira IT-871"},
        {"system": "file-share", "date": "2026-04-14", "type": "file", "source_target": "office-nas",
         "result": "partial", "measured_rto": "6h", "integrity_check": True, "evidence_ref": "Jira IT-845",
         "remediation_ticket": "IT-846"},
    ],
    "dr_exercises": [
        {"date": "2026-03-18", "type": "tabletop", "scenarios": ["ransomware", "region_loss"],
         "after_action_ref": "DR-2026-Q1 after-action report (Confluence)"},
    ],
    "monitoring.alerts": [
        {"event": "job_failed", "channel": "pagerduty", "on_call": True,
         "escalation": "After 30 minutes page the Head of Platform", "enabled_on": "2025-11-01"},
        {"event": "job_missed", "channel": "pagerduty", "on_call": True,
         "escalation": "After 30 minutes page the Head of Platform", "missed_after": "26h",
         "enabled_on": "2025-11-01"},
        {"event": "recovery_point_deleted", "channel": "pagerduty", "on_call": True,
         "escalation": "Page the security lead at once", "enabled_on": "2025-11-01"},
    ],
    "evidence.sources": [
        {"kind": "job_history", "location": "AWS Backup and Keepit job reports, exported monthly to Confluence",
         "retention": "15mo"},
        {"kind": "restore_tests", "location": "Jira OPS project, restore-test tickets", "retention": "2y"},
        {"kind": "failure_tickets", "location": "Jira OPS project, backup-failure tickets", "retention": "15mo"},
        {"kind": "access_reviews", "location": "Vanta access reviews, exported each quarter", "retention": "2y"},
        {"kind": "dr_exercises", "location": "Confluence DR space: exercise plans and after-action reports",
         "retention": "3y"},
    ],
}

ANSWERS: dict[str, object] = {
    "organization.name": "Brightwater Logistics Ltd",
    "organization.description": "Brightwater runs a freight-tracking platform that UK hauliers and shippers "
                                "use to book, track and document shipments",
    "engagement.soc2_type": "II",
    "engagement.period_start": "2026-07-01",
    "engagement.period_end": "2027-06-30",
    "engagement.categories": ["security", "availability", "confidentiality"],
    "inventory.source": "AWS Config, the Jamf inventory and the IT asset register",
    "inventory.last_reconciled_on": "2026-06-15",
    "inventory.reconcile_interval": "3mo",
    "privacy.erasure_in_backups_procedure": "PRIV-04 Erasure requests and backups (Confluence)",
    "privacy.beyond_use_statement": True,
    "privacy.deletion_replay_on_restore": True,
    "disposal.method": "provider_managed",
    "disposal.procedure": "Expired recovery points are deleted by the vault lifecycle rules; the NAS disks "
                          "are wiped to NIST 800-88 purge before they leave the office",
    "disposal.verification_interval": "3mo",
    "policy.restore_authorized_by": "The owner of the system being restored",
    "policy.former_employee_restore": "HR with the Head of Legal",
    "policy.dr_exercise_interval": "1y",
    "policy.dr_exercise_types": ["tabletop", "functional"],
    "monitoring.failure_ticket_sla": "1d",
    "monitoring.job_log_retention": "15mo",
    "monitoring.report_interval": "1mo",
    "evidence.store": "Vanta, with the backup evidence folder in Confluence",
    "evidence.immutable": True,
    "evidence.retention": "2y",
    "policy.owner.name": "Priya Shah",
    "policy.owner.role": "Head of Platform",
    "policy.approver.name": "Dana Whitfield",
    "policy.approver.role": "CTO",
    "policy.approved_on": "2026-06-20",
    "policy.effective_from": "2026-07-01",
    "policy.last_reviewed_on": "2026-06-20",
    "policy.review_interval": "1y",
    "policy.communicated_to": ["Engineering", "IT operations", "Finance"],
    "policy.id": "BW-POL-007",
    "policy.title": "Backup and Recovery Policy",
    "policy.purpose": "To make sure Brightwater can restore its customers' shipment data and its own "
                      "business records within the agreed times after any failure, mistake or attack",
}
