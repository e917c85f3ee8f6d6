"""Untrusted XML (DOMAIN §5.5): DTDs, entities, network, size, depth, broken input."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree

from govdoc.exchange.edxml import Limits, PacketError, Reason, parse_packet, read_limited
from govdoc.exchange.edxml.build import build_document_packet
from govdoc.exchange.edxml.hardened import DEFAULT_MAX_BYTES, check_tree, new_parser, parse_xml
from govdoc.exchange.edxml.model import Attachment, DocumentPacket
from govdoc.exchange.edxml.tests.samples import document, status

MB = 1024 * 1024


def refused(data: bytes, limits: Limits | None = None) -> PacketError:
    with pytest.raises(PacketError) as caught:
        parse_packet(data, limits=limits)
    error = caught.value
    assert error.message  # Vietnamese, never empty
    assert error.code == error.reason.value
    return error


class Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        Recorder.requests.append(self.path)
        body = b'<!ENTITY inner "pwned">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def http_url() -> Iterator[str]:
    Recorder.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def with_doctype(doctype: str, body: str = "&xxe;") -> bytes:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n'
        '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader>'
        f"<MessageHeader><From><OrganId>{body}</OrganId></From></MessageHeader>"
        "</edXMLHeader></edXMLEnvelope></edXML>"
    ).encode()


def test_external_entity_to_a_file_is_refused() -> None:
    data = with_doctype('<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
    error = refused(data)
    assert error.reason is Reason.DTD_FORBIDDEN
    assert "root:" not in error.message


def test_external_entity_over_http_is_refused_without_a_request(http_url: str) -> None:
    data = with_doctype(f'<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "{http_url}/xxe">]>')
    assert refused(data).reason is Reason.DTD_FORBIDDEN
    external_dtd = with_doctype(f'<!DOCTYPE edXML SYSTEM "{http_url}/evil.dtd">', body="1")
    assert refused(external_dtd).reason is Reason.DTD_FORBIDDEN
    parameter = with_doctype(
        f'<!DOCTYPE edXML [<!ENTITY % p SYSTEM "{http_url}/p.dtd"> %p;]>', body="1"
    )
    assert refused(parameter).reason is Reason.DTD_FORBIDDEN
    assert Recorder.requests == []


def test_the_parser_itself_never_resolves_entities_nor_fetches(http_url: str) -> None:
    # Defence in depth: even below the DOCTYPE refusal, the lxml parser is inert.
    local = with_doctype('<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
    root = etree.fromstring(local, new_parser())
    assert b"root:" not in etree.tostring(root)
    remote = with_doctype(f'<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "{http_url}/x">]>')
    etree.fromstring(remote, new_parser())
    dtd = with_doctype(f'<!DOCTYPE edXML SYSTEM "{http_url}/evil.dtd">', body="1")
    with pytest.raises(etree.XMLSyntaxError, match="network"):
        etree.fromstring(dtd, new_parser())
    assert Recorder.requests == []


def test_billion_laughs_is_refused() -> None:
    entities = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        previous = "lol" if level == 1 else f"lol{level - 1}"
        entities.append(f'<!ENTITY lol{level} "{("&" + previous + ";") * 10}">')
    data = with_doctype(f"<!DOCTYPE edXML [{''.join(entities)}]>", body="&lol9;")
    assert refused(data).reason is Reason.DTD_FORBIDDEN


def test_a_doctype_hidden_by_another_encoding_is_refused_after_parsing() -> None:
    text = with_doctype('<!DOCTYPE edXML [<!ENTITY xxe "x">]>').decode()
    data = text.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    utf16 = data.encode("utf-16")
    assert b"<!DOCTYPE" not in utf16
    assert refused(utf16).reason is Reason.DTD_FORBIDDEN


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b"not xml at all",
        b"<edXML><unclosed></edXML>",
        b"\xff\xfe\x00garbage",
        b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><a b="1" b="2"/></edXML>',
    ],
)
def test_malformed_input_is_refused(data: bytes) -> None:
    assert refused(data).reason is Reason.MALFORMED


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_packet_is_refused(fraction: float) -> None:
    data = build_document_packet(document())
    assert refused(data[: int(len(data) * fraction)]).reason is Reason.MALFORMED


def test_the_wrong_namespace_is_refused() -> None:
    data = build_document_packet(document())
    other = data.replace(b"http://www.mic.gov.vn/TBT/QCVN_102_2016", b"http://example.org/edXML")
    error = refused(other)
    assert error.reason is Reason.WRONG_NAMESPACE
    assert "http://example.org/edXML" in error.message
    no_namespace = b"<edXML><edXMLEnvelope/></edXML>"
    assert refused(no_namespace).reason is Reason.WRONG_NAMESPACE


def sixty_megabytes() -> bytes:
    head = build_document_packet(document(attachments=()))
    filler = b"<!--" + b"x" * (60 * MB) + b"-->"
    return head.replace(b"</edXML>", filler + b"</edXML>")


def test_a_60_mb_packet_is_refused_before_parsing() -> None:
    data = sixty_megabytes()
    assert len(data) > 60 * MB
    error = refused(data)
    assert error.reason is Reason.TOO_LARGE
    assert "50,0 MB" in error.message
    assert DEFAULT_MAX_BYTES == 50 * MB


def test_the_size_cap_reads_the_setting(settings: Any) -> None:
    data = build_document_packet(document())
    settings.GOVDOC_EDXML_MAX_BYTES = len(data) - 1
    assert refused(data).reason is Reason.TOO_LARGE
    settings.GOVDOC_EDXML_MAX_BYTES = len(data)
    assert isinstance(parse_packet(data), DocumentPacket)


def test_a_stream_is_not_read_past_the_cap() -> None:
    class Endless:
        def __init__(self) -> None:
            self.served = 0

        def read(self, size: int = -1) -> bytes:
            assert size > 0
            self.served += size
            return b"a" * size

    stream = Endless()
    with pytest.raises(PacketError) as caught:
        read_limited(stream, Limits(max_bytes=MB))  # type: ignore[arg-type]
    assert caught.value.reason is Reason.TOO_LARGE
    assert stream.served == MB + 1


def nested(depth: int) -> bytes:
    return b"<a>" * depth + b"</a>" * depth


def test_deep_nesting_is_refused() -> None:
    inside = nested(100).decode()
    data = build_document_packet(document()).replace(
        b"<edXML:Content>", f"<edXML:Content>{inside}".encode()
    )
    assert refused(data).reason is Reason.TOO_DEEP
    with pytest.raises(PacketError) as caught:
        parse_xml(nested(5000))  # past libxml2's own limit too
    assert caught.value.reason is Reason.TOO_DEEP
    assert parse_xml(nested(60), Limits(max_depth=64)) is not None


def test_too_many_elements_are_refused() -> None:
    many = b"<b/>" * 2000
    data = build_document_packet(document()).replace(b"<edXML:Content>", b"<edXML:Content>" + many)
    limits = Limits(max_elements=1000)
    assert refused(data, limits).reason is Reason.TOO_MANY_ELEMENTS
    assert isinstance(parse_packet(data, limits=Limits(max_elements=5000)), DocumentPacket)
    # The default cap too, on a packet well under the size cap.
    flood = build_document_packet(document()).replace(
        b"<edXML:Content>", b"<edXML:Content>" + b"<b/>" * 200_000
    )
    assert refused(flood).reason is Reason.TOO_MANY_ELEMENTS


def test_an_attachment_over_10_mb_is_read() -> None:
    # libxml2 refuses text nodes over 10 MB without huge_tree: the cap is ours instead.
    big = bytes(range(256)) * (48 * 1024)  # 12 MB, incompressible enough to stay big
    file = Attachment(content_id="big", name="scan.pdf", data=big, content_type="application/pdf")
    data = build_document_packet(document(attachments=(file,)), zip_attachments=False)
    assert len(data) > 16 * MB
    parsed = parse_packet(data)
    assert isinstance(parsed, DocumentPacket)
    assert parsed.attachments[0].data == big


def test_a_status_packet_is_parsed_hardened_too() -> None:
    from govdoc.exchange.edxml.build import build_status_packet

    data = build_status_packet(status())
    doctype = data.replace(b"<edXML ", b'<!DOCTYPE edXML [<!ENTITY a "b">]><edXML ', 1)
    assert refused(doctype).reason is Reason.DTD_FORBIDDEN


def test_a_tree_parsed_elsewhere_gets_the_same_caps() -> None:
    # given a tree parsed with generous limits (as the signature check parses)
    root = parse_xml(b"<a><b><c/><c/></b><b/></a>")
    # when the installation's stricter caps are applied to it
    # then too many elements, or too deep, is refused as parse_xml would refuse it
    with pytest.raises(PacketError) as many:
        check_tree(root, Limits(max_elements=4))
    assert many.value.reason == Reason.TOO_MANY_ELEMENTS
    with pytest.raises(PacketError) as deep:
        check_tree(root, Limits(max_depth=2))
    assert deep.value.reason == Reason.TOO_DEEP
    # and within the caps it passes
    check_tree(root, Limits(max_elements=5, max_depth=3))
