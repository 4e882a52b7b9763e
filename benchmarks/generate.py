"""Synthetic but realistic backup policies of any size, for the benchmarks.

``generate(n, seed)`` returns the plain data of a policy with ``n`` systems in
proportions seen at real clients: tiers T0-T3 (about 5/20/40/35 %), roughly
one explicit schedule per three systems plus tier-based plans, two to four
copy targets per schedule across regions and accounts (some immutable, some
isolated, a little tape), keys per target, backup and production roles with
members, principals, alerts per tier and for tampering, restore tests for
about a third of the systems, a few DR exercises, legal holds and exceptions.
Everything is deterministic for a given (n, seed).

    python benchmarks/generate.py 1000 -o /tmp/policy-1000.yaml
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

AS_OF = dt.date(2025, 6, 30)
TIERS = (
    # id, share, rpo, rto, mtd, dr rpo, copies, immutable, restore test, full restore
    ("T0", 0.05, "15m", "1h", "4h", "2h", 2, True, "1mo", "6mo"),
    ("T1", 0.20, "4h", "8h", "1d", "8h", 2, True, "3mo", "1y"),
    ("T2", 0.40, "1d", "1d", "3d", "2d", 2, False, "6mo", None),
    ("T3", 0.35, "1w", "1w", "2w", "2w", 1, False, "1y", None),
)
KINDS = ("db", "db", "vm", "vm", "server", "fileshare", "object_store", "k8s", "saas", "transactional_store",
         "log_store", "config_repo", "endpoint")
REGIONS = ("eu-west-1", "eu-central-1", "us-east-1", "us-west-2")
CLASSES = ("internal", "confidential", "restricted", "pii", "phi", "pci", "financial", "logs")


def _day(rng: random.Random, back_max: int, back_min: int = 0) -> str:
    return (AS_OF - dt.timedelta(days=rng.randint(back_min, back_max))).isoformat()


def generate(n: int, seed: int = 1) -> dict:
    """Plain data for a policy with ``n`` systems (validate with ``Policy.model_validate``)."""
    rng = random.Random(f"{n}:{seed}")
    accounts = [f"acct-prod-{i}" for i in range(max(1, n // 250))]
    data: dict = {
        "spec_version": 1,
        "as_of": AS_OF.isoformat(),
        "organization": {"name": f"Synthetic Co {n}", "industry": "SaaS"},
        "policy": {
            "id": "BKP-POL-001", "title": "Backup and Recovery Policy", "version": "2.1",
            "owner": {"name": "Dana Ops", "role": "Head of Infrastructure"},
            "approver": {"name": "Chris CTO", "role": "CTO"},
            "approved_on": "2025-01-15", "effective_from": "2024-01-01", "last_reviewed_on": "2025-01-10",
            "review_interval": "1y", "communicated_to": ["platform", "sre", "security"],
            "acknowledgement_required": True,
        },
        "engagement": {"soc2_type": "II", "period_start": "2025-01-01", "period_end": "2025-12-31",
                       "categories": ["security", "availability", "confidentiality"], "frameworks": ["soc2", "cis_v8"]},
        "tiers": [
            {"id": t, "name": f"Tier {t}", "rpo": rpo, "rto": rto, "mtd": mtd, "dr_rpo": dr_rpo,
             "min_backup_copies": copies, "require_immutable": imm, "restore_test_interval": test,
             **({"full_restore_interval": full} if full else {}), "reconcile_interval": "1mo"}
            for t, _, rpo, rto, mtd, dr_rpo, copies, imm, test, full in TIERS
        ],
        "inventory": {"source": "CMDB + AWS Config", "last_reconciled_on": _day(rng, 40),
                      "reconcile_interval": "1mo", "discovered": []},
    }

    # ------------------------------------------------------------------ systems
    systems = []
    tier_of = []
    for i in range(n):
        r = rng.random()
        acc = 0.0
        tier = "T3"
        for t, share, *_ in TIERS:
            acc += share
            if r < acc:
                tier = t
                break
        kind = rng.choice(KINDS)
        classes = sorted(set(rng.sample(CLASSES, rng.randint(1, 2))))
        s = {
            "id": f"sys-{i:05d}", "kind": kind,
            "environment": rng.choices(("prod", "staging", "dev", "corp"), (70, 12, 10, 8))[0],
            "owner": f"team-{i % 40}", "tier": tier, "data_classes": classes,
            "provider": "aws", "account": rng.choice(accounts), "region": rng.choice(REGIONS[:3]),
            "size_gb": round(rng.lognormvariate(4, 1.5), 1), "rebuild_hours": rng.choice((0.5, 1, 2, 4)),
        }
        if "phi" in classes:
            s["regulatory_tags"] = ["hipaa"]
        if "phi" in classes or "pci" in classes:
            s["records_retention_via"] = "system_of_record"
        if "pii" in classes:
            s["max_retention"] = "1y"
        if tier in ("T0", "T1"):
            s["restore_procedure"] = f"RB-{i:05d}"
            s["alternate_site"] = rng.choice(("warm", "hot", "cold"))
            s["provisioning_hours"] = 1
        if kind == "saas":
            s["saas"] = {"provider": "Microsoft 365", "native_recovery_window": "93d"}
        if i > 10 and rng.random() < 0.15:
            s["depends_on"] = [f"sys-{rng.randrange(i):05d}"]
        if rng.random() < 0.01:
            s["exclusion"] = {"reason": "stateless, rebuilt from IaC", "approved_by": "CTO", "expires_on": "2025-12-31"}
        systems.append(s)
        tier_of.append(tier)
    data["systems"] = systems
    data["inventory"]["discovered"] = [s["id"] for s in systems[: n // 2]]

    # ------------------------------------------------------------------ targets, keys
    targets, keys = [], []
    n_targets = max(4, n // 25)
    for j in range(n_targets):
        region = REGIONS[j % len(REGIONS)]
        isolated = j % 2 == 1
        tape = j % 17 == 16
        key_id = f"kms-{j:04d}"
        t = {
            "id": f"tgt-{j:04d}", "provider": "on_prem" if tape else ("wasabi" if isolated and j % 4 == 3 else "aws"),
            "account": "acct-backup" if isolated else rng.choice(accounts), "region": region,
            "media": "tape" if tape else ("disk" if isolated else "object"),
            "storage_class": "tape_offsite" if tape else rng.choice(("standard", "standard", "ia", "glacier_ir")),
            "restore_throughput_gbph": rng.choice((200, 500, 1000)),
            "offline": tape, "isolated_account": isolated or tape,
            "immutability": {"mode": "compliance" if isolated else rng.choice(("none", "governance")),
                             "days": 35 if isolated else 14},
            "soft_delete_days": 14,
            "encryption": {"at_rest": True, "algorithm": "AES-256", "key": key_id},
            "transfer": {"protocol": "https", "tls_min": "1.2"},
            "retention": {"daily": "35d", "weekly": "3mo", "monthly": "1y", "max": "1y"},
            "legal_hold_supported": True,
        }
        if tape:
            t.update(leaves_facility=True, chain_of_custody="media log + tracked courier", retrieval_hours=24)
        targets.append(t)
        keys.append({"id": key_id, "provider": "aws_kms", "account": t["account"], "region": region,
                     "replicas": [REGIONS[(j + 1) % len(REGIONS)]], "admins": ["role-key-admin"],
                     "dual_control": True, "deletion_window_days": 30, "retains_old_versions": True,
                     "rotation_interval": "1y"})
    data["targets"], data["keys"] = targets, keys

    # ------------------------------------------------------------------ schedules
    schedules = []
    interval_of = {"T0": "15m", "T1": "1h", "T2": "12h", "T3": "1d"}
    ids = [s["id"] for s in systems]
    primaries = [j for j in range(n_targets) if j % 2 == 0]
    isolated = [j for j in range(n_targets) if j % 2 == 1]
    for k in range(0, n, 3):
        group = ids[k:k + 3]
        tier = min(tier_of[k:k + 3])
        # a primary copy in a production account plus one to three isolated copies elsewhere
        copies = [rng.choice(primaries)] + rng.sample(isolated, min(len(isolated), rng.randint(1, 3)))
        schedules.append({
            "id": f"sch-{k // 3:05d}", "systems": group, "type": rng.choice(("snapshot", "incremental", "full")),
            "interval": interval_of[tier] if rng.random() > 0.08 else "1d",
            "job_duration": "5m" if tier == "T0" else "20m", "copy_lag": "30m", "automated": rng.random() > 0.02,
            "app_consistent": rng.random() > 0.2, "versioned": True,
            "targets": [targets[c]["id"] for c in copies], "started_on": "2024-11-01",
        })
    for t, *_ in TIERS:  # tag-based plans: a weekly full per tier to an isolated copy
        schedules.append({"id": f"plan-{t}-weekly", "tiers": [t], "type": "full", "interval": "1w",
                          "automated": True, "app_consistent": True, "versioned": True,
                          "targets": [targets[1]["id"], targets[3 % n_targets]["id"]], "started_on": "2024-11-01"})
    schedules.append({"id": "plan-T0-logs", "tiers": ["T0"], "type": "log", "interval": "5m", "automated": True,
                      "versioned": True, "targets": [targets[0]["id"]], "started_on": "2024-11-01"})
    data["schedules"] = schedules

    # ------------------------------------------------------------------ people and roles
    n_people = max(12, n // 20)
    principals = []
    for p in range(n_people):
        principals.append({
            "id": f"u-{p:04d}", "name": f"Person {p}", "type": "human",
            "status": "terminated" if p % 97 == 96 else "active",
            "mfa_enrolled": p % 53 != 52, "last_login": _day(rng, 120),
        })
    principals += [
        {"id": "svc-backup", "type": "service", "status": "active", "interactive_login": False, "owner": "u-0000"},
        {"id": "svc-restore-test", "type": "service", "status": "active", "interactive_login": False, "owner": "u-0001"},
        {"id": "grp-all-eng", "type": "group", "status": "active", "broad_group": True},
    ]
    data["principals"] = principals
    humans = [p["id"] for p in principals if p["type"] == "human"]

    def members(k: int) -> list[str]:
        return rng.sample(humans, min(k, len(humans)))

    data["roles"] = [
        {"id": "role-backup-operator", "scope": "backup_console", "permissions": ["run", "restore", "configure"],
         "members": members(max(3, n_people // 5)) + ["svc-backup"], "mfa_required": True,
         "last_review_on": _day(rng, 80), "review_interval": "3mo", "enforced_from": "2024-06-01"},
        {"id": "role-backup-security", "scope": "backup_console",
         "permissions": ["delete_recovery_point", "modify_retention", "modify_immutability", "disable_plan", "delete_vault"],
         "members": members(3), "mfa_required": True,
         "dual_authorization_for": ["delete_recovery_point", "modify_retention", "modify_immutability", "disable_plan"],
         "last_review_on": _day(rng, 80), "review_interval": "3mo", "enforced_from": "2024-06-01"},
        {"id": "role-key-admin", "scope": "key_management", "permissions": ["key_admin"], "members": members(2),
         "mfa_required": True, "last_review_on": _day(rng, 80), "review_interval": "3mo"},
        {"id": "role-prod-admin", "scope": "production", "permissions": ["prod_admin"],
         "members": members(max(4, n_people // 4)), "mfa_required": True,
         "last_review_on": _day(rng, 150), "review_interval": "6mo"},
        {"id": "role-readonly", "scope": "backup_console", "permissions": ["read"], "members": ["grp-all-eng"],
         "mfa_required": True, "last_review_on": _day(rng, 200), "review_interval": "1y"},
    ]

    # ------------------------------------------------------------------ monitoring, evidence
    alerts = []
    for t, *_ in TIERS:
        for event in ("job_failed", "job_missed", "copy_failed"):
            alerts.append({"event": event, "tiers": [t], "channel": "pagerduty" if t in ("T0", "T1") else "ticket",
                           "on_call": t in ("T0", "T1"), "escalation": "sre-lead", "enabled_on": "2024-11-01"})
    for event in ("recovery_point_deleted", "retention_changed", "lock_changed", "plan_disabled",
                  "key_disabled", "backup_role_membership_changed"):
        alerts.append({"event": event, "channel": "siem", "on_call": True, "escalation": "security", "enabled_on": "2024-11-01"})
    data["monitoring"] = {"alerts": alerts, "failure_ticket_sla": "4h", "job_log_retention": "2y",
                          "report_interval": "1mo", "report_to": "CTO"}
    data["evidence"] = {"store": "s3://evidence (object lock)", "immutable": True, "retention": "2y",
                        "sources": [{"kind": k, "location": "evidence bucket", "retention": "2y"}
                                    for k in ("job_history", "failure_tickets", "restore_tests", "access_reviews", "dr_exercises")]}

    # ------------------------------------------------------------------ tests, exercises
    tests = []
    for i in rng.sample(range(n), n // 3):
        s = systems[i]
        result = rng.choices(("pass", "fail", "partial"), (90, 6, 4))[0]
        tests.append({
            "id": f"RT-{i:05d}", "system": s["id"], "date": _day(rng, 200),
            "type": rng.choice(("file", "database", "app", "full_system", "vm")),
            "source_target": rng.choice(targets)["id"], "result": result,
            "measured_rto": rng.choice(("30m", "1h", "2h", "6h")), "measured_rpo": rng.choice(("15m", "1h", "1d")),
            "integrity_check": rng.random() > 0.1, "evidence_ref": f"TCK-{i}",
            **({"remediation_ticket": f"FIX-{i}"} if result != "pass" and rng.random() > 0.3 else {}),
        })
    data["restore_tests"] = tests
    data["dr_exercises"] = [
        {"id": "DR-2024", "date": "2024-10-15", "type": "functional", "scenarios": ["region_loss", "key_person_absent"],
         "after_action_ref": "AAR-2024"},
        {"id": "DR-2025", "date": "2025-04-20", "type": "tabletop", "scenarios": ["ransomware", "key_person_absent"],
         "after_action_ref": "AAR-2025"},
    ]
    data["legal_holds"] = [{"id": "LH-1", "matter": "contract dispute", "systems": ids[:: max(1, n // 5)][:5],
                            "since": "2025-02-01", "applies_to_backups": True}]
    data["privacy"] = {"erasure_in_backups_procedure": "PRC-ERASE-01", "beyond_use_statement": True,
                       "max_backup_age_for_pii": "1y", "deletion_replay_on_restore": True}
    data["disposal"] = {"method": "crypto_erase", "key_destruction_recorded": True, "keys_retained_elsewhere": False,
                        "verification_interval": "3mo", "certificate_required": True, "vendor_destroys_media": True}
    data["vendors"] = [{"id": "v-tape", "name": "Iron Vault", "service": "offsite_tape",
                        "soc2_type2_report_date": "2025-03-01", "cuecs_mapped": True, "baa_signed": True, "dpa_signed": True}]

    # ------------------------------------------------------------------ exceptions
    excs = []
    for k, rid in enumerate(("FREQ-001", "COPY-002", "TEST-002", "ACC-005", "MON-002")):
        excs.append({"id": f"EXC-{k + 1:03d}", "rule": rid, "scope": ids[rng.randrange(n)],
                     "justification": "accepted by the business until the migration", "approved_by": "CTO",
                     "approved_on": "2025-01-20", "expires_on": "2025-12-31" if k % 2 == 0 else "2025-05-31"})
    data["exceptions"] = excs
    return data


def policy(n: int, seed: int = 1):
    """A validated :class:`~workbench.spec.Policy` with ``n`` systems."""
    from workbench.spec.model import Policy

    return Policy.model_validate(generate(n, seed))


def dump_yaml(data: dict) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write a synthetic policy with N systems as YAML.")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = ap.parse_args(argv)
    text = dump_yaml(generate(args.n, args.seed))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
