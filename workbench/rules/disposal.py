"""Disposal (DISP): is expired backup data and media destroyed in a way that can be shown?

Shared causes (see :func:`workbench.rules.engine.finalize`): DISP-001 owns the disposal
verification cadence, a policy-wide question asked once; GOV-003's question for the same
interval folds into it.
"""

from __future__ import annotations

from workbench.spec.durations import Duration

from .engine import rule
from .wording import listing as _names

PCI_VERIFICATION = Duration.of("3mo")
NIST_METHODS = ("nist_800_88_clear", "nist_800_88_purge", "nist_800_88_destroy")


#: Providers that stand for storage the organization runs itself.
SELF_HOSTED = frozenset({"on_prem", "on-prem", "onprem", "on_premises", "on-premises", "self", "local", "datacenter"})


def _media_you_hold(ctx) -> list:
    """Targets holding backups on media the organization itself manages (and so must sanitize itself)."""
    return [c for c in ctx.policy.targets
            if c.media in ("tape", "removable", "optical") or c.storage_class == "tape_offsite"
            or (c.provider or "").strip().lower() in SELF_HOSTED]


@rule(
    "DISP-001",
    title="Disposal method, verification or destruction records missing",
    severity="major",
    family="disposal",
    maps={"soc2": ["CC6.5", "C1.2", "P4.3"], "cis": ["3.5"], "nist": ["MP-6"], "iso27001": ["A.7.14", "A.8.10"],
          "hipaa": ["164.310(d)(2)(i)", "164.310(d)(2)(ii)"], "pci": ["3.2.1", "9.4.7"]},
    fix="Pick a NIST SP 800-88 method (clear, purge or destroy) per media type, or crypto-erase with a record of "
        "the key's destruction; verify on a schedule that expired data is gone; and require certificates when a "
        "vendor destroys media.",
    description="Disposal has no recognised method, no verification cadence, an unsound crypto-erase, or vendor "
                "destruction without certificates.",
)
def disp_001(ctx):
    d = ctx.policy.disposal
    held = _media_you_hold(ctx)
    if d.method is None:
        cloud = " or, for cloud storage, the provider's own media sanitization" if not held else ""
        yield ctx.ask("How is expired backup data and media destroyed (NIST SP 800-88 clear, purge or destroy, "
                      f"crypto-erase{cloud})?", "disposal.method", subject="disposal")
    elif d.method == "provider_managed":
        if held:
            yield ctx.hit(f"Disposal is left to the cloud provider, but {_names([c.id for c in held])} "
                          f"{'keeps' if len(held) == 1 else 'keep'} backups on media you manage (tape, removable or "
                          "on-premises): say how those are destroyed (NIST SP 800-88 clear, purge or destroy, or "
                          "crypto-erase).", "disposal.method", *(ctx.tp(c) for c in held[:1]), subject="disposal",
                          scopes=tuple(c.id for c in held))
    elif d.method not in NIST_METHODS and d.method != "crypto_erase":
        said = f" ({d.procedure.strip()!r})" if d.procedure and d.procedure.strip() else ""
        yield ctx.hit(f"disposal.method is '{d.method}'{said}, which is neither a NIST SP 800-88 method nor "
                      "crypto-erase with a record of key destruction.", "disposal.method",
                      *(("disposal.procedure",) if said else ()), subject="disposal")
    if d.method == "crypto_erase":
        if d.keys_retained_elsewhere:
            yield ctx.hit("Disposal is by crypto-erase, but the key survives in escrow, backups or replicas, "
                          "so the data can still be decrypted.", "disposal.keys_retained_elsewhere",
                          subject="disposal")
        elif d.keys_retained_elsewhere is None:
            yield ctx.ask("Disposal is by crypto-erase: is every copy of the key (escrow, backups, replicas) "
                          "destroyed too?", "disposal.keys_retained_elsewhere", subject="disposal")
        if d.key_destruction_recorded is False:
            yield ctx.hit("Disposal is by crypto-erase, but key destruction is not recorded, so erasure cannot "
                          "be shown.", "disposal.key_destruction_recorded", subject="disposal")
        elif d.key_destruction_recorded is None:
            yield ctx.ask("Disposal is by crypto-erase: is each key destruction recorded?",
                          "disposal.key_destruction_recorded", subject="disposal")
    # "pci" in ctx.tags(a), without building every system's tag set: the tag comes from either list
    pci = [a.id for a in ctx.in_scope_systems if "pci" in a.data_classes or "pci" in a.regulatory_tags]
    interval = d.verification_interval
    if interval is None:
        need = f" (at least every {PCI_VERIFICATION}, as PCI data is held: {_names(pci)})" if pci else ""
        yield ctx.ask(f"How often is it verified that expired backup data is really gone{need}?",
                      "disposal.verification_interval", subject="disposal", scopes=tuple(pci))
    elif not interval.vague and pci and interval > PCI_VERIFICATION:
        yield ctx.hit(f"Deletion of expired data is verified every {interval}, but PCI data is held "
                      f"({_names(pci)}): PCI DSS 3.2.1 needs at least every {PCI_VERIFICATION}.",
                      "disposal.verification_interval", subject="disposal", scopes=tuple(pci))
    if d.vendor_destroys_media:
        if d.certificate_required is False:
            yield ctx.hit("A vendor destroys backup media but no certificate of destruction is required.",
                          "disposal.certificate_required", subject="disposal")
        elif d.certificate_required is None:
            yield ctx.ask("A vendor destroys backup media: is a certificate of destruction required?",
                          "disposal.certificate_required", subject="disposal")

