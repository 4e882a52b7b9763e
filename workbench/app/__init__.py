"""The interview app: a Textual shell over :mod:`workbench.app.session`.

This package's ``__init__`` imports no Textual, so ``workbench.app.session``
and ``workbench.app.questions`` stay cheap to import (the command line and
tests use them). Only :func:`run_app` loads the App.
"""

from __future__ import annotations

import datetime as dt
import gc
from typing import Optional

_collector_paused = False


def pause_collector() -> None:
    """Hold the cyclic garbage collector until the first frame is drawn (:func:`resume_collector`).

    Starting the app allocates a few hundred thousand objects that live as long as it does (modules, classes,
    widgets, styles, the policy) and almost no cyclic garbage; the collector's passes over them (about 60 ms
    of the start, one of them a full collection) find nothing to free. Reference counting frees everything
    meanwhile, as always."""
    global _collector_paused
    if gc.isenabled():
        gc.disable()
        _collector_paused = True


def resume_collector() -> None:
    """Let the collector run again (once the first frame is drawn, or the app ends before it is)."""
    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        # what the start left (one young-generation pass), so that re-enabling does not begin with a full one
        gc.collect(0)
        gc.enable()


def run_app(target: Optional[str] = None, *, demo: bool = False, today: Optional[dt.date] = None) -> int:
    """Start the interview app: the start screen, or straight into ``target`` (a spec file or a workspace),
    or the demo client. Returns the process exit status."""
    pause_collector()  # from before the imports: the app resumes it after its first frame
    try:
        from .app import WorkbenchApp

        app = WorkbenchApp(target=target, demo=demo, today=today)
        _save_on_hangup(app)
        app.run()
    finally:
        resume_collector()
    return int(app.return_code or 0)


def _save_on_hangup(app) -> None:
    """A closed terminal or window (SIGHUP), a lost SSH connection, or a kill (SIGTERM) saves the answers
    entered so far before the process ends: autosave writes within a second of an answer, and an answer given
    in that second was lost when the terminal closed (a reviewer's `tmux kill-session` 0.4 s after Enter)."""
    import os
    import signal

    def save_then_end(signum, frame) -> None:
        session = getattr(app, "session", None)
        try:
            if session is not None:
                session.close()  # saves what is unsaved, releases the client's lock
        except Exception:
            pass  # the draft on disk stays as the last autosave left it
        if signum == signal.SIGTERM:
            try:
                app.exit()  # a live terminal: let Textual put it back as it was
                return
            except Exception:
                pass
        os._exit(128 + signum)

    for name in ("SIGHUP", "SIGTERM"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                signal.signal(sig, save_then_end)
            except (ValueError, OSError):  # not the main thread, or not allowed here
                pass


__all__ = ["run_app"]
