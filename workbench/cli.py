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
that failed (verify); 2 bad input (unreadable spec, bad arguments); 3 an
internal error (a bug: re-run with --debug and report what it prints).
"""



def _megabytes(text: str) -> float:
    """--max-spec-mb: a positive, finite number of megabytes ("nan" and "-1" were taken, then crashed or
    refused every file)."""
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of megabytes, e.g. 64") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a positive number of megabytes, e.g. 64")
    return value

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Backup Policy Workbench: write an audit-ready SOC 2 backup and recovery policy.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    parser.add_argument("--debug", action="store_true", help="print the full traceback of an internal error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    for name in SPEC_READERS:
        if name in sub.choices:
            sub.choices[name].add_argument(
                "--max-spec-mb", type=_megabytes, metavar="MB", default=None,
                help="read spec files up to this size (default 16 MB; larger files are refused unread)")
    return parser


#: Commands that read spec files: they take --max-spec-mb.
SPEC_READERS = ("validate", "check", "render", "convert", "publish", "diff", "import-systems")


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
    words = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in words  # accepted anywhere on the line, as the crash message suggests
    args = parser.parse_args([w for w in words if w != "--debug"])
    args.debug = debug
    if not getattr(args, "command", None):
        return _default(parser)
    if getattr(args, "max_spec_mb", None):
        from workbench.spec import io

        io.MAX_SPEC_BYTES = int(args.max_spec_mb * 1024 * 1024)
    if getattr(args, "interactive", False):  # the app draws the screen itself
        return int(args.func(args) or 0)
    return _run_guarded(args)


def _run_guarded(args: argparse.Namespace) -> int:
    """Run a subcommand with the command line's promises: control characters never reach the
    terminal raw, an expected failure is a message and exit 2, anything else is one line and exit 3."""
    from workbench.commands.safety import CRASH_STATUS, EscapingWriter, crash_message

    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingWriter(sys.stdout), EscapingWriter(sys.stderr)
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
    except OSError as exc:  # a read-only folder, a directory where a file was named, a full disk ...
        where = exc.filename or ""
        print(f"workbench {args.command}: {where}{': ' if where else ''}{exc.strerror or exc}; nothing was changed",
              file=sys.stderr)
        return 2
    except RecursionError:
        print(f"workbench {args.command}: the input is nested too deeply to read; nothing was changed",
              file=sys.stderr)
        return 2
    except Exception as exc:  # the last line of defence: a bug, not the user's input
        if args.debug:
            import traceback

            traceback.print_exc()
        print(crash_message(exc, args.command), file=sys.stderr)
        return CRASH_STATUS
    finally:
        from workbench.commands.common import collector_released

        collector_released()
        try:
            sys.stdout.flush()
        except (BrokenPipeError, ValueError):
            pass
        sys.stdout, sys.stderr = saved


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
