"""The criteria catalog: every criterion id a rule maps to, in our own words.

Each entry has a short name and a one-line paraphrase written for this
product. They are deliberately *not* the text of the standards (the AICPA's
Trust Services Criteria are copyrighted; the others are paraphrased the same
way for consistency). Entries that GAP_RULES flags "(verify)" carry
``verify=True`` so that the interface can show them as unsettled.

Lookups are forgiving about spelling: ``describe("gdpr", "Art. 17")``,
``describe("cis", "CIS 11.2")`` and ``describe("iso27001", "8.13")`` find
the same entries as the canonical ids. Ranges and lists the catalog writes in
one cell (``164.316(a)-(b)``, ``PCI 3.6-3.7``) are aliases of an entry.

A test (tests/test_criteria.py) loads every rule family and checks that each
id a rule cites resolves here, so a rule cannot cite an unknown criterion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional

from .engine import FRAMEWORK_NAMES, FRAMEWORK_ORDER


@dataclass(frozen=True)
class Criterion:
    """One criterion of one framework, paraphrased."""

    framework: str
    id: str
    name: str
    paraphrase: str
    verify: bool = False
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def framework_name(self) -> str:
        return FRAMEWORK_NAMES.get(self.framework, self.framework)

    def label(self) -> str:
        """``SOC 2 A1.2``."""
        return f"{self.framework_name} {self.id}"

    def to_dict(self) -> dict:
        return {
            "framework": self.framework, "id": self.id, "name": self.name,
            "paraphrase": self.paraphrase, "verify": self.verify,
        }


# (id, name, paraphrase, verify, aliases) per framework, in display order.
_V = True  # marks "(verify)" entries readably below

_SOC2 = [
    ("CC1.3", "Structure and accountability", "Management sets reporting lines, authority and responsibility for meeting objectives, with board oversight."),
    ("CC2.1", "Quality information", "The organization produces and uses complete, accurate information, such as asset lists, data classes and locations, to run its controls."),
    ("CC2.2", "Internal communication", "The people who operate controls are told what is expected of them and how to report failures."),
    ("CC2.3", "External communication", "Commitments and shared responsibilities are communicated to customers, vendors and other outside parties."),
    ("CC4.1", "Ongoing evaluation", "Controls are checked, continuously or separately, to confirm that they exist and work."),
    ("CC4.2", "Fixing deficiencies", "Control weaknesses reach the people who can fix them and are corrected in good time."),
    ("CC5.1", "Choosing controls", "Control activities are chosen to bring risks down to an acceptable level, including splitting incompatible duties."),
    ("CC5.2", "Technology controls", "General controls over technology are selected and built to support the objectives."),
    ("CC5.3", "Policies and procedures", "Controls are put in place through written policies and working procedures, run on time by competent people and reassessed."),
    ("CC6.1", "Logical access and encryption", "Access to information assets is limited by software, architecture and encryption; asset inventories and keys are managed."),
    ("CC6.2", "Granting and removing accounts", "Accounts are issued only after approval, reviewed, and disabled as soon as they are no longer valid."),
    ("CC6.3", "Role-based access", "Access is granted, changed and removed by role, with least privilege and separated duties."),
    ("CC6.4", "Physical access", "Only authorized people can physically reach facilities and stored media, backup media included."),
    ("CC6.5", "Retiring assets", "Protections on physical assets are lifted only once their data can no longer be read or recovered."),
    ("CC6.6", "Threats from outside", "Access from beyond the system boundary needs extra safeguards such as multi-factor authentication."),
    ("CC6.7", "Data in transit and on media", "Moving or removing data is limited to authorized parties and protected, for example by encryption."),
    ("CC6.8", "Unauthorized changes and software", "Measures prevent or detect unauthorized or malicious software and changes."),
    ("CC7.1", "Detecting configuration drift", "Monitoring finds configuration changes, unknown components and new weaknesses."),
    ("CC7.2", "Monitoring for anomalies", "Systems are watched for unusual activity, including insider misuse and stolen credentials, and anomalies are analysed."),
    ("CC7.3", "Judging security events", "Detected events are assessed to decide whether they are incidents, and followed up."),
    ("CC7.4", "Responding to incidents", "Incidents are contained, resolved and communicated through a defined response programme."),
    ("CC7.5", "Recovering from incidents", "Work to restore operations after an incident is planned, carried out, tested and improved."),
    ("CC8.1", "Change management", "Changes to infrastructure, data, software and procedures are authorized, tested, approved and recorded."),
    ("CC9.1", "Business disruption risk", "Risks of business disruption are identified and reduced, for example with alternative processing and recovery plans."),
    ("CC9.2", "Vendor and partner risk", "Risks that come from vendors and business partners are assessed and managed."),
    ("A1.1", "Capacity", "Current capacity and usage are measured and forecast so that demand can be met."),
    ("A1.2", "Backup and recovery infrastructure", "Environmental protections, backup processes and recovery infrastructure are designed, run and monitored to meet availability objectives."),
    ("A1.3", "Recovery testing", "The procedures that support recovery, including restoring backups, are tested."),
    ("C1.1", "Keeping confidential data", "Confidential information is identified and kept, safe from loss, for as long as it must be retained."),
    ("C1.2", "Destroying confidential data", "Confidential information is destroyed once its retention period is over."),
    ("P4.2", "Retaining personal data", "Personal information is kept no longer than its purpose requires and is protected while kept."),
    ("P4.3", "Disposing of personal data", "Personal information is disposed of securely, including when a person asks for deletion."),
    ("PI1.5", "Stored data integrity", "Stored inputs, work in progress and outputs stay complete, accurate and current, with records of storage activity."),
]

_CIS = [
    ("1.1", "Enterprise asset inventory", "Keep a detailed, current list of enterprise assets.", _V),
    ("3.4", "Data retention", "Keep data only for the minimum and maximum periods the retention process sets.", _V),
    ("3.5", "Secure data disposal", "Dispose of data securely, as the disposal process and data sensitivity require.", _V),
    ("3.7", "Data classification", "Maintain a scheme that classifies data by sensitivity.", _V),
    ("3.10", "Encryption in transit", "Encrypt sensitive data while it travels.", _V),
    ("3.11", "Encryption at rest", "Encrypt sensitive data where it is stored.", _V),
    ("5.1", "Account inventory", "Keep a list of all accounts and review it regularly against authorizations.", _V),
    ("5.3", "Dormant accounts", "Disable accounts that have not been used for a set time.", _V),
    ("5.4", "Dedicated admin accounts", "Give administrative rights only to separate admin accounts.", _V),
    ("5.5", "Service account inventory", "Keep a list of service accounts with their owners and purpose.", _V),
    ("6.1", "Granting access", "Follow a defined process for granting access when people join or change roles.", _V),
    ("6.2", "Revoking access", "Remove access promptly when people leave or change roles.", _V),
    ("6.5", "MFA for administrators", "Require multi-factor authentication for administrative access.", _V),
    ("6.8", "Role-based access control", "Define and maintain access by role, granting each role only what it needs.", _V),
    ("6.x", "Access control management", "The access-control safeguards of Control 6 taken together.", _V),
    ("8.2", "Collecting audit logs", "Collect audit logs from enterprise assets.", _V),
    ("8.10", "Retaining audit logs", "Keep audit logs for at least 90 days.", _V),
    ("8.11", "Reviewing audit logs", "Review audit logs to spot anomalies and possible threats.", _V),
    ("11.1", "Data recovery process", "Keep a written recovery process covering scope, priorities and protection of backups; review it yearly or after major change."),
    ("11.2", "Automated backups", "Back up in-scope assets automatically, weekly or more often depending on sensitivity."),
    ("11.3", "Protecting recovery data", "Give backups protections equal to those of the original data, such as encryption or separation."),
    ("11.4", "Isolated recovery copy", "Keep an isolated copy of recovery data, for example offline, versioned or off-site."),
    ("11.5", "Testing recovery", "Test recovery of a sample of in-scope assets at least quarterly."),
    ("17.7", "Incident response exercises", "Run routine exercises of the incident response plan.", _V),
]

_NIST = [
    ("AC-2", "Account management", "Manage system accounts through their life: approval, review and removal."),
    ("AC-2(3)", "Disabling accounts", "Disable accounts that are expired, unused or no longer needed."),
    ("AC-2(j)", "Account reviews", "Review accounts for compliance with account-management requirements at a set frequency."),
    ("AC-5", "Separation of duties", "Split duties so that no one person can misuse a process alone."),
    ("AC-6", "Least privilege", "Grant only the access each user or process needs."),
    ("AC-6(7)", "Reviewing privileges", "Periodically review assigned privileges and remove those no longer needed."),
    ("AU-6", "Audit record review", "Review and analyse audit records for signs of inappropriate activity."),
    ("AU-9(2)", "Audit backups on a separate system", "Store audit records on a system apart from the one being audited."),
    ("AU-11", "Audit record retention", "Keep audit records long enough for investigations and retention rules."),
    ("CM-8", "Component inventory", "Maintain an accurate inventory of system components."),
    ("CP-1", "Contingency planning policy", "Write, publish and review a contingency planning policy and its procedures."),
    ("CP-2", "Contingency plan", "Keep a contingency plan with recovery objectives, roles and priorities."),
    ("CP-4", "Contingency plan testing", "Test the contingency plan at a set frequency and act on the results."),
    ("CP-4(c)", "Acting on test results", "Review contingency-test results and start corrective actions."),
    ("CP-6", "Alternate storage site", "Keep backups at an alternate storage site with equivalent safeguards."),
    ("CP-6(1)", "Separation from primary", "Place the alternate storage site far enough away that the same threats are unlikely to hit both."),
    ("CP-7", "Alternate processing site", "Have an alternate site ready to resume essential operations within objectives."),
    ("CP-9", "System backup", "Back up user data, system data and documentation at frequencies consistent with recovery objectives, and protect the backups.", False,
     ("CP-9(a-c)", "CP-9(a)-(c)", "CP-9(b)-(c)", "CP-9(a)", "CP-9(b)", "CP-9(c)")),
    ("CP-9(1)", "Testing backups", "Test backups at a set frequency for media reliability and data integrity."),
    ("CP-9(2)", "Test restoration using samples", "Restore a sample of backup data as part of contingency-plan testing."),
    ("CP-9(3)", "Separate storage", "Keep backups of critical information in a separate facility or protected container."),
    ("CP-9(5)", "Transfer to alternate site", "Move backups to the alternate site at a pace consistent with recovery objectives."),
    ("CP-9(6)", "Redundant secondary system", "Keep a redundant secondary system that can take over without loss."),
    ("CP-9(7)", "Dual authorization", "Require two people to approve deleting or destroying backup data."),
    ("CP-9(8)", "Cryptographic protection", "Use cryptography to keep backups from disclosure and modification."),
    ("CP-10", "Recovery and reconstitution", "Bring the system back to a known state within recovery objectives."),
    ("CP-10(2)", "Transaction recovery", "Recover transaction-based systems completely and consistently."),
    ("IA-2", "Identification and authentication", "Uniquely identify and authenticate each user."),
    ("IA-2(1)", "MFA for privileged accounts", "Require multi-factor authentication for privileged accounts."),
    ("IA-4", "Identifier management", "Assign, manage and retire user and device identifiers."),
    ("IR-3", "Incident response testing", "Test the incident response capability at a set frequency."),
    ("IR-4", "Incident handling", "Detect, analyse, contain and recover from incidents through a defined process."),
    ("MP-4", "Media storage", "Store media securely until it is destroyed or sanitized."),
    ("MP-5", "Media transport", "Protect and track media while it is moved outside controlled areas."),
    ("MP-6", "Media sanitization", "Sanitize media before disposal or reuse so data cannot be recovered."),
    ("PS-4", "Personnel termination", "Revoke access and recover assets when someone leaves."),
    ("RA-2", "Security categorization", "Categorize systems and data by the impact of their loss."),
    ("SA-9", "External services", "Hold external service providers to the organization's security requirements."),
    ("SC-8", "Transmission protection", "Protect data in transit against disclosure and change."),
    ("SC-8(1)", "Cryptographic transit protection", "Use cryptography to protect data in transit."),
    ("SC-12", "Key management", "Establish and manage cryptographic keys through their life cycle."),
    ("SC-12(1)", "Key availability", "Keep keys available so encrypted data can still be read if keys are lost."),
    ("SC-28", "Protection at rest", "Protect stored data against disclosure and change."),
    ("SC-28(1)", "Cryptographic protection at rest", "Use cryptography to protect stored data."),
    ("SI-4", "System monitoring", "Monitor systems to detect attacks and unauthorized use."),
    ("SI-12", "Information retention", "Keep and dispose of information according to law, policy and need."),
    ("SP 800-34", "Contingency Planning Guide", "NIST guide: the business impact analysis sets MTD, RTO and RPO; recovery strategy and exercises follow from it.", False,
     ("NIST SP 800-34", "800-34", "SP 800-34 Rev. 1", "SP 800-34r1")),
    ("SP 800-52r2", "TLS guidance", "NIST guidance on selecting and configuring TLS; version 1.2 or later.", False,
     ("NIST SP 800-52r2", "SP 800-52", "SP 800-52 Rev. 2", "800-52r2")),
]

_ISO = [
    ("A.5.1", "Policies for information security", "Define, approve, publish and review topic-specific security policies."),
    ("A.5.3", "Segregation of duties", "Separate conflicting duties and areas of responsibility."),
    ("A.5.9", "Inventory of assets", "Keep an inventory of information and related assets with owners."),
    ("A.5.12", "Classification", "Classify information by its confidentiality, integrity and availability needs."),
    ("A.5.14", "Information transfer", "Protect information when it is transferred, by rules, procedures or agreements."),
    ("A.5.16", "Identity management", "Manage the full life cycle of identities."),
    ("A.5.18", "Access rights", "Grant, review, change and remove access rights under the access policy."),
    ("A.5.22", "Supplier service monitoring", "Monitor, review and evaluate suppliers' security practices and service delivery."),
    ("A.5.23", "Cloud services", "Acquire, use, manage and exit cloud services under security requirements."),
    ("A.5.26", "Responding to incidents", "Respond to incidents following documented procedures."),
    ("A.5.29", "Security during disruption", "Keep information security at an appropriate level during disruption."),
    ("A.5.30", "ICT readiness for continuity", "Plan, build, keep and test ICT readiness to meet continuity objectives."),
    ("A.5.31", "Legal and regulatory requirements", "Identify and meet legal, regulatory and contractual requirements."),
    ("A.5.33", "Protection of records", "Protect records from loss, destruction, falsification and unauthorized access."),
    ("A.5.34", "Privacy and PII", "Meet privacy and personal-data protection obligations."),
    ("A.7.10", "Storage media", "Manage storage media through acquisition, use, transport and disposal."),
    ("A.7.14", "Secure disposal or reuse", "Make sure data is removed or overwritten before equipment is disposed of or reused."),
    ("A.8.2", "Privileged access", "Restrict and manage privileged access rights."),
    ("A.8.5", "Secure authentication", "Use secure authentication suited to the sensitivity of access."),
    ("A.8.10", "Information deletion", "Delete information when it is no longer required."),
    ("A.8.13", "Information backup", "Keep and test backup copies of information, software and systems under an agreed backup policy."),
    ("A.8.14", "Redundancy", "Provide enough redundancy in processing facilities to meet availability needs."),
    ("A.8.15", "Logging", "Produce, store, protect and analyse logs of activities and events."),
    ("A.8.16", "Monitoring activities", "Monitor systems and networks for anomalous behaviour and respond."),
    ("A.8.24", "Use of cryptography", "Define and apply rules for cryptography, including key management."),
]

_HIPAA = [
    ("164.308(a)(3)(ii)(C)", "Termination procedures", "End a workforce member's access to ePHI when their employment or role ends."),
    ("164.308(a)(4)", "Information access management", "Authorize access to ePHI according to policies and procedures."),
    ("164.308(a)(7)", "Contingency plan", "Have policies and procedures to respond to emergencies that damage systems holding ePHI."),
    ("164.308(a)(7)(ii)(A)", "Data backup plan", "Create and keep retrievable exact copies of ePHI. (Required.)"),
    ("164.308(a)(7)(ii)(B)", "Disaster recovery plan", "Have procedures to restore any loss of data. (Required.)"),
    ("164.308(a)(7)(ii)(C)", "Emergency mode operation plan", "Keep critical processes running while protecting ePHI in an emergency. (Required.)"),
    ("164.308(a)(7)(ii)(D)", "Testing and revision", "Test and revise the contingency plans from time to time. (Addressable.)"),
    ("164.308(a)(7)(ii)(E)", "Criticality analysis", "Rank how critical applications and data are. (Addressable.)"),
    ("164.308(b)", "Business associate contracts", "Have written assurances from vendors that handle ePHI, such as backup providers.", _V),
    ("164.310(d)(1)", "Device and media controls", "Control how hardware and media holding ePHI enter, move within and leave a facility."),
    ("164.310(d)(2)(i)", "Disposal", "Deal with the final disposal of ePHI and the media holding it.", _V),
    ("164.310(d)(2)(ii)", "Media re-use", "Remove ePHI from media before it is re-used.", _V),
    ("164.310(d)(2)(iv)", "Backup before moving equipment", "Make a retrievable exact copy of ePHI before equipment is moved.", _V),
    ("164.312(a)(2)(iv)", "Encryption and decryption", "Encrypt and decrypt ePHI where reasonable. (Addressable.)", _V),
    ("164.312(d)", "Person or entity authentication", "Verify that whoever seeks access to ePHI is who they claim to be."),
    ("164.312(e)", "Transmission security", "Guard ePHI against unauthorized access while it travels over networks.", _V),
    ("164.316(a)", "Policies and procedures", "Adopt reasonable policies and procedures to comply with the Security Rule."),
    ("164.316(b)", "Documentation", "Keep the policies, procedures and required records in written form."),
    ("164.316(b)(2)(i)", "Documentation retention", "Keep required documentation for six years from creation or last effective date.", _V),
    ("164.316(b)(2)(iii)", "Documentation updates", "Review documentation periodically and update it when things change."),
]

_HIPAA_ALIASES = {
    "164.308(a)(7)(ii)(A)": ("164.308(a)(7)(ii)(A)-(B)", "164.308(a)(7)(ii)(A),(E)"),
    "164.308(a)(7)(ii)(B)": ("164.308(a)(7)(ii)(B)-(C)",),
    "164.316(a)": ("164.316(a)-(b)",),
    "164.310(d)(2)(i)": ("164.310(d)(2)(i)-(ii)",),
}

_PCI = [
    ("3.2.1", "Account data retention", "Limit stored account data, backups included, to what is needed and confirm at least every three months that expired data is gone."),
    ("3.5.1", "PAN unreadable when stored", "Make stored card numbers unreadable wherever they are kept, backups included.", _V),
    ("3.6", "Protecting keys", "Protect the cryptographic keys that secure stored account data.", _V),
    ("3.7", "Key-management procedures", "Define and follow key-management processes across the key life cycle.", _V, ("3.6-3.7",)),
    ("4.2.1", "Strong cryptography in transit", "Protect card numbers with strong cryptography over open, public networks.", _V),
    ("7.2", "Access by need", "Define and assign access on least privilege and business need."),
    ("7.2.2", "Access by role", "Assign access by job classification and function with least privilege.", _V),
    ("7.2.4", "Six-monthly account reviews", "Review all user accounts and their privileges at least every six months."),
    ("8.2.2", "Shared accounts", "Use shared or generic accounts only as an exception, with controls.", _V),
    ("8.2.5", "Removing leavers", "Revoke access for terminated users immediately.", _V, ("8.2.5/8.2.6",)),
    ("8.2.6", "Inactive accounts", "Remove or disable accounts inactive for 90 days.", _V),
    ("8.4.1", "MFA for admin access", "Require MFA for non-console administrative access to the cardholder data environment.", _V, ("8.4.1/8.4.2",)),
    ("8.4.2", "MFA for all CDE access", "Require MFA for all non-console access into the cardholder data environment."),
    ("9.4.1", "Securing media", "Physically secure all media holding cardholder data.", False, ("9.4.1-9.4.1.2",)),
    ("9.4.1.1", "Offline backup location", "Keep offline media backups with cardholder data in a secure place."),
    ("9.4.1.2", "Reviewing the backup location", "Review the security of the offline backup location at least every 12 months."),
    ("9.4.3", "Media sent off-site", "Secure media sent outside the facility and track it."),
    ("9.4.5", "Media inventory logs", "Keep inventory logs of electronic media with cardholder data."),
    ("9.4.7", "Destroying media", "Destroy electronic media when it is no longer needed."),
    ("10.2", "Audit logging", "Enable audit logs that record user activity and security-relevant events."),
    ("10.3.3", "Backing up audit logs", "Back up audit logs promptly to a central store that is hard to alter."),
    ("10.5.1", "Audit log retention", "Keep audit-log history for at least 12 months, the latest three months readily available."),
    ("12.1.2", "Reviewing the security policy", "Review the information security policy at least once every 12 months.", _V),
    ("12.10.1", "Incident response plan", "Keep an incident response plan that covers business recovery and data backup processes."),
    ("12.10.2", "Testing the response plan", "Review and test the incident response plan at least every 12 months."),
]

_GDPR = [
    ("5(1)(e)", "Storage limitation", "Keep personal data in identifiable form no longer than its purposes need."),
    ("17", "Right to erasure", "Erase personal data on request where the grounds apply; backups may be put beyond use until they expire."),
    ("28", "Processors", "Use only processors, backup vendors included, bound by a contract with sufficient guarantees."),
    ("32(1)(a)", "Encryption and pseudonymisation", "Use encryption or pseudonymisation where appropriate to the risk."),
    ("32(1)(c)", "Timely restoration", "Be able to restore availability of and access to personal data promptly after an incident."),
    ("32(1)(d)", "Testing effectiveness", "Test and evaluate security measures on a regular schedule."),
    ("44-46", "International transfers", "Transfer personal data outside the EEA only with an adequacy decision or other safeguards.", False,
     ("44", "45", "46", "Ch. V", "Chapter V")),
]

_OTHER = [
    ("SEC 17a-4", "SEC broker-dealer records", "US broker-dealers keep required records for set periods (commonly six or three years).", False, ("17a-4",)),
    ("SEC 17a-4(f)", "SEC electronic records (WORM)", "Electronic broker-dealer records must be kept non-rewriteable and non-erasable, or with an audit trail.", False, ("17a-4(f)",)),
    ("NYDFS 500.6", "NYDFS audit trail", "Covered entities keep audit trails that can rebuild financial transactions and record cyber events.", False, ("500.6",)),
    ("NYDFS 500.13", "NYDFS data retention limits", "Covered entities dispose of non-public information that is no longer needed.", False, ("500.13",)),
    ("CISA", "CISA backup guidance", "CISA guidance: keep offline, encrypted, tested backups that ransomware cannot reach.", False,
     ("CISA #StopRansomware", "CISA offline-backup guidance", "#StopRansomware")),
    ("ICO beyond use", "UK ICO 'beyond use'", "The UK regulator accepts backups being put beyond use until they expire, if the organization is open about it.", False,
     ("ICO", "ICO \"beyond use\"")),
    ("CSA CCM BCR-08", "CSA CCM backup", "Cloud Controls Matrix: back up cloud data, protect it, test restores with records, and approve restores.", False,
     ("BCR-08", "CCM BCR-08")),
    ("3-2-1", "3-2-1 rule", "Practice: three copies of data, on two kinds of storage, one of them off-site.", False, ("3-2-1 rule",)),
    ("AWS Backup Audit Manager", "AWS backup retention control", "AWS's audit control for backup plans: keep recovery "
     "points at least 35 days by default, long enough to outlast ransomware that goes unnoticed for weeks.", False,
     ("AWS Backup Audit Manager: retention 35 days",)),
]


def _build() -> dict[tuple[str, str], Criterion]:
    out: dict[tuple[str, str], Criterion] = {}
    tables = (("soc2", _SOC2), ("cis", _CIS), ("nist", _NIST), ("iso27001", _ISO),
              ("hipaa", _HIPAA), ("pci", _PCI), ("gdpr", _GDPR), ("other", _OTHER))
    for fw, rows in tables:
        for row in rows:
            cid, name, text = row[:3]
            verify = bool(row[3]) if len(row) > 3 else False
            aliases = tuple(row[4]) if len(row) > 4 else ()
            if fw == "hipaa":
                aliases += _HIPAA_ALIASES.get(cid, ())
            if (fw, cid) in out:
                raise ValueError(f"criterion {fw} {cid} listed twice")
            out[(fw, cid)] = Criterion(fw, cid, name, text, verify, aliases)
    return out


#: (framework, id) -> Criterion, SOC 2 first, then the companion frameworks.
CRITERIA: dict[tuple[str, str], Criterion] = _build()

_PREFIXES = {
    "soc2": ("soc 2", "soc2", "tsc"),
    "cis": ("cis controls v8", "cis v8", "cis"),
    "nist": ("nist 800-53", "nist sp 800-53", "nist"),
    "iso27001": ("iso/iec 27001:2022", "iso 27001:2022", "iso 27001", "iso27001", "iso", "annex"),
    "hipaa": ("hipaa", "45 cfr", "cfr", "§"),
    "pci": ("pci dss v4.0.1", "pci dss", "pci", "req.", "requirement"),
    "gdpr": ("gdpr", "article", "art.", "art"),
    "other": (),
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.strip().lower())


def _normal(framework: str, cid: str) -> str:
    """A spelling-insensitive form of ``cid`` within ``framework``."""
    s = re.sub(r"\s*\(verify[^)]*\)\s*$", "", cid.strip().lower())
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES.get(framework, ()):
            if s.startswith(prefix) and s != prefix:
                s = s[len(prefix):].lstrip(" .§:")
                changed = True
    s = _squash(s)
    if framework == "iso27001" and s and s[0].isdigit():
        s = "a." + s
    return s


def _index() -> dict[tuple[str, str], Criterion]:
    idx: dict[tuple[str, str], Criterion] = {}
    for (fw, cid), c in CRITERIA.items():
        for spelling in (cid, *c.aliases):
            idx.setdefault((fw, _normal(fw, spelling)), c)
    return idx


_INDEX = _index()


def describe(framework: str, cid: str) -> Optional[Criterion]:
    """The catalog entry for ``cid`` in ``framework`` (forgiving about spelling), else None.

    An id filed under ``other`` is also looked up in every framework, and an
    id under a named framework falls back to ``other`` (e.g. ``SP 800-34``
    filed under nist). A note after the id, separated by a space, is ignored:
    ``SP 800-34 BIA`` and ``164.308(a)(7)(ii)(A) (if PHI)`` resolve to their ids.
    """
    words = cid.split()
    for end in range(len(words), 0, -1):
        found = _lookup(framework, " ".join(words[:end]))
        if found is not None:
            return found
    return None


def _lookup(framework: str, cid: str) -> Optional[Criterion]:
    found = _INDEX.get((framework, _normal(framework, cid)))
    if found is not None:
        return found
    if framework == "other":
        for fw in FRAMEWORK_ORDER:
            found = _INDEX.get((fw, _normal(fw, cid)))
            if found is not None:
                return found
        return None
    return _INDEX.get(("other", _normal("other", cid)))


def criteria(framework: str | None = None) -> list[Criterion]:
    """Catalog entries in display order, optionally of one framework."""
    return [c for c in CRITERIA.values() if framework is None or c.framework == framework]


def frameworks() -> list[str]:
    """Framework keys that have entries, in display order."""
    present = {fw for fw, _ in CRITERIA}
    return [fw for fw in FRAMEWORK_ORDER if fw in present]


def cited(rules: Iterable) -> Iterator[tuple[str, str, str]]:
    """Every (rule id, framework, criterion id) the given rules cite."""
    for r in rules:
        for fw, ids in r.criteria.items():
            for cid in ids:
                yield r.id, fw, cid


def unknown(rules: Iterable) -> list[tuple[str, str, str]]:
    """Citations in ``rules`` with no catalog entry: (rule id, framework, criterion id)."""
    return [(rid, fw, cid) for rid, fw, cid in cited(rules) if describe(fw, cid) is None]


__all__ = ["CRITERIA", "Criterion", "cited", "criteria", "describe", "frameworks", "unknown"]
