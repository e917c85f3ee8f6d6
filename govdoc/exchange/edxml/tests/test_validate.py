"""Validation: the project's XSD plus the rules, strict where parsing is tolerant."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from govdoc.exchange.edxml import (
    Bussiness,
    BussinessDocType,
    Code,
    PromulgationInfo,
    build_document_packet,
    build_status_packet,
    validate_packet,
)
from govdoc.exchange.edxml.build import document_tree, status_tree, to_bytes
from govdoc.exchange.edxml.model import XMLDSIG_NAMESPACE
from govdoc.exchange.edxml.parse import header_element
from govdoc.exchange.edxml.tests.samples import (
    NGHE_AN,
    NS,
    document,
    find,
    status,
    tree,
    unqualified_attachments,
    xml,
)
from govdoc.exchange.edxml.tests.test_parse import shuffled
from govdoc.exchange.edxml.validate import schema


def codes(data: bytes) -> list[str]:
    return [problem.code for problem in validate_packet(data)]


def test_the_schema_loads_as_xsd_1_1() -> None:
    assert schema().XSD_VERSION == "1.1"


def test_what_govdoc_builds_is_valid() -> None:
    assert validate_packet(build_document_packet(document())) == []
    assert validate_packet(build_document_packet(document(), zip_attachments=False)) == []
    assert validate_packet(build_status_packet(status())) == []
    assert validate_packet(to_bytes(status_tree(status(), wrapper="Status"))) == []


def test_sibling_order_and_extension_elements_are_valid() -> None:
    root = shuffled(tree(build_document_packet(document())), 3)
    message = find(root, "edXMLEnvelope/edXMLHeader/MessageHeader")
    etree.SubElement(message, NS + "ApplicationType").text = "MCDT_DT"
    etree.SubElement(find(message, "OtherInfo"), NS + "ReferenceCodes").text = "x"
    assert validate_packet(xml(root)) == []


def test_a_signed_packet_is_valid() -> None:
    root = document_tree(document())
    signature = etree.SubElement(header_element(root), f"{{{XMLDSIG_NAMESPACE}}}Signature")
    etree.SubElement(signature, f"{{{XMLDSIG_NAMESPACE}}}SignedInfo")
    assert validate_packet(to_bytes(root)) == []


def test_a_refused_packet_is_one_problem_with_its_reason() -> None:
    problems = validate_packet(b"<!DOCTYPE x><edXML/>")
    assert [p.code for p in problems] == ["dtd_forbidden"]
    assert codes(b"<edXML><a></edXML>") == ["malformed"]


def test_non_canonical_formats_are_reported() -> None:
    data = (
        build_document_packet(document())
        .replace(b">2018/09/20</edXML:PromulgationDate>", b">20/09/2018</edXML:PromulgationDate>")
        .replace(b">2018/09/20 14:05:09<", b">2018-09-20T14:05:09<")
    )
    problems = validate_packet(data)
    assert [p.code for p in problems] == ["schema", "schema"]
    assert any(p.where.endswith("PromulgationInfo/PromulgationDate") for p in problems)
    assert any("20/09/2018" in p.message for p in problems)


def test_status_code_14_is_reported_although_it_is_read() -> None:
    data = build_status_packet(status()).replace(
        b">01</edXML:StatusCode>", b">14</edXML:StatusCode>"
    )
    problems = validate_packet(data)
    assert [p.code for p in problems] == ["schema"]
    assert problems[0].where.endswith("StatusCode")


def test_document_id_must_agree_with_sender_date_and_code() -> None:
    packet = document(document_id="000.00.00.G09,2018/09/21,7817/VPCP-TTĐT")
    problems = validate_packet(build_document_packet(packet))
    assert [p.code for p in problems] == [
        "document_id_organ",
        "document_id_date",
        "document_id_code",
    ]
    assert "000.00.00.G09" in problems[0].message
    assert codes(build_document_packet(document(document_id="7816/VPCP"))) == ["document_id_format"]


def test_status_document_id_must_agree_with_response_for() -> None:
    packet = status()
    wrong = status(
        response_for=type(packet.response_for)(
            organ_id="000.00.00.G22",
            code="7816/VPCP-TTĐT",
            promulgation_date=dt.date(2018, 9, 20),
            document_id="000.00.00.G22,2018/09/20,1/ABC",
        )
    )
    assert codes(build_status_packet(wrong)) == ["document_id_code"]


def test_rules_on_codes_recipients_dates_and_replacement() -> None:
    packet = document(
        document_id="000.00.00.G22,2018/09/20,78a/VPCP-TTĐT",
        code=Code(code_number="78a", code_notation="VPCP-TTĐT"),
        recipients=(NGHE_AN, NGHE_AN),
        promulgation_info=PromulgationInfo(place="Hà Nội", promulgation_date=dt.date(2018, 9, 20)),
        due_date=dt.date(2018, 9, 1),
        bussiness=Bussiness(doc_type=BussinessDocType.REPLACE),
    )
    assert codes(build_document_packet(packet)) == [
        "code_number",
        "duplicate_recipient",
        "due_date",
        "replacement_info",
    ]


def test_schema_requires_what_a_conforming_producer_writes() -> None:
    root = tree(build_document_packet(document()))
    message = find(root, "edXMLEnvelope/edXMLHeader/MessageHeader")
    for to in message.findall(NS + "To"):
        message.remove(to)
    find(message, "DocumentType/TypeName").text = " "
    find(message, "From/OrganId").text = "G22"
    problems = validate_packet(xml(root))
    assert {p.code for p in problems} == {"schema", "document_id_organ"}
    wheres = " ".join(p.where for p in problems)
    assert "TypeName" in wheres and "OrganId" in wheres
    assert any("To" in p.message for p in problems)


def test_every_attachment_problem_is_listed() -> None:
    root = tree(build_document_packet(document()))
    encoded = find(root, "AttachmentEncoded")
    find(encoded[0], "ContentTransferEncoded").text = "%%%"
    find(encoded[1], "ContentId").text = "somewhere-else"
    problems = validate_packet(xml(root))
    assert sorted(p.code for p in problems) == [
        "bad_encoding",
        "missing_attachment",
        "unknown_attachment",
    ]


def test_elements_outside_the_namespace_are_reported() -> None:
    data = unqualified_attachments(build_document_packet(document()))
    assert codes(data) == ["schema"]
