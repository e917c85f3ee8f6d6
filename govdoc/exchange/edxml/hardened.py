"""Parsing untrusted XML (DOMAIN §5.5): no DTD, no entities, no network, bounded in size,
depth and number of elements.

The lxml parser is created with `resolve_entities=False, no_network=True,
dtd_validation=False, load_dtd=False`, and any DOCTYPE is refused outright (before parsing
when it is visible in the bytes, after parsing otherwise, e.g. in UTF-16). It also sets
`huge_tree=True`: without it libxml2 refuses every text node over 10 MB, that is every
attachment over about 7.5 MB (its base64 text is one text node), although the gateway
accepts 50 MB packets. What `huge_tree=False` protects against is covered here instead:
the total size is capped before parsing (`max_bytes`), the depth (`max_depth`) and the
number of elements (`max_elements`) are capped, and entity expansion is impossible (no DTD).

This is the one hardened parser of the exchange: the XML-DSig code (`xmldsig/parsing.py`)
parses through it too, with `drop_comments=True` (comments and processing instructions
dropped while parsing: exclusive C14N does not sign them, so a reader must not see them),
and maps its typed reasons onto the signature's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

from lxml import etree

from govdoc.exchange.edxml.errors import PacketError, Reason

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * MIB  # the official gateway's cap on a packet (DOMAIN §5.2)
DEFAULT_MAX_DEPTH = 64
DEFAULT_MAX_ELEMENTS = 100_000
DEFAULT_MAX_ATTACHMENT_BYTES = 100 * MIB  # one file once unzipped
DEFAULT_MAX_TOTAL_ATTACHMENT_BYTES = 200 * MIB  # all files of a packet once unzipped
_CHUNK = 1 * MIB


@dataclass(frozen=True, kw_only=True, slots=True)
class Limits:
    """Caps applied to an untrusted packet. `Limits.from_settings()` reads the settings
    GOVDOC_EDXML_MAX_BYTES, _MAX_DEPTH, _MAX_ELEMENTS, _MAX_ATTACHMENT_BYTES and
    _MAX_TOTAL_ATTACHMENT_BYTES (the defaults here when they are not set or Django is not
    configured)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_elements: int = DEFAULT_MAX_ELEMENTS
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES
    max_total_attachment_bytes: int = DEFAULT_MAX_TOTAL_ATTACHMENT_BYTES

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=_setting("MAX_BYTES", DEFAULT_MAX_BYTES),
            max_depth=_setting("MAX_DEPTH", DEFAULT_MAX_DEPTH),
            max_elements=_setting("MAX_ELEMENTS", DEFAULT_MAX_ELEMENTS),
            max_attachment_bytes=_setting("MAX_ATTACHMENT_BYTES", DEFAULT_MAX_ATTACHMENT_BYTES),
            max_total_attachment_bytes=_setting(
                "MAX_TOTAL_ATTACHMENT_BYTES", DEFAULT_MAX_TOTAL_ATTACHMENT_BYTES
            ),
        )


def _setting(name: str, default: int) -> int:
    """settings.GOVDOC_EDXML_<name>; the default when Django is not configured (benchmarks,
    scripts)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return int(getattr(settings, f"GOVDOC_EDXML_{name}", default))
    except ImproperlyConfigured:
        return default


def size_text(count: int) -> str:
    if count >= MIB:
        return f"{count / MIB:.1f} MB".replace(".", ",")
    return f"{count} byte"


def new_parser(**extra: Any) -> Any:
    """The hardened lxml parser (a new one per document: parsers are not shared between
    threads)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=True,  # see the module docstring: size and depth are capped here
        collect_ids=False,
        **extra,
    )


def read_limited(stream: BinaryIO, limits: Limits | None = None) -> bytes:
    """Read a packet from a stream, refusing it as soon as it passes `max_bytes`."""
    limits = limits or Limits.from_settings()
    data = stream.read(limits.max_bytes + 1)
    check_size(len(data), limits)
    return data


def check_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise PacketError(
            Reason.TOO_LARGE,
            f"{size_text(size)}{' trở lên' if size == limits.max_bytes + 1 else ''}, "
            f"giới hạn {size_text(limits.max_bytes)}",
        )


def parse_xml(data: bytes, limits: Limits | None = None, *, drop_comments: bool = False) -> Any:
    """Parse untrusted bytes into an lxml element tree (the root element is returned), or
    raise `PacketError` (too_large, dtd_forbidden, malformed, too_deep, too_many_elements).
    `drop_comments`: leave comments and processing instructions out of the tree (what a
    signature covers: see the module docstring)."""
    limits = limits or Limits.from_settings()
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse_xml expects bytes")
    data = bytes(data)
    check_size(len(data), limits)
    if not data.strip():
        raise PacketError(Reason.MALFORMED, "gói tin rỗng")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise PacketError(Reason.DTD_FORBIDDEN)
    # Every element starts with "<": when there are few, the tree cannot be too big and
    # the fast one-shot parse is safe; otherwise parse incrementally, counting elements.
    options = {"remove_comments": True, "remove_pis": True} if drop_comments else {}
    if data.count(b"<") <= limits.max_elements:
        root = _parse_whole(data, options)
    else:
        root = _parse_counting(data, limits, options)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise PacketError(Reason.DTD_FORBIDDEN)
    if next(root.iter(etree.Entity), None) is not None:  # an entity reference left unresolved
        raise PacketError(Reason.DTD_FORBIDDEN)
    _check_depth(root, limits)
    return root


def _syntax_error(error: Exception) -> PacketError:
    text = str(error)
    if "depth" in text.lower():
        return PacketError(Reason.TOO_DEEP)
    if "entity" in text.lower() or "DOCTYPE" in text:
        return PacketError(Reason.DTD_FORBIDDEN)
    return PacketError(Reason.MALFORMED, text[:200])


def _parse_whole(data: bytes, options: dict[str, bool]) -> Any:
    try:
        return etree.fromstring(data, new_parser(**options))
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error) from None


def _parse_counting(data: bytes, limits: Limits, options: dict[str, bool]) -> Any:
    parser = etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=True,
        collect_ids=False,
        **options,
    )
    elements = depth = 0
    try:
        for offset in range(0, len(data), _CHUNK):
            parser.feed(data[offset : offset + _CHUNK])
            for event, _element in parser.read_events():
                if event == "start":
                    elements += 1
                    depth += 1
                    if elements > limits.max_elements:
                        raise PacketError(
                            Reason.TOO_MANY_ELEMENTS, f"giới hạn {limits.max_elements}"
                        )
                    if depth > limits.max_depth:
                        raise PacketError(Reason.TOO_DEEP, f"giới hạn {limits.max_depth} cấp")
                else:
                    depth -= 1
        return parser.close()
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error) from None


def check_tree(root: Any, limits: Limits) -> None:
    """The element and depth caps on a tree parsed elsewhere (the signature check's parse):
    what `parse_xml` checks while parsing, so the tree need not be parsed again."""
    if sum(1 for _ in root.iter()) > limits.max_elements:
        raise PacketError(Reason.TOO_MANY_ELEMENTS, f"giới hạn {limits.max_elements}")
    _check_depth(root, limits)


def _check_depth(root: Any, limits: Limits) -> None:
    depth = 0
    for event, _element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > limits.max_depth:
                raise PacketError(Reason.TOO_DEEP, f"giới hạn {limits.max_depth} cấp")
        else:
            depth -= 1
