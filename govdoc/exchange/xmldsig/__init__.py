"""XML-DSig signatures of edXML packets (QCVN 102:2016; DOMAIN §5.2, §5.5).

What the signature covers (docs/edxml-signature.md): one enveloped signature, last child of
`edXML/edXMLEnvelope/edXMLHeader`, whose single reference is `URI=""` with the
enveloped-signature and exclusive C14N transforms — the whole document minus the signature
itself: the envelope *and* `AttachmentEncoded`, so a changed attachment breaks the signature
without adding anything to the standard's elements. RSA-SHA256, SHA-256 digest, the signing
certificate and its chain in `KeyInfo/X509Data`.

    signed = sign_packet(xml, key=private_key, certificate=cert, chain=(intermediate,))
    signed = sign_packet_with_signer(xml, signer=signer)   # PKCS#12, PKCS#11, remote
    verified = verify_packet(signed, trust_roots=trust_roots_from_store())
    check_sender(verified, authenticated_organ_id=..., packet_from_organ_id=...)
"""

from govdoc.exchange.xmldsig.certificates import organ_id_of
from govdoc.exchange.xmldsig.errors import (
    PacketSenderError,
    PacketSignatureError,
    PacketSigningError,
    SignatureProblem,
)
from govdoc.exchange.xmldsig.parsing import (
    DS_NS,
    EDXML_NS,
    MAX_DEPTH,
    MAX_ELEMENTS,
    MAX_PACKET_BYTES,
    hardened_parser,
    parse_packet,
)
from govdoc.exchange.xmldsig.signing import SigningKey, sign_packet, sign_packet_with_signer
from govdoc.exchange.xmldsig.verification import (
    VerifiedPacket,
    check_sender,
    trust_roots_from_store,
    verify_packet,
)

__all__ = [
    "DS_NS",
    "EDXML_NS",
    "MAX_DEPTH",
    "MAX_ELEMENTS",
    "MAX_PACKET_BYTES",
    "PacketSenderError",
    "PacketSignatureError",
    "PacketSigningError",
    "SignatureProblem",
    "SigningKey",
    "VerifiedPacket",
    "check_sender",
    "hardened_parser",
    "organ_id_of",
    "parse_packet",
    "sign_packet",
    "sign_packet_with_signer",
    "trust_roots_from_store",
    "verify_packet",
]
