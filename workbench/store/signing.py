"""Signatures on version records with SSH keys (``ssh-keygen -Y``), as git signs commits.

A hash chain shows that something changed, but anyone who can write the
workspace can also recompute every hash. A signature made with the approver's
SSH key when a version is published is an anchor outside the chain: without
the private key no one can forge or re-hash a record and keep a valid
signature. ``ssh-keygen`` ships with OpenSSH on Linux, macOS and Windows 10+;
nothing else is needed.

- Publish with ``--sign-key ~/.ssh/id_ed25519`` (or ``WORKBENCH_SIGNING_KEY``):
  ``record.json.sig`` is written beside the record.
- Verify with ``--allowed-signers FILE`` (the OpenSSH format git uses:
  ``ann@example.com ssh-ed25519 AAAA...``): every version must carry a
  signature by one of those keys.

The namespace ``backup-policy-workbench`` keeps these signatures from being
replayed as signatures of anything else (a git commit, a file).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

NAMESPACE = "backup-policy-workbench"
SIGNATURE = "record.json.sig"
KEY_ENV = "WORKBENCH_SIGNING_KEY"


class SigningError(Exception):
    """A record could not be signed; the message says why."""


def available() -> bool:
    return shutil.which("ssh-keygen") is not None


def sign(record: bytes, key: str | os.PathLike) -> bytes:
    """The SSH signature of ``record`` made with the private key file ``key``."""
    key_path = Path(key).expanduser()
    if not available():
        raise SigningError("ssh-keygen is not installed, so the version cannot be signed")
    if not key_path.is_file():
        raise SigningError(f"{key_path}: no such key file")
    with tempfile.TemporaryDirectory(prefix="wb-sign-") as tmp:
        data = Path(tmp) / "record.json"
        data.write_bytes(record)
        result = subprocess.run(["ssh-keygen", "-Y", "sign", "-q", "-f", str(key_path), "-n", NAMESPACE, str(data)],
                                capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
        sig = data.with_name("record.json.sig")
        if result.returncode != 0 or not sig.is_file():
            why = (result.stderr or result.stdout).strip().splitlines()
            raise SigningError(f"{key_path}: ssh-keygen could not sign ({why[-1] if why else 'no reason given'}); "
                               "a key with a passphrase needs ssh-agent")
        return sig.read_bytes()


def check(record: bytes, signature: bytes, allowed_signers: str | os.PathLike) -> Optional[str]:
    """The signer's identity when ``signature`` is a valid signature of ``record`` by an allowed key,
    else None."""
    allowed = str(Path(allowed_signers).expanduser())
    with tempfile.TemporaryDirectory(prefix="wb-verify-") as tmp:
        sig = Path(tmp) / "record.json.sig"
        sig.write_bytes(signature)
        found = subprocess.run(["ssh-keygen", "-Y", "find-principals", "-f", allowed, "-s", str(sig)],
                               capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
        for identity in found.stdout.split():
            ok = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", allowed, "-I", identity, "-n", NAMESPACE,
                                 "-s", str(sig)], input=record, capture_output=True, timeout=60)
            if ok.returncode == 0:
                return identity
    return None
