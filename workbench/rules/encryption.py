"""Encryption and keys (ENC): are copies encrypted, in transit and at rest, with keys that stay safe and usable?

Shared causes (see :func:`workbench.rules.engine.finalize`): a copy whose key was never used
in a restore (ENC-004) is evidence; when the policy holds no restore-test records at all it
folds into TEST-002's one "no restore-test records yet" finding. A copy of unclassified
data is asked about here (is it encrypted?); COV-002 asks for the data classes themselves.
"""

from __future__ import annotations

import re
from typing import Optional

from workbench.spec.durations import Duration
from workbench.spec.model import System, Target

from .context import CLASS_RANK
from .engine import rule
from .immutability import grant_text, names, plane

REGIMES = {"hipaa", "pci", "gdpr"}
MIN_DELETION_WINDOW_DAYS = 7
DECRYPT_PROOF_WINDOW = Duration.of("1y")
MOVABLE_MEDIA = ("tape", "removable", "optical")

_WEAK = re.compile(
    r"(?<![a-z0-9])(3des|tdes|tdea|triple-?des|des|des-?ede3?|rc2|rc4|arcfour|blowfish|idea|cast5|cast-?128|xor|"
    r"none|plain(text)?|rot13|md5|sha1)(?![a-z])"
)
_AES_SIZE = re.compile(r"aes[-a-z]*?(128|192|256)|(128|192|256)-?bits?-?aes")
_PROVIDER_AES256 = re.compile(r"sse-?s3|sse-?kms|aws:kms|aws-?kms|\bkms\b|sse-?c\b|storage-service-encryption|chacha20")
_TLS_FAMILY = {"https", "tls", "ftps", "tls1.2", "tls1.3", "s3", "grpcs", "wss", "smtps"}
_SECURE_OTHER = {"ssh", "sftp", "scp", "ipsec", "vpn", "wireguard", "macsec", "smb3", "krb5p", "rsync+ssh"}
_INSECURE = {"http", "ftp", "nfs", "nfs3", "nfsv3", "nfsv4", "smb", "smb1", "smb2", "cifs", "rsync", "iscsi", "tftp",
             "telnet", "plain", "plaintext", "none", "tcp", "unencrypted", "rcp"}


def _sensitive(ctx, a: System) -> list[str]:
    """What makes ``a``'s data need encryption: classes at or above confidential, or regulated tags."""
    out = [c for c in a.data_classes if CLASS_RANK.get(c, 0) >= 2]
    out += sorted(t for t in ctx.tags(a) & REGIMES if t not in out)
    return out


def _sensitive_systems(ctx, systems) -> list[tuple[System, list[str]]]:
    out = []
    for a in systems:
        why = _sensitive(ctx, a)
        if why:
            out.append((a, why))
    return out


def _listing(pairs) -> str:
    return names(pairs, fmt=lambda p: f"{p[0].id} ({', '.join(p[1])})")


def cipher_grade(algorithm: str) -> str:
    """``weak`` (not approved), ``below`` (AES-128/192), ``ok`` (AES-256 or equivalent) or ``unknown``."""
    t = re.sub(r"[\s_/]+", "-", algorithm.strip().lower())
    m = _AES_SIZE.search(t)
    if m:
        size = next(g for g in m.groups() if g)
        return "ok" if size == "256" else "below"
    if _WEAK.search(t):
        return "weak"
    if _PROVIDER_AES256.search(t) or "aes" in t:
        return "ok"
    return "unknown"


@rule(
    "ENC-001",
    title="Sensitive backups are not encrypted at rest with approved cryptography",
    severity="blocker",
    family="encryption",
    maps={"soc2": ["CC6.1", "C1.1", "PI1.5", "P4.2"], "cis": ["11.3", "3.11"], "nist": ["CP-9(8)", "SC-28(1)"],
          "iso27001": ["A.8.24", "A.8.13"], "hipaa": ["164.312(a)(2)(iv)"], "pci": ["3.5.1"], "gdpr": ["32(1)(a)"]},
    fix="Turn on vault or storage encryption with customer-managed AES-256 keys, so backups carry the same "
        "protection as the data they copy.",
    description="A copy of confidential or regulated data is unencrypted, or encrypted with a weak or sub-baseline cipher.",
)
def enc_001(ctx):
    pl = plane(ctx)
    for c in ctx.policy.targets:
        enc = c.encryption
        at_rest = enc.at_rest if enc else None
        if at_rest is None and enc is not None and (enc.key or enc.algorithm):
            at_rest = True  # a key or a cipher implies encryption at rest
        if at_rest and enc.algorithm and cipher_grade(enc.algorithm) == "ok":
            continue
        held = pl.held.get(c.id, {}).values()
        pairs = _sensitive_systems(ctx, held)
        if not pairs:
            if not at_rest:
                yield from _unclassified(ctx, pl, c, held, at_rest)
            continue
        worst = pl.worst((a for a, _ in pairs), regulated_first=True)
        scopes = [a.id for a, _ in pairs]
        what = f"{c.id} holds backups of {_listing(pairs)}"
        if at_rest is False:
            yield ctx.hit(f"{what} but is not encrypted at rest.", ctx.tp(c, "encryption", "at_rest"),
                          subject=c.id, system=worst, scopes=scopes)
        elif at_rest is None:
            yield ctx.ask(f"{what}: is it encrypted at rest, and with which cipher?",
                          ctx.tp(c, "encryption", "at_rest"), subject=c.id, system=worst, scopes=scopes)
        elif not enc.algorithm:
            yield ctx.ask(f"{what} and is encrypted at rest: with which cipher (e.g. AES-256)?",
                          ctx.tp(c, "encryption", "algorithm"), subject=c.id, system=worst, scopes=scopes,
                          severity="minor", why="the copy is encrypted; only the cipher is not named")
        else:
            grade = cipher_grade(enc.algorithm)
            path = ctx.tp(c, "encryption", "algorithm")
            if grade == "weak":
                yield ctx.hit(f"{what} but encrypts them with {enc.algorithm}, which is not approved cryptography "
                              "(AES-128 or stronger).", path, subject=c.id, system=worst, scopes=scopes)
            elif grade == "below":
                yield ctx.hit(f"{what} and encrypts them with {enc.algorithm}: approved, but below the policy "
                              "baseline of AES-256.", path, subject=c.id, system=worst, scopes=scopes, severity="minor",
                              why="approved cryptography, below the policy's own baseline only")
            elif grade == "unknown":
                yield ctx.ask(f"{what} and encrypts them with {enc.algorithm!r}: is that approved cryptography "
                              "(AES-128 or stronger; AES-256 is the baseline)?", path, subject=c.id, system=worst,
                              scopes=scopes, severity="minor", why="the copy is encrypted; only the cipher is unclear")


def _unclassified(ctx, pl, c, held, at_rest):
    """A copy that is unencrypted, or not known to be encrypted, holding data nobody has classified yet.

    Unclassified data may well be confidential: it is asked about (major), not passed over, and not
    reported as a breach either until the classification says it matters.
    """
    unknown = [a for a in held if not a.data_classes and not a.regulatory_tags and ctx.in_scope(a)]
    if not unknown:
        return
    ids = [a.id for a in unknown]
    whose = f"{names(ids)}, whose data {'is' if len(ids) == 1 else 'are'} not classified yet"
    if at_rest is False:
        question = f"{c.id} is not encrypted at rest and holds backups of {whose}: is any of it confidential?"
    else:
        question = f"{c.id} holds backups of {whose}: is it encrypted at rest, and with which cipher?"
    yield ctx.ask(question, ctx.tp(c, "encryption", "at_rest"), ctx.sp(unknown[0], "data_classes"), subject=c.id,
                  system=pl.worst(unknown), scopes=ids, severity="major",
                  why="the data is not classified yet: it may be confidential, so it is asked, not reported as a breach")


PHYSICAL = frozenset({"tape", "removable", "optical"})


@rule(
    "ENC-002",
    title="Backup traffic crosses a trust boundary without TLS 1.2 or equivalent",
    severity="major",
    family="encryption",
    maps={"soc2": ["CC6.7", "CC6.1"], "cis": ["3.10"], "nist": ["SC-8(1)"], "iso27001": ["A.8.24", "A.5.14"],
          "hipaa": ["164.312(e)"], "pci": ["4.2.1"], "gdpr": ["32(1)(a)"],
          "other": ["NIST SP 800-52r2"]},
    fix="Require TLS 1.2 or later (1.3 preferred), IPsec or SSH on every backup and copy path, and deny "
        "unencrypted requests by policy (e.g. aws:SecureTransport).",
    description="Backups travel to another account, region, provider, site or vendor over an unencrypted or outdated protocol.",
)
def enc_002(ctx):
    pl = plane(ctx)
    for c in ctx.policy.targets:
        systems = pl.held.get(c.id, {}).values()
        if not systems:
            continue
        if c.transfer is None and (c.media in PHYSICAL or c.storage_class == "tape_offsite"
                                   or (c.media is None and c.leaves_facility is True)):
            # written locally, carried by hand or courier (media of an unstated kind that leave the facility
            # too): ENC-005 judges the media's journey
            continue
        verdict, detail = _transport(c)
        if verdict == "ok":
            continue
        crossing, unknown = [], []
        for a in systems:
            b = _boundary(a, c)
            if b is None:
                unknown.append(a)
            elif b:
                crossing.append((a, b))
        if not (crossing or unknown):
            continue
        worst = pl.worst([a for a, _ in crossing] or unknown, regulated_first=True)
        scopes = [a.id for a, _ in crossing] or [a.id for a in unknown]
        paths = (ctx.tp(c, "transfer", "protocol"), ctx.tp(c, "transfer", "tls_min"))
        if verdict == "stated":
            # "Encrypted in transit" is stated, the protocol is not: one question, not silence, not a gap.
            yield ctx.ask(f"{c.id} receives backups of {names([a.id for a, _ in crossing] or [a.id for a in unknown])} "
                          "encrypted in transit, as the policy states: over which protocol, and what is the lowest "
                          "TLS version accepted?", *paths, subject=c.id, system=worst, scopes=scopes,
                          severity="minor")
            continue
        if crossing:
            a, b = crossing[0]
            more = f" (and {len(crossing) - 1} more)" if len(crossing) > 1 else ""
            path = f"Backups of {a.id}{more} go to {c.id} across a trust boundary ({b})"
            if verdict == "bad":
                yield ctx.hit(f"{path} over {detail}, without TLS 1.2+, IPsec or SSH.", *paths,
                              subject=c.id, system=worst, scopes=scopes)
            else:
                yield ctx.ask(f"{path}: {detail}", *paths, subject=c.id, system=worst, scopes=scopes)
        elif verdict == "bad":
            yield ctx.ask(
                f"Backups of {names(unknown, fmt=lambda a: a.id)} go to {c.id} over {detail}: does that path leave the "
                "account, region, provider or site? (Give the accounts and regions of both ends.)",
                *paths, ctx.tp(c, "account"), ctx.tp(c, "region"), subject=c.id, system=worst, scopes=scopes,
            )
        elif c.transfer is None or not (c.transfer.protocol or c.transfer.tls_min):
            # Where the copy lives is not given, and nothing states transfer encryption: a copy written anywhere
            # but the system's own disk travels, so ask rather than assume it stays inside (issue 12 §4).
            yield ctx.ask(
                f"Backups of {names(unknown, fmt=lambda a: a.id)} are written to {c.id}, and nothing states that they "
                "are encrypted in transit: are they sent over TLS 1.2+, IPsec or SSH?",
                *paths, subject=c.id, system=worst, scopes=scopes)


def _boundary(a: System, c: Target) -> Optional[str]:
    """How the path from ``a`` to ``c`` crosses a boundary; "" when it stays inside; None when unknown."""
    if c.vendor:
        return f"held by vendor {c.vendor}"
    compared = False
    for field, word in (("provider", "provider"), ("account", "account"), ("region", "region"), ("site", "site")):
        x, y = getattr(a, field), getattr(c, field)
        if x and y:
            compared = True
            if x != y:
                return f"{word} {x} → {y}"
    return "" if compared else None


def _tls_version(text: str) -> Optional[tuple[int, int]]:
    t = text.strip().lower()
    if "ssl" in t:
        return (0, 0)
    m = re.search(r"(\d)(?:\.(\d))?", t)
    return (int(m.group(1)), int(m.group(2) or 0)) if m else None


def _transport(c: Target) -> tuple[str, str]:
    """(``ok`` | ``bad`` | ``ask`` | ``stated``, the protocol as written or the question). ``stated``: encryption in
    transit is stated (``transfer.encrypted``) with no protocol."""
    tr = c.transfer
    proto = (tr.protocol or "").strip() if tr else ""
    tls = (tr.tls_min or "").strip() if tr else ""
    if not proto and not tls:
        if tr is not None and tr.encrypted is False:
            return "bad", "a path the policy says is not encrypted in transit"
        if tr is not None and tr.encrypted:
            return "stated", ""
        return "ask", "how does the data travel (protocol and lowest TLS version)?"
    tokens = set(re.split(r"[^a-z0-9.+]+", proto.lower())) - {""}
    version = _tls_version(tls) if tls else None
    if version is None:
        m = re.search(r"tls\s*v?(\d\.\d)", proto.lower())
        version = _tls_version(m.group(1)) if m else None
    tls_family = bool(tokens & _TLS_FAMILY) or (not proto and bool(tls))
    if tls_family or (version is not None and not tokens & _INSECURE):
        if version is None:
            return "ask", f"it uses {proto or 'TLS'}; what is the lowest TLS version accepted?"
        if version < (1, 2):
            return "bad", f"{proto or 'TLS'} accepting TLS {tls}"
        return "ok", ""
    if tokens & _SECURE_OTHER:
        return "ok", ""
    if tokens & _INSECURE:
        return "bad", proto
    return "ask", f"it uses {proto!r}: is that TLS 1.2+, IPsec or SSH?"


@rule(
    "ENC-003",
    title="Backup key custody is not separated",
    severity="major",
    family="encryption",
    maps={"soc2": ["CC6.1", "CC6.3"], "cis": ["11.3"], "nist": ["SC-12", "CP-9(8)", "AC-5"],
          "iso27001": ["A.8.24", "A.5.3"], "hipaa": ["164.312(a)(2)(iv)"], "pci": ["3.6", "3.7"]},
    fix="Keep keys for isolated copies inside the isolated boundary, administered by security key admins who are "
        "neither backup operators nor production admins, and alert on key disable or deletion.",
    description="Production admins or people who can delete recovery points administer a backup key, or an isolated copy's key lives in production.",
)
def enc_003(ctx):
    pl = plane(ctx)
    danger = pl.holders("prod_admin", "delete_recovery_point")
    for k in ctx.policy.keys:
        targets = pl.key_targets.get(k.id, [])
        used = f" (used by {names([t.id for t in targets])})" if targets else ""
        admins = pl.key_admins(k)
        risky = pl.top([pid for pid in admins if pid in danger])
        if admins and (not risky or k.dual_control is True):
            continue
        systems = {s: a for t in targets for s, a in pl.held.get(t.id, {}).items()}
        worst = pl.worst(systems.values(), regulated_first=True)
        scopes = [t.id for t in targets] + list(systems)
        if not admins:
            yield ctx.ask(f"Who administers key {k.id}{used}?", ctx.keyp(k, "admins"),
                          subject=k.id, system=worst, scopes=scopes)
        if risky and k.dual_control is not True:
            parts = []
            for pid in risky:
                perm, r, via = danger[pid][0]
                also = grant_text(r, via)
                parts.append(f"{pid} (key admin and {perm}, both through {also})" if admins[pid][0] == also
                             else f"{pid} (key admin through {admins[pid][0]}, and {perm} through {also})")
            text = f"Key {k.id}{used} is administered by {'; '.join(parts)}"
            paths = (ctx.keyp(k, "admins"), ctx.keyp(k, "dual_control"))
            if k.dual_control is False:
                yield ctx.hit(f"{text}, with no dual control: one compromised admin can disable the key and make "
                              "the backups unreadable.", *paths, subject=k.id, system=worst, scopes=scopes)
            else:
                yield ctx.ask(f"{text}: does administering {k.id} need a second person (dual control)?",
                              *paths, subject=k.id, system=worst, scopes=scopes)
    yield from _isolated_keys(ctx, pl)


def _isolated_keys(ctx, pl):
    prod_accounts = _ProdAccounts(ctx)
    for c in ctx.policy.targets:
        if c.isolated_account is not True or not c.encryption or not c.encryption.key:
            continue
        k = ctx.keys.get(c.encryption.key)
        if k is None:
            continue  # a dangling key reference is reported by the reference checks
        systems = pl.held.get(c.id, {}).values()
        if k.account is not None and k.account == c.account:
            continue  # the key lives inside the isolated boundary
        if k.account is None:
            prod_seen = bool(prod_accounts.get()) or any(a.account for a in systems)
        else:
            prod_seen = k.account in prod_accounts.get() or any(a.account == k.account for a in systems)
        if not prod_seen:
            continue
        worst = pl.worst_on(c.id, held=True, regulated_first=True)
        scopes = [k.id] + [a.id for a in systems]
        if k.account is None:
            yield ctx.ask(f"{c.id} is in an isolated account: which account holds its key {k.id}?",
                          ctx.keyp(k, "account"), subject=c.id, system=worst, scopes=scopes)
        else:
            yield ctx.hit(
                f"{c.id} is in an isolated account but its key {k.id} lives in production account {k.account}: "
                "a production compromise can disable the key and make the isolated copy unreadable.",
                ctx.keyp(k, "account"), ctx.tp(c, "encryption", "key"), subject=c.id, system=worst, scopes=scopes,
            )


class _ProdAccounts:
    """Accounts of production systems, found on first use (most isolated keys live in their own account)."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._found: Optional[set[str]] = None

    def get(self) -> set[str]:
        if self._found is None:
            self._found = {a.account for a in self.ctx.systems.values() if a.account and a.environment == "prod"}
        return self._found


@rule(
    "ENC-004",
    title="Backup keys may not be available when a restore needs them",
    severity="major",
    family="encryption",
    records=True,
    maps={"soc2": ["CC6.1", "A1.2", "A1.3"], "nist": ["SC-12(1)", "CP-9(8)"], "iso27001": ["A.8.24"]},
    fix="Use multi-region or per-region keys, keep old key versions for the whole retention period, keep a deletion "
        "waiting period, and prove decryption in restore tests.",
    description="A copy's key is in another region, drops old versions, can be deleted at once, or was never used in a restore test.",
)
def enc_004(ctx):
    pl = plane(ctx)
    for k in ctx.policy.keys:
        yield from _key_properties(ctx, pl, k)
    for c in ctx.policy.targets:
        yield from _copy_key(ctx, pl, c)


def _key_properties(ctx, pl, k):
    targets = pl.key_targets.get(k.id, [])

    def about():
        worst = pl.worst(filter(None, (pl.worst_on(t.id) for t in targets)))
        scopes = [t.id for t in targets] + [s for t in targets for s in pl.copied.get(t.id, ())]
        return {"subject": k.id, "system": worst, "scopes": scopes}

    if k.deletion_window_days is not None and k.deletion_window_days < MIN_DELETION_WINDOW_DAYS:
        yield ctx.hit(f"Key {k.id} can be deleted {k.deletion_window_days} days after deletion is scheduled "
                      f"(less than {MIN_DELETION_WINDOW_DAYS}): too little time to notice and cancel.",
                      ctx.keyp(k, "deletion_window_days"), **about())
    rot = k.rotation_interval
    if rot is None or rot.vague or k.retains_old_versions is True:
        return
    kept = [(t.retention.longest(), t) for t in targets if t.retention and t.retention.longest()]
    if not kept:
        return
    longest, t = max(kept, key=lambda x: x[0])
    if longest <= rot:
        return
    text = f"Key {k.id} rotates every {rot} but {t.id} keeps points for {longest}"
    paths = (ctx.keyp(k, "retains_old_versions"), ctx.keyp(k, "rotation_interval"), ctx.tp(t, "retention"))
    if k.retains_old_versions is False:
        yield ctx.hit(f"{text}, and old key versions are not kept: older points cannot be decrypted.",
                      *paths, **about())
    else:
        yield ctx.ask(f"{text}: are old key versions kept for the whole retention?", *paths, **about())


def _copy_key(ctx, pl, c: Target):
    pool = pl.copied.get(c.id, {})
    enc = c.encryption
    if not pool or enc is None or not (enc.at_rest or enc.key):
        return
    k = ctx.keys.get(enc.key) if enc.key else None
    if (k is not None and k.region and c.region and k.region != c.region and c.region not in (k.replicas or ())
            and not k.escrow):  # an escrowed copy of the key survives losing its region (GAP_RULES 5.3)
        yield ctx.hit(
            f"{c.id} in {c.region} is encrypted with key {k.id} in {k.region}, which has no replica in "
            f"{c.region}: losing {k.region} makes the copy unreadable.",
            ctx.keyp(k, "replicas"), ctx.tp(c, "encryption", "key"), subject=c.id, system=pl.worst_on(c.id),
            scopes=_copy_scopes(pool, k),
        )
    if not enc.key:
        # Provider-managed encryption (no key of the customer's own): losing or mis-rotating a key is not a
        # risk the policy controls, and a missing restore test is already TEST-002's finding.
        return
    latest = _latest_proof(ctx, pl, c)
    if latest is not None and DECRYPT_PROOF_WINDOW.add_to(latest) >= ctx.today:
        return
    yield from _decryption_proof(ctx, c, k, pool.values(), pl.worst_on(c.id), _copy_scopes(pool, k), latest)


def _copy_scopes(pool, k) -> list[str]:
    """ENC-004's scopes for a copy: the systems it holds, then its key."""
    return list(pool) + ([k.id] if k is not None else [])


def _latest_proof(ctx, pl, c):
    """Date of the latest restore test from ``c`` that did not fail (None if there is none)."""
    today, latest = ctx.today, None
    for t in pl.tests_from(c.id):
        d = t.date
        if d and t.result != "fail" and d <= today and (latest is None or d > latest):
            latest = d
    return latest


def _unattributed(ctx) -> frozenset[str]:
    """Ids of the systems with a restore test in the last 12 months that does not say which copy it restored from
    (one pass over the tests, kept for the evaluation: a copy may hold thousands of systems)."""
    found = ctx.__dict__.get("_enc_unattributed")
    if found is None:
        recent: dict = {}  # date -> within the window: dates repeat
        out = set()
        for t in ctx.policy.restore_tests:
            d = t.date
            if t.source_target is None and d:
                ok = recent.get(d)
                if ok is None:
                    ok = recent[d] = DECRYPT_PROOF_WINDOW.add_to(d) >= ctx.today
                if ok:
                    out.add(t.system)
        found = ctx._enc_unattributed = frozenset(out)
    return found


def _decryption_proof(ctx, c, k, systems, worst, scopes, latest):
    keytext = f" (key {k.id})" if k is not None else ""
    recent = _unattributed(ctx)
    unattributed = [a.id for a in systems if a.id in recent] if recent else []
    if unattributed:
        yield ctx.ask(f"Restore tests of {names(unattributed)} in the last 12 months do not say which copy they "
                      f"restored from: did one decrypt data from {c.id}{keytext}?",
                      "restore_tests", subject=c.id, system=worst, scopes=scopes, causes=(f"restore_tests/{c.id}",))
        return
    last = f"the latest was on {latest}" if latest else "none is recorded"
    yield ctx.missing(f"No restore test in the 12 months to {ctx.today} restored data from {c.id}{keytext}, so "
                  f"decrypting it is unproven; {last}.", "restore_tests", ctx.tp(c, "encryption"),
                  subject=c.id, system=worst, scopes=scopes)


@rule(
    "ENC-005",
    title="Media leaving the facility are unencrypted or untracked",
    severity="major",
    family="encryption",
    maps={"soc2": ["CC6.7", "CC6.4", "CC6.5"], "cis": ["11.3"], "nist": ["MP-4", "MP-5", "CP-9(8)"],
          "iso27001": ["A.7.10", "A.8.24"], "hipaa": ["164.310(d)(1)"],
          "pci": ["9.4.1", "9.4.1.1", "9.4.1.2", "9.4.3", "9.4.5"]},
    fix="Use hardware-encrypted media (e.g. LTO AES-256), keep a media log, ship by tracked courier in sealed "
        "containers, and review the off-site vault's security every year.",
    description="Tapes or removable media shipped off-site are not encrypted or have no chain of custody.",
)
def enc_005(ctx):
    pl = plane(ctx)
    for c in ctx.policy.targets:
        # Media of an unstated kind that the policy says leave the facility ("backup media are stored off
        # site") are physical media in transit until said otherwise.
        unstated = c.media is None and c.leaves_facility is True
        if not unstated and c.storage_class != "tape_offsite" and not any(m in MOVABLE_MEDIA for m in c.all_media()):
            continue
        leaves = c.leaves_facility if c.leaves_facility is not None else (True if c.storage_class == "tape_offsite" else None)
        if leaves is False:
            continue
        at_rest = c.encryption.at_rest if c.encryption else None
        if at_rest is None and c.encryption and (c.encryption.key or c.encryption.algorithm):
            at_rest = True
        custody = (c.chain_of_custody or "").strip()
        no_custody = custody.lower() in ("none", "no", "n/a", "na", "false", "-")
        problems, questions, bad_paths, open_paths = [], [], [], []
        if at_rest is False:
            problems.append("are not encrypted")
            bad_paths.append(ctx.tp(c, "encryption", "at_rest"))
        elif at_rest is None:
            questions.append("are they encrypted?")
            open_paths.append(ctx.tp(c, "encryption", "at_rest"))
        if no_custody:
            problems.append("have no chain of custody")
            bad_paths.append(ctx.tp(c, "chain_of_custody"))
        elif not custody:
            questions.append("how are they tracked (media log, sealed transport, tracked courier)?")
            open_paths.append(ctx.tp(c, "chain_of_custody"))
        if not problems and not questions:
            continue
        systems = pl.held.get(c.id, {}).values()
        worst = pl.worst_on(c.id, held=True, regulated_first=True)
        regulated = [a.id for a in systems if ctx.tags(a)]
        sev = "blocker" if regulated else None
        why = f"the media hold regulated data ({names(regulated)})" if regulated else None
        scopes = [a.id for a in systems]
        media = c.media if c.media in MOVABLE_MEDIA else next(
            (m for m in c.other_media if m in MOVABLE_MEDIA),
            "backup" if unstated and c.storage_class != "tape_offsite" else "tape")
        held = f" holding {names(regulated or scopes)}" if scopes else ""
        if leaves is None:
            if problems:
                yield ctx.ask(f"The {media} media of {c.id}{held} {' and '.join(problems)}: do they leave the "
                              "facility?", ctx.tp(c, "leaves_facility"), *bad_paths, subject=c.id, system=worst,
                              scopes=scopes, severity=sev, why=why)
            continue
        if problems:
            yield ctx.hit(f"The {media} media of {c.id}{held} leave the facility but {' and '.join(problems)}.",
                          *bad_paths, subject=c.id, system=worst, scopes=scopes, severity=sev, why=why)
        if questions:
            yield ctx.ask(f"The {media} media of {c.id}{held} leave the facility: {' '.join(questions)}",
                          *open_paths, subject=c.id, system=worst, scopes=scopes, severity=sev, why=why)
