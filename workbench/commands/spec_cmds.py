"""Subcommands on the spec itself: templates, new, convert, schema, import-systems, validate."""

from __future__ import annotations

import argparse
from typing import Optional
import json
import sys
import textwrap
from pathlib import Path

from .common import CommandError, load_spec, out, plural, spec_error_lines


def register(sub) -> None:
    p = sub.add_parser("templates", help="list the starters: organization kinds, IT models and example clients",
                       description="List what a new policy can start from: the kinds of organization (--org), the "
                                   "ways IT is run (--it), which combine into a clean starter, and the full example "
                                   "clients for demos (--example).")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_templates)

    p = sub.add_parser(
        "new", help="start a client's policy: a clean starter, a blank skeleton or an example client",
        description="Write a new spec file for a client. A clean starter (--org/--it or --template) holds the "
                    "profile's sensible defaults (tiers, alerts, typical systems, where backups usually go) and "
                    "the questions left open, with no people, dates or records; --blank writes only the outline; "
                    "--example copies one of the full example clients, for demos and training.",
        epilog="Examples: workbench new --org healthcare --it msp --organization \"Bright Smile Dental\" -o client.yaml; "
               "workbench new --template saas-paas -o client.yaml; workbench new --blank -o client.yaml. "
               "See `workbench templates` for the names.")
    start = p.add_argument_group("what to start from (one of)")
    start.add_argument("--org", metavar="KIND",
                       help="what the organization is: saas, healthcare, financial or general")
    start.add_argument("--it", metavar="MODEL",
                       help="how its IT is run: inhouse (default), msp or paas (cloud-native)")
    start.add_argument("--template", "-t", metavar="PROFILE",
                       help="a clean starter named ORG-IT, e.g. healthcare-msp (an organization alone takes inhouse)")
    start.add_argument("--example", metavar="NAME",
                       help="copy a full example client (people, dates, records and all), for demos")
    start.add_argument("--blank", action="store_true", help="only the skeleton: every section, empty")
    p.add_argument("--organization", metavar="NAME", help="the client's organization name")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="spec file to write (.yaml, .toml or .json)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("convert", help="convert a spec between YAML, TOML and JSON",
                       description="Read IN and write the same policy to OUT; formats follow the extensions.")
    p.add_argument("input", metavar="IN")
    p.add_argument("output", metavar="OUT")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.set_defaults(func=cmd_convert)

    p = sub.add_parser("schema", help="print the JSON Schema of the spec",
                       description="Print the JSON Schema of the spec, for editors that validate and autocomplete.")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("import-systems", help="add systems from a CSV inventory",
                       description="Add systems to SPEC from a CSV with a header row (id/name, kind, owner, tier, "
                                   "data classes, region ... in any order). Nothing is imported if any row is bad.")
    p.add_argument("spec", metavar="SPEC")
    p.add_argument("csv", metavar="CSV")
    p.add_argument("-o", "--output", metavar="FILE", help="write the result here instead of updating SPEC")
    p.add_argument("--dry-run", action="store_true", help="check the CSV and report, write nothing")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("validate", help="check that spec files are well-formed",
                       description="Check spec files for syntax, types, unknown fields, bad durations and dates, "
                                   "duplicate ids and dangling references. Exit 0 if all are valid, 2 otherwise.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_validate)


def cmd_templates(args: argparse.Namespace) -> int:
    from workbench.starters import it_models, organizations
    from workbench.templates import list_templates

    orgs, its, examples = organizations(), it_models(), list_templates()
    if args.format == "json":
        items = [{"name": f"{o.name}-{i.name}", "kind": "starter", "organization": o.name, "it": i.name,
                  "title": f"{o.title}, {i.title}", "description": f"{o.description} {i.description}"}
                 for o in orgs for i in its]
        items += [{"name": n, "kind": "example", "title": t, "description": d} for n, t, d in examples]
        out(json.dumps(items, indent=2))
        return 0

    def block(heading: str, rows: list[tuple[str, str, str]]) -> None:
        out(heading)
        width = max((len(n) for n, _, _ in rows), default=0)
        for name, title, description in rows:
            out(f"  {name:<{width}}  {title}")
            if description:
                out(textwrap.fill(description, 100, initial_indent=" " * (width + 4),
                                  subsequent_indent=" " * (width + 4)))
        out()

    block("What the organization is (--org):", [(o.name, o.title, o.description) for o in orgs])
    block("How its IT is run (--it):", [(i.name, i.title, i.description) for i in its])
    names = ", ".join(f"{o.name}-{i.name}" for o in orgs for i in its)
    out("Clean starters combine the two: `workbench new --org healthcare --it msp -o client.yaml`, or by profile")
    out(textwrap.fill(f"name with --template: {names}.", 100))
    out("`workbench new --blank -o client.yaml` writes only the outline.")
    out()
    block("Full example clients, for demos (--example; people, dates and records included):",
          [(n, t, "") for n, t, _ in examples])
    return 0


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise CommandError(f"workbench: error: {path} exists; use --force to overwrite it")


def _checked_format(path: str) -> str:
    from workbench.spec import SpecError
    from workbench.spec.io import format_for

    try:
        return format_for(path)
    except SpecError as exc:
        raise CommandError(*spec_error_lines(exc)) from None


def cmd_new(args: argparse.Namespace) -> int:
    from workbench.spec import SpecError
    from workbench.spec.io import save

    from workbench.templates import new_policy_from_template

    from workbench.spec.io import dumps
    from workbench.starters import UnknownProfile, blank_policy, build_starter, parse_profile, starter_text

    target = Path(args.output)
    fmt = _checked_format(args.output)
    chosen = [flag for flag, given in (("--template", args.template), ("--org/--it", args.org or args.it),
                                       ("--example", args.example), ("--blank", args.blank)) if given]
    if len(chosen) != 1:
        raise CommandError(
            f"workbench new: error: {'choose one of ' + ', '.join(chosen) if chosen else 'say what to start from'}: "
            "--org KIND [--it MODEL], --template ORG-IT, --example NAME or --blank (see `workbench templates`)")
    _refuse_overwrite(target, args.force)
    name = (args.organization or "").strip() or None
    try:
        if args.example:
            policy = new_policy_from_template(args.example, organization_name=name)
            text, what = dumps(policy, fmt), f"the example client {args.example}"
        elif args.blank:
            policy = blank_policy(name)
            text = starter_text(policy, fmt, skeleton=True, heading=_heading(name, "a blank outline"))
            what = "a blank outline"
        else:
            org, it = parse_profile(args.template) if args.template else (args.org or "general", args.it or "inhouse")
            policy = build_starter(org, it, name)
            what = _starter_title(org, it)
            text = starter_text(policy, fmt, heading=_heading(name, f"the clean starter {what}"))
            what = f"the clean starter {what}"
    except SpecError as exc:
        raise CommandError(*spec_error_lines(exc)) from None
    except (UnknownProfile, KeyError, LookupError, ValueError) as exc:
        raise CommandError(f"workbench new: error: {exc.args[0] if exc.args else exc}") from None
    from workbench.store.atomic import atomic_write

    atomic_write(target, text)
    out(f"wrote {target} from {what}")
    from workbench.starters import EXAMPLE_PROFILE

    example = (args.template or "").strip().lower().removesuffix(".yaml")
    if example in EXAMPLE_PROFILE:
        out(f"({example} is an example client; this is the clean starter of its kind. "
            f"For the example itself, with its people, dates and records: --example {example})")
    if args.blank:
        out(f"`workbench check {target}` asks the questions, worst first.")
    elif not args.example:
        out(f"{plural(len(policy.follow_ups), 'question')} left open (follow_ups); "
            f"`workbench check {target}` lists what is missing, worst first.")
    return 0


def _starter_title(org: str, it: str) -> str:
    from workbench.starters import _pick, IT_ALIASES, ORG_ALIASES, it_models, organizations

    o = _pick(org, "organizations", ORG_ALIASES, "organization kind", "--org")
    i = _pick(it, "it", IT_ALIASES, "IT model", "--it")
    titles = {a.name: a.title for a in organizations() + it_models()}
    return f"{o}-{i}: {titles[o]}, {titles[i]}"


def _heading(name: str | None, source: str) -> str:
    who = f" of {name}" if name else ""
    return (f"Backup and recovery policy{who}, started from {source}.\n"
            "Every answer left out is a question still open: `workbench check FILE` lists them, worst first.\n"
            "Values may be written as people say them (15m, 4h, daily, 7y); `unknown` marks an answer not known yet.")


def cmd_convert(args: argparse.Namespace) -> int:
    from workbench.spec.io import save

    _checked_format(args.output)
    policy = load_spec(args.input, check_references=False)
    target = Path(args.output)
    same = target.resolve() == Path(args.input).resolve()
    _refuse_overwrite(target, args.force)  # onto itself too: it is written anew, without its comments
    kept = _keep_original(target) if same else None
    save(policy, target)
    out(f"wrote {target}")
    if kept is not None:
        out(f"its comments are not kept: the file as it was is in {kept}")
    return 0


def schema_text() -> str:
    from workbench.spec.model import Policy

    schema = Policy.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def cmd_schema(args: argparse.Namespace) -> int:
    text = schema_text()
    if args.output:
        from workbench.store.atomic import atomic_write

        atomic_write(args.output, text)
        out(f"wrote {args.output}")
    else:
        out(text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.spec import SpecError
    from workbench.spec.io import save

    from workbench.spec.importer import import_systems

    policy = load_spec(args.spec, check_references=False)
    target = Path(args.output or args.spec)
    _checked_format(str(target))
    try:
        updated, report = import_systems(policy, args.csv)
    except SpecError as exc:
        raise CommandError(*spec_error_lines(exc), f"{args.csv}: nothing was imported") from None
    for line in _report_lines(report):
        out(line)
    if args.dry_run:
        out("dry run: nothing written")
        return 0
    kept = _keep_original(target)
    save(updated, target)
    added = len(updated.systems) - len(policy.systems)
    out(f"imported {plural(added, 'system')} into {target}")
    if kept is not None:
        out(f"{target} is written anew (its comments are not kept): the file as it was is in {kept}")
    return 0


def _keep_original(target: Path) -> Optional[Path]:
    """Before a spec holding comments is written anew in place: a copy of it beside it (``FILE.bak``), since
    writing the spec drops its comments (notes people keep there: "size_gb: not answered yet")."""
    import shutil

    try:
        text = target.read_text("utf-8") if target.is_file() else ""
    except (OSError, UnicodeDecodeError):
        return None
    if "#" not in text:
        return None
    backup = target.with_name(target.name + ".bak")
    try:
        shutil.copy2(target, backup)
    except OSError as exc:
        raise CommandError(f"workbench: error: cannot keep a copy of {target} before writing it anew "
                           f"({exc.strerror or exc}); nothing was written") from None
    return backup


def _report_lines(report) -> list[str]:
    """The importer's report as lines (it may be a list of strings or an object with messages)."""
    if report is None:
        return []
    if isinstance(report, str):
        return [report]
    if isinstance(report, (list, tuple)):
        return [str(r) for r in report]
    lines = getattr(report, "lines", None)
    if callable(lines):
        return list(lines())
    return [str(report)]


def cmd_validate(args: argparse.Namespace) -> int:
    bad = 0
    for name in args.files:
        try:
            policy = load_spec(name)
        except CommandError as exc:
            bad += 1
            for line in exc.lines:
                print(line, file=sys.stderr)
            continue
        out(f"{name}: valid ({plural(len(policy.systems), 'system')}, {plural(len(policy.schedules), 'schedule')}, "
            f"{plural(len(policy.targets), 'target')})")
    if bad:
        raise CommandError(f"{plural(bad, 'file')} of {len(args.files)} invalid", status=2)
    return 0
