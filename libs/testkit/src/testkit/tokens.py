"""Tokens as the registry would issue them, signed with one test key pair per process."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from contracts.api.identity import Role
from servicekit.auth import TokenSigner, ensure_keypair

_keys: list[tuple[Path, Path]] = []


def signing_keys_for_tests() -> tuple[Path, Path]:
    """One Ed25519 key pair per test process (private, public)."""
    if not _keys:
        folder = Path(tempfile.mkdtemp(prefix="shuzhuan-keys-"))
        _keys.append((folder / "token-signing.pem", folder / "token-signing.pub.pem"))
        ensure_keypair(*_keys[0])
    return _keys[0]


def mint_token(role: Role, ttl_s: int = 900, **claims: Any) -> str:
    """A token signed with the test key, as the registry would issue it."""
    signer = TokenSigner(signing_keys_for_tests()[0].read_bytes(), ttl_s=ttl_s)
    return signer.sign({"sub": f"test-{role.value}", "role": role.value, **claims})


def bearer(role: Role, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(role, **claims)}"}
