"""``workbench render``: the written policy, or its readiness report, as Markdown, HTML or Word.

``workbench render SPEC [-f markdown|html|docx] [-o FILE] [--as-of DATE]
[--report] [--reference-docx FILE]`` loads the spec, evaluates it (as of
``--as-of``, else the spec's ``as_of``, else today) and renders the policy
(``--report``: the readiness report). Markdown and HTML go to stdout when no
``-o`` is given; Word is binary and needs ``-o``. Files are written
atomically. The format defaults to the extension of ``-o`` (.md, .html,
.docx), else Markdown. ``--reference-docx`` takes styles, page setup and
letterhead from a Word file, as pandoc's ``--reference-doc`` does. The
renderer is imported only when the command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .common import CommandError, load_spec, parse_date

FORMATS = ("markdown", "html", "docx")
BY_SUFFIX = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".docx": "docx"}


def register(sub) -> None:
    p = sub.add_parser(
        "render",
        help="render the written policy or its readiness report (Markdown, HTML or Word)",
        description="Render the written policy from a spec and its findings; with --report, the readiness report "
                    "(open decisions, test calendar, exceptions register, findings, evidence request list).",
    )
    p.add_argument("spec", metavar="SPEC", help="policy spec (YAML, TOML or JSON)")
    p.add_argument("-f", "--format", choices=FORMATS, default=None,
                   help="output format (default: from the -o extension, else markdown)")
    p.add_argument("-o", "--output", metavar="FILE", default=None,
                   help="write to FILE (required for docx); stdout otherwise")
    p.add_argument("--as-of", metavar="DATE", default=None,
                   help="date the document and its findings carry (YYYY-MM-DD); default: the spec's as_of, "
                        "else its approval date (policy.approved_on) or the date of a later review or restore "
                        "test it records, else today")
    p.add_argument("--report", action="store_true",
                   help="render the readiness report instead of the policy")
    p.add_argument("--reference-docx", metavar="FILE", default=None,
                   help="Word file whose styles, page setup, header and footer (letterhead) the .docx takes on")
    p.set_defaults(func=run_render)


def choose_format(fmt: str | None, output: str | None) -> str:
    if fmt:
        return fmt
    if output:
        return BY_SUFFIX.get(Path(output).suffix.lower(), "markdown")
    return "markdown"


def document_date(policy, as_of=None):
    """The date a document carries: ``as_of``, else the spec's as_of, else its approval date or, when the spec
    records something done since (a review, a restore test), that later date; else today. A readiness report
    dated at an approval months back would call every later restore test missing while listing it."""
    import datetime as dt

    if as_of or policy.as_of:
        return as_of or policy.as_of
    if policy.policy.approved_on is None:
        return dt.date.today()
    return policy.latest_record_on(dt.date.today()) or policy.policy.approved_on


def run_render(args) -> int:
    fmt = choose_format(args.format, args.output)
    if fmt == "docx" and not args.output:
        raise CommandError("workbench: error: a Word document is binary; give a file with -o FILE.docx")
    day = parse_date(args.as_of)
    reference = getattr(args, "reference_docx", None)
    if reference and fmt != "docx":
        raise CommandError("workbench: error: --reference-docx applies to Word output; add -f docx or -o FILE.docx")
    if reference and not Path(reference).is_file():
        raise CommandError(f"workbench: error: {reference}: no such file (--reference-docx)")
    policy = load_spec(args.spec)
    from workbench.document import render
    from workbench.rules import evaluate

    day = document_date(policy, day)
    document = "report" if getattr(args, "report", False) else "policy"
    try:
        data = render(policy, evaluate(policy, day), fmt, document=document, reference_docx=reference)
    except ValueError as exc:  # a reference file that is not a .docx
        raise CommandError(f"workbench: error: {exc}") from None
    if not args.output:
        sys.stdout.write(data)
        return 0
    from workbench.store.atomic import atomic_write

    try:
        atomic_write(args.output, data)
    except OSError as exc:
        raise CommandError(f"workbench: error: cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"wrote {args.output} ({fmt})", file=sys.stderr)
    return 0
