"""``workbench open FILE|WORKSPACE`` and ``workbench demo``: the interview app. (No command starts it too.)

Textual is imported only when one of these runs, so the other commands stay fast.
"""

from __future__ import annotations

import sys

from .common import CommandError, parse_date


def register(sub) -> None:
    p = sub.add_parser("open", help="open a client in the interview app (a spec file or a workspace)",
                       description="Open the interview app on a spec file (it becomes a client workspace; the "
                                   "file is not changed) or on a client workspace (its draft is resumed).")
    p.add_argument("target", metavar="FILE|WORKSPACE", help="spec file, workspace folder or client name")
    p.add_argument("--as-of", metavar="DATE", default=None, help="evaluate as of this date (YYYY-MM-DD)")
    p.set_defaults(func=run_open)
    d = sub.add_parser("demo", help="open the interview app on the ready demo client",
                       description="Open the interview app on the demo client (a SaaS start-up with its policy "
                                   "half written), created on first use and resumed afterwards.")
    d.add_argument("--as-of", metavar="DATE", default=None, help="evaluate as of this date (YYYY-MM-DD)")
    d.set_defaults(func=run_demo)


def _interactive() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CommandError("workbench: the interview app needs a terminal; use `workbench check` in scripts")


def run_open(args) -> int:
    _interactive()
    from workbench.app import run_app

    return run_app(args.target, today=parse_date(args.as_of))


def run_demo(args) -> int:
    _interactive()
    from workbench.app import run_app

    return run_app(demo=True, today=parse_date(args.as_of))
