"""The test PKI's revocation services: certificates name the CRL and the OCSP responder, the
responder answers "good" or "revoked" as the CRL says, echoes the nonce, and refuses to
speak for another CA."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

from govdoc.signatures.testing_pki import TestIdentity, TestPki, make_signer, ocsp_response


def _ask(pki: TestPki, identity: TestIdentity, issuer: TestIdentity, nonce: bytes = b"") -> bytes:
    builder = ocsp.OCSPRequestBuilder().add_certificate(
        identity.certificate, issuer.certificate, hashes.SHA1()
    )
    if nonce:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return ocsp_response(pki, builder.build().public_bytes(Encoding.DER))


def test_leaf_certificates_name_the_crl_and_the_ocsp_responder(pki: TestPki) -> None:
    certificate = pki.person.certificate
    access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    (ocsp_entry,) = access.value
    assert ocsp_entry.access_method == AuthorityInformationAccessOID.OCSP
    assert ocsp_entry.access_location.value == pki.ocsp_url
    points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints)
    full_name = points.value[0].full_name
    assert full_name is not None and full_name[0].value == pki.crl_url
    assert pki.ocsp_url.startswith("http://127.0.0.1:")  # the fixture's local responder


def test_the_responder_certificate_is_for_ocsp_signing(pki: TestPki) -> None:
    responder = pki.ocsp_responder.certificate
    assert responder.issuer == pki.intermediate.certificate.subject
    usage = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.OCSP_SIGNING]
    assert responder.extensions.get_extension_for_class(x509.OCSPNoCheck)


def test_good_and_revoked_answers(pki: TestPki) -> None:
    good = ocsp.load_der_ocsp_response(_ask(pki, pki.person, pki.intermediate, nonce=b"n-1234"))
    assert good.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert good.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert good.serial_number == pki.person.certificate.serial_number
    assert good.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == b"n-1234"
    responder_key = pki.ocsp_responder.certificate.public_key()
    assert isinstance(responder_key, ec.EllipticCurvePublicKey)
    responder_key.verify(good.signature, good.tbs_response_bytes, ec.ECDSA(hashes.SHA256()))
    revoked = ocsp.load_der_ocsp_response(_ask(pki, pki.revoked, pki.intermediate))
    assert revoked.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert revoked.revocation_time_utc is not None
    assert revoked.revocation_time_utc < dt.datetime.now(dt.UTC)


def test_another_ca_or_garbage_is_not_answered(pki: TestPki) -> None:
    root = pki.foreign_root
    stranger = make_signer(issuer=root)
    unauthorized = ocsp.load_der_ocsp_response(_ask(pki, stranger, root))
    assert unauthorized.response_status == ocsp.OCSPResponseStatus.UNAUTHORIZED
    malformed = ocsp.load_der_ocsp_response(ocsp_response(pki, b"not a request"))
    assert malformed.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST
