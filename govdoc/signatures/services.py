"""Every write to the trust store and the registry of signing credentials: checked,
journaled, in one transaction.

The trust store is the installation's: only its administrators (superusers) add or
withdraw a root; an agency administrator may see the store but is refused (Forbidden), and
for anyone else it does not exist (NotFound). A credential is managed by the administrators
of its agency (the owning agency, or the owning person's home agency); for anyone else it
does not exist (NotFound).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from govdoc.organizations.access import is_any_admin
from govdoc.organizations.models import Agency, User
from govdoc.organizations.services.permissions import require_admin
from govdoc.signatures.credentials import (
    CertificateInfo,
    encrypt_secret,
    read_certificate,
    read_pkcs12,
)
from govdoc.signatures.models import CredentialKind, SigningCredential, TrustAnchor

LABEL_MAX_LENGTH = 200
PKCS11_LABEL_MAX_LENGTH = 100
PKCS11_MODULE_MAX_LENGTH = 500
ONLY_INSTALLATION_ADMIN = (
    "Chỉ quản trị hệ thống mới được thêm hoặc ngừng tin cậy chứng thư số gốc: kho tin cậy "
    "dùng chung cho cả hệ thống."
)


def _require_installation_admin(actor: Any) -> None:
    """Superusers only; agency administrators see the store, so they are told why."""
    if not is_any_admin(actor):
        raise NotFound()
    if not getattr(actor, "is_superuser", False):
        raise Forbidden(ONLY_INSTALLATION_ADMIN)


# --- trust store ---------------------------------------------------------------------------


def trust_anchor_add(*, actor: Any, data: bytes) -> TrustAnchor:
    """Add a root CA certificate (PEM or DER) to the trust store. Refuses a certificate that
    is not a CA, not self-signed, or already in the store."""
    _require_installation_admin(actor)
    info = read_certificate(data)
    if not info.is_ca:
        raise ValidationFailed(
            "Chứng thư số này không phải của tổ chức cung cấp dịch vụ chứng thực (không có "
            "thuộc tính CA).",
            fields={"certificate": "Chỉ nhận chứng thư số gốc (CA)."},
        )
    if not info.self_signed:
        raise ValidationFailed(
            "Chứng thư số này không tự ký: chỉ thêm chứng thư số gốc vào kho tin cậy.",
            fields={"certificate": "Chỉ nhận chứng thư số gốc (tự ký)."},
        )
    duplicate_message = f"Kho tin cậy đã có chứng thư số gốc “{info.subject}”."
    field = {"certificate": "Chứng thư số đã có trong kho."}
    if TrustAnchor.objects.filter(fingerprint=info.fingerprint).exists():
        raise Conflict(duplicate_message, fields=field)
    try:
        with transaction.atomic():
            anchor = TrustAnchor.objects.create(
                certificate_der=info.der,
                subject=info.subject,
                fingerprint=info.fingerprint,
                valid_from=info.valid_from,
                valid_to=info.valid_to,
                added_by=actor,
                added_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                action="signatures.trust_anchor.add",
                target=anchor,
                data={"fingerprint": info.fingerprint, "valid_to": info.valid_to.isoformat()},
            )
    except IntegrityError:
        raise Conflict(duplicate_message, fields=field) from None
    return anchor


def trust_anchor_deactivate(*, actor: Any, anchor: TrustAnchor) -> TrustAnchor:
    """Stop trusting a root (the row stays, for the record)."""
    _require_installation_admin(actor)
    with transaction.atomic():
        changed = TrustAnchor.objects.filter(pk=anchor.pk, is_active=True).update(is_active=False)
        if not changed:
            raise Conflict("Chứng thư số gốc này đã được ngừng tin cậy trước đó.")
        anchor.is_active = False
        audit_record(
            actor=actor,
            action="signatures.trust_anchor.deactivate",
            target=anchor,
            data={"fingerprint": anchor.fingerprint},
        )
    return anchor


# --- signing credentials --------------------------------------------------------------------


def _managing_agency(
    *, actor: Any, owner_person: User | None, owner_agency: Agency | None
) -> Agency:
    """The agency whose administrators manage a credential of this owner (checked)."""
    if (owner_person is None) == (owner_agency is None):
        raise ValidationFailed(
            "Chọn một người hoặc một cơ quan sở hữu chứng thư số.",
            fields={"owner": "Chọn người hoặc cơ quan sở hữu."},
        )
    if owner_person is not None:
        agency = owner_person.agency
        if agency is None:
            raise ValidationFailed(
                "Người này chưa thuộc cơ quan nào.",
                fields={"owner": "Người sở hữu chưa thuộc cơ quan nào."},
            )
    else:
        assert owner_agency is not None
        agency = owner_agency
    require_admin(actor, agency)
    return agency


def _clean_label(label: str) -> str:
    label = " ".join(label.split())
    if len(label) > LABEL_MAX_LENGTH:
        raise ValidationFailed(
            f"Tên gọi dài quá {LABEL_MAX_LENGTH} ký tự.",
            fields={"label": f"Tối đa {LABEL_MAX_LENGTH} ký tự."},
        )
    return label


def _refuse_expired(info: CertificateInfo) -> None:
    if info.valid_to <= timezone.now():
        raise ValidationFailed(
            f"Chứng thư số đã hết hạn ngày {timezone.localtime(info.valid_to):%d/%m/%Y}.",
            fields={"file": "Chứng thư số đã hết hạn."},
        )
    if info.is_ca:
        raise ValidationFailed(
            "Đây là chứng thư số của tổ chức chứng thực (CA), không dùng để ký văn bản.",
            fields={"file": "Chứng thư số CA không dùng để ký."},
        )


def _create(
    *,
    actor: Any,
    agency: Agency,
    owner_person: User | None,
    owner_agency: Agency | None,
    kind: str,
    label: str,
    info: CertificateInfo,
    **extra: Any,
) -> SigningCredential:
    with transaction.atomic():
        credential = SigningCredential.objects.create(
            agency=agency,
            owner_person=owner_person,
            owner_agency=owner_agency,
            kind=kind,
            label=label,
            certificate_der=info.der,
            subject=info.subject,
            serial_number=info.serial_number,
            issuer=info.issuer,
            valid_from=info.valid_from,
            valid_to=info.valid_to,
            fingerprint=info.fingerprint,
            added_by=actor,
            added_at=timezone.now(),
            **extra,
        )
        audit_record(
            actor=actor,
            action="signatures.credential.register",
            target=credential,
            agency_id=agency.pk,
            data={
                "kind": kind,
                "owner_person": owner_person.pk if owner_person else None,
                "owner_agency": owner_agency.pk if owner_agency else None,
                "fingerprint": info.fingerprint,
                "valid_to": info.valid_to.isoformat(),
            },
        )
    return credential


def credential_register_pkcs12(
    *,
    actor: Any,
    p12_bytes: bytes,
    password: str,
    owner_person: User | None = None,
    owner_agency: Agency | None = None,
    label: str = "",
) -> SigningCredential:
    """Register a PKCS#12 file: opened with its password (which checks both), its
    certificate recorded, the file stored encrypted; the password is not kept."""
    agency = _managing_agency(actor=actor, owner_person=owner_person, owner_agency=owner_agency)
    label = _clean_label(label)
    info = read_pkcs12(p12_bytes, password)
    _refuse_expired(info)
    return _create(
        actor=actor,
        agency=agency,
        owner_person=owner_person,
        owner_agency=owner_agency,
        kind=CredentialKind.PKCS12,
        label=label,
        info=info,
        encrypted_pkcs12=encrypt_secret(p12_bytes),
    )


def credential_register_pkcs11(
    *,
    actor: Any,
    certificate: bytes,
    module_path: str,
    token_label: str,
    key_label: str,
    owner_person: User | None = None,
    owner_agency: Agency | None = None,
    label: str = "",
) -> SigningCredential:
    """Register a key on a PKCS#11 token or HSM: where it is (module, token and key labels)
    and its certificate (PEM or DER). No PIN is asked or stored here."""
    agency = _managing_agency(actor=actor, owner_person=owner_person, owner_agency=owner_agency)
    label = _clean_label(label)
    module_path, token_label, key_label = (
        module_path.strip(),
        token_label.strip(),
        key_label.strip(),
    )
    errors: dict[str, str] = {}
    if not module_path:
        errors["module_path"] = "Vui lòng nhập đường dẫn thư viện PKCS#11."
    elif len(module_path) > PKCS11_MODULE_MAX_LENGTH:
        errors["module_path"] = f"Tối đa {PKCS11_MODULE_MAX_LENGTH} ký tự."
    for name, value, missing in (
        ("token_label", token_label, "Vui lòng nhập nhãn thiết bị (token)."),
        ("key_label", key_label, "Vui lòng nhập nhãn khóa."),
    ):
        if not value:
            errors[name] = missing
        elif len(value) > PKCS11_LABEL_MAX_LENGTH:
            errors[name] = f"Tối đa {PKCS11_LABEL_MAX_LENGTH} ký tự."
    if errors:
        raise ValidationFailed("Thông tin thiết bị ký số chưa hợp lệ.", fields=errors)
    try:
        info = read_certificate(certificate)
    except ValidationFailed as error:
        raise ValidationFailed(error.message, fields={"file": error.message}) from None
    _refuse_expired(info)
    return _create(
        actor=actor,
        agency=agency,
        owner_person=owner_person,
        owner_agency=owner_agency,
        kind=CredentialKind.PKCS11,
        label=label,
        info=info,
        pkcs11_module=module_path,
        pkcs11_token_label=token_label,
        pkcs11_key_label=key_label,
    )


def credential_deactivate(*, actor: Any, credential: SigningCredential) -> SigningCredential:
    """Stop using a credential (the row stays, for the record and the journal)."""
    require_admin(actor, credential.agency)
    now = timezone.now()
    with transaction.atomic():
        changed = SigningCredential.objects.filter(pk=credential.pk, is_active=True).update(
            is_active=False, deactivated_at=now
        )
        if not changed:
            raise Conflict("Chứng thư số này đã được ngừng sử dụng trước đó.")
        credential.is_active, credential.deactivated_at = False, now
        audit_record(
            actor=actor,
            action="signatures.credential.deactivate",
            target=credential,
            agency_id=credential.agency_id,
            data={"fingerprint": credential.fingerprint},
        )
    return credential


# --- signature image / seal image -----------------------------------------------------------

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_IMAGE_SIZE = 2 * 1024 * 1024


def credential_set_image(
    *, actor: Any, credential: SigningCredential, png: bytes | None
) -> SigningCredential:
    """Set (or, with None, remove) the image a credential's visible signature shows: the
    person's signature (blue) or the agency's red seal, a PNG of at most 2 MB."""
    require_admin(actor, credential.agency)
    if png is not None:
        if not png or len(png) > MAX_IMAGE_SIZE:
            raise ValidationFailed(
                "Ảnh trống hoặc lớn hơn 2 MB.", fields={"image": "Ảnh tối đa 2 MB."}
            )
        if not png.startswith(PNG_MAGIC):
            raise ValidationFailed(
                "Ảnh chữ ký, con dấu phải là tệp PNG (nền trong suốt).",
                fields={"image": "Chỉ nhận tệp PNG."},
            )
    with transaction.atomic():
        SigningCredential.objects.filter(pk=credential.pk).update(image=png)
        credential.image = png
        audit_record(
            actor=actor,
            action="signatures.credential.set_image",
            target=credential,
            agency_id=credential.agency_id,
            data={
                "fingerprint": credential.fingerprint,
                "image_sha256": hashlib.sha256(png).hexdigest() if png is not None else None,
                "image_size": len(png) if png is not None else 0,
            },
        )
    return credential
