"""Sample form values and contents for every template, shared by the drafting tests."""

from __future__ import annotations

from collections.abc import Sequence

from govdoc.outgoing.drafting.content import DraftContent
from govdoc.outgoing.drafting.templates import content_from_values

LONG_PARAGRAPH = (
    "Thực hiện chỉ đạo của Lãnh đạo Bộ về đẩy mạnh chuyển đổi số trong hoạt động của cơ "
    "quan nhà nước, các đơn vị thuộc Bộ triển khai hệ thống quản lý văn bản và hồ sơ công "
    "việc trên môi trường mạng, bảo đảm kết nối, liên thông với Trục liên thông văn bản "
    "quốc gia theo đúng quy định hiện hành"
)

COMMON: dict[str, str | list[str]] = {
    "parent_agency": "",
    "agency_name": "Bộ Tài nguyên và Môi trường",
    "agency_abbreviation": "BTNMT",
    "unit_abbreviation": "VP",
    "place": "Hà Nội",
    "recipients": ["Như trên", "Bộ trưởng (để báo cáo)"],
    "signing_authority": "KT.",
    "authority_title": "Bộ trưởng",
    "signer_position": "Thứ trưởng",
    "signer_name": "Nguyễn Văn An",
    "urgency": "",
    "drafter_initials": "PL",
    "copies": "300",
}

SUBJECTS = {
    "cong_van": "Về việc triển khai phần mềm quản lý văn bản",
    "quyet_dinh": "Về việc thành lập Tổ công tác chuyển đổi số",
    "to_trinh": "Về việc phê duyệt Đề án chuyển đổi số năm 2026",
    "bao_cao": "Kết quả công tác văn thư, lưu trữ năm 2025",
    "thong_bao": "Kết luận của Thứ trưởng tại cuộc họp giao ban tháng 01",
    "ke_hoach": "Triển khai công tác chuyển đổi số năm 2026",
    "giay_moi": "Dự Hội nghị tổng kết công tác năm 2025",
}


def values_for(template_code: str) -> dict[str, str | list[str]]:
    """Complete, valid form values for a template."""
    values: dict[str, str | list[str]] = {
        **COMMON,
        "subject": SUBJECTS[template_code],
        "body": [LONG_PARAGRAPH + ".", "Đề nghị các đơn vị khẩn trương thực hiện."],
    }
    if template_code in ("cong_van", "to_trinh", "bao_cao"):
        values["kinh_gui"] = ["Các Vụ, Cục thuộc Bộ", "Văn phòng Bộ"]
    if template_code == "quyet_dinh":
        values["issuing_authority"] = "Bộ trưởng Bộ Tài nguyên và Môi trường"
        values["legal_bases"] = [
            "Căn cứ Nghị định số 68/2022/NĐ-CP ngày 22 tháng 9 năm 2022 của Chính phủ;",
            "Theo đề nghị của Chánh Văn phòng Bộ.",
        ]
        values["body"] = [
            "Điều 1. Thành lập Tổ công tác chuyển đổi số của Bộ.",
            "Điều 2. Tổ công tác có nhiệm vụ tham mưu, giúp Bộ trưởng chỉ đạo chuyển đổi số.",
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.",
        ]
        values["urgency"] = "Thượng khẩn"
    if template_code == "giay_moi":
        values["participants"] = ["Lãnh đạo các Vụ, Cục thuộc Bộ", "Chánh Văn phòng Bộ"]
        values["meeting_time"] = "08 giờ 00, thứ Hai, ngày 12 tháng 01 năm 2026"
        values["meeting_place"] = "Phòng họp số 1, Trụ sở Bộ, 10 Tôn Thất Thuyết, Hà Nội"
        values["body"] = ["Nội dung: tổng kết công tác năm 2025, triển khai nhiệm vụ năm 2026."]
    return values


def content_for(template_code: str, **changes: str | Sequence[str]) -> DraftContent:
    values: dict[str, str | list[str]] = values_for(template_code)
    for key, value in changes.items():
        values[key] = value if isinstance(value, str) else list(value)
    return content_from_values(template_code, values)
