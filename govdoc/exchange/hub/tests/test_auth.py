"""At the hub's door: an agency's bearer token, its state, and mutual TLS when it requires it."""

from __future__ import annotations

import hashlib
import ssl
from typing import Any
from unittest import mock
from urllib.parse import quote

import pytest
from django.test import Client, RequestFactory

from govdoc.exchange.hub.auth import (
    certificate_fingerprint,
    client_ip,
    normalize_fingerprint,
    presented_fingerprint,
)
from govdoc.exchange.hub.models import Agency, HubCall
from govdoc.exchange.hub.services import AgencyInput, agency_update, credential_issue
from govdoc.exchange.hub.tests import pki
from govdoc.exchange.hub.tests.conftest import API, RECIPIENT, Hub, Member

pytestmark = pytest.mark.django_db

INBOX = f"{API}/inbox"
PROXY = "10.0.0.2"


@pytest.fixture(scope="module")
def client_cert() -> pki.Issued:
    return pki.issue(pki.make_ca(), "000.00.00.H41")


@pytest.fixture
def pinned(hub: Hub, client_cert: pki.Issued, settings: Any) -> Member:
    """An agency that requires mutual TLS with its registered certificate, behind a proxy."""
    settings.GOVDOC_HUB_TRUSTED_PROXIES = ("10.0.0.0/24",)
    return hub.agency(RECIPIENT, mtls_fingerprints=[client_cert.sha256])


def test_no_token_is_401_and_journaled(recipient: Member) -> None:
    # given an agency on the hub; when a program calls without a token
    response = Client().get(INBOX)
    # then it is refused in Vietnamese with the bearer challenge, and the call is journaled
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert "Authorization: Bearer" in response.json()["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    call = HubCall.objects.get()
    assert (call.call, call.status_code, call.agency, call.result) == (
        "inbox",
        401,
        "",
        "unauthorized",
    )


@pytest.mark.parametrize("key", ["ghk_" + "A" * 43, "", "not-a-key"])
def test_wrong_token_is_401(recipient: Member, key: str) -> None:
    # when a program calls with a key the hub never issued
    response = Client(headers={"authorization": f"Bearer {key}"}).get(INBOX)
    # then it is refused
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_rotated_token_is_401_and_the_new_one_works(recipient: Member) -> None:
    # given the agency's key was rotated
    assert recipient.agency is not None
    _credential, new_key = credential_issue(agency=recipient.agency, rotate=True)
    # when the old and the new key call
    old = recipient.client().get(INBOX)
    new = Client(headers={"authorization": f"Bearer {new_key}"}).get(INBOX)
    # then only the new one opens the mailbox
    assert old.status_code == 401
    assert "thu hồi" in old.json()["message"]
    assert new.status_code == 200


def test_inactive_agency_is_403(recipient: Member) -> None:
    # given the agency was deactivated on the hub
    agency_update(organ_id=RECIPIENT, data=AgencyInput(active=False))
    # when it calls with its valid key
    response = recipient.client().get(INBOX)
    # then it is refused, and the journal names the agency
    assert response.status_code == 403
    assert response.json()["code"] == "agency_inactive"
    call = HubCall.objects.get()
    assert (call.agency, call.status_code) == (RECIPIENT, 403)


def test_admin_token_has_no_mailbox(hub: Hub) -> None:
    # given an administrator's key; when it asks for an inbox
    response = hub.admin().client().get(INBOX)
    # then it is refused: administrators write the directory, agencies read their mail
    assert response.status_code == 403
    assert response.json()["code"] == "agency_only"


def test_agency_without_mtls_needs_no_certificate(recipient: Member) -> None:
    assert recipient.client().get(INBOX).status_code == 200


def test_mtls_matching_fingerprint_from_trusted_proxy(
    pinned: Member, client_cert: pki.Issued
) -> None:
    # when the proxy that verified the client certificate passes its fingerprint
    fingerprint = ":".join(f"{b:02X}" for b in bytes.fromhex(client_cert.sha256))
    response = pinned.client(remote=PROXY, **{"X-Client-Cert-Sha256": fingerprint}).get(INBOX)
    # then the agency is served
    assert response.status_code == 200


def test_mtls_certificate_from_nginx_escaped_pem(pinned: Member, client_cert: pki.Issued) -> None:
    # when the proxy passes the certificate itself (nginx $ssl_client_escaped_cert)
    headers = {"X-Client-Cert": quote(client_cert.pem.decode()), "X-Client-Verify": "SUCCESS"}
    response = pinned.client(remote=PROXY, **headers).get(INBOX)
    # then the hub hashes it and serves the agency
    assert response.status_code == 200


def test_mtls_mismatching_fingerprint_is_403(pinned: Member) -> None:
    # when the proxy passes another certificate's fingerprint
    other = pki.issue(pki.make_ca(), "someone else")
    response = pinned.client(remote=PROXY, **{"X-Client-Cert-Sha256": other.sha256}).get(INBOX)
    # then it is refused, and the refusal is journaled
    assert response.status_code == 403
    assert response.json()["code"] == "mtls_mismatch"
    assert HubCall.objects.get().result == "mtls_mismatch"


def test_mtls_without_certificate_is_403(pinned: Member) -> None:
    response = pinned.client(remote=PROXY).get(INBOX)
    assert response.status_code == 403
    assert response.json()["code"] == "mtls_required"


def test_mtls_headers_from_untrusted_address_are_ignored(
    pinned: Member, client_cert: pki.Issued
) -> None:
    # when someone not listed as a proxy writes the right fingerprint itself
    headers = {"X-Client-Cert-Sha256": client_cert.sha256}
    response = pinned.client(remote="192.0.2.7", **headers).get(INBOX)
    # then the header is not believed
    assert response.status_code == 403
    assert response.json()["code"] == "mtls_required"


def test_mtls_failed_verification_at_the_proxy_is_403(
    pinned: Member, client_cert: pki.Issued
) -> None:
    headers = {"X-Client-Cert-Sha256": client_cert.sha256, "X-Client-Verify": "FAILED:expired"}
    response = pinned.client(remote=PROXY, **headers).get(INBOX)
    assert response.status_code == 403
    assert response.json()["code"] == "mtls_required"


def test_fingerprint_from_gunicorn_tls_connection(client_cert: pki.Issued) -> None:
    # given a request that came over gunicorn's own TLS with a client certificate
    from cryptography.hazmat.primitives import serialization

    der = client_cert.cert.public_bytes(serialization.Encoding.DER)
    sock = mock.Mock(spec=ssl.SSLSocket)
    sock.getpeercert.return_value = der
    request = RequestFactory().get(INBOX)
    request.META["gunicorn.socket"] = sock
    # then the fingerprint is read from the connection, whatever the headers say
    assert presented_fingerprint(request) == hashlib.sha256(der).hexdigest()
    sock.getpeercert.assert_called_once_with(binary_form=True)


def test_fingerprint_forms() -> None:
    digest = "ab" * 32
    assert normalize_fingerprint(digest.upper()) == digest
    assert normalize_fingerprint(":".join(["AB"] * 32)) == digest
    assert normalize_fingerprint("sha256 Fingerprint=" + ":".join(["AB"] * 32)) == digest
    assert normalize_fingerprint("ab") is None
    cert = pki.issue(pki.make_ca(), "x")
    assert certificate_fingerprint(cert.pem) == cert.sha256


def test_client_address_through_trusted_proxy(settings: Any) -> None:
    settings.GOVDOC_HUB_TRUSTED_PROXIES = ("10.0.0.2",)
    factory = RequestFactory()
    proxied = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.9, 10.0.0.2")
    direct = factory.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert client_ip(proxied) == "198.51.100.9"
    assert client_ip(direct) == "192.0.2.1"


def test_token_use_is_recorded(recipient: Member) -> None:
    assert recipient.agency is not None
    recipient.client().get(INBOX)
    credential = Agency.objects.get(pk=recipient.agency.pk).credentials.get()
    assert credential.last_used_at is not None
