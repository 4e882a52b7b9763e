"""The backup policy as data: the single source of truth.

Every answer is optional. An absent field (or one written as ``unknown``) is
"not answered yet": the gap engine reports it, the loader never refuses it.
Lists default to empty. A list that is an answer in its own right (a role's
members, a key's admins, the categories in scope ...; the fields typed
``Optional[list]`` below) may also be written ``unknown``: it is then None,
"not answered yet", which is not the same as an empty list ("none"). Lists
that select (a schedule's systems and targets, an alert's scope) read
``unknown`` as not stated, the same as leaving them out. Every list item that
others refer to has an ``id``.

The names are plain English so that a consultant can read the YAML:
``systems`` is the inventory, ``targets`` are the places backups are written
to (vaults, buckets, tape), ``schedules`` say which systems are backed up to
which targets how often.
"""

# No ``from __future__ import annotations`` here: pydantic would have to evaluate each of the 319 field
# annotations from its text when the classes are created (a third of their creation time, paid on every start).
import datetime as dt
from typing import Literal, Optional

from pydantic import (BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, field_validator,
                      model_validator)
from pydantic_core import core_schema

from .durations import Duration

SPEC_VERSION = 1

# ----------------------------------------------------------------------------
# Vocabularies (closed where the rules reason about the value)
# ----------------------------------------------------------------------------
Category = Literal["security", "availability", "processing_integrity", "confidentiality", "privacy"]
Framework = Literal["soc2", "cis_v8", "nist_800_53", "nist_800_34", "iso_27001", "hipaa", "pci_dss", "gdpr", "sox", "sec_17a4", "nydfs", "irs"]
Kind = Literal[
    "db", "transactional_store", "vm", "server", "fileshare", "object_store", "k8s", "saas",
    "endpoint", "log_store", "config_repo", "kms", "idp", "dns", "secrets", "other",
]
Environment = Literal["prod", "staging", "dev", "test", "corp", "dr"]
DataClass = Literal["public", "internal", "confidential", "restricted", "pii", "phi", "pci", "financial", "logs"]
RegulatoryTag = Literal["hipaa", "pci", "sox", "sec17a4", "nydfs", "irs", "gdpr"]
RetentionVia = Literal["system_of_record", "archive", "backup"]
AlternateSite = Literal["none", "cold", "warm", "hot"]
ScheduleType = Literal["full", "incremental", "differential", "snapshot", "log", "continuous", "replication", "export"]
Media = Literal["disk", "object", "tape", "optical", "removable"]
StorageClass = Literal["standard", "ia", "glacier_ir", "glacier_flexible", "deep_archive", "tape_offsite", "archive"]
RetrievalOption = Literal["expedited", "standard", "bulk"]
ImmutabilityMode = Literal["none", "governance", "compliance", "worm_media"]
Permission = Literal[
    "configure", "run", "restore", "delete_recovery_point", "modify_retention", "modify_immutability",
    "bypass_governance", "disable_plan", "delete_vault", "key_admin", "prod_admin", "read",
]
PrincipalType = Literal["human", "service", "shared", "group"]
PrincipalStatus = Literal["active", "disabled", "terminated"]
AlertEvent = Literal[
    "job_failed", "job_missed", "copy_failed", "recovery_point_deleted", "retention_changed",
    "lock_changed", "vault_lock_deleted", "plan_disabled", "plan_deleted", "key_disabled",
    "key_deletion_scheduled", "backup_role_membership_changed", "capacity_threshold",
]
TestType = Literal["file", "database", "app", "full_system", "vm", "config"]
TestResult = Literal["pass", "fail", "partial"]
ExerciseType = Literal["tabletop", "functional", "full_scale"]
Scenario = Literal["region_loss", "ransomware", "key_person_absent", "insider", "vendor_outage", "data_corruption"]
DisposalMethod = Literal["nist_800_88_clear", "nist_800_88_purge", "nist_800_88_destroy", "crypto_erase",
                         "provider_managed", "other"]
EvidenceKind = Literal["job_history", "failure_tickets", "restore_tests", "access_reviews", "dr_exercises"]
FollowUpStatus = Literal["open", "answered", "dropped"]
RestoreMethod = Literal["automated", "sample", "full_application"]

#: Permissions that can destroy or weaken backups (GAP_RULES §7.1).
DESTRUCTIVE = frozenset(
    {"delete_recovery_point", "modify_retention", "modify_immutability", "bypass_governance",
     "disable_plan", "delete_vault", "key_admin"}
)
#: Every permission on the backup plane.
BACKUP_PERMISSIONS = DESTRUCTIVE | {"configure", "run", "restore"}


class Node(BaseModel):
    """Base of every spec part: unknown keys are errors, assignment is checked."""

    # defer_build: the validators are built on first use, so commands that never validate (--help, rules,
    # criteria) do not pay for building them (a third of the import otherwise).
    # allow_inf_nan: ".inf" or 1e400 as a size passed validation and crashed every command that evaluated it
    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True, allow_inf_nan=False)

    @classmethod
    def model_rebuild(cls, *, force: bool = False, raise_errors: bool = True, _parent_namespace_depth: int = 2,
                      _types_namespace=None):
        """Build the class's validator on first use: from the core schema kept by an earlier run when it is
        still current (:mod:`workbench.spec.schema_cache`, a millisecond), else as pydantic does (about 50 ms
        for the whole policy), keeping the schemas for the next run."""
        if not force and not cls.__pydantic_complete__:
            from . import schema_cache

            if schema_cache.complete(cls):
                return True
            built = super().model_rebuild(raise_errors=raise_errors, _parent_namespace_depth=_parent_namespace_depth + 1,
                                          _types_namespace=_types_namespace)
            if built:
                schema_cache.keep()
            return built
        return super().model_rebuild(force=force, raise_errors=raise_errors,
                                     _parent_namespace_depth=_parent_namespace_depth + 1,
                                     _types_namespace=_types_namespace)


def F(description: str, default=None, **kw):
    """A field with the help text the schema and the interview show."""
    if "default_factory" in kw:
        return Field(description=description, **kw)
    if isinstance(default, type) and default in (list, dict):
        return Field(default_factory=default, description=description, **kw)
    return Field(default, description=description, **kw)


_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "single": 1, "double": 2,
                "triple": 3}
#: Counts stated in words that name no exact number: each is read as its lower bound.
_AT_LEAST_WORDS = {"multiple": 2, "several": 2, "more than one": 2, "redundant": 2, "at least two": 2,
                   "two or more": 2, "at least three": 3, "three or more": 3}


class CopyCount(int):
    """A number of copies as written: ``2``, ``"two"``, or wording such as ``"multiple"``.

    Wording with no exact number keeps its text (written back as it was, shown in the written policy) and
    counts as its lower bound ("multiple", "several", "more than one": at least 2), so the rules never read
    more protection into it than it promises."""

    text: Optional[str]

    def __new__(cls, value: int, text: Optional[str] = None):
        obj = super().__new__(cls, value)
        obj.text = text
        return obj

    @classmethod
    def parse(cls, value) -> "CopyCount":
        if isinstance(value, CopyCount):
            return value
        if isinstance(value, bool):
            raise ValueError(f"expected a number of copies (2, 'two' or 'multiple'), got {value!r}")
        if isinstance(value, int):
            if value < 0:
                raise ValueError(f"a number of copies cannot be negative, got {value}")
            if value == 0:
                raise ValueError("at least 1 copy: a rule of no backup copy is no backup; to leave systems "
                                 "without a backup, record an approved exclusion on each of them")
            return cls(value)
        if isinstance(value, float) and value.is_integer():
            return cls(int(value))
        if isinstance(value, str):
            t = " ".join(value.strip().lower().split())
            if t.isdigit():
                return cls.parse(int(t))
            if t in _COUNT_WORDS:
                return cls(_COUNT_WORDS[t])
            if t in _AT_LEAST_WORDS:
                return cls(_AT_LEAST_WORDS[t], value.strip())
            raise ValueError(f"{value.strip()!r} is not a number of copies; write a number (2), a word (two) or "
                             f"one of: {', '.join(_AT_LEAST_WORDS)}")
        raise ValueError(f"expected a number of copies (2, 'two' or 'multiple'), got {value!r}")

    @property
    def exact(self) -> bool:
        return self.text is None

    def __str__(self) -> str:
        return self.text if self.text is not None else int.__repr__(self)

    def __repr__(self) -> str:
        return f"CopyCount({int(self)}{'' if self.text is None else ', ' + repr(self.text)})"

    def __reduce__(self):
        return (CopyCount, (int(self), self.text))

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler: GetCoreSchemaHandler):
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(_copy_count_out),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema, handler: GetJsonSchemaHandler):
        return {"anyOf": [{"type": "integer", "minimum": 0},
                          {"type": "string", "enum": sorted(set(_COUNT_WORDS) | set(_AT_LEAST_WORDS))}],
                "description": "A number of copies: 2, 'two', or wording such as 'multiple' (read as at least 2)."}


def _copy_count_out(value: CopyCount):
    """A number of copies as written back: its wording, or the number."""
    return value.text if value.text is not None else int(value)


# ----------------------------------------------------------------------------
# Governance
# ----------------------------------------------------------------------------
class Person(Node):
    name: Optional[str] = F("Full name.")
    role: Optional[str] = F("Job title or role, e.g. Head of Infrastructure.")
    email: Optional[str] = F("Contact address.")


class Organization(Node):
    name: Optional[str] = F("Legal or trading name of the organization the policy belongs to.")
    industry: Optional[str] = F("Industry, e.g. SaaS, healthcare, fintech.")
    description: Optional[str] = F("One or two sentences on what the organization does.")
    consultant: Optional[str] = F("Consultant or MSP preparing the policy, if any.")


class Governance(Node):
    id: Optional[str] = F("Policy identifier, e.g. BKP-POL-001.")
    title: Optional[str] = F("Document title.")
    classification: Optional[str] = F("Document classification printed in the header and footer, e.g. Internal, Confidential.")
    version: Optional[str] = F("Current version, e.g. 1.3.")
    purpose: Optional[str] = F("Why this policy exists, in the organization's words.")
    owner: Optional[Person] = F("Accountable owner of the policy (a role as well as a person).")
    approver: Optional[Person] = F("Who approves the policy; above the owner.")
    approved_on: Optional[dt.date] = F("Date of the latest approval.")
    effective_from: Optional[dt.date] = F("Date the policy took effect.")
    last_reviewed_on: Optional[dt.date] = F("Date of the latest review.")
    review_interval: Optional[Duration] = F("How often the policy is reviewed, e.g. 1y.")
    dr_exercise_interval: Optional[Duration] = F("How often a disaster-recovery exercise is held, e.g. 1y.")
    dr_exercise_types: Optional[list[ExerciseType]] = F("Kinds of disaster-recovery exercise the policy commits to: "
                                                        "tabletop, functional or full_scale.", list)
    communicated_to: Optional[list[str]] = F("Teams or groups the policy is published to.", list)
    acknowledgement_required: Optional[bool] = F("Whether readers must acknowledge the policy.")
    # Policy-wide defaults: what a policy with no tiers says for every system (a tier, a schedule or a system
    # that says otherwise wins).
    restore_test_interval: Optional[Duration] = F("How often restores are tested, policy-wide (a tier, schedule or "
                                                  "system may say otherwise).")
    restore_test_method: Optional[RestoreMethod] = F("How restores are tested, policy-wide: automated (a tool "
                                                     "restores and checks every point), sample (a sample of "
                                                     "systems or files) or full_application.")
    full_restore_interval: Optional[Duration] = F("How often a full application or system restore is done, "
                                                  "policy-wide.")
    require_immutable: Optional[bool] = F("Whether every system needs at least one immutable or offline copy "
                                          "(policy-wide; a tier may say otherwise).")
    min_backup_copies: Optional[CopyCount] = F("Backup copies every system keeps besides production, policy-wide "
                                               "(a tier may say otherwise): 2, 'two' or 'multiple'.")
    restore_authorized_by: Optional[str] = F("Who authorises a restore request (a role or team), e.g. the "
                                             "system owner.")
    former_employee_restore: Optional[str] = F("Who may request or approve restoring a former employee's data "
                                               "(e.g. HR with Legal), or 'not allowed'.")


class Engagement(Node):
    soc2_type: Optional[Literal["I", "II"]] = F("SOC 2 report type: I (design at a date) or II (operation over a period).")
    period_start: Optional[dt.date] = F("Start of the Type II observation period.")
    period_end: Optional[dt.date] = F("End of the Type II observation period.")
    categories: Optional[list[Category]] = F("Trust Services Categories in scope.", list)
    frameworks: Optional[list[Framework]] = F("Other frameworks and regulations mapped at the same time.", list)
    auditor: Optional[str] = F("Audit firm, if chosen.")


def _restore_test_baseline() -> dict:
    """The default longest restore-test interval per tier id."""
    return {t: Duration.of(d) for t, d in (("T0", "1mo"), ("T1", "3mo"), ("T2", "6mo"), ("T3", "1y"))}


class Baseline(Node):
    """Thresholds the rules use. Proposals, not law: change them per policy."""

    max_destructive_humans: int = F("Most people allowed to hold destructive backup permissions.", 3, ge=0)
    destructive_review_interval: Duration = F("Longest access-review interval for destructive roles.", Duration.of("3mo"))
    pci_review_interval: Duration = F("Longest access-review interval where PCI data is involved.", Duration.of("6mo"))
    evidence_floor: Duration = F("Shortest evidence retention when no period is set.", Duration.of("15mo"))
    min_retention_floor: Duration = F("Shortest oldest-restore-point for T0/T1 (ransomware dwell time).", Duration.of("35d"))
    dormant_after: Duration = F("A destructive-role holder idle this long is flagged.", Duration.of("90d"))
    restore_test_baseline: dict[str, Duration] = F(
        "Longest restore-test interval per tier id.",
        default_factory=_restore_test_baseline,
    )
    cis_profile: bool = F("Apply CIS v8 11.5 (quarterly restore tests of a sample).", False)


# ----------------------------------------------------------------------------
# Tiers and systems
# ----------------------------------------------------------------------------
#: Upper bounds (seconds) of the typical RPO and RTO of tiers T0, T1 and T2 (GAP_RULES §5.5); beyond them, T3.
_RPO_LEVELS = (15 * 60, 4 * 3600, 24 * 3600)
_RTO_LEVELS = (4 * 3600, 24 * 3600, 72 * 3600)


def _level_by(d: Duration, limits: tuple[int, ...]) -> int:
    return next((i for i, limit in enumerate(limits) if d.approx_seconds <= limit), len(limits))


class Tier(Node):
    id: str = F("Short id, e.g. T0, T1.", ...)
    name: Optional[str] = F("Name, e.g. Mission-critical.")
    description: Optional[str] = F("What kind of system belongs in this tier.")
    rank: Optional[int] = F("0 is the most critical. Taken from the id (T0, T1 ...) when absent, else from the "
                            "tier's RPO and RTO (T0 up to 15m/4h, T1 4h/24h, T2 24h/72h, T3 beyond).")
    rpo: Optional[Duration] = F("Recovery point objective: most data that may be lost.")
    rto: Optional[Duration] = F("Recovery time objective: longest time to restore service.")
    mtd: Optional[Duration] = F("Maximum tolerable downtime (from the business impact analysis).")
    dr_rpo: Optional[Duration] = F("RPO accepted in a regional disaster, if different.")
    dr_rto: Optional[Duration] = F("RTO accepted in a regional disaster or ransomware, if different.")
    min_backup_copies: Optional[CopyCount] = F("Backup copies required besides production (3-2-1 means 2): a "
                                               "number, or wording such as 'multiple' (read as at least 2).")
    require_immutable: Optional[bool] = F("Whether at least one copy must be immutable or offline.")
    restore_test_interval: Optional[Duration] = F("How often systems in this tier get a restore test.")
    restore_test_method: Optional[RestoreMethod] = F("How this tier's restores are tested: automated, sample or "
                                                     "full_application.")
    full_restore_interval: Optional[Duration] = F("How often a full application or system restore is done.")
    reconcile_interval: Optional[Duration] = F("How often this tier's inventory is reconciled with backup selections.")

    @field_validator("rank")
    @classmethod
    def _rank_not_negative(cls, value: Optional[int]) -> Optional[int]:
        if value is not None and value < 0:
            # a negative rank read as "more critical than T0" and dropped the tier's blockers to major
            raise ValueError(f"a tier's rank cannot be negative (0 is the most critical), got {value}")
        return value

    def level(self) -> int:
        """Criticality rank: 0 = T0 (most critical); 9 when unknown.

        From ``rank``, else the digits of the id (T0, "Tier 1"), else the tier's own objectives against the
        typical RPO/RTO of GAP_RULES §5.5 (T0 15m/4h, T1 4h/24h, T2 24h/72h, T3 beyond), the tighter of the
        two: a policy's "High / Medium / Low" tiers are as critical as their objectives say."""
        if self.rank is not None:
            return self.rank
        digits = "".join(ch for ch in self.id if ch.isdigit())
        if digits:
            return int(digits)
        return self._level_from_objectives()

    def level_basis(self) -> str:
        """Where :meth:`level` comes from: "rank", "id" or "objectives" (or "" when unknown)."""
        if self.rank is not None:
            return "rank"
        if any(ch.isdigit() for ch in self.id):
            return "id"
        return "objectives" if self._level_from_objectives() < 9 else ""

    def _level_from_objectives(self) -> int:
        levels = [_level_by(d, limits) for d, limits in ((self.rpo, _RPO_LEVELS), (self.rto, _RTO_LEVELS))
                  if d is not None and not d.vague]
        return min(levels) if levels else 9


class SaasDetails(Node):
    provider: Optional[str] = F("SaaS provider, e.g. Microsoft 365.")
    native_recovery_window: Optional[Duration] = F("How long the provider lets you recover deleted data (recycle bin).")
    restore_horizon: Optional[Duration] = F("How far back deleted or damaged data must be recoverable, e.g. 1y.")


class Exclusion(Node):
    reason: Optional[str] = F("Why this system needs no backup (e.g. stateless, rebuilt from IaC).")
    approved_by: Optional[str] = F("Who approved the exclusion.")
    expires_on: Optional[dt.date] = F("When the exclusion must be reviewed again.")
    data_kept_in: Optional[str] = F("Where the system's data lives instead, backed up there (a system id), e.g. "
                                    "laptops whose files sync to the file share.")


class System(Node):
    id: str = F("Short unique name, e.g. prod-db.", ...)
    name: Optional[str] = F("Display name the written policy uses instead of the id, e.g. Orders database.")
    description: Optional[str] = F("What the system is.")
    kind: Optional[Kind] = F("What sort of system it is.")
    environment: Optional[Environment] = F("prod, staging, dev, test, corp or dr.")
    owner: Optional[str] = F("Team or person accountable for the system.")
    tier: Optional[str] = F("Criticality tier id.")
    data_classes: list[DataClass] = F("Kinds of data it holds.", list)
    regulatory_tags: list[RegulatoryTag] = F("Regulations that apply to its data.", list)
    provider: Optional[str] = F("Where it runs: aws, azure, gcp, on_prem, or a SaaS vendor.")
    account: Optional[str] = F("Cloud account, subscription or tenant it runs in.")
    region: Optional[str] = F("Region it runs in.")
    site: Optional[str] = F("Site or data centre, for on-premises systems.")
    residency: Optional[list[str]] = F("Regions its data may be stored in (empty = unrestricted).", list)
    size_gb: Optional[float] = F("Data size in GB, for restore-time estimates.", ge=0)
    rebuild_hours: Optional[float] = F("Hours to re-provision and validate once data is back.", ge=0)
    provisioning_hours: Optional[float] = F("Hours to stand up compute in DR when not pre-provisioned.", ge=0)
    depends_on: Optional[list[str]] = F("Systems it needs to run (ids).", list)
    records_retention_via: Optional[RetentionVia] = F("Which mechanism keeps regulated records: system_of_record, archive or backup.")
    max_retention: Optional[Duration] = F("Longest its personal data may be kept (privacy maximum).")
    retention_justification: Optional[str] = F("Why backups may be kept longer than the privacy maximum.")
    rpo: Optional[Duration] = F("RPO for this system if it differs from its tier.")
    rto: Optional[Duration] = F("RTO for this system if it differs from its tier.")
    mtd: Optional[Duration] = F("MTD for this system if it differs from its tier.")
    override_rationale: Optional[str] = F("Why this system's objectives differ from its tier.")
    restore_procedure: Optional[str] = F("Reference of the restore runbook.")
    alternate_site: Optional[AlternateSite] = F("DR site readiness: none, cold, warm or hot.")
    saas: Optional[SaasDetails] = F("For SaaS systems: provider and native recovery window.")
    exclusion: Optional[Exclusion] = F("An approved exclusion from backup.")
    backs_up_system_state: Optional[bool] = F("Whether configuration (IaC, images, DNS, IdP config) is backed up too.")
    restore_test_interval: Optional[Duration] = F("How often this system gets a restore test, when the policy says so "
                                                  "per system rather than per tier.")
    restore_test_method: Optional[RestoreMethod] = F("How this system's restores are tested: automated, sample or "
                                                     "full_application.")


class Inventory(Node):
    source: Optional[str] = F("Where the inventory comes from, e.g. CMDB + AWS Config.")
    last_reconciled_on: Optional[dt.date] = F("When the inventory was last reconciled with backup selections.")
    reconcile_interval: Optional[Duration] = F("How often it is reconciled.")
    discovered: list[str] = F("Resource ids found by discovery tools, to compare with the inventory.", list)


# ----------------------------------------------------------------------------
# Schedules, targets, keys
# ----------------------------------------------------------------------------
class Schedule(Node):
    id: str = F("Short unique name, e.g. sch-orders-daily.", ...)
    name: Optional[str] = F("Display name the written policy uses instead of the id, e.g. Nightly database backup.")
    description: Optional[str] = F("What this schedule does.")
    systems: list[str] = F("Systems it backs up (ids).", list)
    tiers: list[str] = F("Tiers whose systems it backs up (ids), for tag-based plans.", list)
    type: Optional[ScheduleType] = F("full, incremental, differential, snapshot, log, continuous, replication or export.")
    interval: Optional[Duration] = F("How often a recovery point is made, e.g. 1d, 15m, continuous.")
    job_duration: Optional[Duration] = F("How long a job takes (adds to the worst-case data loss).")
    copy_lag: Optional[Duration] = F("Delay before the point reaches this schedule's targets (cross-region copies).")
    automated: Optional[bool] = F("Whether it runs without a person starting it.")
    app_consistent: Optional[bool] = F("Whether points are application-consistent.")
    versioned: Optional[bool] = F("Whether it keeps point-in-time versions (plain mirroring does not).")
    targets: list[str] = F("Targets it writes to (ids).", list)
    started_on: Optional[dt.date] = F("When this schedule started running.")
    performed_by: Optional[str] = F("Vendor id of the provider or subservice organization that runs these "
                                    "backups (e.g. the PaaS takes the database backups); its SOC 2 report then "
                                    "covers what the client cannot see.")
    restore_test_interval: Optional[Duration] = F("How often the systems of this schedule get a restore test.")
    restore_test_method: Optional[RestoreMethod] = F("How they are tested: automated, sample or full_application.")


class Immutability(Node):
    enabled: Optional[bool] = F("Whether the copy is immutable (write-once), as the policy states it, when the "
                                "mechanism (mode) is not known yet.")
    mode: Optional[ImmutabilityMode] = F("none, governance, compliance or worm_media.")
    days: Optional[int] = F("Minimum lock length in days.", ge=0)


class Encryption(Node):
    at_rest: Optional[bool] = F("Whether data at rest is encrypted.")
    algorithm: Optional[str] = F("Cipher, e.g. AES-256.")
    key: Optional[str] = F("Key id (from keys).")


class Transfer(Node):
    encrypted: Optional[bool] = F("Whether data is encrypted in transit, as the policy states it, when the "
                                  "protocol is not known yet.")
    protocol: Optional[str] = F("Transport, e.g. https, tls, ipsec, ssh, smb3, nfs.")
    tls_min: Optional[str] = F("Lowest TLS version accepted, e.g. 1.2.")


class Retention(Node):
    daily: Optional[Duration] = F("How long daily points are kept.")
    weekly: Optional[Duration] = F("How long weekly points are kept.")
    monthly: Optional[Duration] = F("How long monthly points are kept.")
    yearly: Optional[Duration] = F("How long yearly points are kept.")
    max: Optional[Duration] = F("Oldest point kept; lifecycle deletes after this.")
    indefinite: Optional[bool] = F("Whether some points are kept with no end date (then give indefinite_basis).")
    indefinite_basis: Optional[str] = F("Legal basis when points are kept indefinitely.")
    counted_from: Optional[str] = F("Event the retention counts from, when not the backup date, e.g. 'end of "
                                    "contract' for '3 years after the contract ends'.")

    def longest(self) -> Optional[Duration]:
        """The longest retention stated (max, else the longest class)."""
        if self.max is not None and not self.max.vague:
            return self.max
        known = [d for d in (self.daily, self.weekly, self.monthly, self.yearly) if d is not None and not d.vague]
        return max(known) if known else None

    def shortest(self) -> Optional[Duration]:
        known = [d for d in (self.daily, self.weekly, self.monthly, self.yearly, self.max) if d is not None and not d.vague]
        return min(known) if known else None


class Target(Node):
    id: str = F("Short unique name, e.g. vault-euc1-locked.", ...)
    name: Optional[str] = F("Display name the written policy uses instead of the id, e.g. Locked backup vault (Frankfurt).")
    description: Optional[str] = F("What it is.")
    provider: Optional[str] = F("aws, azure, gcp, wasabi, on_prem, a backup vendor ...")
    account: Optional[str] = F("Account, subscription or tenant it lives in.")
    region: Optional[str] = F("Region it lives in.")
    site: Optional[str] = F("Site, for on-premises or tape.")
    media: Optional[Media] = F("disk, object, tape, optical or removable (a list such as [disk, tape] is read as "
                               "media plus other_media).")
    other_media: list[Media] = F("Further media the same copy is kept on (a disk-to-tape library, say).", list)
    storage_class: Optional[StorageClass] = F("standard, ia, glacier_ir, glacier_flexible, deep_archive, tape_offsite, archive.")
    retrieval_option: Optional[RetrievalOption] = F("expedited, standard or bulk retrieval.")
    retrieval_hours: Optional[float] = F("Hours before a restore can start (e.g. courier time for tape).", ge=0)
    restore_throughput_gbph: Optional[float] = F("Restore speed in GB per hour.", gt=0)
    offline: Optional[bool] = F("Whether the copy is offline or air-gapped.")
    isolated_account: Optional[bool] = F("Whether it lives in an account separate from production, with separate admins.")
    immutability: Optional[Immutability] = F("Lock that stops deletion or change.")
    soft_delete_days: Optional[int] = F("Days deleted points stay recoverable.", ge=0)
    encryption: Optional[Encryption] = F("Encryption at rest.")
    transfer: Optional[Transfer] = F("How data travels to it.")
    retention: Optional[Retention] = F("How long points are kept.")
    legal_hold_supported: Optional[bool] = F("Whether points can be put on legal hold.")
    leaves_facility: Optional[bool] = F("Whether media are shipped off-site.")
    chain_of_custody: Optional[str] = F("How shipped media are tracked (media log, sealed transport, courier).")
    vendor: Optional[str] = F("Vendor holding the copy (id from vendors), if any.")
    managed_by: Optional[str] = F("Vendor id of the provider that makes and keeps this copy as part of its own "
                                  "service (e.g. the cloud's replication is the off-site copy); its SOC 2 report "
                                  "then covers what the client cannot see.")
    transfer_mechanism: Optional[str] = F("GDPR transfer basis for copies outside the EEA, e.g. SCCs.")
    capacity_used_percent: Optional[float] = F("Current utilisation of the repository.", ge=0, le=100)
    capacity_forecast: Optional[bool] = F("Whether growth is forecast.")

    @model_validator(mode="before")
    @classmethod
    def _media_list(cls, data):
        """``media: [disk, tape]`` is the first medium plus ``other_media``."""
        if isinstance(data, dict) and isinstance(data.get("media"), list):
            listed = [m for m in data["media"] if m is not None]
            data = dict(data)
            data["media"] = listed[0] if listed else None
            data["other_media"] = listed[1:] + [m for m in data.get("other_media") or [] if m not in listed]
        return data

    def all_media(self) -> tuple:
        """Every medium this copy is kept on (``media`` first)."""
        return ((self.media,) if self.media else ()) + tuple(self.other_media)

    @property
    def provider_run(self) -> bool:
        """Whether a provider makes and keeps this copy (``managed_by``)."""
        return self.managed_by is not None


class Key(Node):
    id: str = F("Key id, e.g. kms-bkp-euc1.", ...)
    name: Optional[str] = F("Display name the written policy uses instead of the id, e.g. Backup vault key.")
    provider: Optional[str] = F("Key service, e.g. aws_kms, azure_key_vault, hsm.")
    account: Optional[str] = F("Account the key lives in.")
    region: Optional[str] = F("Region the key lives in.")
    replicas: Optional[list[str]] = F("Regions with a replica of the key.", list)
    admins: Optional[list[str]] = F("People or roles (ids) who administer the key.", list)
    dual_control: Optional[bool] = F("Whether key administration needs two people.")
    deletion_window_days: Optional[int] = F("Days between scheduling deletion and deletion.", ge=0)
    retains_old_versions: Optional[bool] = F("Whether rotated key versions are kept to decrypt old points.")
    rotation_interval: Optional[Duration] = F("How often the key rotates.")
    escrow: Optional[bool] = F("Whether a copy of the key is escrowed.")


# ----------------------------------------------------------------------------
# Access
# ----------------------------------------------------------------------------
class Role(Node):
    id: str = F("Role id, e.g. backup-operator.", ...)
    name: Optional[str] = F("Display name the written policy uses instead of the id, e.g. Backup operators.")
    description: Optional[str] = F("What the role is for.")
    scope: Optional[str] = F("Where it applies, e.g. backup_console, key_management, production.")
    permissions: Optional[list[Permission]] = F("What the role may do.", list)
    members: Optional[list[str]] = F("People, service accounts or groups (ids).", list)
    targets: list[str] = F("Targets it applies to (empty = all).", list)
    mfa_required: Optional[bool] = F("Whether MFA is enforced for the role.")
    dual_authorization_for: Optional[list[Permission]] = F("Operations that need a second approver.", list)
    last_review_on: Optional[dt.date] = F("Date of the latest access review.")
    review_interval: Optional[Duration] = F("How often membership is reviewed.")
    enforced_from: Optional[dt.date] = F("When MFA and the access model took effect.")


class Principal(Node):
    id: str = F("Person, service account or group id, e.g. u-alice.", ...)
    name: Optional[str] = F("Display name.")
    type: Optional[PrincipalType] = F("human, service, shared or group.")
    status: Optional[PrincipalStatus] = F("active, disabled or terminated.")
    mfa_enrolled: Optional[bool] = F("Whether this person has MFA enrolled.")
    last_login: Optional[dt.date] = F("Last sign-in.")
    interactive_login: Optional[bool] = F("For service accounts: whether it can sign in interactively.")
    owner: Optional[str] = F("For service accounts: who owns it.")
    broad_group: Optional[bool] = F("For groups: whether it is a broad group such as all-engineering.")
    members: Optional[list[str]] = F("For groups: member ids (people, service accounts or nested groups).", list)
    email: Optional[str] = F("Contact address.")


# ----------------------------------------------------------------------------
# Monitoring, evidence
# ----------------------------------------------------------------------------
class Alert(Node):
    event: AlertEvent = F("What triggers the alert.", ...)
    systems: list[str] = F("Systems covered (empty with no tiers = all).", list)
    tiers: list[str] = F("Tiers covered.", list)
    channel: Optional[str] = F("Where it goes: pagerduty, siem, email, ticket ...")
    on_call: Optional[bool] = F("Whether it pages an on-call rotation.")
    escalation: Optional[str] = F("Escalation path when not acknowledged.")
    missed_after: Optional[Duration] = F("For job_missed: how long without a new recovery point before it fires.")
    enabled_on: Optional[dt.date] = F("When the alert was switched on.")


JobEvent = Literal["job_failed", "job_missed", "copy_failed"]


class ManualReview(Node):
    """A person checks job results by hand (a detective control some policies rely on instead of alerts)."""

    covers: list[JobEvent] = F("What the review looks for: job_failed, job_missed, copy_failed (empty = failed "
                               "and missed jobs).", list)
    systems: list[str] = F("Systems reviewed (empty with no tiers = all).", list)
    tiers: list[str] = F("Tiers reviewed.", list)
    after_each_job: Optional[bool] = F("Whether the results are checked after every scheduled job.")
    interval: Optional[Duration] = F("Otherwise how often they are checked, e.g. 1d.")
    by: Optional[str] = F("Who reviews (a role or team).")
    evidence: Optional[str] = F("Where each review is recorded (a log, a ticket, a checklist).")


class Monitoring(Node):
    alerts: list[Alert] = F("Alert rules on the backup plane.", list)
    manual_reviews: list[ManualReview] = F("Checks of job results by hand, where alerts do not cover them.", list)
    failure_ticket_sla: Optional[Duration] = F("How soon a failed job must be fixed or ticketed.")
    job_log_retention: Optional[Duration] = F("How long job logs are kept.")
    report_interval: Optional[Duration] = F("How often backup status is reported to management.")
    report_to: Optional[str] = F("Who receives the backup report.")


class EvidenceSource(Node):
    kind: EvidenceKind = F("Which record: job_history, failure_tickets, restore_tests, access_reviews, dr_exercises.", ...)
    location: Optional[str] = F("Where the records are kept.")
    retention: Optional[Duration] = F("How long they are kept.")


class Evidence(Node):
    store: Optional[str] = F("Where audit evidence is kept.")
    immutable: Optional[bool] = F("Whether the store is append-only (WORM or versioned).")
    retention: Optional[Duration] = F("How long evidence is kept.")
    sources: list[EvidenceSource] = F("Where each kind of record comes from.", list)


# ----------------------------------------------------------------------------
# Testing
# ----------------------------------------------------------------------------
class RestoreTest(Node):
    id: Optional[str] = F("Test id or ticket.")
    system: str = F("System restored (id).", ...)
    date: Optional[dt.date] = F("When the test was run.")
    type: Optional[TestType] = F("file, database, app, full_system, vm or config.")
    source_target: Optional[str] = F("Target the data was restored from (id).")
    result: Optional[TestResult] = F("pass, fail or partial.")
    measured_rto: Optional[Duration] = F("How long the restore took end to end.")
    measured_rpo: Optional[Duration] = F("Age of the restored point.")
    integrity_check: Optional[bool] = F("Whether checksums, row counts or app checks were done.")
    evidence_ref: Optional[str] = F("Ticket or document holding the evidence.")
    remediation_ticket: Optional[str] = F("Ticket fixing what the test found.")
    notes: Optional[str] = F("Anything else worth recording.")


class DrExercise(Node):
    id: Optional[str] = F("Exercise id.")
    date: Optional[dt.date] = F("When it was held.")
    type: Optional[ExerciseType] = F("tabletop, functional or full_scale.")
    scenarios: Optional[list[Scenario]] = F("Scenarios exercised.", list)
    after_action_ref: Optional[str] = F("After-action report reference.")


# ----------------------------------------------------------------------------
# Retention, privacy, disposal, vendors
# ----------------------------------------------------------------------------
class LegalHold(Node):
    id: str = F("Hold id.", ...)
    matter: Optional[str] = F("What the hold is for.")
    systems: list[str] = F("Systems under hold (ids).", list)
    since: Optional[dt.date] = F("When the hold started.")
    released_on: Optional[dt.date] = F("When it was released (empty while active).")
    applies_to_backups: Optional[bool] = F("Whether backups of these systems are held too.")


class Privacy(Node):
    erasure_in_backups_procedure: Optional[str] = F("Reference of the procedure for erasure requests and backups.")
    beyond_use_statement: Optional[bool] = F("Whether backups of erased data are put beyond use until they expire.")
    max_backup_age_for_pii: Optional[Duration] = F("Oldest backup that may hold personal data.")
    deletion_replay_on_restore: Optional[bool] = F("Whether deletions are re-applied after a restore.")


class Disposal(Node):
    method: Optional[DisposalMethod] = F(
        "nist_800_88_clear, nist_800_88_purge, nist_800_88_destroy, crypto_erase, provider_managed (cloud storage: "
        "the provider sanitizes its media, shown by its SOC 2 report) or other (describe it in procedure).")
    procedure: Optional[str] = F("How disposal is done, in the policy's own words, e.g. 'tapes are degaussed, "
                                 "then shredded by a certified vendor'.")
    key_destruction_recorded: Optional[bool] = F("For crypto-erase: whether key destruction is recorded.")
    keys_retained_elsewhere: Optional[bool] = F("For crypto-erase: whether the key survives in escrow, backups or replicas.")
    verification_interval: Optional[Duration] = F("How often a job verifies expired data is gone.")
    certificate_required: Optional[bool] = F("Whether a certificate of destruction is required.")
    vendor_destroys_media: Optional[bool] = F("Whether a vendor destroys media.")


class Vendor(Node):
    id: str = F("Vendor id.", ...)
    name: Optional[str] = F("Vendor name.")
    service: Optional[str] = F("What it provides, e.g. saas_backup, offsite_tape, msp.")
    soc2_type2_report_date: Optional[dt.date] = F("Date of its latest SOC 2 Type II report.")
    bridge_letter: Optional[bool] = F("Whether a bridge letter covers the gap since the report.")
    cuecs_mapped: Optional[bool] = F("Whether its complementary user-entity controls are mapped.")
    baa_signed: Optional[bool] = F("Whether a HIPAA business associate agreement is signed.")
    dpa_signed: Optional[bool] = F("Whether a GDPR data processing agreement is signed.")


# ----------------------------------------------------------------------------
# Working records: exceptions, follow-ups, revisions
# ----------------------------------------------------------------------------
class AcceptedException(Node):
    id: Optional[str] = F("Exception id, e.g. EXC-001.")
    rule: str = F("Rule id it accepts, e.g. COPY-002.", ...)
    scope: str = F("What it covers: a system, target, role or tier id, or * for the whole policy.", "*")
    justification: Optional[str] = F("Why the risk is accepted.")
    approved_by: Optional[str] = F("Who accepted the risk.")
    approved_on: Optional[dt.date] = F("When.")
    expires_on: Optional[dt.date] = F("When it must be revisited.")


class FollowUp(Node):
    id: Optional[str] = F("Follow-up id.")
    question: str = F("The open question.", ...)
    field: Optional[str] = F("Spec field it concerns, e.g. systems[2].tier.")
    owner: Optional[str] = F("Who will answer.")
    due: Optional[dt.date] = F("By when.")
    status: FollowUpStatus = F("open, answered or dropped.", "open")
    note: Optional[str] = F("What is known so far, or what the person answering needs.")


class Revision(Node):
    version: str = F("Version number.", ...)
    date: Optional[dt.date] = F("Date of the revision.")
    author: Optional[str] = F("Who made it.")
    approver: Optional[str] = F("Who approved it.")
    note: Optional[str] = F("What changed.")
    weakens: list[str] = F("Material weakenings against the previous published version (a retention cut, a "
                           "lock removed, a looser objective), as the publish step found them.", list)
    reason: Optional[str] = F("Why the weakenings in 'weakens' were accepted, and by whom.")


class TemplateInfo(Node):
    """Set only in a company-profile starter; what the template picker shows."""

    title: Optional[str] = F("Title shown in the template picker.")
    description: Optional[str] = F("One paragraph for the picker, naming the gaps the template deliberately shows.")
    shows_gaps: list[str] = F("Rule ids the template deliberately leaves open, e.g. COPY-002.", list)


# ----------------------------------------------------------------------------
# The whole policy
# ----------------------------------------------------------------------------
class Policy(Node):
    """One organization's backup and recovery policy."""

    spec_version: int = F("Version of this file format.", SPEC_VERSION)
    as_of: Optional[dt.date] = F("Date the policy is evaluated at (default: today).")
    template: Optional[TemplateInfo] = F("Picker title and description; only in company-profile starters.")
    organization: Organization = F("Who the policy belongs to.", default_factory=Organization)
    policy: Governance = F("Ownership, approval and review.", default_factory=Governance)
    engagement: Engagement = F("The SOC 2 engagement and frameworks in scope.", default_factory=Engagement)
    baseline: Baseline = F("Thresholds the gap rules use.", default_factory=Baseline)
    tiers: list[Tier] = F("Criticality tiers with their objectives and test cadences.", list)
    inventory: Inventory = F("Where the system list comes from and when it was reconciled.", default_factory=Inventory)
    systems: list[System] = F("Systems in the inventory.", list)
    schedules: list[Schedule] = F("Backup schedules.", list)
    targets: list[Target] = F("Where backups are written: vaults, buckets, tape.", list)
    keys: list[Key] = F("Encryption keys protecting backups.", list)
    roles: list[Role] = F("Access roles on the backup plane, keys and production.", list)
    principals: list[Principal] = F("People, service accounts and groups.", list)
    monitoring: Monitoring = F("Alerting and response.", default_factory=Monitoring)
    evidence: Evidence = F("Where audit evidence is kept.", default_factory=Evidence)
    restore_tests: list[RestoreTest] = F("Restore tests done.", list)
    dr_exercises: list[DrExercise] = F("Disaster-recovery exercises held.", list)
    legal_holds: list[LegalHold] = F("Legal holds.", list)
    privacy: Privacy = F("Personal data and backups.", default_factory=Privacy)
    disposal: Disposal = F("How expired backup data and media are destroyed.", default_factory=Disposal)
    vendors: list[Vendor] = F("Vendors holding or managing backups.", list)
    exceptions: list[AcceptedException] = F("Gaps accepted as documented exceptions.", list)
    follow_ups: list[FollowUp] = F("Open questions from the interview.", list)
    answer_sources: dict[str, str] = F("Where an answer came from, by field path, e.g. "
                                       "{'tiers[0].rpo': 'per the CTO, 3 Dec'}.", dict)
    revisions: list[Revision] = F("Revision history.", list)

    def latest_record_on(self, until: dt.date) -> Optional[dt.date]:
        """The date of the latest thing the policy records as done, up to ``until`` (a date after it is a typo or
        a plan, not a record): a review, a restore test, an exercise, an access review, a reconciliation, a
        revision. A document dated before it would quote records it says do not exist yet."""
        g = self.policy
        dates = [g.approved_on, g.last_reviewed_on, self.inventory.last_reconciled_on,
                 *(t.date for t in self.restore_tests), *(x.date for x in self.dr_exercises),
                 *(r.last_review_on for r in self.roles), *(r.date for r in self.revisions)]
        done = [d for d in dates if d is not None and d <= until]
        return max(done) if done else None
