"""The digest and the signature value of an edXML packet's enveloped signature, computed on
the tree already parsed (shared by signing and verification).

signxml re-serialises and re-parses the whole packet several times per signature (a copy
for the signature, one for the document, one per reference, one of the result): for a packet
with a 100 KB attachment that was most of the cost. The one form the structural checks of
`verification.py` accept needs none of it:

    <ds:Reference URI="">  the root element of the document...
      <ds:Transforms> enveloped-signature, then at most one C14N (exclusive or inclusive) </…>

so the document is canonicalised once, with the Signature detached for the moment (the
enveloped-signature transform) and put back afterwards, and SignedInfo is canonicalised in
place (its inherited namespaces count for inclusive C14N). What signxml does is followed
exactly where it decides a result: the Signature's tail is kept as `_remove_sig` keeps it,
inclusive C14N 1.1 is computed as lxml's C14N 1.0 as signxml computes it (lxml has no 1.1;
the two differ only on `xml:` attributes inherited from outside a subset, which the whole
document has none of, and which neither signxml nor lxml carry onto SignedInfo), no
C14N transform means signxml's default (that same inclusive C14N), the XML-DSig schema is
checked first, and ECDSA values are raw r‖s of the curve's size."""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature as CryptographyInvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from lxml import etree
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureMethod,
    digest_algorithm_implementations,
)
from signxml.processor import XMLSignatureProcessor, get_schema

from govdoc.exchange.xmldsig.errors import PacketSignatureError
from govdoc.exchange.xmldsig.errors import SignatureProblem as Problem
from govdoc.exchange.xmldsig.parsing import DS_NS

EXC_C14N_NS = "http://www.w3.org/2001/10/xml-exc-c14n#"
DSIG11_NS = "http://www.w3.org/2009/xmldsig11#"
_NS = {"ds": DS_NS, "ec": EXC_C14N_NS, "dsig11": DSIG11_NS}
_C14N_URIS = frozenset(m.value for m in CanonicalizationMethod)

BROKEN_SIGNATURE = "Chữ ký số sai cấu trúc XML-DSig."


@dataclass(frozen=True, slots=True)
class C14n:
    """How to canonicalise: a CanonicalizationMethod or a C14N Transform element's."""

    exclusive: bool = False
    with_comments: bool = False
    prefixes: tuple[str, ...] | None = None
    """`ec:InclusiveNamespaces/@PrefixList`, split as signxml splits it."""

    @classmethod
    def of(cls, element: Any) -> C14n:
        uri = str(element.get("Algorithm") or "")
        listed = element.find("ec:InclusiveNamespaces[@PrefixList]", _NS)
        prefixes = None if listed is None else tuple(str(listed.get("PrefixList")).split(" "))
        return cls(
            exclusive=uri.startswith(EXC_C14N_NS),
            with_comments=uri.endswith("#WithComments"),
            prefixes=prefixes,
        )

    def apply(self, node: Any) -> bytes:
        data: bytes = etree.tostring(
            node,
            method="c14n",
            exclusive=self.exclusive,
            with_comments=self.with_comments,
            inclusive_ns_prefixes=list(self.prefixes) if self.prefixes is not None else None,
        )
        return data


EXCLUSIVE = C14n(exclusive=True)


def remove_signature(signature: Any) -> None:
    """The enveloped-signature transform done on the tree: `signature` taken out, the text
    after it kept in the document (as signxml's `_remove_sig` keeps it; lxml would take an
    element's tail away with it)."""
    parent = signature.getparent()
    previous = signature.getprevious()
    if signature.tail is not None:
        if previous is None:
            parent.text = (parent.text or "") + signature.tail
        else:
            previous.tail = (previous.tail or "") + signature.tail
    parent.remove(signature)


def without_signature(signature: Any, c14n: C14n) -> bytes:
    """The canonical form of `signature`'s document minus `signature` (the enveloped-signature
    transform of a `URI=""` reference). The tree is left as it was."""
    parent = signature.getparent()
    root = signature.getroottree().getroot()
    index = parent.index(signature)
    previous = signature.getprevious()
    text, previous_tail = parent.text, None if previous is None else previous.tail
    remove_signature(signature)
    try:
        return c14n.apply(root)
    finally:
        parent.insert(index, signature)  # comes back with its tail
        parent.text = text
        if previous is not None:
            previous.tail = previous_tail


def digest_of(data: bytes, algorithm: DigestAlgorithm) -> bytes:
    hasher = hashes.Hash(digest_algorithm_implementations[algorithm]())
    hasher.update(data)
    return hasher.finalize()


def hash_of(method: SignatureMethod) -> hashes.HashAlgorithm:
    return digest_algorithm_implementations[method]()


def needs_signxml(signature: Any) -> bool:
    """Whether `verify_enveloped` leaves this signature to signxml: a `KeyInfo` that also
    gives a bare public key, which signxml requires to be the certificate's."""
    return (
        signature.find("ds:KeyInfo/ds:KeyValue", _NS) is not None
        or signature.find("ds:KeyInfo/dsig11:DEREncodedKeyValue", _NS) is not None
    )


def _broken() -> PacketSignatureError:
    return PacketSignatureError(Problem.BAD_SIGNATURE, BROKEN_SIGNATURE)


def _base64_of(element: Any) -> bytes:
    """An element's base64 text, decoded as signxml decodes it (whitespace ignored)."""
    if element is None or element.text is None:
        raise _broken()
    try:
        return base64.b64decode(element.text)
    except (binascii.Error, ValueError):
        raise _broken() from None


def check_value(public_key: Any, method: SignatureMethod, value: bytes, signed_info: bytes) -> None:
    """`value` is `method`'s signature of `signed_info` by `public_key`'s private key."""
    algorithm = hash_of(method)
    try:
        if method.name.startswith("ECDSA_"):
            if not isinstance(public_key, ec.EllipticCurvePublicKey):
                raise _broken()
            # XML-DSig carries r‖s, each the curve's size (RFC 4050), not DER.
            size = (public_key.key_size + 7) // 8
            if len(value) != 2 * size:
                raise PacketSignatureError(Problem.BAD_SIGNATURE)
            r, s = int.from_bytes(value[:size], "big"), int.from_bytes(value[size:], "big")
            public_key.verify(encode_dss_signature(r, s), signed_info, ec.ECDSA(algorithm))
        elif method.name.startswith("RSA_"):
            if not isinstance(public_key, rsa.RSAPublicKey):
                raise _broken()
            public_key.verify(value, signed_info, PKCS1v15(), algorithm)
        else:  # the structural checks allow no other method
            raise PacketSignatureError(Problem.UNSUPPORTED_ALGORITHM)
    except CryptographyInvalidSignature:
        raise PacketSignatureError(Problem.BAD_SIGNATURE) from None


def _check_schema(signature: Any) -> None:
    """The XML-DSig schema, as signxml checks it before anything else: one SignedInfo, one
    SignatureValue, one Transforms… so that no other part can be read than the one checked."""
    # signxml's rule: valid against one of its schemas (there is one, cached once loaded).
    schemas = [get_schema(name) for name in XMLSignatureProcessor.schema_files]
    if not any(schema.validate(signature) for schema in schemas):
        raise _broken()


def verify_enveloped(
    root: Any,
    signature: Any,
    public_key: Any,
    *,
    method: SignatureMethod,
    digest: DigestAlgorithm,
) -> bytes:
    """Check `signature` (already through the structural checks: one `URI=""` reference with
    the enveloped-signature transform, `method` and `digest` allowed) with `public_key`, and
    return the canonical document it covers: exactly the bytes whose digest was checked.
    `PacketSignatureError` (`bad_signature`) when the signature value or the digest is wrong
    or the signature is malformed."""
    if signature.getroottree().getroot() is not root:
        raise _broken()
    _check_schema(signature)
    signed_info = signature.find("ds:SignedInfo", _NS)
    reference = signed_info.find("ds:Reference", _NS)
    c14n_transforms = [
        t
        for t in reference.findall("ds:Transforms/ds:Transform", _NS)
        if t.get("Algorithm") in _C14N_URIS
    ]
    if len(c14n_transforms) > 1:  # signxml cannot apply a second one either
        raise _broken()
    try:
        signed_info_c14n = C14n.of(signed_info.find("ds:CanonicalizationMethod", _NS)).apply(
            signed_info
        )
        value = _base64_of(signature.find("ds:SignatureValue", _NS))
        check_value(public_key, method, value, signed_info_c14n)
        # What SignedInfo says is now known to be signed: its digest, of the whole document.
        expected = _base64_of(reference.find("ds:DigestValue", _NS))
        c14n = C14n.of(c14n_transforms[0]) if c14n_transforms else C14n()
        payload = without_signature(signature, c14n)
    except (ValueError, TypeError, etree.C14NError) as error:
        raise _broken() from error
    if not hmac.compare_digest(expected, digest_of(payload, digest)):  # constant time
        raise PacketSignatureError(Problem.BAD_SIGNATURE)
    return payload


__all__ = [
    "BROKEN_SIGNATURE",
    "EXCLUSIVE",
    "C14n",
    "check_value",
    "digest_of",
    "hash_of",
    "needs_signxml",
    "remove_signature",
    "verify_enveloped",
    "without_signature",
]
