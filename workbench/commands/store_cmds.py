"""Publishing and version history on the command line.

``workbench publish SPEC --bump major|minor --note TEXT [--approver NAME] [--reason TEXT]``
    writes the next version of the policy into a client workspace
    (``--workspace DIR``, ``--client NAME``, or the client named by the
    spec's ``organization.name``), dated by the spec's approval date (or
    ``--as-of``). Exit 1 with the list of open blockers when refused; exit 2
    when the approval date is missing or in the future, or a minor bump
    covers material changes without ``--reason``. The workspace's
    ``draft.yaml`` then holds the published spec.
``workbench verify WORKSPACE``
    checks every published file and the chain of records; exit 1 when
    something changed.
``workbench diff A B``
    value-level changes between two specs; A and B are spec files,
    ``WORKSPACE@VERSION`` (``WORKSPACE@draft`` for the draft) or a workspace
    alone (its latest version).
``workbench workspaces`` / ``workbench versions WORKSPACE``
    list clients, and the versions of one client.

A WORKSPACE is a folder, or a client name under the default data directory.
Every expected failure is a message and exit 2, never a traceback.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .common import CommandError, load_spec, out, parse_date, plural, spec_error_lines


def register(sub) -> None:
    p = sub.add_parser(
        "publish", help="publish the next version of a policy into a client workspace",
        description="Write the next version (spec, Markdown, HTML and Word documents, findings, a hashed record) "
                    "into the client's workspace. A published version is never overwritten. Refused, with exit 1, "
                    "while the policy has open blocker gaps that are not accepted exceptions (questions and missing evidence do not refuse it).",
        epilog="Numbering: the first publish is 1.0; major gives N+1.0, minor gives N.M+1. "
               "Publishing changes none of the spec's answers: the version is dated by policy.approved_on (or "
               "--as-of), and a spec with no approval date, or one in the future, is refused. A minor bump over "
               "material changes (retention, objectives, scope, protection, access, testing: what `workbench "
               "diff` calls material) needs --reason. "
               "Without --workspace or --client the workspace is named after the spec's organization.name, "
               "and the workspace takes the client's name from it. "
               "draft.yaml: each workspace holds one working copy, draft.yaml, which the app and `workbench "
               "check WORKSPACE/draft.yaml` work on; every publish replaces it with the spec just published "
               "(a draft holding other changes is first kept as draft.before-<version>.yaml). Follow-up "
               "questions whose field is answered are marked answered in the published spec.",
    )
    p.add_argument("spec", metavar="SPEC", help="the policy spec to publish (.yaml, .yml, .toml, .json)")
    p.add_argument("--bump", choices=("major", "minor"), required=True,
                   help="major for material changes (scope, objectives, retention, protection, access, testing)")
    p.add_argument("--approver", metavar="NAME",
                   help="who approved this version (default: the spec's policy.approver)")
    p.add_argument("--note", required=True, metavar="TEXT", help="what changed in this version (the revision note)")
    p.add_argument("--author", metavar="NAME", help="who prepared the revision (optional)")
    p.add_argument("--reason", metavar="TEXT",
                   help="why this version is right although it changes the policy materially: a --bump minor over "
                        "material changes, or a weakening (a retention cut, a lock removed, a looser objective), "
                        "and who accepted it; recorded in the version")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workspace", metavar="DIR", help="workspace folder (created if missing)")
    where.add_argument("--client", metavar="NAME", help="client name: its workspace under the default data directory")
    p.add_argument("--as-of", metavar="DATE",
                   help="the date the version, its documents and its findings carry (default: the spec's "
                        "policy.approved_on, or the date of a later review or restore test it records); never earlier than the approval date. Without it, what blocks "
                        "today blocks too, so an approval date in the past cannot hide an expired exception")
    p.add_argument("--no-git", action="store_true", help="do not commit or tag, even inside a git repository")
    p.add_argument("--sign-key", metavar="KEY", default=os.environ.get("WORKBENCH_SIGNING_KEY"),
                   help="sign the version record with this SSH private key (ssh-keygen -Y sign); "
                        "default: $WORKBENCH_SIGNING_KEY")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("verify", help="check a workspace's published versions for changes",
                       description="Check every published file against its recorded sha256 and the chain of records, "
                                   "follow no symbolic link, name every unexpected entry in versions/, and check the "
                                   "anchors outside the chain: receipts, SSH signatures, git tags. "
                                   "Exit 0 when intact, 1 when something changed or is missing.")
    p.add_argument("workspace", metavar="WORKSPACE", help="workspace folder or client name")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--expect", metavar="RECEIPT", action="append", default=[],
                   help="a record hash printed at publish; must be the record of a version here (repeatable)")
    p.add_argument("--allowed-signers", metavar="FILE",
                   help="OpenSSH allowed-signers file: every version must be signed by one of its keys")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("diff", help="what changed between two versions of a policy",
                       description="Value-level changes from A to B (matched by id, not position), whether they are "
                                   "material (suggesting a major version), and which findings appeared or were resolved.",
                       epilog="A and B: a spec file, WORKSPACE@VERSION (e.g. acme@1.2 or ./ws@1.0), WORKSPACE@draft, "
                              "or a workspace alone for its latest version.")
    p.add_argument("a", metavar="A", help="the older policy")
    p.add_argument("b", metavar="B", help="the newer policy")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--as-of", metavar="DATE", help="evaluate both sides' findings as of this date (default: today)")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("workspaces", help="list client workspaces",
                       description="List the client workspaces under the default data directory (or --root).")
    p.add_argument("--root", metavar="DIR", help="folder holding the workspaces")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_workspaces)

    p = sub.add_parser("versions", help="list the published versions of a workspace",
                       description="List the published versions of a workspace with date, approver and note.")
    p.add_argument("workspace", metavar="WORKSPACE", help="workspace folder or client name")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_versions)


# ----------------------------------------------------------------------------
# publish
# ----------------------------------------------------------------------------
def _workspace_for_publish(args, policy):
    from workbench.store import Workspace, for_client

    if args.workspace:
        return Workspace.create(args.workspace, policy.organization.name)
    client = args.client or policy.organization.name
    if not client:
        raise CommandError("workbench publish: the spec names no organization; "
                           "say where to publish with --workspace DIR or --client NAME")
    return for_client(client)


def cmd_publish(args) -> int:
    from workbench.store import WorkspaceError, WorkspaceLocked
    from workbench.store.publishing import PublishError, PublishRefused, publish

    policy = load_spec(args.spec)
    today = parse_date(args.as_of)
    try:
        ws = _workspace_for_publish(args, policy)
        with ws.edit_lock("publishing from the command line"):  # refused while the client is open in the app
            result = publish(ws, policy, bump=args.bump, approver=args.approver, note=args.note, today=today,
                             author=args.author, use_git=not args.no_git, update_draft=True, reason=args.reason,
                             sign_key=args.sign_key)
    except PublishRefused as exc:
        lines = [f"workbench publish: {exc}:"]
        lines += [f"  [{f.rule}] {f.message}" + (f"  ({f.path})" if f.path else "") for f in exc.findings]
        lines.append("Nothing was written. Fix these, or accept them as exceptions "
                     "(exceptions: rule, scope, justification, approved_by, expires_on).")
        raise CommandError(*lines, status=1) from None
    except (PublishError, WorkspaceError, WorkspaceLocked, OSError) as exc:
        raise CommandError(f"workbench publish: {exc}", "Nothing was published.") from None
    _print_published(ws, result)
    return 0


def _print_published(ws, result) -> None:
    out(f"Published {ws.client} policy {result.version} into {result.path}")
    for name, sha in result.files.items():
        out(f"  {name:<14} sha256 {sha[:16]}…")
    out(f"  {'record.json':<14} sha256 {result.record_sha256[:16]}… "
        f"(previous: {result.record['previous_version'] or 'none, first version'})")
    signed = " (signed)" if (result.path / "record.json.sig").exists() else ""
    out(f"Receipt{signed}: {result.record_sha256}")
    out("  keep this receipt outside the workspace (e-mail it to the approver); "
        "`workbench verify WS --expect RECEIPT` proves this version was not rewritten or removed")
    counts = result.report.counts()
    out(f"Findings at {result.report.as_of.isoformat()}: "
        + ", ".join(f"{n} {sev}" for sev, n in counts.items()) + f"; {len(result.report.accepted)} accepted")
    if result.approver_filled:
        out(f"Approver: {result.record['approver']} (the spec named none: the published policy"
            + (" and the draft" if result.draft_updated else "") + " now name them, from --approver)")
    if result.record.get("bump_reason"):
        out(f"Minor bump over material changes, because: {result.record['bump_reason']}")
    if result.follow_ups_closed:
        out(f"Follow-ups answered in this version: {', '.join(result.follow_ups_closed)}")
    if result.draft_updated:
        out(f"Workspace draft ({ws.draft_path}) now holds version {result.version}: edit it for the next one")
        if result.previous_draft:
            out(f"  the draft it replaced held other changes; kept as {result.previous_draft}")
    weak = result.record.get("weakens") or []
    if weak:
        out(f"Weakens version {result.record['previous_version']}: " + "; ".join(weak))
        out(f"  reason: {result.record['reason']}" if result.record.get("reason") else
            "  no reason recorded (--reason): the findings ask for one (CHG-001)")
    if result.git:
        out(f"git: committed {result.git['commit'][:10]} and tagged {result.git['tag']}")
    for warning in result.warnings:
        out(f"warning: {warning}")


# ----------------------------------------------------------------------------
# verify, versions, workspaces
# ----------------------------------------------------------------------------
def _resolve(target: str, command: str):
    from workbench.store import WorkspaceError, resolve

    try:
        return resolve(target)
    except WorkspaceError as exc:
        raise CommandError(f"workbench {command}: {exc}") from None


def cmd_verify(args) -> int:
    from workbench.store.tamper import verify

    ws = _resolve(args.workspace, "verify")
    problems = verify(ws, expect=args.expect, allowed_signers=args.allowed_signers)
    versions = [str(v) for v in ws.version_names()]
    if args.format == "json":
        out(json.dumps({"workspace": str(ws.path), "versions": versions, "ok": not problems,
                        "problems": [{"where": p.where, "message": p.message, "text": str(p)} for p in problems]},
                       indent=2))
    elif problems:
        out(f"{ws.path}: {plural(len(problems), 'problem')} in {plural(len(versions), 'published version')}:")
        for p in problems:
            out(f"  {p}")
    elif not versions:
        out(f"{ws.path}: nothing published here, so nothing to verify. A deleted history looks the same: "
            "keep the receipt of each publish and check it with --expect")
    else:
        span = f" ({versions[0]} to {versions[-1]})" if len(versions) > 1 else ""
        anchors = [a for a, used in (("receipts", args.expect), ("signatures", args.allowed_signers)) if used]
        out(f"{ws.path}: OK: {plural(len(versions), 'published version')}{span}, every file matches its record "
            "and the chain of records is intact" + (f"; {' and '.join(anchors)} check out" if anchors else ""))
    return 1 if problems else 0


def cmd_versions(args) -> int:
    ws = _resolve(args.workspace, "versions")
    infos = ws.versions()
    if args.format == "json":
        out(json.dumps([{"version": i.label, "date": i.date, "approver": i.approver, "note": i.note,
                         "path": str(i.path)} for i in infos], indent=2))
        return 0
    if not infos:
        out(f"{ws.client}: nothing published yet ({ws.path})")
        return 0
    out(f"{ws.client}: {plural(len(infos), 'published version')} ({ws.path})")
    for i in infos:
        out(f"  {i.label:<7} {i.date or '?':<10}  approved by {i.approver or '?'}: {i.note or ''}")
    return 0


def cmd_workspaces(args) -> int:
    from workbench.store import default_root, list_clients

    root = Path(args.root) if args.root else default_root()
    clients = list_clients(root)
    if args.format == "json":
        out(json.dumps([{"client": c.name, "slug": c.slug, "path": str(c.path), "latest": c.latest,
                         "latest_date": c.latest_date} for c in clients], indent=2))
        return 0
    if not clients:
        out(f"No client workspaces under {root}")
        return 0
    out(f"{plural(len(clients), 'client workspace')} under {root}:")
    for c in clients:
        latest = f"version {c.latest} ({c.latest_date})" if c.latest else "nothing published"
        out(f"  {c.slug:<24} {c.name:<30} {latest}")
    return 0


# ----------------------------------------------------------------------------
# diff
# ----------------------------------------------------------------------------
def _load_side(text: str):
    """A spec file, WORKSPACE@VERSION, WORKSPACE@draft, or a workspace (latest version)."""
    from workbench.spec import SpecError

    from workbench.store import WorkspaceError, resolve

    path = Path(text)
    if path.is_file():
        return load_spec(path, check_references=False)
    try:
        if "@" in text:
            where, _, version = text.rpartition("@")
            ws = resolve(where)
            if version == "draft":
                policy = ws.load_draft()
                if policy is None:
                    raise CommandError(f"workbench diff: {ws.path} has no draft")
                return policy
            return ws.load_version(version)
        if path.is_dir() or not path.suffix:
            ws = resolve(text)
            latest = ws.latest()
            if latest is None:
                raise CommandError(f"workbench diff: {ws.path}: nothing published yet")
            return ws.load_version(latest)
    except WorkspaceError as exc:
        raise CommandError(f"workbench diff: {exc}") from None
    except SpecError as exc:
        raise CommandError(*spec_error_lines(exc), f"workbench diff: cannot read {text}") from None
    raise CommandError(f"workbench diff: {text}: no such spec file, and not WORKSPACE@VERSION")


def cmd_diff(args) -> int:
    from workbench.store.semdiff import diff

    today = parse_date(args.as_of)
    a, b = _load_side(args.a), _load_side(args.b)
    result = diff(a, b, today, a_label=args.a, b_label=args.b)
    if args.format == "json":
        out(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        out(result.to_text())
    return 0
