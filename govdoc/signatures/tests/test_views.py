"""Administrator screens of the registry and the trust store: who reaches them, the forms
with Vietnamese errors, validity colours, the main flows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_person
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role
from govdoc.signatures import services
from govdoc.signatures.models import CredentialKind, SigningCredential, TrustAnchor
from govdoc.signatures.testing_pki import PASSWORD, make_root, make_signer

pytestmark = pytest.mark.django_db

PERSONAS_404 = ["clerk", "leader", "unit_head", "specialist", "outsider"]


def _credential(personas: dict[str, User], *, days: int = 365) -> SigningCredential:
    return services.credential_register_pkcs12(
        actor=personas["admin"],
        owner_person=personas["leader"],
        p12_bytes=make_signer(days=days).pkcs12,
        password=PASSWORD,
    )


@pytest.mark.parametrize(("persona", "status"), [("admin", 200)] + [(p, 404) for p in PERSONAS_404])
def test_persona_matrix_pages(
    personas: dict[str, User], ministry: Agency, client_for: Any, persona: str, status: int
) -> None:
    client = client_for(personas[persona])
    for url in (
        reverse("signatures:credentials"),
        reverse("signatures:credentials") + f"?co-quan={ministry.pk}",
        reverse("signatures:credential_add_pkcs12", args=[ministry.pk]),
        reverse("signatures:credential_add_pkcs11", args=[ministry.pk]),
        reverse("signatures:trust_anchors"),
    ):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("persona", PERSONAS_404)
def test_persona_matrix_writes(
    personas: dict[str, User], ministry: Agency, superuser: User, client_for: Any, persona: str
) -> None:
    # Given a credential and a trusted root
    credential = _credential(personas)
    anchor = services.trust_anchor_add(actor=superuser, data=make_root().cert_der)
    client = client_for(personas[persona])
    # When anyone but the administrator posts, then 404 and nothing changes
    responses = [
        client.post(reverse("signatures:credential_deactivate", args=[credential.pk])),
        client.post(reverse("signatures:trust_anchor_deactivate", args=[anchor.pk])),
        client.post(
            reverse("signatures:credential_add_pkcs12", args=[ministry.pk]),
            {
                "file": SimpleUploadedFile("k.p12", make_signer().pkcs12),
                "password": PASSWORD,
            },
        ),
        client.post(
            reverse("signatures:trust_anchors"),
            {"certificate": SimpleUploadedFile("ca.pem", make_root().cert_pem)},
        ),
    ]
    assert [r.status_code for r in responses] == [404] * 4
    assert SigningCredential.objects.filter(is_active=True).count() == 1
    assert TrustAnchor.objects.filter(is_active=True).count() == 1


def test_another_agencys_administrator_gets_404(
    personas: dict[str, User], ministry: Agency, other_agency: Agency, client_for: Any
) -> None:
    credential = _credential(personas)
    client = client_for(make_person("quantri2", agency=other_agency, roles=[Role.ADMIN]))
    assert (
        client.get(reverse("signatures:credentials") + f"?co-quan={ministry.pk}").status_code == 404
    )
    assert (
        client.get(reverse("signatures:credential_add_pkcs12", args=[ministry.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("signatures:credential_deactivate", args=[credential.pk])).status_code
        == 404
    )
    credential.refresh_from_db()
    assert credential.is_active


def test_register_a_pkcs12_through_the_form(
    personas: dict[str, User], ministry: Agency, client_for: Any
) -> None:
    client = client_for(personas["admin"])
    url = reverse("signatures:credential_add_pkcs12", args=[ministry.pk])
    page = client.get(url).content.decode()
    assert 'type="password"' in page and 'type="file"' in page
    # When the administrator uploads the leader's file with its password
    response = client.post(
        url,
        {
            "owner_person": personas["leader"].pk,
            "label": "Chữ ký lãnh đạo",
            "file": SimpleUploadedFile("lanhdao.p12", make_signer().pkcs12),
            "password": PASSWORD,
        },
    )
    # Then it is registered and the list shows it
    assert response.status_code == 302
    credential = SigningCredential.objects.get()
    assert credential.owner_person == personas["leader"]
    assert credential.kind == CredentialKind.PKCS12
    listing = client.get(response["Location"]).content.decode()
    assert "Chữ ký lãnh đạo" in listing and "Trần Văn Lãnh Đạo" in listing


def test_wrong_password_shows_a_vietnamese_error_and_stores_nothing(
    personas: dict[str, User], ministry: Agency, client_for: Any
) -> None:
    client = client_for(personas["admin"])
    response = client.post(
        reverse("signatures:credential_add_pkcs12", args=[ministry.pk]),
        {"file": SimpleUploadedFile("k.p12", make_signer().pkcs12), "password": "sai"},
    )
    assert response.status_code == 200
    assert "Mật khẩu không đúng" in response.content.decode()
    assert not SigningCredential.objects.exists()


def test_register_an_agency_seal_on_a_pkcs11_token(
    personas: dict[str, User], ministry: Agency, client_for: Any
) -> None:
    client = client_for(personas["admin"])
    response = client.post(
        reverse("signatures:credential_add_pkcs11", args=[ministry.pk]),
        {
            "owner_person": "",
            "file": SimpleUploadedFile("seal.pem", make_signer("Bộ TNMT").cert_pem),
            "module_path": "/usr/lib/softhsm/libsofthsm2.so",
            "token_label": "govdoc",
            "key_label": "con-dau",
        },
    )
    assert response.status_code == 302
    credential = SigningCredential.objects.get()
    assert credential.owner_agency == ministry and credential.kind == CredentialKind.PKCS11


def test_pkcs11_form_errors_on_their_fields(
    personas: dict[str, User], ministry: Agency, client_for: Any
) -> None:
    client = client_for(personas["admin"])
    response = client.post(
        reverse("signatures:credential_add_pkcs11", args=[ministry.pk]),
        {"file": SimpleUploadedFile("c.der", make_signer().cert_der)},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vui lòng nhập đường dẫn thư viện PKCS#11." in page
    assert 'data-field="token_label"' in page and 'data-field="key_label"' in page


def test_validity_is_red_when_expired_and_orange_within_30_days(
    personas: dict[str, User], ministry: Agency, client_for: Any
) -> None:
    # Given credentials ending in 10 days and in a year
    soon = _credential(personas, days=10)
    later = _credential(personas, days=365)
    client = client_for(personas["admin"])
    url = reverse("signatures:credentials") + f"?co-quan={ministry.pk}"
    page = client.get(url).content.decode()
    # Then the first is orange, the second plain
    assert f'data-credential="{soon.pk}" data-state="expiring"' in page
    assert 'data-testid="validity-expiring"' in page and "var(--bs-orange" in page
    assert f'data-credential="{later.pk}" data-state="valid"' in page
    # And once its end has passed, it is red
    SigningCredential.objects.filter(pk=soon.pk).update(
        valid_to=timezone.now() - dt.timedelta(hours=1)
    )
    page = client.get(url).content.decode()
    assert f'data-credential="{soon.pk}" data-state="expired"' in page
    assert 'class="text-danger fw-semibold" data-testid="validity-expired"' in page


def test_deactivate_from_the_list(
    personas: dict[str, User], ministry: Agency, client_for: Any
) -> None:
    credential = _credential(personas)
    client = client_for(personas["admin"])
    response = client.post(reverse("signatures:credential_deactivate", args=[credential.pk]))
    assert response.status_code == 302
    credential.refresh_from_db()
    assert not credential.is_active
    page = client.get(response["Location"]).content.decode()
    assert f'data-credential="{credential.pk}"' not in page
    page = client.get(response["Location"] + "&tat-ca=1").content.decode()
    assert "Đã ngừng" in page


@pytest.mark.parametrize("encoding", ["pem", "der"])
def test_upload_a_root_to_the_trust_store(superuser: User, client_for: Any, encoding: str) -> None:
    root = make_root("CA gốc Ban Cơ yếu")
    client = client_for(superuser)
    response = client.post(
        reverse("signatures:trust_anchors"),
        {
            "certificate": SimpleUploadedFile(
                f"root.{encoding}", root.cert_pem if encoding == "pem" else root.cert_der
            )
        },
    )
    assert response.status_code == 302
    anchor = TrustAnchor.objects.get()
    page = client.get(reverse("signatures:trust_anchors")).content.decode()
    assert "CA gốc Ban Cơ yếu" in page and anchor.fingerprint in page
    # Uploading it again shows a Vietnamese refusal
    again = client.post(
        reverse("signatures:trust_anchors"),
        {"certificate": SimpleUploadedFile("root.der", root.cert_der)},
    )
    assert again.status_code == 200 and "Chứng thư số đã có trong kho." in again.content.decode()
    # And withdrawing it works
    client.post(reverse("signatures:trust_anchor_deactivate", args=[anchor.pk]))
    anchor.refresh_from_db()
    assert not anchor.is_active


def test_a_non_ca_upload_is_refused_on_the_form(superuser: User, client_for: Any) -> None:
    client = client_for(superuser)
    response = client.post(
        reverse("signatures:trust_anchors"),
        {"certificate": SimpleUploadedFile("leaf.pem", make_signer().cert_pem)},
    )
    assert response.status_code == 200
    assert "Chỉ nhận chứng thư số gốc (CA)." in response.content.decode()
    assert not TrustAnchor.objects.exists()


def test_admin_menu_links_to_the_registry(personas: dict[str, User], client_for: Any) -> None:
    page = client_for(personas["admin"]).get(reverse("signatures:credentials")).content.decode()
    assert f'href="{reverse("signatures:credentials")}"' in page


# --- the trust store is the installation's ---------------------------------------------------


def test_an_agency_administrator_sees_the_trust_store_without_the_controls(
    personas: dict[str, User], superuser: User, client_for: Any
) -> None:
    # Given a trusted root
    anchor = services.trust_anchor_add(actor=superuser, data=make_root("CA gốc Bộ").cert_der)
    url = reverse("signatures:trust_anchors")
    # When the agency administrator opens the store, then it is listed, read-only
    page = client_for(personas["admin"]).get(url).content.decode()
    assert "CA gốc Bộ" in page and anchor.fingerprint in page
    assert "Chỉ quản trị hệ thống được thêm hoặc ngừng tin cậy" in page
    deactivate = reverse("signatures:trust_anchor_deactivate", args=[anchor.pk])
    assert deactivate not in page and 'type="file"' not in page
    # And the installation's administrator has the upload form and the withdraw button
    page = client_for(superuser).get(url).content.decode()
    assert deactivate in page and 'type="file"' in page


def test_an_agency_administrator_posting_gets_a_vietnamese_403(
    personas: dict[str, User], superuser: User, client_for: Any
) -> None:
    # Given a trusted root
    anchor = services.trust_anchor_add(actor=superuser, data=make_root().cert_der)
    client = client_for(personas["admin"])
    # When the agency administrator uploads a root or withdraws the one there
    responses = [
        client.post(
            reverse("signatures:trust_anchors"),
            {"certificate": SimpleUploadedFile("ca.pem", make_root().cert_pem)},
        ),
        client.post(reverse("signatures:trust_anchor_deactivate", args=[anchor.pk])),
    ]
    # Then both get a 403 page saying, in Vietnamese, who may
    for response in responses:
        assert response.status_code == 403
        page = response.content.decode()
        assert "Không có quyền thực hiện thao tác này" in page
        assert services.ONLY_INSTALLATION_ADMIN in page
    # And nothing changed
    anchor.refresh_from_db()
    assert anchor.is_active and TrustAnchor.objects.count() == 1
    assert not AuditEvent.objects.filter(
        action__startswith="signatures.trust_anchor", actor=personas["admin"]
    ).exists()
