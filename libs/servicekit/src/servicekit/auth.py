"""Access tokens: Ed25519-signed JWTs issued by the registry, verified locally by every service."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError

from contracts.api.identity import TOKEN_AUDIENCE, TOKEN_ISSUER, Role, TokenClaims
from servicekit.errors import Forbidden, Unauthorized

ALGORITHM = "EdDSA"
VERIFIED_CACHE = 10_000  # verified tokens kept per process
_bearer = HTTPBearer(auto_error=False, description="Access token from POST /v1/oauth/token (registry)")


def ensure_keypair(private_path: Path, public_path: Path) -> bool:
    """Create an Ed25519 key pair unless it exists (private key mode 600); True if created."""
    if private_path.exists() and public_path.exists():
        return False
    private_path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    public_path.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return True


class TokenSigner:
    def __init__(self, private_key_pem: bytes, ttl_s: int = 900) -> None:
        key = serialization.load_pem_private_key(private_key_pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the token signing key must be an Ed25519 private key")
        self._key = key
        self.ttl_s = ttl_s

    def sign(self, claims: dict[str, Any], now: float | None = None) -> str:
        now = time.time() if now is None else now
        # `iat` to the millisecond, rounded up: a token issued after a secret rotation is never dated before it.
        issued = math.ceil(now * 1000) / 1000
        body = {**claims, "iss": TOKEN_ISSUER, "aud": TOKEN_AUDIENCE, "iat": issued, "exp": int(now) + self.ttl_s}
        return jwt.encode(body, self._key, algorithm=ALGORITHM)


CLOCK_SKEW_S = 5  # seconds a token's iat may be ahead of this machine's clock


class TokenVerifier:
    def __init__(self, public_key_pem: bytes) -> None:
        key = serialization.load_pem_public_key(public_key_pem)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the token public key must be an Ed25519 public key")
        self._key = key
        # Verified tokens (a client reuses one for its lifetime): the signature is checked once per process.
        self._verified: dict[str, TokenClaims] = {}

    @classmethod
    def from_file(cls, path: Path) -> TokenVerifier:
        if not path.exists():
            raise RuntimeError(
                f"no token public key at {path}: `make run` creates one; elsewhere set <SERVICE>_AUTH_PUBLIC_KEY_FILE"
            )
        return cls(path.read_bytes())

    def verify(self, token: str) -> TokenClaims:
        """The token's claims; Unauthorized naming what is wrong (expired, bad signature, …)."""
        known = self._verified.get(token)
        if known is not None:
            if known.exp > time.time():
                return known
            del self._verified[token]
        claims = self._decode(token)
        if len(self._verified) >= VERIFIED_CACHE:
            self._verified.clear()  # rare: more live tokens than the cache holds; start again
        self._verified[token] = claims
        return claims

    def _decode(self, token: str) -> TokenClaims:
        try:
            raw = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=TOKEN_AUDIENCE,
                issuer=TOKEN_ISSUER,
                # `iat` is checked below, with a tolerance; `exp` strictly here.
                options={"require": ["exp", "iat", "sub"], "verify_iat": False},
            )
        except jwt.ExpiredSignatureError as e:
            raise Unauthorized("access token expired: request a new one") from e
        except jwt.PyJWTError as e:
            raise Unauthorized(f"invalid access token: {e}") from e
        # Clocks differ between machines, and `iat` is kept to the millisecond (rounded, it can lie up to half a
        # millisecond ahead of the verifier's clock even on one machine): a token from the near future is fine.
        if float(raw["iat"]) > time.time() + CLOCK_SKEW_S:
            raise Unauthorized("invalid access token: issued in the future")
        try:
            return TokenClaims.model_validate(raw)
        except ValidationError as e:
            raise Unauthorized(f"access token claims are malformed: {e.errors()[0]['msg']}") from e


async def authenticated(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> TokenClaims:
    """FastAPI dependency: the verified caller, or 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("missing access token: send Authorization: Bearer <token>")
    verifier: TokenVerifier = request.app.state.verifier
    claims = verifier.verify(credentials.credentials)
    refused = request.app.state.runtime.revocations.refuses(claims.sub, claims.iat)
    if refused:
        raise Unauthorized(f"access token revoked: {refused}")
    return claims


def allow(*roles: Role) -> Callable[..., Any]:
    """FastAPI dependency: the verified caller if its role is one of `roles`, else 403."""
    allowed = frozenset(roles)

    # One dependency, not one on top of `authenticated`: FastAPI's resolution costs per node on every request.
    async def dependency(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
    ) -> TokenClaims:
        claims = await authenticated(request, credentials)
        if claims.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise Forbidden(f"role {claims.role.value!r} may not do this (allowed: {names})")
        return claims

    return dependency


def require_district(claims: TokenClaims, district_code: str) -> None:
    """403 unless the caller may act on enterprises of `district_code`."""
    if claims.role in (Role.CITY, Role.OPS):
        return
    if claims.role in (Role.DISTRICT, Role.EXPERT) and district_code in claims.districts:
        return
    raise Forbidden(f"district unit {district_code} is outside your scope")


def own_uscc(claims: TokenClaims, uscc: str | None, what: str) -> str | None:
    """The enterprise a list is narrowed to: an enterprise caller's own (naming another is a 403 on uscc);
    for other callers the one asked for, if any."""
    if claims.role is Role.ENTERPRISE:
        if uscc is not None and uscc != claims.uscc:
            raise Forbidden(f"an enterprise lists its own {what} only", field="uscc")
        return claims.uscc
    return uscc


def unit_scope(claims: TokenClaims) -> list[str] | None:
    """The units a district authority's lists are limited to; None (no limit) for every other role."""
    return list(claims.districts) if claims.role is Role.DISTRICT else None
