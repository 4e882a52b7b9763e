"""``workbench render``: the written policy as Markdown, HTML or Word.

``workbench render SPEC [-f markdown|html|docx] [-o FILE] [--as-of DATE]``
loads the spec, evaluates it (as of ``--as-of``, else the spec's ``as_of``,
else today) and renders the document. Markdown and HTML go to stdout when no
``-o`` is given; Word is binary and needs ``-o``. Files are written
atomically. The format defaults to the extension of ``-o`` (.md, .html,
.docx), else Markdown. The renderer is imported only when the command runs.
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
        help="render the written policy (Markdown, HTML or Word)",
        description="Render the written policy from a spec and its findings.",
    )
    p.add_argument("spec", metavar="SPEC", help="policy spec (YAML, TOML or JSON)")
    p.add_argument("-f", "--format", choices=FORMATS, default=None,
                   help="output format (default: from the -o extension, else markdown)")
    p.add_argument("-o", "--output", metavar="FILE", default=None,
                   help="write to FILE (required for docx); stdout otherwise")
    p.add_argument("--as-of", metavar="DATE", default=None,
                   help="date the document and its findings carry (YYYY-MM-DD); default: the spec's as_of, "
                        "else its approval date (policy.approved_on), else today")
    p.set_defaults(func=run_render)


def choose_format(fmt: str | None, output: str | None) -> str:
    if fmt:
        return fmt
    if output:
        return BY_SUFFIX.get(Path(output).suffix.lower(), "markdown")
    return "markdown"


def _file_mode() -> int:
    """Ordinary permissions for a document to share (rw-r--r-- under the usual umask)."""
    import os

    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def document_date(policy, as_of=None):
    """The date a document carries: ``as_of``, else the spec's as_of, else its approval date, else today."""
    import datetime as dt

    return as_of or policy.as_of or policy.policy.approved_on or dt.date.today()


def run_render(args) -> int:
    fmt = choose_format(args.format, args.output)
    if fmt == "docx" and not args.output:
        raise CommandError("workbench: error: a Word document is binary; give a file with -o FILE.docx")
    day = parse_date(args.as_of)
    policy = load_spec(args.spec)
    from workbench.document import render
    from workbench.rules import evaluate

    day = document_date(policy, day)
    data = render(policy, evaluate(policy, day), fmt)
    if not args.output:
        sys.stdout.write(data)
        return 0
    from workbench.store.atomic import atomic_write

    try:
        atomic_write(args.output, data, mode=_file_mode())
    except OSError as exc:
        raise CommandError(f"workbench: error: cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"wrote {args.output} ({fmt})", file=sys.stderr)
    return 0
