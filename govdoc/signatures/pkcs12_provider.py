"""A `Signer` whose key comes from a PKCS#12 file (.p12 / .pfx) and its password."""

from __future__ import annotations

import datetime as dt

from asn1crypto import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from pyhanko.sign import signers

from govdoc.signatures.signer import SignerError

WRONG_PASSWORD = "Mật khẩu tệp chứng thư số không đúng."
NOT_PKCS12 = "Tệp chứng thư số không hợp lệ (không phải tệp PKCS#12)."
NO_KEY = "Tệp chứng thư số không chứa khóa bí mật hoặc chứng thư số."
EXPIRED = "Chứng thư số đã hết hạn (hiệu lực đến {until})."
NOT_YET_VALID = "Chứng thư số chưa có hiệu lực (hiệu lực từ {since})."


class Pkcs12Signer:
    """Signs with the key of a PKCS#12 file; checks the password and the certificate's validity
    period when created, so a bad file fails before any PDF is touched."""

    def __init__(self, data: bytes, password: str, *, now: dt.datetime | None = None) -> None:
        passphrase = password.encode("utf-8") if password else None
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase)
        except ValueError as error:
            message = str(error).lower()
            if "password" in message or "mac" in message or "decrypt" in message:
                raise SignerError(WRONG_PASSWORD) from error
            raise SignerError(NOT_PKCS12) from error
        except Exception as error:  # pragma: no cover - cryptography's other failures
            raise SignerError(NOT_PKCS12) from error
        if key is None or cert is None:
            raise SignerError(NO_KEY)
        moment = now or dt.datetime.now(dt.UTC)
        if cert.not_valid_after_utc < moment:
            until = cert.not_valid_after_utc.strftime("%d/%m/%Y")
            raise SignerError(EXPIRED.format(until=until))
        if cert.not_valid_before_utc > moment:
            since = cert.not_valid_before_utc.strftime("%d/%m/%Y")
            raise SignerError(NOT_YET_VALID.format(since=since))
        try:
            self._signer = signers.SimpleSigner.load_pkcs12_data(
                data, other_certs=(), passphrase=passphrase
            )
        except ValueError as error:  # pragma: no cover - already loaded once above
            raise SignerError(NOT_PKCS12) from error
        self._certificate: x509.Certificate = self._signer.signing_cert
        own = self._certificate.dump()
        self._chain = tuple(
            x509.Certificate.load(c.public_bytes(Encoding.DER))
            for c in extra
            if c.public_bytes(Encoding.DER) != own and c.issuer != c.subject
        )

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        return self._chain

    def pyhanko_signer(self) -> object:
        return self._signer
