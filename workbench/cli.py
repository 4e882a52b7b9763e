"""The ``workbench`` command line.

Each area registers its subcommands from ``workbench.commands``; this module
only builds the parser, dispatches, and turns every expected failure into a
clear message and exit status 2 (never a traceback). The command-line path
never imports Textual.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from workbench.commands import COMMAND_MODULES
from workbench.commands.common import CommandError

EPILOG = """\
Exit status: 0 success; 1 findings at or above --fail-on (check) or a check
that failed (verify); 2 bad input (unreadable spec, bad arguments).
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Backup Policy Workbench: write an audit-ready SOC 2 backup and recovery policy.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    for name in SPEC_READERS:
        if name in sub.choices:
            sub.choices[name].add_argument(
                "--max-spec-mb", type=float, metavar="MB", default=None,
                help="read spec files up to this size (default 16 MB; larger files are refused unread)")
    return parser


#: Commands that read spec files: they take --max-spec-mb.
SPEC_READERS = ("validate", "check", "render", "convert", "publish", "diff", "import-systems", "new")


class _Version(argparse.Action):
    """--version, looked up only when asked for (importlib.metadata costs start-up time on every command)."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("backup-policy-workbench")
    except Exception:
        return "0+unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        return _default(parser)
    if getattr(args, "max_spec_mb", None):
        from workbench.spec import io

        io.MAX_SPEC_BYTES = int(args.max_spec_mb * 1024 * 1024)
    try:
        return int(args.func(args) or 0)
    except CommandError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _default(parser: argparse.ArgumentParser) -> int:
    """No command: start the interview app when it exists, else show help."""
    try:
        from workbench.app import run_app  # type: ignore[attr-defined]
    except ImportError:
        parser.print_help()
        return 0
    return int(run_app() or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
