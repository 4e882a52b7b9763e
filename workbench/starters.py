"""Clean starters for a new client: what the organization is, crossed with how its IT is run.

A starter holds a profile's sensible defaults (tiers, baseline, alerts,
evidence sources, typical systems for that kind of organization, where backups
usually go) and the questions an interview has to answer, as ``follow_ups``.
It holds no people, e-mail addresses, dates, records or names of an example
company: those belong to the full example clients (:mod:`workbench.templates`,
``workbench new --example NAME``).

Two axes (``workbench templates`` lists both):

- the organization (``--org``): ``saas``, ``healthcare``, ``financial``, ``general``;
- how IT is run (``--it``): ``inhouse``, ``msp``, ``paas``.

A profile is ``ORG-IT`` (``healthcare-msp``). The parts live in
``policy_templates/starters/starters.yaml``; :func:`build_starter` merges them
and :func:`starter_text` writes the file with a one-line comment above each
section. :func:`blank_policy` is the skeleton for an interview from nothing.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

import yaml

from workbench.resources import templates_root
from workbench.spec.io import dumps
from workbench.spec.model import Policy

__all__ = [
    "Axis", "SECTION_COMMENTS", "UnknownProfile", "blank_policy", "build_starter", "it_models", "organizations",
    "parse_profile", "starter_text",
]

DEFAULT_IT = "inhouse"

#: What people type for each axis value.
ORG_ALIASES = {
    "saas": ("software", "startup", "tech", "saas-startup"),
    "healthcare": ("health", "medical", "dental", "clinic", "hipaa", "healthcare-hipaa", "hospital"),
    "financial": ("finance", "fintech", "bank", "banking", "payments", "lending", "fintech-sox-pci", "sox", "pci"),
    "general": ("small-business", "smb", "business", "other", "general-small-business"),
}
IT_ALIASES = {
    "inhouse": ("in-house", "internal", "own", "on-prem", "onprem", "on_prem", "self"),
    "msp": ("managed", "managed-service-provider", "outsourced", "msp-managed"),
    "paas": ("cloud", "cloud-native", "cloudnative", "aws", "azure", "gcp"),
}
#: The full example clients, mapped to the clean starter of the same kind.
EXAMPLE_PROFILE = {
    "saas-startup": "saas-paas",
    "msp-small-business": "general-msp",
    "healthcare-hipaa": "healthcare-inhouse",
    "fintech-sox-pci": "financial-paas",
}

#: One line above each top-level section of a starter file: what the section is for.
SECTION_COMMENTS = {
    "spec_version": "Version of this file format; leave as is.",
    "organization": "Who the policy belongs to.",
    "policy": "The document itself: owner, approver, dates, review and exercise cadence.",
    "engagement": "The SOC 2 report asked for (Type I or II, period, categories) and other frameworks in scope.",
    "baseline": "Thresholds the gap rules use; proposals, change them for this client.",
    "tiers": "Criticality tiers: how much data may be lost (rpo), how fast to restore (rto), copies, tests.",
    "inventory": "Where the list of systems comes from and how often it is reconciled with the backups.",
    "systems": "Every system that holds data: what it is, its tier, its data, who owns it.",
    "schedules": "Backup jobs: which systems or tiers, how often, to which targets.",
    "targets": "Where copies are kept: repositories, cloud buckets, tape; lock, encryption, retention.",
    "keys": "Encryption keys that protect the backups.",
    "roles": "Who may configure, run, restore or delete backups.",
    "principals": "The people, service accounts and groups named in roles.",
    "monitoring": "Alerts on failed, missed or deleted backups, and who reviews job results.",
    "evidence": "Where the records an auditor samples are kept, and for how long.",
    "restore_tests": "Restore tests done (date, system, result, time taken).",
    "dr_exercises": "Disaster-recovery exercises held.",
    "legal_holds": "Legal holds that stop backups from expiring.",
    "privacy": "Personal data in backups: erasure requests, oldest backup allowed.",
    "disposal": "How expired backups and media are destroyed.",
    "vendors": "Service providers that run or hold backups (MSP, cloud backup, off-site tape).",
    "exceptions": "Gaps accepted as documented exceptions (who approved, until when).",
    "follow_ups": "Questions still open: answer them in the sections above, then mark them answered.",
    "revisions": "Revision history (publishing fills it in).",
}


class UnknownProfile(LookupError):
    """No organization kind or IT model of that name; the message lists the names there are."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown profile"


@dataclass(frozen=True)
class Axis:
    """One value of an axis: ``healthcare`` or ``msp``."""

    name: str
    title: str
    description: str


@lru_cache(maxsize=4)
def _data(root: str) -> dict:
    from pathlib import Path

    path = Path(root) / "starters" / "starters.yaml"
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _parts() -> dict:
    return _data(str(templates_root()))


def _axis(section: str) -> list[Axis]:
    return [Axis(name, v.get("title", name), " ".join(str(v.get("description", "")).split()))
            for name, v in _parts()[section].items()]


def organizations() -> list[Axis]:
    """The organization kinds, in the file's order."""
    return _axis("organizations")


def it_models() -> list[Axis]:
    """The ways IT is run, in the file's order."""
    return _axis("it")


def _pick(value: str, section: str, aliases: dict[str, tuple[str, ...]], what: str, flag: str) -> str:
    names = list(_parts()[section])
    key = str(value).strip().lower().replace(" ", "-").replace("_", "-")
    if key in names:
        return key
    for name, words in aliases.items():
        if key in words and name in names:
            return name
    match = difflib.get_close_matches(key, names + [w for ws in aliases.values() for w in ws], n=1, cutoff=0.6)
    hint = ""
    if match:
        guess = match[0] if match[0] in names else next(n for n, ws in aliases.items() if match[0] in ws)
        hint = f" (did you mean {guess!r}?)"
    raise UnknownProfile(f"unknown {what} {value!r}{hint}; {flag} takes one of: {', '.join(names)}")


def parse_profile(name: str) -> tuple[str, str]:
    """``healthcare-msp`` -> (``healthcare``, ``msp``); an organization alone takes in-house IT.

    The names of the full example clients (``msp-small-business``) give the
    clean starter of the same kind (``general-msp``).
    """
    key = str(name).strip().lower()
    for suffix in (".yaml", ".yml", ".toml", ".json"):
        key = key.removesuffix(suffix)
    key = EXAMPLE_PROFILE.get(key, key)
    orgs = list(_parts()["organizations"])
    for org in sorted(orgs, key=len, reverse=True):
        if key == org:
            return org, DEFAULT_IT
        if key.startswith(org + "-"):
            return org, _pick(key[len(org) + 1:], "it", IT_ALIASES, "IT model", "--it")
    head, _, tail = key.partition("-")
    if tail:
        try:
            return _pick(head, "organizations", ORG_ALIASES, "organization kind", "--org"), \
                _pick(tail, "it", IT_ALIASES, "IT model", "--it")
        except UnknownProfile:
            pass
    try:
        return _pick(key, "organizations", ORG_ALIASES, "organization kind", "--org"), DEFAULT_IT
    except UnknownProfile:
        profiles = ", ".join(f"{o}-{i}" for o in orgs for i in _parts()["it"])
        match = difflib.get_close_matches(key, profiles.split(", "), n=1, cutoff=0.5)
        hint = f" (did you mean {match[0]!r}?)" if match else ""
        raise UnknownProfile(f"unknown profile {name!r}{hint}; profiles are ORGANIZATION-IT: {profiles}") from None


def _merge(base: Any, extra: Any) -> Any:
    """Mappings merge key by key, lists are joined (de-duplicated for plain values), values are replaced."""
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for k, v in extra.items():
            out[k] = _merge(out[k], v) if k in out else copy.deepcopy(v)
        return out
    if isinstance(base, list) and isinstance(extra, list):
        if all(not isinstance(v, (dict, list)) for v in base + extra):
            return base + [v for v in extra if v not in base]
        return base + copy.deepcopy(extra)
    return copy.deepcopy(extra)


_ID_INDEX = re.compile(r"^(\w+)\[([A-Za-z][\w.-]*)\]")


def _resolve_field(field: str, data: dict) -> str:
    """``systems[email].saas.provider`` -> ``systems[4].saas.provider`` (the item with that id)."""
    m = _ID_INDEX.match(field)
    if not m:
        return field
    section, item = m.groups()
    ids = [x.get("id") for x in data.get(section, []) if isinstance(x, dict)]
    if item not in ids:
        raise ValueError(f"starter follow-up names {section}[{item}], which the starter does not have")
    return f"{section}[{ids.index(item)}]{field[m.end():]}"


def build_starter(org: str, it: str = DEFAULT_IT, organization_name: Optional[str] = None) -> Policy:
    """The clean starter for organization kind ``org`` with IT run as ``it`` (names or aliases)."""
    org = _pick(org, "organizations", ORG_ALIASES, "organization kind", "--org")
    it = _pick(it, "it", IT_ALIASES, "IT model", "--it")
    parts = _parts()
    org_part = {k: v for k, v in parts["organizations"][org].items() if k not in ("title", "description")}
    it_part = {k: v for k, v in parts["it"][it].items() if k not in ("title", "description")}
    industry = org_part.pop("industry", None)
    defaults = it_part.pop("system_defaults", {}) or {}
    data = _merge(_merge(copy.deepcopy(parts["common"]), org_part), it_part)
    asked = {fu.get("field") for fu in data.get("follow_ups", [])}
    for system in data.get("systems", []):
        if system.get("kind") != "saas":
            for k, v in defaults.items():
                if f"systems[{system.get('id')}].{k}" not in asked:  # the question stays open
                    system.setdefault(k, v)
    organization = {}
    if organization_name and organization_name.strip():
        organization["name"] = organization_name.strip()
    if industry:
        organization["industry"] = industry
    data = {"organization": organization, **data}
    for i, fu in enumerate(data.get("follow_ups", []), 1):
        fu["field"] = _resolve_field(fu["field"], data) if fu.get("field") else fu.get("field")
        fu.setdefault("id", f"Q{i}")
    return Policy.model_validate(data)


def blank_policy(organization_name: Optional[str] = None) -> Policy:
    """Only the skeleton: every section present and empty, for an interview from nothing."""
    policy = Policy()
    if organization_name and organization_name.strip():
        policy.organization.name = organization_name.strip()
    return policy


#: Sections a blank start writes even though they are empty, so the file shows the whole outline.
_SKELETON = ("organization", "policy", "engagement", "tiers", "inventory", "systems", "schedules", "targets",
             "roles", "monitoring", "evidence", "restore_tests", "dr_exercises", "vendors", "exceptions",
             "follow_ups")


def starter_text(policy: Policy, fmt: str = "yaml", *, heading: str = "", skeleton: bool = False) -> str:
    """The policy as a file a person edits: ``heading`` on top and one comment line above each section.

    JSON has no comments, so it is written plain. With ``skeleton``, empty
    sections are written too (``systems: []``) so the outline is visible.
    """
    if fmt == "json":
        return dumps(policy, "json")
    if skeleton and fmt == "yaml":
        text = _skeleton_yaml(policy)
    else:
        text = dumps(policy, fmt)
    lines = text.splitlines()
    out: list[str] = [f"# {line}" if line else "#" for line in heading.splitlines()]
    if out:
        out.append("")
    seen: set[str] = set()
    for line in lines:
        key = _top_key(line, fmt)
        if key and key not in seen and key in SECTION_COMMENTS:
            seen.add(key)
            if out and out[-1] != "":
                out.append("")
            out.append(f"# {SECTION_COMMENTS[key]}")
        out.append(line)
    return "\n".join(out) + "\n"


def _top_key(line: str, fmt: str) -> Optional[str]:
    if fmt == "toml":
        m = re.match(r"^\[\[?([A-Za-z_]+)[\].]", line) or re.match(r"^([A-Za-z_]+)\s*=", line)
    else:
        m = re.match(r"^([A-Za-z_]+):", line)
    return m.group(1) if m else None


def _skeleton_yaml(policy: Policy) -> str:
    from workbench.spec.io import to_data

    data = to_data(policy)
    for key in _SKELETON:
        data.setdefault(key, [] if isinstance(getattr(policy, key), list) else {})
    ordered = {k: data[k] for k in ["spec_version", *Policy.model_fields] if k in data}
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
