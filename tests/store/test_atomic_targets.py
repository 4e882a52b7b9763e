"""What atomic_write does with a target that is not a regular file: it never puts a file in its place."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from workbench.store.atomic import atomic_write


def test_a_pipe_being_read_is_written_into_and_stays_a_pipe(tmp_path):
    """`render -o /dev/stdout | less` writes into the pipe (a rename had replaced /dev/full with a file)."""
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    for _ in range(200):  # until the reader has the pipe open
        try:
            atomic_write(fifo, "policy text")
            break
        except OSError:
            threading.Event().wait(0.01)
    reader.join(5)
    assert got == [b"policy text"] and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_pipe_nobody_reads_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="is a pipe nobody reads"):
        atomic_write(fifo, "policy text")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_character_device_is_written_into_and_stays_one():
    atomic_write("/dev/null", "policy text")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_socket_is_refused(tmp_path):
    import socket

    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        with pytest.raises(OSError, match="is a socket, not a file"):
            atomic_write(path, "x")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
