"""A lock file so two processes never publish into the same workspace at once.

The lock is ``.workbench.lock`` in the workspace, holding the owner's pid,
host and start time (shown in the refusal message). On POSIX the file is held
with ``flock``, which the kernel releases when the owner dies, so a lock left
behind by a killed process is simply taken over. Where ``flock`` is missing
(Windows) the file is created exclusively and a lock whose pid is no longer
running on this host is taken over.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


#: Never follow a symbolic link planted where the lock file goes (it would truncate the link's target).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class LockRefused(OSError):
    """The lock file cannot be used safely (e.g. it is a symbolic link)."""


def _open_lock(path: Path, flags: int) -> int:
    try:
        return os.open(path, flags | _NOFOLLOW, 0o600)
    except OSError as exc:
        if path.is_symlink():
            raise LockRefused(f"{path}: is a symbolic link; refusing to open it (delete it and try again)") from None
        raise exc


class WorkspaceLocked(Exception):
    """Another process holds the workspace lock."""

    def __init__(self, path: Path, holder: dict):
        self.path = path
        self.holder = holder
        who = f"process {holder.get('pid', '?')} on {holder.get('host', '?')}"
        what = holder.get("purpose", "work")
        since = holder.get("since", "?")
        super().__init__(
            f"{path.parent}: the workspace is locked by {who} ({what}, since {since}); "
            "wait for it to finish or close it there (a lock held by a process that has ended is taken over "
            "automatically, so there is nothing to delete)"
        )


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text("utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


class WorkspaceLock:
    """``with WorkspaceLock(path): ...`` holds the lock for the block."""

    def __init__(self, path: str | os.PathLike, purpose: str = "publish"):
        self.path = Path(path)
        self.purpose = purpose
        self._fd: int | None = None
        self.took_over: dict | None = None  # the stale holder replaced, if any

    def _info(self) -> bytes:
        info = {"pid": os.getpid(), "host": socket.gethostname(), "purpose": self.purpose,
                "since": dt.datetime.now().isoformat(timespec="seconds")}
        return json.dumps(info).encode("utf-8")

    def acquire(self) -> "WorkspaceLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if fcntl is not None:
            self._acquire_flock()
        else:  # pragma: no cover - Windows
            self._acquire_exclusive()
        return self

    def _acquire_flock(self) -> None:
        for _ in range(20):
            fd = _open_lock(self.path, os.O_RDWR | os.O_CREAT)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise WorkspaceLocked(self.path, _read(self.path)) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # the previous holder removed the file while we waited: retry on the new one
                os.close(fd)
                continue
            previous = _read(self.path)
            if previous.get("pid"):
                self.took_over = previous
            os.ftruncate(fd, 0)
            os.pwrite(fd, self._info(), 0)
            self._fd = fd
            return
        raise WorkspaceLocked(self.path, _read(self.path))

    def _acquire_exclusive(self) -> None:  # pragma: no cover - Windows
        for _ in range(2):
            try:
                fd = _open_lock(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            except FileExistsError:
                holder = _read(self.path)
                stale = holder.get("host") == socket.gethostname() and not pid_alive(int(holder.get("pid") or 0))
                if not stale:
                    raise WorkspaceLocked(self.path, holder) from None
                self.took_over = holder
                try:
                    os.unlink(self.path)
                except FileNotFoundError:
                    pass
                continue
            os.write(fd, self._info())
            self._fd = fd
            return
        raise WorkspaceLocked(self.path, _read(self.path))

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if fcntl is None:  # pragma: no cover - Windows cannot remove an open file
            os.close(fd)
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        if fcntl is not None:
            os.close(fd)  # closing drops the flock; unlinking first makes waiters retry on a new file

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> "WorkspaceLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
