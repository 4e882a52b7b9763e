"""Atomic file writes: a temporary file beside the target, fsync, rename.

An interrupted write (power cut, killed terminal, full disk) leaves either
the old file or the new one, never half of either.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


def atomic_write(path: str | os.PathLike, data: str | bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically; return the path written."""
    target = Path(path)
    if target.is_dir() and not target.is_symlink():
        raise IsADirectoryError(errno.EISDIR, "is a folder; name a file to write", str(target))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        st = os.stat(target)  # through a symbolic link: /dev/stdout is one
    except (FileNotFoundError, NotADirectoryError):
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        # Never replace what is not a file: a rename put a regular file where /dev/full was
        if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            # /dev/null, a terminal, /dev/stdout into a pipe: written into, as a shell would; a pipe nobody
            # reads is refused rather than waited on
            try:
                fd = os.open(target, os.O_WRONLY | (os.O_NONBLOCK if stat.S_ISFIFO(st.st_mode) else 0))
            except OSError as exc:
                if exc.errno == errno.ENXIO:
                    raise OSError(errno.ENXIO, "is a pipe nobody reads; name a file to write", str(target)) from None
                raise
            os.set_blocking(fd, True)
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
            return target
        what = "a socket" if stat.S_ISSOCK(st.st_mode) else "a device"
        raise OSError(errno.EINVAL, f"is {what}, not a file; name a file to write", str(target))
    target.parent.mkdir(mode=0o755 if shared() else 0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode if mode is not None else _mode_for(target))
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(target.parent)
    return target


#: Set to 1 to give new files the usual permissions (0666 less the umask) instead of owner-only.
SHARE_ENV = "WORKBENCH_SHARED_FILES"


def shared() -> bool:
    """Whether the user asked for files the rest of their group may read (``WORKBENCH_SHARED_FILES=1``)."""
    return os.environ.get(SHARE_ENV, "").strip().lower() in ("1", "yes", "true", "on")


def _mode_for(target: Path) -> int:
    """Keep an existing regular file's permissions; a new file is owner-only (0600).

    Client policies describe how a company protects its data, so nothing is
    readable by other users unless ``WORKBENCH_SHARED_FILES=1`` asks for the
    usual 0666-less-umask. A symbolic link at ``target`` is replaced, never
    followed: its target's mode is not copied and its target is not written.
    """
    try:
        st = target.lstat()
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISREG(st.st_mode):
        return st.st_mode & 0o7777
    if shared():
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
    return 0o600


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
