"""Signing an edXML packet: one enveloped XML-DSig signature over the whole document.

    <ds:Signature>                                   last child of edXML/edXMLEnvelope/edXMLHeader
      <ds:SignedInfo>
        <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
        <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
        <ds:Reference URI="">                        the whole document (envelope + attachments)
          <ds:Transforms> enveloped-signature, exc-c14n </ds:Transforms>
          <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
          <ds:DigestValue>…</ds:DigestValue>
        </ds:Reference>
      </ds:SignedInfo>
      <ds:SignatureValue>…</ds:SignatureValue>
      <ds:KeyInfo><ds:X509Data> certificate, then its chain </ds:X509Data></ds:KeyInfo>
    </ds:Signature>

The key is a `cryptography` RSA private key (a PKCS#12 file's) or any govdoc `Signer`
(PKCS#12, PKCS#11 token/HSM, remote service): a `Signer`'s key never leaves its device, the
signature value is asked from its pyHanko signer (`async_sign_raw`, RSASSA-PKCS1-v1_5).

The Signature is written here on the parsed tree (`fast.py` computes the digest and the
canonical SignedInfo exactly as verification does), not by signxml, which copied and
re-parsed the packet several times; signxml's `XMLVerifier` accepts the result (tests).
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import datetime as dt
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.utils import NoDigestInfo, Prehashed
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    KeySerializationEncryption,
    PrivateFormat,
)
from django.utils import timezone
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.algorithms import SignatureConstructionMethod as Method

from govdoc.exchange.xmldsig.certificates import as_cryptography, der_of, vn_date
from govdoc.exchange.xmldsig.errors import (
    PacketSignatureError,
    PacketSigningError,
)
from govdoc.exchange.xmldsig.fast import (
    EXCLUSIVE,
    check_value,
    digest_of,
    hash_of,
    without_signature,
)
from govdoc.exchange.xmldsig.parsing import (
    DS_NS,
    SIGNATURE,
    packet_header,
    parse_packet,
    signatures_of,
)
from govdoc.signatures.signer import Signer, SignerError

SIGNATURE_METHOD = SignatureMethod.RSA_SHA256
DIGEST_METHOD = DigestAlgorithm.SHA256
C14N_METHOD = CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0

SigningKey = rsa.RSAPrivateKey | Signer

ALREADY_SIGNED = "Gói tin đã có chữ ký số; không ký thêm lần nữa."
NOT_RSA = (
    "Gói tin edXML phải được ký bằng khóa RSA (thuật toán RSA-SHA256 theo QCVN 102:2016); "
    "khóa này không phải khóa RSA."
)
UNUSABLE_KEY = (
    "Khóa bí mật này không dùng được để ký gói tin edXML: khóa không xuất ra được và thiết bị "
    "không cung cấp chức năng ký trực tiếp."
)
KEY_MISMATCH = "Khóa bí mật không khớp với chứng thư số dùng để ký gói tin."
SIGNER_CERTIFICATE_MISMATCH = "Chứng thư số không phải chứng thư số của thiết bị ký."
CERTIFICATE_EXPIRED = "Chứng thư số ký gói tin đã hết hạn (hiệu lực đến {until})."
CERTIFICATE_NOT_YET_VALID = "Chứng thư số ký gói tin chưa có hiệu lực (hiệu lực từ {since})."
DEVICE_SIGNATURE_INVALID = "Thiết bị ký số trả về chữ ký không hợp lệ cho gói tin."
SIGNING_FAILED = "Không ký được gói tin edXML: {detail}"


def sign_packet(
    xml: bytes,
    *,
    key: SigningKey,
    certificate: Any,
    chain: Sequence[Any] = (),
    now: dt.datetime | None = None,
) -> bytes:
    """`xml` (an unsigned edXML packet) with its XML-DSig signature as the last child of
    `edXMLHeader`. `certificate` and `chain` (up to, not including, the root) are
    `cryptography` or `asn1crypto` certificates; they go, in that order, in `KeyInfo`.
    Refuses (`PacketSigningError`, in Vietnamese) a packet that is not edXML or is already
    signed, a key that is not RSA or does not match the certificate, and a certificate outside
    its validity period."""
    try:
        root = parse_packet(xml)
        header = packet_header(root)
    except PacketSignatureError as error:
        raise PacketSigningError(error.message_vi) from error
    if signatures_of(root):
        raise PacketSigningError(ALREADY_SIGNED)
    leaf = as_cryptography(certificate)
    issuers = [as_cryptography(c) for c in chain]
    _check_validity(leaf, now or timezone.now())
    signing_key = _signing_key(key, leaf)
    signature = _add_signature(header, [leaf, *issuers])
    try:
        _sign(signature, signing_key)
    except ValueError as error:
        raise PacketSigningError(SIGNING_FAILED.format(detail=error)) from error
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return result


def sign_packet_with_signer(xml: bytes, *, signer: Signer, now: dt.datetime | None = None) -> bytes:
    """`sign_packet` with a govdoc `Signer`'s key, certificate and chain (e.g. the agency's
    registered credential opened by the signatures app)."""
    return sign_packet(xml, key=signer, certificate=signer.certificate, chain=signer.chain, now=now)


def _add_signature(header: Any, certificates: Sequence[x509.Certificate]) -> Any:
    """The Signature, DigestValue and SignatureValue still empty, as the last child of
    `header`, indented like its siblings when the packet is indented. Its shape is signxml's
    (the one every receiver has accepted so far)."""
    last = header[-1] if len(header) else None
    signature = etree.SubElement(header, SIGNATURE, nsmap={"ds": DS_NS})
    if last is not None and _blank(last.tail) and _blank(header.text):
        signature.tail, last.tail = last.tail, header.text
    signed_info = _ds(signature, "SignedInfo")
    _ds(signed_info, "CanonicalizationMethod", Algorithm=C14N_METHOD.value)
    _ds(signed_info, "SignatureMethod", Algorithm=SIGNATURE_METHOD.value)
    reference = _ds(signed_info, "Reference", URI="")
    transforms = _ds(reference, "Transforms")
    _ds(transforms, "Transform", Algorithm=Method.enveloped.value)
    _ds(transforms, "Transform", Algorithm=C14N_METHOD.value)
    _ds(reference, "DigestMethod", Algorithm=DIGEST_METHOD.value)
    _ds(reference, "DigestValue")
    _ds(signature, "SignatureValue")
    x509_data = _ds(_ds(signature, "KeyInfo"), "X509Data")
    for certificate in certificates:
        _ds(x509_data, "X509Certificate").text = _pem_body(certificate)
    return signature


def _ds(parent: Any, name: str, **attributes: str) -> Any:
    return etree.SubElement(parent, f"{{{DS_NS}}}{name}", attributes)


def _pem_body(certificate: x509.Certificate) -> str:
    """The base64 of the DER certificate in 64-character lines, as signxml writes it."""
    lines = certificate.public_bytes(Encoding.PEM).decode("ascii").splitlines(keepends=True)
    return "".join(lines[1:-1])


def _sign(signature: Any, key: rsa.RSAPrivateKey) -> None:
    """Fill in the digest of the document without `signature` (enveloped signature,
    exclusive C14N) and the signature of the canonical SignedInfo."""
    signed_info = signature.find(f"{{{DS_NS}}}SignedInfo")
    reference = signed_info.find(f"{{{DS_NS}}}Reference")
    digest = digest_of(without_signature(signature, EXCLUSIVE), DIGEST_METHOD)
    reference.find(f"{{{DS_NS}}}DigestValue").text = base64.b64encode(digest).decode("ascii")
    signed_info_c14n = EXCLUSIVE.apply(signed_info)
    value = key.sign(signed_info_c14n, asym_padding.PKCS1v15(), hash_of(SIGNATURE_METHOD))
    if isinstance(key, _DeviceKey):
        _self_check(key.public_key(), value, signed_info_c14n)
    signature.find(f"{{{DS_NS}}}SignatureValue").text = base64.b64encode(value).decode("ascii")


def _blank(text: str | None) -> bool:
    return text is not None and not text.strip()


def _check_validity(certificate: x509.Certificate, now: dt.datetime) -> None:
    if now > certificate.not_valid_after_utc:
        until = vn_date(certificate.not_valid_after_utc)
        raise PacketSigningError(CERTIFICATE_EXPIRED.format(until=until))
    if now < certificate.not_valid_before_utc:
        since = vn_date(certificate.not_valid_before_utc)
        raise PacketSigningError(CERTIFICATE_NOT_YET_VALID.format(since=since))


def _signing_key(key: object, certificate: x509.Certificate) -> rsa.RSAPrivateKey:
    public = certificate.public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        raise PacketSigningError(NOT_RSA)
    if isinstance(key, rsa.RSAPrivateKey):
        if key.public_key().public_numbers() != public.public_numbers():
            raise PacketSigningError(KEY_MISMATCH)
        return key
    pyhanko_signer = getattr(key, "pyhanko_signer", None)
    if not callable(pyhanko_signer):
        raise PacketSigningError(NOT_RSA if _is_private_key(key) else UNUSABLE_KEY)
    own = getattr(key, "certificate", None)
    if own is None or der_of(as_cryptography(own)) != der_of(certificate):
        raise PacketSigningError(SIGNER_CERTIFICATE_MISMATCH)
    device = pyhanko_signer()
    if not callable(getattr(device, "async_sign_raw", None)):
        raise PacketSigningError(UNUSABLE_KEY)
    return _DeviceKey(device, public)


def _is_private_key(key: object) -> bool:
    return type(key).__name__.endswith("PrivateKey")


def _run(factory: Callable[[], Coroutine[Any, Any, bytes]]) -> bytes:
    """Run a coroutine from synchronous code, also when an event loop is already running in
    this thread (then in a worker thread of its own)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


class _DeviceKey(rsa.RSAPrivateKey):
    """An RSA private key (as `cryptography` has them), whose signing is done by a pyHanko signer
    (the key stays on its token, HSM or remote service). Only `sign` with PKCS#1 v1.5 works;
    every export refuses."""

    def __init__(self, device: Any, public: rsa.RSAPublicKey) -> None:
        self._device = device
        self._public = public

    def sign(
        self,
        data: bytes,
        padding: asym_padding.AsymmetricPadding,
        algorithm: Prehashed | hashes.HashAlgorithm | NoDigestInfo,
    ) -> bytes:
        if not isinstance(padding, asym_padding.PKCS1v15) or not isinstance(
            algorithm, hashes.HashAlgorithm
        ):
            raise PacketSigningError(UNUSABLE_KEY)
        digest = algorithm.name
        try:
            chosen = self._device.get_signature_mechanism_for_digest(digest)
            mechanism = str(chosen["algorithm"].native)
        except Exception as error:
            raise PacketSigningError(SIGNING_FAILED.format(detail=error)) from error
        if mechanism not in {f"{digest}_rsa", "rsassa_pkcs1v15"}:
            raise PacketSigningError(
                SIGNING_FAILED.format(detail=f"cơ chế ký {mechanism} không phải RSA PKCS#1 v1.5")
            )
        try:
            signature = _run(lambda: self._device.async_sign_raw(data, digest))
        except (SignerError, PacketSigningError):
            raise  # already a Vietnamese message (wrong PIN, refused on the phone…)
        except Exception as error:
            raise PacketSigningError(SIGNING_FAILED.format(detail=error)) from error
        return bytes(signature)

    @property
    def key_size(self) -> int:
        return self._public.key_size

    def public_key(self) -> rsa.RSAPublicKey:
        return self._public

    def decrypt(self, ciphertext: bytes, padding: asym_padding.AsymmetricPadding) -> bytes:
        raise PacketSigningError(UNUSABLE_KEY)

    def private_numbers(self) -> rsa.RSAPrivateNumbers:
        raise PacketSigningError(UNUSABLE_KEY)

    def private_bytes(
        self,
        encoding: Encoding,
        format: PrivateFormat,
        encryption_algorithm: KeySerializationEncryption,
    ) -> bytes:
        raise PacketSigningError(UNUSABLE_KEY)

    def __copy__(self) -> _DeviceKey:
        return self

    def __deepcopy__(self, memo: dict[Any, Any]) -> _DeviceKey:
        return self


def _self_check(public: rsa.RSAPublicKey, value: bytes, signed_info: bytes) -> None:
    """A device-made signature is checked before the packet leaves: a token answering with
    another key's signature must not produce a packet every receiver refuses. The digest
    and SignedInfo were computed here, so the signature value is what needs checking."""
    try:
        check_value(public, SIGNATURE_METHOD, value, signed_info)
    except PacketSignatureError as error:
        raise PacketSigningError(DEVICE_SIGNATURE_INVALID) from error


__all__ = ["SigningKey", "sign_packet", "sign_packet_with_signer"]
