"""Benchmark: render the written policy of a 1,000-system policy.

Builds a realistic policy in code (four tiers with objectives and test
cadences, 1,000 systems spread over them, per-tier and per-system schedules,
a dozen targets with retention, immutability and encryption, keys, roles,
principals, alerts, restore tests, exceptions and follow-ups), evaluates it
once, then renders the policy and the readiness report repeatedly and prints the
median time per document and format.

    .venv/bin/python benchmarks/render_bench.py [--systems 1000] [--runs 15]

Target (issue 4): Markdown for 1,000 systems in under 250 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.document import render  # noqa: E402
from workbench.rules import evaluate  # noqa: E402
from workbench.spec import Policy  # noqa: E402

AS_OF = dt.date(2026, 6, 30)
TIERS = [
    {"id": "T0", "name": "Mission-critical", "rpo": "15m", "rto": "4h", "mtd": "8h", "dr_rpo": "1h", "dr_rto": "12h",
     "min_backup_copies": 2, "require_immutable": True, "restore_test_interval": "1mo", "full_restore_interval": "3mo"},
    {"id": "T1", "name": "Business-critical", "rpo": "4h", "rto": "24h", "mtd": "2d", "min_backup_copies": 2,
     "require_immutable": True, "restore_test_interval": "3mo", "full_restore_interval": "1y"},
    {"id": "T2", "name": "Important", "rpo": "1d", "rto": "3d", "mtd": "5d", "min_backup_copies": 1,
     "require_immutable": False, "restore_test_interval": "6mo"},
    {"id": "T3", "name": "Low", "rpo": "7d", "rto": "14d", "min_backup_copies": 1, "require_immutable": False,
     "restore_test_interval": "1y"},
]
KINDS = ["db", "vm", "fileshare", "object_store", "k8s", "server", "saas", "config_repo"]
REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2"]


def _targets() -> list[dict]:
    out = []
    for i, region in enumerate(REGIONS):
        for kind, locked in (("vault", False), ("locked", True), ("archive", True)):
            out.append({
                "id": f"{kind}-{region}", "description": f"{kind} copies in {region}", "provider": "aws",
                "account": "backup" if locked else "prod", "region": region, "media": "object",
                "storage_class": "deep_archive" if kind == "archive" else "standard",
                "isolated_account": locked, "offline": False,
                "immutability": {"mode": "compliance" if locked else "none", "days": 35 if locked else None},
                "encryption": {"at_rest": True, "algorithm": "AES-256", "key": f"kms-{region}"},
                "transfer": {"protocol": "https", "tls_min": "1.2"},
                "retention": {"daily": "35d", "weekly": "3mo", "monthly": "1y", "max": "7y" if kind == "archive" else "1y"},
                "legal_hold_supported": True, "restore_throughput_gbph": 500,
            })
    return out


def _systems(n: int) -> list[dict]:
    out = []
    for i in range(n):
        tier = ("T0", "T1", "T1", "T2", "T2", "T2", "T3")[i % 7]
        out.append({
            "id": f"sys-{i:04d}", "description": f"Service {i} of the {('orders', 'billing', 'search', 'crm', 'hr')[i % 5]} domain",
            "kind": KINDS[i % len(KINDS)], "environment": "prod" if i % 9 else "staging", "owner": f"team-{i % 25:02d}",
            "tier": tier, "data_classes": [("confidential", "pii", "internal", "financial")[i % 4]],
            "provider": "aws", "account": "prod", "region": REGIONS[i % 2], "size_gb": 50 + i % 400,
            "restore_procedure": f"RB-{i:04d}", "alternate_site": "warm",
        })
    return out


def build_policy(n: int = 1000) -> Policy:
    systems = _systems(n)
    schedules = [
        {"id": f"sch-{t['id'].lower()}-daily", "tiers": [t["id"]], "type": "snapshot", "interval": "1d",
         "automated": True, "app_consistent": True, "versioned": True,
         "targets": ["vault-eu-west-1", "locked-eu-central-1"]} for t in TIERS
    ] + [
        {"id": f"sch-logs-{i:03d}", "systems": [s["id"] for s in systems[i::50] if s["kind"] == "db"],
         "type": "log", "interval": "15m", "automated": True, "versioned": True, "targets": ["vault-eu-west-1"]}
        for i in range(50)
    ]
    principals = [{"id": f"u-{i:02d}", "name": f"Person {i}", "type": "human", "status": "active", "mfa_enrolled": True}
                  for i in range(30)]
    roles = [
        {"id": "backup-operator", "description": "Runs backups and restores", "scope": "backup_console",
         "permissions": ["configure", "run", "restore"], "members": [f"u-{i:02d}" for i in range(10)],
         "mfa_required": True, "review_interval": "3mo", "last_review_on": "2026-05-01"},
        {"id": "backup-security-admin", "description": "Deletes points and changes locks with a second approver",
         "scope": "backup_console", "permissions": ["delete_recovery_point", "modify_retention"],
         "members": ["u-20", "u-21"], "mfa_required": True, "dual_authorization_for": ["delete_recovery_point"],
         "review_interval": "3mo", "last_review_on": "2026-05-01"},
    ]
    tests = [{"system": s["id"], "date": (AS_OF - dt.timedelta(days=10 + i % 200)).isoformat(),
              "type": "database" if s["kind"] == "db" else "file", "source_target": "locked-eu-central-1",
              "result": "pass", "measured_rto": "2h", "integrity_check": True, "evidence_ref": f"OPS-{i}"}
             for i, s in enumerate(systems) if i % 3 == 0]
    data = {
        "organization": {"name": "Benchmark Corp", "description": "A large estate for timing the renderer."},
        "policy": {"id": "BKP-POL-001", "title": "Backup and Recovery Policy", "version": "2.1",
                   "purpose": "State how every production system is backed up, kept, protected and restored.",
                   "owner": {"name": "Ana Ruiz", "role": "Head of Infrastructure"},
                   "approver": {"name": "Lee Chen", "role": "CTO"}, "approved_on": "2026-02-01",
                   "effective_from": "2026-02-15", "last_reviewed_on": "2026-02-01", "review_interval": "1y",
                   "communicated_to": ["infrastructure", "security"], "acknowledgement_required": True},
        "engagement": {"soc2_type": "II", "period_start": "2026-01-01", "period_end": "2026-12-31",
                       "categories": ["security", "availability", "confidentiality"],
                       "frameworks": ["cis_v8", "iso_27001", "gdpr"]},
        "tiers": TIERS,
        "inventory": {"source": "CMDB", "last_reconciled_on": "2026-06-01", "reconcile_interval": "1mo"},
        "systems": systems, "schedules": schedules, "targets": _targets(),
        "keys": [{"id": f"kms-{r}", "provider": "aws_kms", "account": "backup", "region": r, "admins": ["u-25"],
                  "dual_control": True, "rotation_interval": "1y", "retains_old_versions": True,
                  "deletion_window_days": 30} for r in REGIONS],
        "roles": roles, "principals": principals,
        "monitoring": {"alerts": [{"event": e, "channel": "pagerduty", "on_call": True}
                                  for e in ("job_failed", "job_missed", "copy_failed", "recovery_point_deleted")],
                       "failure_ticket_sla": "4h", "job_log_retention": "2y", "report_interval": "1mo",
                       "report_to": "CTO"},
        "evidence": {"store": "GRC bucket", "immutable": True, "retention": "3y"},
        "restore_tests": tests,
        "dr_exercises": [{"id": "DR-2026", "date": "2026-03-10", "type": "functional",
                          "scenarios": ["region_loss", "ransomware", "key_person_absent"]}],
        "disposal": {"method": "crypto_erase", "key_destruction_recorded": True, "verification_interval": "3mo"},
        "exceptions": [{"id": "EXC-001", "rule": "COPY-002", "scope": "T3", "justification": "Low tier",
                        "approved_by": "Lee Chen", "approved_on": "2026-02-01", "expires_on": "2026-12-31"}],
        "follow_ups": [{"id": "FU-1", "question": "Confirm T3 retention", "owner": "Ana Ruiz", "due": "2026-07-31"}],
        "revisions": [{"version": "2.0", "date": "2026-02-01", "approver": "Lee Chen", "note": "Annual review"},
                      {"version": "2.1", "date": "2026-06-01", "approver": "Lee Chen", "note": "New region"}],
    }
    return Policy.model_validate(data)


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up: template compilation, imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--systems", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args(argv)
    policy = build_policy(args.systems)
    start = time.perf_counter()
    report = evaluate(policy, AS_OF)
    eval_ms = (time.perf_counter() - start) * 1000
    print(f"policy: {len(policy.systems)} systems, {len(policy.schedules)} schedules, {len(policy.targets)} targets, "
          f"{len(policy.restore_tests)} restore tests; {len(report.findings)} findings (evaluate once: {eval_ms:.0f} ms)")
    sizes = {}
    for document in ("policy", "report"):
        for fmt, runs in (("markdown", args.runs), ("html", args.runs), ("docx", max(3, args.runs // 5))):
            size = len(render(policy, report, fmt, document=document))
            ms = median_ms(lambda: render(policy, report, fmt, document=document), runs)
            note = "  (target < 250 ms)" if fmt == "markdown" and document == "policy" else ""
            print(f"{document:6s} {fmt:9s} median {ms:8.1f} ms over {runs} runs, {size / 1024:,.0f} KiB{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
