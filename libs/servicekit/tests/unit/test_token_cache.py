"""Verified tokens are kept per process, but never past their expiry; a tampered token is never taken
for a kept one."""

from __future__ import annotations

import time

import pytest

from contracts.api.identity import Role
from servicekit.auth import TokenSigner, TokenVerifier
from servicekit.errors import Unauthorized
from testkit.tokens import signing_keys_for_tests


def verifier_and_signer(ttl_s: int) -> tuple[TokenVerifier, TokenSigner]:
    private, public = signing_keys_for_tests()
    return TokenVerifier(public.read_bytes()), TokenSigner(private.read_bytes(), ttl_s=ttl_s)


def test_a_kept_token_is_refused_once_it_expires() -> None:
    verifier, signer = verifier_and_signer(ttl_s=1)
    token = signer.sign({"sub": "bank-client", "role": Role.BANK.value, "bank_id": "cqrcb"})
    first = verifier.verify(token)
    assert verifier.verify(token) is first  # kept: the signature is not checked again
    time.sleep(max(0.0, first.exp - time.time()) + 0.1)
    with pytest.raises(Unauthorized, match="expired"):
        verifier.verify(token)


def test_a_changed_token_is_checked_afresh() -> None:
    verifier, signer = verifier_and_signer(ttl_s=60)
    token = signer.sign({"sub": "bank-client", "role": Role.BANK.value, "bank_id": "cqrcb"})
    verifier.verify(token)
    head, body, signature = token.split(".")
    middle = signature[10]
    forged = f"{head}.{body}.{signature[:10]}{'B' if middle == 'A' else 'A'}{signature[11:]}"
    with pytest.raises(Unauthorized):
        verifier.verify(forged)


def test_a_token_from_a_slightly_fast_clock_is_accepted_and_one_from_the_future_is_not() -> None:
    verifier, signer = verifier_and_signer(ttl_s=600)
    claims = {"sub": "bank-client", "role": Role.BANK.value, "bank_id": "cqrcb"}
    assert verifier.verify(signer.sign(claims, now=time.time() + 1)).sub == "bank-client"  # within CLOCK_SKEW_S
    with pytest.raises(Unauthorized, match="future"):
        verifier.verify(signer.sign(claims, now=time.time() + 60))
