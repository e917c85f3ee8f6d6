"""The check before signing: revoked refuses, a known good status gives the data to embed,
an unknown one gives nothing, and nothing is asked when there is nothing to go on."""

from __future__ import annotations

import pytest

from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.signatures.revocation import REVOKED, Revocation, check_signer
from govdoc.signatures.signer import SignerError
from govdoc.signatures.testing_pki import TestIdentity, TestPki

from .conftest import RevocationService


def _signer(identity: TestIdentity, pki: TestPki) -> Pkcs12Signer:
    return Pkcs12Signer(identity.pkcs12, pki.password)


def test_fetched_ocsp_says_good_and_is_kept_to_embed(
    pki: TestPki, revocation_service: RevocationService
) -> None:
    # given fetching allowed and the root trusted; when the person's certificate is checked
    embed = check_signer(
        signer=_signer(pki.person, pki),
        revocation=Revocation(roots=[pki.root.asn1], allow_fetching=True),
    )
    # then the responder's answer is returned, and nothing more is to be fetched when signing
    assert embed is not None and len(embed.ocsps) == 1 and not embed.allow_fetching
    assert embed.ocsps[0]["response_status"].native == "successful"
    assert "/ocsp" in revocation_service.requests


@pytest.mark.parametrize("source", ["ocsp", "crl"])
def test_a_revoked_certificate_is_refused(pki: TestPki, source: str) -> None:
    known = (
        Revocation(roots=[pki.root.asn1], allow_fetching=True)
        if source == "ocsp"
        else Revocation(roots=[pki.root.asn1], crls=[pki.asn1_crl])
    )
    with pytest.raises(SignerError, match=f"^{REVOKED}$"):
        check_signer(signer=_signer(pki.revoked, pki), revocation=known)


def test_a_given_crl_is_enough_without_fetching(pki: TestPki) -> None:
    embed = check_signer(
        signer=_signer(pki.person, pki),
        revocation=Revocation(roots=[pki.root.asn1], crls=[pki.asn1_crl]),
    )
    assert embed is not None and len(embed.crls) == 1 and not embed.ocsps


def test_unreachable_responders_or_no_trusted_root_mean_unknown(
    pki: TestPki, unreachable_pki: TestPki
) -> None:
    out_of_reach = Revocation(roots=[unreachable_pki.root.asn1], allow_fetching=True)
    assert (
        check_signer(
            signer=_signer(unreachable_pki.person, unreachable_pki), revocation=out_of_reach
        )
        is None
    )
    untrusted = Revocation(roots=[pki.foreign_root.asn1], crls=[pki.asn1_crl])
    assert check_signer(signer=_signer(pki.revoked, pki), revocation=untrusted) is None


def test_nothing_is_asked_without_roots_or_revocation_data(
    pki: TestPki, revocation_service: RevocationService
) -> None:
    before = len(revocation_service.requests)
    signer = _signer(pki.revoked, pki)
    assert check_signer(signer=signer, revocation=Revocation(roots=[pki.root.asn1])) is None
    assert check_signer(signer=signer, revocation=Revocation(roots=[], allow_fetching=True)) is None
    assert revocation_service.requests[before:] == []
