"""Keeping PKCS#12 files safe at rest, and reading certificates.

PKCS#12 files are stored encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from
``cryptography``). The key is the setting ``GOVDOC_SIGNING_KEY`` (environment variable of the
same name, or ``GOVDOC_SIGNING_KEY_FILE``): a Fernet key, i.e. 32 random bytes in URL-safe
base64, made with ``python -c "from cryptography.fernet import Fernet;
print(Fernet.generate_key().decode())"``. When it is unset the key is derived from
``SECRET_KEY`` with HKDF-SHA256 (info ``govdoc signing credentials``): then changing the secret
key makes the stored files unreadable, so production should set its own key and back it up
apart from the database. The file's password is never stored: it is asked when signing.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.conf import settings

from govdoc.core.errors import ValidationFailed

HKDF_INFO = b"govdoc signing credentials"
MAX_CERTIFICATE_SIZE = 64 * 1024
MAX_PKCS12_SIZE = 256 * 1024


def _fernet() -> Fernet:
    configured = str(getattr(settings, "GOVDOC_SIGNING_KEY", "") or "").strip()
    if configured:
        try:
            return Fernet(configured.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise ValueError(
                "GOVDOC_SIGNING_KEY must be a Fernet key (32 bytes, URL-safe base64)"
            ) from None
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
        str(settings.SECRET_KEY).encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt_secret(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt_secret(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken:
        raise ValidationFailed(
            "Không giải mã được tệp khóa đã lưu: khóa mã hóa của hệ thống (GOVDOC_SIGNING_KEY) "
            "đã thay đổi."
        ) from None


@dataclass(frozen=True, kw_only=True)
class CertificateInfo:
    der: bytes
    subject: str
    issuer: str
    serial_number: str
    valid_from: dt.datetime
    valid_to: dt.datetime
    fingerprint: str
    is_ca: bool
    self_signed: bool


def fingerprint_of(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def _signed_by_itself(certificate: x509.Certificate) -> bool:
    """Issuer equal to subject and the signature made by the certificate's own key."""
    try:
        certificate.verify_directly_issued_by(certificate)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return False
    return bool(constraints.value.ca)


def certificate_info(certificate: x509.Certificate) -> CertificateInfo:
    der = certificate.public_bytes(Encoding.DER)
    return CertificateInfo(
        der=der,
        subject=certificate.subject.rfc4514_string()[:500],
        issuer=certificate.issuer.rfc4514_string()[:500],
        serial_number=format(certificate.serial_number, "X")[:100],
        valid_from=certificate.not_valid_before_utc,
        valid_to=certificate.not_valid_after_utc,
        fingerprint=fingerprint_of(der),
        is_ca=_is_ca(certificate),
        self_signed=_signed_by_itself(certificate),
    )


def read_certificate(data: bytes) -> CertificateInfo:
    """A certificate in PEM or DER; a Vietnamese ValidationFailed when it is neither."""
    if not data or len(data) > MAX_CERTIFICATE_SIZE:
        raise ValidationFailed(
            "Tệp chứng thư số trống hoặc quá lớn.", fields={"certificate": "Tệp không hợp lệ."}
        )
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            certificate = x509.load_pem_x509_certificate(data.strip())
        else:
            certificate = x509.load_der_x509_certificate(data)
        return certificate_info(certificate)
    except ValueError:
        raise ValidationFailed(
            "Tệp không phải là chứng thư số X.509 (định dạng PEM hoặc DER).",
            fields={"certificate": "Không đọc được chứng thư số."},
        ) from None


def read_pkcs12(data: bytes, password: str) -> CertificateInfo:
    """The certificate of a PKCS#12 file opened with its password. Refuses (in Vietnamese) a
    wrong password, a file that is not PKCS#12, and one with no private key or certificate."""
    if not data or len(data) > MAX_PKCS12_SIZE:
        raise ValidationFailed(
            "Tệp PKCS#12 trống hoặc quá lớn.", fields={"file": "Tệp không hợp lệ."}
        )
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(
            data, password.encode("utf-8") if password else None
        )
    except ValueError:
        raise ValidationFailed(
            "Mật khẩu không đúng hoặc tệp không phải là tệp PKCS#12 (.p12/.pfx).",
            fields={"password": "Mật khẩu không đúng hoặc tệp không hợp lệ."},
        ) from None
    if key is None or certificate is None:
        raise ValidationFailed(
            "Tệp PKCS#12 không chứa khóa bí mật và chứng thư số để ký.",
            fields={"file": "Tệp thiếu khóa bí mật hoặc chứng thư số."},
        )
    return certificate_info(certificate)
