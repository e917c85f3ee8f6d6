"""The trust store and the registry of signing credentials: checks, encryption at rest,
journal, and that a refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_person
from govdoc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role
from govdoc.signatures import credentials, selectors, services
from govdoc.signatures.models import CredentialKind, SigningCredential, TrustAnchor
from govdoc.signatures.testing_pki import (
    PASSWORD,
    make_identity,
    make_root,
    make_signer,
)

pytestmark = pytest.mark.django_db


# --- trust store ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["pem", "der"])
def test_trust_anchor_add_stores_a_root_in_pem_or_der(superuser: User, encoding: str) -> None:
    # Given a self-signed root CA
    root = make_root("CA gốc Chính phủ")
    # When the installation's administrator adds it
    anchor = services.trust_anchor_add(
        actor=superuser, data=root.cert_pem if encoding == "pem" else root.cert_der
    )
    # Then it is stored in DER with its details, and journaled
    assert bytes(anchor.certificate_der) == root.cert_der
    assert "CA gốc Chính phủ" in anchor.subject
    assert anchor.fingerprint == credentials.fingerprint_of(root.cert_der)
    assert anchor.is_active and anchor.added_by == superuser
    assert anchor.valid_to == root.certificate.not_valid_after_utc
    assert AuditEvent.objects.filter(
        action="signatures.trust_anchor.add", target_id=str(anchor.pk)
    ).exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not_ca", "không phải của tổ chức cung cấp dịch vụ chứng thực"),
        ("no_constraints", "không phải của tổ chức cung cấp dịch vụ chứng thực"),
        ("not_self_signed", "không tự ký"),
        ("garbage", "không phải là chứng thư số X.509"),
    ],
)
def test_trust_anchor_add_refuses_what_is_not_a_root(
    superuser: User, case: str, message: str
) -> None:
    # Given something that is not a self-signed CA certificate
    root = make_root()
    data = {
        "not_ca": make_identity(common_name="Không phải CA").cert_der,
        "no_constraints": make_identity(
            common_name="Không có ràng buộc", basic_constraints=False
        ).cert_der,
        "not_self_signed": make_identity(
            common_name="CA trung gian", issuer=root, ca=True
        ).cert_der,
        "garbage": b"not a certificate",
    }[case]
    # When the installation's administrator tries to add it, then it is refused in Vietnamese
    with pytest.raises(ValidationFailed) as caught:
        services.trust_anchor_add(actor=superuser, data=data)
    assert message in caught.value.message
    assert "certificate" in caught.value.fields
    # And nothing changed
    assert not TrustAnchor.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="signatures.").exists()


def test_trust_anchor_add_refuses_a_duplicate(superuser: User) -> None:
    # Given a root already in the store (added as DER)
    root = make_root()
    services.trust_anchor_add(actor=superuser, data=root.cert_der)
    # When it is added again (as PEM), then it is refused
    with pytest.raises(Conflict) as caught:
        services.trust_anchor_add(actor=superuser, data=root.cert_pem)
    assert "đã có" in caught.value.message
    assert TrustAnchor.objects.count() == 1


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_for_anyone_but_an_administrator_the_trust_store_does_not_exist(
    personas: dict[str, User], superuser: User, persona: str
) -> None:
    root = make_root()
    with pytest.raises(NotFound):
        services.trust_anchor_add(actor=personas[persona], data=root.cert_der)
    anchor = services.trust_anchor_add(actor=superuser, data=root.cert_der)
    with pytest.raises(NotFound):
        services.trust_anchor_deactivate(actor=personas[persona], anchor=anchor)
    anchor.refresh_from_db()
    assert anchor.is_active


def test_trust_anchor_deactivate_keeps_the_row(superuser: User) -> None:
    # Given a trusted root
    anchor = services.trust_anchor_add(actor=superuser, data=make_root().cert_der)
    # When it is withdrawn
    services.trust_anchor_deactivate(actor=superuser, anchor=anchor)
    # Then it stays, inactive, out of the active store, journaled
    anchor.refresh_from_db()
    assert not anchor.is_active
    assert not selectors.active_trust_anchors().exists()
    assert AuditEvent.objects.filter(action="signatures.trust_anchor.deactivate").count() == 1
    # And withdrawing it twice is refused
    with pytest.raises(Conflict):
        services.trust_anchor_deactivate(actor=superuser, anchor=anchor)


def test_an_agency_administrator_may_not_change_the_trust_store(
    personas: dict[str, User], superuser: User
) -> None:
    # Given a root trusted by the installation's administrator
    anchor = services.trust_anchor_add(actor=superuser, data=make_root().cert_der)
    events = AuditEvent.objects.count()
    # When an agency administrator adds another or withdraws it
    with pytest.raises(Forbidden) as adding:
        services.trust_anchor_add(actor=personas["admin"], data=make_root().cert_der)
    with pytest.raises(Forbidden) as withdrawing:
        services.trust_anchor_deactivate(actor=personas["admin"], anchor=anchor)
    # Then both are refused in Vietnamese, saying who may, and nothing changed
    assert adding.value.message == withdrawing.value.message == services.ONLY_INSTALLATION_ADMIN
    assert "quản trị hệ thống" in services.ONLY_INSTALLATION_ADMIN
    anchor.refresh_from_db()
    assert anchor.is_active and TrustAnchor.objects.count() == 1
    assert AuditEvent.objects.count() == events


# --- PKCS#12 ---------------------------------------------------------------------------------


def test_credential_register_pkcs12_stores_the_file_encrypted_and_no_password(
    personas: dict[str, User], ministry: Agency
) -> None:
    # Given a person's PKCS#12 file and its password
    signer = make_signer("Trần Văn Lãnh Đạo")
    p12 = signer.pkcs12
    # When the administrator registers it for the leader
    credential = services.credential_register_pkcs12(
        actor=personas["admin"],
        owner_person=personas["leader"],
        p12_bytes=p12,
        password=PASSWORD,
        label="Chữ ký của lãnh đạo",
    )
    # Then the certificate's details are recorded, managed by the person's agency
    credential.refresh_from_db()
    assert credential.kind == CredentialKind.PKCS12
    assert credential.agency == ministry and credential.owner_agency is None
    assert bytes(credential.certificate_der) == signer.cert_der
    assert credential.serial_number == format(signer.certificate.serial_number, "X")
    assert "CA gốc thử nghiệm" in credential.issuer
    assert credential.fingerprint == credentials.fingerprint_of(signer.cert_der)
    # And the file is stored encrypted (not in clear), readable back with the key
    stored = bytes(credential.encrypted_pkcs12 or b"")
    assert p12 not in stored and stored != p12
    assert credentials.decrypt_secret(stored) == p12
    # And the password is kept nowhere: not in the row, not in the journal
    row_text = " ".join(str(getattr(credential, f.attname)) for f in credential._meta.fields)
    assert PASSWORD not in row_text
    event = AuditEvent.objects.get(action="signatures.credential.register")
    assert PASSWORD not in str(event.data)
    assert event.agency_id == ministry.pk and event.target_id == str(credential.pk)


def test_credential_register_pkcs12_refuses_a_wrong_password(
    personas: dict[str, User],
) -> None:
    # Given a PKCS#12 file, when it is registered with a wrong password
    with pytest.raises(ValidationFailed) as caught:
        services.credential_register_pkcs12(
            actor=personas["admin"],
            owner_person=personas["leader"],
            p12_bytes=make_signer().pkcs12,
            password="sai-mat-khau",
        )
    # Then the refusal is Vietnamese, on the password field, and nothing is stored
    assert "Mật khẩu không đúng" in caught.value.message
    assert "password" in caught.value.fields
    assert not SigningCredential.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="signatures.").exists()


@pytest.mark.parametrize("case", ["garbage", "empty", "expired", "ca"])
def test_credential_register_pkcs12_refuses_bad_files(personas: dict[str, User], case: str) -> None:
    now = dt.datetime.now(dt.UTC)
    data = {
        "garbage": b"this is not a pkcs12 file",
        "empty": b"",
        "expired": make_identity(
            common_name="Hết hạn",
            issuer=make_root(),
            not_before=now - dt.timedelta(days=400),
            not_after=now - dt.timedelta(days=1),
        ).pkcs12,
        "ca": make_root().pkcs12,
    }[case]
    with pytest.raises(ValidationFailed):
        services.credential_register_pkcs12(
            actor=personas["admin"],
            owner_person=personas["leader"],
            p12_bytes=data,
            password=PASSWORD,
        )
    assert not SigningCredential.objects.exists()


def test_a_pkcs12_without_password_is_accepted(personas: dict[str, User]) -> None:
    credential = services.credential_register_pkcs12(
        actor=personas["admin"],
        owner_person=personas["leader"],
        p12_bytes=make_signer().pkcs12_with(None),
        password="",
    )
    assert credential.is_active


def test_credential_of_the_agency_is_its_seal(personas: dict[str, User], ministry: Agency) -> None:
    credential = services.credential_register_pkcs12(
        actor=personas["admin"],
        owner_agency=ministry,
        p12_bytes=make_signer("Bộ Tài nguyên và Môi trường").pkcs12,
        password=PASSWORD,
    )
    assert credential.owner_agency == ministry and credential.owner_person is None
    assert credential.owner_name == ministry.name


def test_a_credential_needs_exactly_one_owner(personas: dict[str, User], ministry: Agency) -> None:
    owner_sets: list[dict[str, Any]] = [
        {},
        {"owner_person": personas["leader"], "owner_agency": ministry},
    ]
    for owners in owner_sets:
        with pytest.raises(ValidationFailed) as caught:
            services.credential_register_pkcs12(
                actor=personas["admin"],
                p12_bytes=make_signer().pkcs12,
                password=PASSWORD,
                **owners,
            )
        assert "owner" in caught.value.fields


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_only_the_agency_administrator_registers_credentials(
    personas: dict[str, User], ministry: Agency, persona: str
) -> None:
    with pytest.raises(NotFound):
        services.credential_register_pkcs12(
            actor=personas[persona],
            owner_person=personas["leader"],
            p12_bytes=make_signer().pkcs12,
            password=PASSWORD,
        )
    assert not SigningCredential.objects.exists()


def test_another_agencys_administrator_cannot_touch_our_credentials(
    personas: dict[str, User], ministry: Agency, other_agency: Agency
) -> None:
    # Given an administrator of another agency, and a credential of ours
    foreign_admin = make_person("quantri2", agency=other_agency, roles=[Role.ADMIN])
    credential = services.credential_register_pkcs12(
        actor=personas["admin"],
        owner_agency=ministry,
        p12_bytes=make_signer().pkcs12,
        password=PASSWORD,
    )
    # Then they may neither register for our people or agency, nor deactivate ours
    with pytest.raises(NotFound):
        services.credential_register_pkcs12(
            actor=foreign_admin,
            owner_agency=ministry,
            p12_bytes=make_signer().pkcs12,
            password=PASSWORD,
        )
    with pytest.raises(NotFound):
        services.credential_deactivate(actor=foreign_admin, credential=credential)
    assert selectors.credential_for_admin(foreign_admin, credential.pk) is None
    credential.refresh_from_db()
    assert credential.is_active


# --- the encryption key ---------------------------------------------------------------------


def test_the_signing_key_setting_is_used_when_set(settings: Any) -> None:
    # Given a configured Fernet key
    key = Fernet.generate_key()
    settings.GOVDOC_SIGNING_KEY = key.decode()
    # When something is encrypted, then that key opens it
    token = credentials.encrypt_secret(b"secret")
    assert Fernet(key).decrypt(token) == b"secret"
    # And another key does not: a Vietnamese refusal
    settings.GOVDOC_SIGNING_KEY = Fernet.generate_key().decode()
    with pytest.raises(ValidationFailed) as caught:
        credentials.decrypt_secret(token)
    assert "GOVDOC_SIGNING_KEY" in caught.value.message


def test_without_the_setting_the_key_comes_from_the_secret_key(settings: Any) -> None:
    settings.GOVDOC_SIGNING_KEY = ""
    settings.SECRET_KEY = "first-secret-key-for-the-test-of-hkdf"
    token = credentials.encrypt_secret(b"secret")
    assert credentials.decrypt_secret(token) == b"secret"
    settings.SECRET_KEY = "another-secret-key-for-the-test-of-hkdf"
    with pytest.raises(ValidationFailed):
        credentials.decrypt_secret(token)


def test_a_malformed_signing_key_is_a_configuration_error(settings: Any) -> None:
    settings.GOVDOC_SIGNING_KEY = "too-short"
    with pytest.raises(ValueError, match="GOVDOC_SIGNING_KEY"):
        credentials.encrypt_secret(b"secret")


# --- PKCS#11 ---------------------------------------------------------------------------------


def test_credential_register_pkcs11_records_where_the_key_is(
    personas: dict[str, User], ministry: Agency
) -> None:
    signer = make_signer("Văn thư Bộ")
    credential = services.credential_register_pkcs11(
        actor=personas["admin"],
        owner_agency=ministry,
        certificate=signer.cert_pem,
        module_path="/usr/lib/softhsm/libsofthsm2.so",
        token_label="govdoc",
        key_label="con-dau",
    )
    credential.refresh_from_db()
    assert credential.kind == CredentialKind.PKCS11
    assert credential.pkcs11_module == "/usr/lib/softhsm/libsofthsm2.so"
    assert (credential.pkcs11_token_label, credential.pkcs11_key_label) == ("govdoc", "con-dau")
    assert credential.encrypted_pkcs12 is None
    assert bytes(credential.certificate_der) == signer.cert_der
    assert AuditEvent.objects.filter(action="signatures.credential.register").exists()


def test_credential_register_pkcs11_needs_module_token_and_key(
    personas: dict[str, User], ministry: Agency
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.credential_register_pkcs11(
            actor=personas["admin"],
            owner_agency=ministry,
            certificate=make_signer().cert_der,
            module_path=" ",
            token_label="",
            key_label="",
        )
    assert set(caught.value.fields) == {"module_path", "token_label", "key_label"}
    with pytest.raises(ValidationFailed) as caught:
        services.credential_register_pkcs11(
            actor=personas["admin"],
            owner_agency=ministry,
            certificate=b"rubbish",
            module_path="/usr/lib/softhsm/libsofthsm2.so",
            token_label="govdoc",
            key_label="k",
        )
    assert "file" in caught.value.fields
    assert not SigningCredential.objects.exists()


# --- deactivation and reads -----------------------------------------------------------------


def test_credential_deactivate_keeps_the_row(personas: dict[str, User], ministry: Agency) -> None:
    credential = services.credential_register_pkcs12(
        actor=personas["admin"],
        owner_person=personas["leader"],
        p12_bytes=make_signer().pkcs12,
        password=PASSWORD,
    )
    services.credential_deactivate(actor=personas["admin"], credential=credential)
    credential.refresh_from_db()
    assert not credential.is_active and credential.deactivated_at is not None
    assert not selectors.credentials_of_agency(ministry).exists()
    assert selectors.credentials_of_agency(ministry, active_only=False).count() == 1
    assert AuditEvent.objects.filter(action="signatures.credential.deactivate").count() == 1
    with pytest.raises(Conflict):
        services.credential_deactivate(actor=personas["admin"], credential=credential)


def test_credentials_expiring_within_30_days(personas: dict[str, User], ministry: Agency) -> None:
    # Given credentials ending in 10, 29 and 60 days, and one inactive ending in 5
    made = {}
    for days in (10, 29, 60, 5):
        made[days] = services.credential_register_pkcs12(
            actor=personas["admin"],
            owner_person=personas["leader"],
            p12_bytes=make_signer(days=days).pkcs12,
            password=PASSWORD,
        )
    services.credential_deactivate(actor=personas["admin"], credential=made[5])
    # Then those within 30 days and active are listed, soonest first
    expiring = list(selectors.credentials_expiring())
    assert expiring == [made[10], made[29]]
    # And later, once expired, a credential is no longer "expiring"
    later = timezone.now() + dt.timedelta(days=35)
    assert list(selectors.credentials_expiring(now=later)) == [made[60]]
