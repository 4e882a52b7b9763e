"""Subcommands on the spec itself: templates, new, convert, schema, import-systems, validate."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from .common import CommandError, load_spec, out, plural, spec_error_lines


def register(sub) -> None:
    p = sub.add_parser("templates", help="list the company-profile starters",
                       description="List the company-profile starters a new policy can begin from.")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_templates)

    p = sub.add_parser("new", help="start a policy from a template",
                       description="Write a new spec file from a company-profile starter.")
    p.add_argument("--template", "-t", required=True, metavar="NAME", help="starter name (see `workbench templates`)")
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
    from workbench.templates import list_templates

    items = list_templates()
    if args.format == "json":
        out(json.dumps([{"name": n, "title": t, "description": d} for n, t, d in items], indent=2))
        return 0
    width = max((len(n) for n, _, _ in items), default=0)
    for name, title, description in items:
        out(f"{name:<{width}}  {title}")
        if description:
            out(textwrap.fill(description, 100, initial_indent=" " * (width + 2), subsequent_indent=" " * (width + 2)))
        out()
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

    target = Path(args.output)
    _checked_format(args.output)
    _refuse_overwrite(target, args.force)
    try:
        policy = new_policy_from_template(args.template, organization_name=args.organization)
    except SpecError as exc:
        raise CommandError(*spec_error_lines(exc)) from None
    except (KeyError, LookupError, ValueError) as exc:
        raise CommandError(f"workbench: error: {exc.args[0] if exc.args else exc}") from None
    save(policy, target)
    out(f"wrote {target} from template {args.template}")
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    from workbench.spec.io import save

    _checked_format(args.output)
    policy = load_spec(args.input, check_references=False)
    target = Path(args.output)
    if target.resolve() != Path(args.input).resolve():
        _refuse_overwrite(target, args.force)
    save(policy, target)
    out(f"wrote {target}")
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
    save(updated, target)
    added = len(updated.systems) - len(policy.systems)
    out(f"imported {plural(added, 'system')} into {target}")
    return 0


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
