"""The JSON view (edXML element names) and the Vietnamese summary of a packet."""

from __future__ import annotations

import hashlib
import json

from govdoc.exchange.edxml.inspect import packet_json, packet_summary
from govdoc.exchange.edxml.tests.samples import PDF, document, status

DOCUMENT_KEYS = {
    "From",
    "To",
    "DocumentId",
    "Code",
    "PromulgationInfo",
    "DocumentType",
    "Subject",
    "Content",
    "SignerInfo",
    "DueDate",
    "OtherInfo",
    "SteeringType",
    "ToPlaces",
    "ResponseFor",
    "TraceHeaderList",
    "Attachments",
    "Signature",
}


def test_document_json_uses_edxml_names_and_formats() -> None:
    view = packet_json(document())

    assert set(view) == DOCUMENT_KEYS
    json.dumps(view, ensure_ascii=False)  # JSON-ready
    assert view["From"]["OrganId"] == "000.00.00.G22"
    assert [to["OrganName"] for to in view["To"]] == ["UBND Tỉnh Nghệ An", "Bộ Nội vụ"]
    assert view["DocumentId"] == "000.00.00.G22,2018/09/20,7816/VPCP-TTĐT"
    assert view["Code"] == {"CodeNumber": "7816", "CodeNotation": "VPCP-TTĐT"}
    assert view["PromulgationInfo"] == {"Place": "Hà Nội", "PromulgationDate": "2018/09/20"}
    assert view["DocumentType"] == {"Type": 1, "TypeDetail": 0, "TypeName": "Công văn"}
    assert view["DueDate"] == "2018/10/05"
    assert view["SteeringType"] == 1
    assert view["OtherInfo"]["Priority"] == 1
    assert view["ResponseFor"][0]["Code"] == "33/UBND-VX"
    trace = view["TraceHeaderList"]
    assert trace["TraceHeader"] == [
        {"OrganId": "000.00.00.G22", "Timestamp": "2018/09/20 14:05:09"}
    ]
    assert trace["Bussiness"]["BussinessDocType"] == 0
    assert trace["Bussiness"]["StaffInfo"]["Staff"] == "Trần Thị Hoà"
    first = view["Attachments"][0]
    assert first == {
        "ContentId": "7816-1",
        "AttachmentName": "7816-VPCP-TTĐT.pdf",
        "Description": "Công văn 7816",
        "ContentType": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }
    assert view["Signature"] is False


def test_status_json() -> None:
    view = packet_json(status(), signature_present=True)
    assert set(view) == {
        "ResponseFor",
        "From",
        "StatusCode",
        "Description",
        "Timestamp",
        "StaffInfo",
        "Signature",
    }
    assert view["StatusCode"] == "01"
    assert view["Timestamp"] == "2018/09/20 15:30:00"
    assert view["ResponseFor"]["DocumentId"] == "000.00.00.G22,2018/09/20,7816/VPCP-TTĐT"
    assert view["From"]["OrganId"] == "000.00.00.H41"
    assert view["Signature"] is True


def test_document_summary_is_vietnamese() -> None:
    text = packet_summary(document())
    assert text.startswith("Gói tin văn bản (edXML)\n")
    assert "Cơ quan gửi: Văn phòng Chính phủ (000.00.00.G22)" in text
    assert "Nơi nhận (2):" in text
    assert "Số, ký hiệu: 7816/VPCP-TTĐT" in text
    assert "Ngày ban hành: 20/09/2018, tại Hà Nội" in text
    assert "Độ khẩn: Khẩn" in text
    assert "Chữ ký số: không có" in text
    assert "Tệp đính kèm (2):" in text
    size = f"{len(PDF):,}".replace(",", ".")
    assert f"7816-VPCP-TTĐT.pdf ({size} byte, application/pdf, nén zip)" not in text  # not parsed
    assert f"7816-VPCP-TTĐT.pdf ({size} byte, application/pdf)" in text


def test_status_summary_is_vietnamese() -> None:
    text = packet_summary(status(), signature_present=True)
    assert text.startswith("Gói tin trạng thái (edXML)\n")
    assert "Trạng thái: 01 — Đã đến" in text
    assert "Thời điểm: 20/09/2018 15:30:00" in text
    assert "Cán bộ xử lý: Nguyễn Thị Ngọc Trâm, Văn thư văn phòng" in text
    assert "Chữ ký số: có (chưa kiểm tra)" in text
