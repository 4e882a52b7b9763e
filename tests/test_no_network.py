"""No command opens a network connection (README, Security and data safety)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "policy_templates" / "profiles" / "saas-startup.yaml"

GUARD = textwrap.dedent("""
    import socket, sys
    def refuse(*args, **kwargs):
        sys.stderr.write("NETWORK: a socket was opened\\n")
        raise SystemExit(99)
    class Guarded(socket.socket):
        connect = connect_ex = bind = sendto = refuse
    socket.socket = Guarded
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    from workbench.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", GUARD, *args], capture_output=True, text=True, timeout=120)


def test_no_command_opens_a_socket(tmp_path):
    commands = [
        ["validate", str(STARTER)],
        ["check", str(STARTER), "--format", "sarif"],
        ["render", str(STARTER), "-f", "docx", "-o", str(tmp_path / "p.docx")],
        ["render", str(STARTER), "-f", "html", "-o", str(tmp_path / "p.html")],
        ["diff", str(STARTER), str(STARTER)],
        ["schema"],
        ["templates"],
    ]
    for command in commands:
        result = run(*command)
        assert "NETWORK" not in result.stderr, command
        assert result.returncode in (0, 1), (command, result.stderr[-500:])
