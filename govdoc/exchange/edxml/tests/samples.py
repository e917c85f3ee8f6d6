"""Sample packets for the edXML tests: values as in the official SDK's sample files."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from lxml import etree

from govdoc.exchange.edxml.model import (
    NAMESPACE,
    VIETNAM,
    Attachment,
    Bussiness,
    Code,
    DocumentPacket,
    DocumentType,
    Organization,
    OtherInfo,
    PromulgationInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusPacket,
    SteeringType,
    TraceHeader,
)

NS = "{" + NAMESPACE + "}"
VPCP = Organization(
    organ_id="000.00.00.G22",
    organization_in_charge="Chính phủ",
    organ_name="Văn phòng Chính phủ",
    organ_add="Số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội",
    email="vpcp@chinhphu.vn",
    telephone="080 43162",
    fax="080 44130",
    website="www.chinhphu.vn",
)
NGHE_AN = Organization(
    organ_id="000.00.00.H41",
    organization_in_charge="UBND Tỉnh Nghệ An",
    organ_name="UBND Tỉnh Nghệ An",
    organ_add="Số 03, đường Trường Thi, Thành phố Vinh, Tỉnh Nghệ An, Việt Nam",
    email="nghean@gov.vn",
    telephone="0383 840418",
    fax="0383 843049",
    website="www.nghean.vn",
)
BO_NOI_VU = Organization(organ_id="000.00.00.G09", organ_name="Bộ Nội vụ")
PDF = b"%PDF-1.4\n% v\xc4\x83n b\xe1\xba\xa3n\n" + bytes(range(256)) * 8
DOCUMENT_ID = "000.00.00.G22,2018/09/20,7816/VPCP-TTĐT"


def document(**changes: Any) -> DocumentPacket:
    packet = DocumentPacket(
        sender=VPCP,
        recipients=(NGHE_AN, BO_NOI_VU),
        document_id=DOCUMENT_ID,
        code=Code(code_number="7816", code_notation="VPCP-TTĐT"),
        promulgation_info=PromulgationInfo(place="Hà Nội", promulgation_date=dt.date(2018, 9, 20)),
        document_type=DocumentType(type=1, type_detail=0, type_name="Công văn"),
        subject="V/v kết nối, liên thông phần mềm quản lý văn bản",
        content="Thực hiện Quyết định số 28/2018/QĐ-TTg…",
        signer_info=SignerInfo(
            competence="KT. Bộ trưởng, Chủ nhiệm",
            position="Phó Chủ nhiệm",
            full_name="Nguyễn Cao Lục",
        ),
        due_date=dt.date(2018, 10, 5),
        other_info=OtherInfo(
            priority=1,
            sphere_of_promulgation="Lưu hành nội bộ",
            typer_notation="TVC",
            promulgation_amount=3,
            page_amount=2,
            direction="false",
            appendixes=("Phụ lục I: danh sách đơn vị",),
        ),
        steering_type=SteeringType.STEERING,
        to_places=("Các Bộ, cơ quan ngang Bộ", "UBND các tỉnh, thành phố trực thuộc TW"),
        response_for=(
            ResponseFor(
                organ_id="000.00.00.H41",
                code="33/UBND-VX",
                promulgation_date=dt.date(2018, 9, 1),
                document_id="000.00.00.H41,2018/09/01,33/UBND-VX",
            ),
        ),
        trace_headers=(
            TraceHeader(
                organ_id="000.00.00.G22",
                timestamp=dt.datetime(2018, 9, 20, 14, 5, 9, tzinfo=VIETNAM),
            ),
        ),
        bussiness=Bussiness(
            document_id=DOCUMENT_ID,
            staff_info=StaffInfo(
                department="Phòng Hành chính",
                staff="Trần Thị Hoà",
                mobile="0912000001",
                email="hoa@gov.vn",
            ),
        ),
        attachments=(
            Attachment(
                content_id="7816-1",
                name="7816-VPCP-TTĐT.pdf",
                description="Công văn 7816",
                content_type="application/pdf",
                data=PDF,
            ),
            Attachment(
                content_id="7816-2",
                name="Phụ lục.txt",
                description="Phụ lục",
                content_type="text/plain",
                data="Danh sách đơn vị: Sở Nội vụ, Sở Tài chính.\n".encode() * 20,
            ),
        ),
    )
    return dataclasses.replace(packet, **changes)


def status(**changes: Any) -> StatusPacket:
    packet = StatusPacket(
        response_for=ResponseFor(
            organ_id="000.00.00.G22",
            code="7816/VPCP-TTĐT",
            promulgation_date=dt.date(2018, 9, 20),
            document_id=DOCUMENT_ID,
        ),
        sender=NGHE_AN,
        status_code=StatusCode.ARRIVED,
        description="Văn thư - Phòng Văn thư - Lưu trữ: Đã đến - Phần mềm QLVB đã nhận",
        timestamp=dt.datetime(2018, 9, 20, 15, 30, 0, tzinfo=VIETNAM),
        staff_info=StaffInfo(
            department="Văn thư văn phòng",
            staff="Nguyễn Thị Ngọc Trâm",
            mobile="84912000001",
            email="vanthuvanphong@gov.vn",
        ),
    )
    return dataclasses.replace(packet, **changes)


def tree(data: bytes) -> Any:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True))


def xml(root: Any) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def find(root: Any, path: str) -> Any:
    """`path` like "edXMLEnvelope/edXMLHeader" in the edXML namespace."""
    element = root.find("/".join(NS + part for part in path.split("/")))
    assert element is not None, path
    return element


def unqualified_attachments(data: bytes) -> bytes:
    """The packet as some producers write it: the root with the `edXML:` prefix only, and
    AttachmentEncoded and its children without prefix, hence in no namespace."""
    declaration = f'xmlns:edXML="{NAMESPACE}"'.encode()
    head, tail = data.split(b"<edXML:AttachmentEncoded", 1)
    tail = b"<AttachmentEncoded" + tail.replace(b" " + declaration, b"", 1)
    tail = tail.replace(b"<edXML:", b"<").replace(b"</edXML:", b"</")
    tail = tail.replace(b"</edXML>", b"</edXML:edXML>")
    head = head.replace(
        f'<edXML xmlns="{NAMESPACE}">'.encode(), b"<edXML:edXML " + declaration + b">", 1
    )
    return head + tail
