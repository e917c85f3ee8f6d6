"""Signing with a key that never leaves a PKCS#11 device: a USB token issued by a CA (the
Ban Cơ yếu or a public CA), or a network HSM holding the agency's key.

`Pkcs11Signer` opens the module, finds the token by label, logs in with the PIN, finds the
private key and its certificate (by label or CKA_ID), checks that the certificate is valid
now, and hands pyHanko a `PKCS11Signer` bound to the open session. It is a context manager:
the session is logged out and closed on leaving the block, so a token is never left open.

    with Pkcs11Signer(module_path=..., token_label=..., pin=..., key_label=...) as signer:
        pdf_signer = PdfSigner(meta, signer=signer.pyhanko_signer())
        ...
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime, timedelta, timezone
from types import TracebackType
from typing import Any

import pkcs11
from asn1crypto import x509
from pkcs11 import Attribute, ObjectClass
from pkcs11.exceptions import (
    MultipleTokensReturned,
    NoSuchToken,
    PinExpired,
    PinIncorrect,
    PinInvalid,
    PinLenRange,
    PinLocked,
    PKCS11Error,
    TokenNotPresent,
    TokenNotRecognised,
)
from pyhanko.sign.pkcs11 import PKCS11Signer

from govdoc.signatures.signer import SignerError

__all__ = ["Pkcs11Signer"]


def _describe(label: str | None, object_id: bytes | None) -> str:
    parts = []
    if label is not None:
        parts.append(f"nhãn «{label}»")
    if object_id is not None:
        parts.append(f"mã định danh {object_id.hex()}")
    return " và ".join(parts)


_VIETNAM = timezone(timedelta(hours=7))


def _vn_time(moment: datetime) -> str:
    return moment.astimezone(_VIETNAM).strftime("%H:%M:%S ngày %d/%m/%Y")


class Pkcs11Signer:
    """A `Signer` for a private key on a PKCS#11 token or HSM.

    The key and its certificate are looked up by label and/or CKA_ID; as in pyHanko, a value
    given for one side stands for the other (a key labelled "ky-so" is paired with the
    certificate labelled "ky-so"). `chain` is the chain up to, not including, the root; when
    not given, the other certificates stored on the token (roots excluded) are used.

    Every failure raises `SignerError` with a Vietnamese message safe to show the user.
    """

    def __init__(
        self,
        *,
        module_path: str,
        token_label: str,
        pin: str,
        key_label: str | None = None,
        key_id: bytes | None = None,
        cert_label: str | None = None,
        cert_id: bytes | None = None,
        chain: Sequence[x509.Certificate] | None = None,
        now: datetime | None = None,
    ) -> None:
        if key_label is None and key_id is None and cert_label is None and cert_id is None:
            raise ValueError("Cần nhãn hoặc mã định danh của khóa hoặc chứng thư số.")
        self.module_path = module_path
        self.token_label = token_label
        self._pin = pin
        # Same pairing rules as pyhanko.sign.pkcs11.PKCS11Signer.
        self.cert_label = (
            cert_label if cert_label is not None else (key_label if not cert_id else None)
        )
        self.key_id = key_id if key_id is not None else (cert_id if not key_label else None)
        self.cert_id = cert_id if cert_id is not None else (key_id if not cert_label else None)
        self.key_label = (
            key_label if key_label is not None else (cert_label if not key_id else None)
        )
        self._given_chain = tuple(chain) if chain is not None else None
        self._now = now
        self._session: Any = None
        self._certificate: x509.Certificate | None = None
        self._chain: tuple[x509.Certificate, ...] = ()

    # -- context manager -------------------------------------------------------------------

    def __enter__(self) -> Pkcs11Signer:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        return self._session is not None

    def open(self) -> None:
        """Open the module and session, log in, load and check the certificate and key."""
        if self._session is not None:
            return
        token = self._find_token(self._load_module())
        session = self._login(token)
        try:
            certificate = self._load_certificate(session)
            self._check_validity(certificate)
            self._check_key(session, certificate)
            self._chain = (
                self._given_chain
                if self._given_chain is not None
                else self._chain_from_token(session, certificate)
            )
        except BaseException:
            self._close_session(session)
            raise
        self._certificate = certificate
        self._session = session

    def close(self) -> None:
        """Close the session (which logs out). Safe to call more than once."""
        session, self._session = self._session, None
        self._certificate = None
        self._chain = ()
        if session is not None:
            self._close_session(session)

    # -- Signer protocol -------------------------------------------------------------------

    @property
    def certificate(self) -> x509.Certificate:
        if self._certificate is None:
            raise SignerError("Phiên làm việc với thiết bị ký số chưa được mở.")
        return self._certificate

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        self.certificate  # noqa: B018 — raises if the session is not open
        return self._chain

    def pyhanko_signer(self) -> object:
        """A pyHanko `PKCS11Signer` on the open session (valid until `close`)."""
        certificate = self.certificate
        return PKCS11Signer(
            self._session,
            signing_cert=certificate,
            ca_chain=list(self._chain),
            key_label=self.key_label,
            key_id=self.key_id,
            cert_label=self.cert_label,
            cert_id=self.cert_id,
            other_certs_to_pull=(),
        )

    # -- steps -----------------------------------------------------------------------------

    def _load_module(self) -> Any:
        if not os.path.isfile(self.module_path):
            raise SignerError(
                f"Không tìm thấy thư viện PKCS#11 tại «{self.module_path}». "
                "Hãy kiểm tra phần mềm điều khiển (driver) của thiết bị ký số đã được cài đặt."
            )
        try:
            return pkcs11.lib(self.module_path)
        except PKCS11Error as error:
            raise SignerError(
                f"Không tìm thấy thư viện PKCS#11 hợp lệ tại «{self.module_path}»: "
                "tệp không nạp được."
            ) from error

    def _find_token(self, lib: Any) -> Any:
        missing = SignerError(
            f"Không tìm thấy thiết bị ký số (token) có nhãn «{self.token_label}». "
            "Hãy cắm thiết bị vào máy và thử lại."
        )
        try:
            return lib.get_token(token_label=self.token_label)
        except (NoSuchToken, TokenNotPresent, TokenNotRecognised) as error:
            raise missing from error
        except MultipleTokensReturned as error:
            raise SignerError(
                f"Có nhiều thiết bị ký số cùng nhãn «{self.token_label}»; hãy chỉ cắm một thiết bị."
            ) from error
        except PKCS11Error as error:
            raise SignerError(
                "Không đọc được danh sách thiết bị ký số từ thư viện PKCS#11."
            ) from error

    def _login(self, token: Any) -> Any:
        try:
            return token.open(user_pin=self._pin)
        except (PinIncorrect, PinInvalid, PinLenRange) as error:
            raise SignerError("Mã PIN không đúng.") from error
        except PinLocked as error:
            raise SignerError(
                "Mã PIN đã bị khóa do nhập sai nhiều lần; hãy liên hệ đơn vị cấp thiết bị."
            ) from error
        except PinExpired as error:
            raise SignerError("Mã PIN đã hết hạn; hãy đổi mã PIN của thiết bị.") from error
        except (TokenNotPresent, NoSuchToken) as error:
            raise SignerError(
                f"Không tìm thấy thiết bị ký số (token) có nhãn «{self.token_label}». "
                "Hãy cắm thiết bị vào máy và thử lại."
            ) from error
        except PKCS11Error as error:
            raise SignerError("Không mở được phiên làm việc với thiết bị ký số.") from error

    def _find_objects(self, session: Any, template: dict[Attribute, Any]) -> list[Any]:
        try:
            return list(session.get_objects(template))
        except PKCS11Error as error:
            raise SignerError("Không đọc được dữ liệu trên thiết bị ký số.") from error

    def _load_certificate(self, session: Any) -> x509.Certificate:
        template: dict[Attribute, Any] = {Attribute.CLASS: ObjectClass.CERTIFICATE}
        if self.cert_label is not None:
            template[Attribute.LABEL] = self.cert_label
        if self.cert_id is not None:
            template[Attribute.ID] = self.cert_id
        found = self._find_objects(session, template)
        which = _describe(self.cert_label, self.cert_id)
        if not found:
            raise SignerError(f"Không tìm thấy chứng thư số có {which} trên thiết bị ký số.")
        if len(found) > 1:
            raise SignerError(f"Có nhiều chứng thư số có {which} trên thiết bị ký số.")
        try:
            return x509.Certificate.load(found[0][Attribute.VALUE])
        except (PKCS11Error, ValueError) as error:
            raise SignerError(f"Chứng thư số có {which} trên thiết bị bị hỏng.") from error

    def _check_validity(self, certificate: x509.Certificate) -> None:
        now = self._now or datetime.now(UTC)
        validity = certificate["tbs_certificate"]["validity"]
        not_before: datetime = validity["not_before"].native
        not_after: datetime = validity["not_after"].native
        if now < not_before:
            raise SignerError(
                f"Chứng thư số chưa có hiệu lực (hiệu lực từ {_vn_time(not_before)})."
            )
        if now > not_after:
            raise SignerError(f"Chứng thư số đã hết hạn vào {_vn_time(not_after)}.")

    def _check_key(self, session: Any, certificate: x509.Certificate) -> None:
        template: dict[Attribute, Any] = {
            Attribute.CLASS: ObjectClass.PRIVATE_KEY,
            Attribute.SIGN: True,
        }
        if self.key_label is not None:
            template[Attribute.LABEL] = self.key_label
        if self.key_id is not None:
            template[Attribute.ID] = self.key_id
        found = self._find_objects(session, template)
        which = _describe(self.key_label, self.key_id)
        if not found:
            raise SignerError(f"Không tìm thấy khóa bí mật có {which} trên thiết bị ký số.")
        if len(found) > 1:
            raise SignerError(f"Có nhiều khóa bí mật có {which} trên thiết bị ký số.")
        if certificate.public_key.algorithm == "rsa":
            try:
                modulus = int.from_bytes(found[0][Attribute.MODULUS], "big")
            except PKCS11Error:
                return  # the token does not expose it: pyHanko will still sign
            if modulus != certificate.public_key.native["public_key"]["modulus"]:
                raise SignerError(
                    f"Khóa bí mật có {which} không khớp với chứng thư số trên thiết bị ký số."
                )

    def _chain_from_token(
        self, session: Any, certificate: x509.Certificate
    ) -> tuple[x509.Certificate, ...]:
        """The issuers of `certificate` found on the token, nearest first, root excluded."""
        by_subject: dict[bytes, x509.Certificate] = {}
        for obj in self._find_objects(session, {Attribute.CLASS: ObjectClass.CERTIFICATE}):
            try:
                other = x509.Certificate.load(obj[Attribute.VALUE])
                subject = other.subject.dump()
            except (PKCS11Error, ValueError):
                continue  # a broken object is no reason to refuse signing
            if other.ca:
                by_subject.setdefault(subject, other)
        chain: list[x509.Certificate] = []
        current = certificate
        while len(chain) < 10:
            issuer = by_subject.get(current.issuer.dump())
            if issuer is None or issuer.self_signed != "no" or issuer in chain:
                break
            chain.append(issuer)
            current = issuer
        return tuple(chain)

    @staticmethod
    def _close_session(session: Any) -> None:
        with suppress(PKCS11Error):  # token removed meanwhile: nothing left to close
            session.close()
