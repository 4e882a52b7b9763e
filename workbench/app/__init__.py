"""The interview app: a Textual shell over :mod:`workbench.app.session`.

This package's ``__init__`` imports no Textual, so ``workbench.app.session``
and ``workbench.app.questions`` stay cheap to import (the command line and
tests use them). Only :func:`run_app` loads the App.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional


def run_app(target: Optional[str] = None, *, demo: bool = False, today: Optional[dt.date] = None) -> int:
    """Start the interview app: the start screen, or straight into ``target`` (a spec file or a workspace),
    or the demo client. Returns the process exit status."""
    from .app import WorkbenchApp

    app = WorkbenchApp(target=target, demo=demo, today=today)
    app.run()
    return int(app.return_code or 0)


__all__ = ["run_app"]
