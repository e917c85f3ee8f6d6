"""The registry of signing credentials and the trust store.

A ``TrustAnchor`` is a root CA certificate an administrator trusts for verifying signatures.
A ``SigningCredential`` is a certificate with the place of its private key: a PKCS#12 file
(kept encrypted at rest, see ``credentials.py``; its password is never stored), a key on a
PKCS#11 token or HSM (module, token and key labels; the PIN is never stored), or a remote
signing service. It belongs to one person or to one agency (the agency's seal), and is
managed by the administrators of ``agency`` (the owning agency, or the person's agency).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

FINGERPRINT_LENGTH = 64  # SHA-256 of the DER certificate, lowercase hex


class TrustAnchor(models.Model):
    """A root certificate (self-signed CA) of the installation's trust store."""

    certificate_der = models.BinaryField("chứng thư số (DER)")
    subject = models.CharField("chủ thể", max_length=500)
    fingerprint = models.CharField(
        "dấu vân tay SHA-256", max_length=FINGERPRINT_LENGTH, unique=True
    )
    valid_from = models.DateTimeField("hiệu lực từ")
    valid_to = models.DateTimeField("hiệu lực đến")
    is_active = models.BooleanField("đang tin cậy", default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thêm",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField("thời điểm thêm")

    class Meta:
        ordering = ["subject", "pk"]
        verbose_name = "chứng thư gốc tin cậy"
        verbose_name_plural = "kho chứng thư gốc tin cậy"

    def __str__(self) -> str:
        return self.subject


class CredentialKind(models.TextChoices):
    PKCS12 = "PKCS12", "Tệp PKCS#12 (.p12/.pfx)"
    PKCS11 = "PKCS11", "Thiết bị PKCS#11 (USB token/HSM)"
    REMOTE = "REMOTE", "Ký số từ xa"


class SigningCredential(models.Model):
    """A certificate able to sign, owned by a person or (exclusively) by an agency."""

    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name="cơ quan quản lý",
        on_delete=models.PROTECT,
        related_name="signing_credentials",
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người sở hữu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
    )
    owner_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name="cơ quan sở hữu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("loại", max_length=10, choices=CredentialKind.choices)
    label = models.CharField("tên gọi", max_length=200, blank=True)
    certificate_der = models.BinaryField("chứng thư số (DER)")
    subject = models.CharField("chủ thể", max_length=500)
    serial_number = models.CharField("số hiệu", max_length=100)
    issuer = models.CharField("tổ chức cấp", max_length=500)
    valid_from = models.DateTimeField("hiệu lực từ")
    valid_to = models.DateTimeField("hiệu lực đến")
    fingerprint = models.CharField("dấu vân tay SHA-256", max_length=FINGERPRINT_LENGTH)
    # PKCS#12: the file encrypted with the installation's signing key (Fernet); no password.
    encrypted_pkcs12 = models.BinaryField("tệp PKCS#12 đã mã hóa", null=True, blank=True)
    # PKCS#11: where the key is; the PIN is asked at signing time, never stored.
    pkcs11_module = models.CharField("thư viện PKCS#11", max_length=500, blank=True)
    pkcs11_token_label = models.CharField("nhãn thiết bị", max_length=100, blank=True)
    pkcs11_key_label = models.CharField("nhãn khóa", max_length=100, blank=True)
    # The person's signature (blue) or the agency's seal (red): PNG, transparent background.
    image = models.BinaryField("ảnh chữ ký hoặc con dấu (PNG)", null=True, blank=True)
    is_active = models.BooleanField("đang sử dụng", default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người đăng ký",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField("thời điểm đăng ký")
    deactivated_at = models.DateTimeField("thời điểm ngừng sử dụng", null=True, blank=True)

    class Meta:
        ordering = ["valid_to", "pk"]
        verbose_name = "chứng thư ký số"
        verbose_name_plural = "chứng thư ký số"
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_person__isnull=False) & Q(owner_agency__isnull=True))
                | (Q(owner_person__isnull=True) & Q(owner_agency__isnull=False)),
                name="signing_credential_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CredentialKind.values), name="signing_credential_kind"
            ),
            models.CheckConstraint(
                condition=~Q(kind=CredentialKind.PKCS12) | Q(encrypted_pkcs12__isnull=False),
                name="signing_credential_pkcs12_has_file",
            ),
        ]
        indexes = [models.Index(fields=["agency", "is_active", "valid_to"])]

    def __str__(self) -> str:
        return self.label or self.subject

    @property
    def owner_name(self) -> str:
        if self.owner_person is not None:
            return str(self.owner_person.display_name)
        return str(self.owner_agency.name) if self.owner_agency is not None else ""


class VerificationOutcome(models.TextChoices):
    VALID = "VALID", "Chữ ký hợp lệ"
    INVALID = "INVALID", "Chữ ký không hợp lệ"
    UNKNOWN_TRUST = "UNKNOWN_TRUST", "Chưa xác định được độ tin cậy"
    UNSIGNED = "UNSIGNED", "Không có chữ ký số"


class PdfVerification(models.Model):
    """One check of a PDF's signatures (NĐ 30 Điều 21), kept with the bytes it checked (by
    their SHA-256) and the state of the trust store at that moment. Append-only: a new check
    adds a row, the latest one per SHA-256 is the current answer."""

    sha256 = models.CharField("SHA-256 của tệp", max_length=64)
    verified_at = models.DateTimeField("thời điểm kiểm tra")
    outcome = models.CharField("kết quả", max_length=20, choices=VerificationOutcome.choices)
    report = models.JSONField("kết quả từng chữ ký", default=list)
    error = models.CharField("lỗi khi kiểm tra", max_length=500, blank=True)
    trust_anchor_count = models.PositiveIntegerField("số chứng thư gốc tin cậy")
    trust_store_sha256 = models.CharField("dấu vân tay kho tin cậy", max_length=64)
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name="cơ quan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người yêu cầu kiểm tra",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_label = models.CharField("tệp được kiểm tra", max_length=300, blank=True)

    class Meta:
        ordering = ["-verified_at", "-pk"]
        verbose_name = "kết quả kiểm tra chữ ký số"
        verbose_name_plural = "kết quả kiểm tra chữ ký số"
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=VerificationOutcome.values),
                name="pdf_verification_outcome",
            ),
        ]
        indexes = [models.Index(fields=["sha256", "verified_at"])]

    def __str__(self) -> str:
        return f"{self.sha256[:12]} — {self.get_outcome_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Kết quả kiểm tra chữ ký số không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Kết quả kiểm tra chữ ký số không được xóa.")
