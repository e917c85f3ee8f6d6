"""Document types of NĐ 30/2020 (Điều 7, Phụ lục III) with their abbreviations, plus common
legal-document types that arrive from other agencies. Administrators extend the list."""

from __future__ import annotations

from typing import Any

ADMINISTRATIVE_TYPES: list[tuple[str, str]] = [
    ("Công văn", ""),
    ("Nghị quyết (cá biệt)", "NQ"),
    ("Quyết định (cá biệt)", "QĐ"),
    ("Chỉ thị", "CT"),
    ("Quy chế", "QC"),
    ("Quy định", "QyĐ"),
    ("Thông cáo", "TC"),
    ("Thông báo", "TB"),
    ("Hướng dẫn", "HD"),
    ("Chương trình", "CTr"),
    ("Kế hoạch", "KH"),
    ("Phương án", "PA"),
    ("Đề án", "ĐA"),
    ("Dự án", "DA"),
    ("Báo cáo", "BC"),
    ("Biên bản", "BB"),
    ("Tờ trình", "TTr"),
    ("Hợp đồng", "HĐ"),
    ("Công điện", "CĐ"),
    ("Bản ghi nhớ", "BGN"),
    ("Bản thỏa thuận", "BTT"),
    ("Giấy ủy quyền", "GUQ"),
    ("Giấy mời", "GM"),
    ("Giấy giới thiệu", "GGT"),
    ("Giấy nghỉ phép", "GNP"),
    ("Phiếu gửi", "PG"),
    ("Phiếu chuyển", "PC"),
    ("Phiếu báo", "PB"),
    ("Bản sao y", "SY"),
    ("Bản trích sao", "TrS"),
    ("Bản sao lục", "SL"),
    ("Thư công", ""),
]

LEGAL_TYPES: list[tuple[str, str]] = [
    ("Luật", "L"),
    ("Nghị định", "NĐ-CP"),
    ("Nghị quyết", "NQ"),
    ("Quyết định (quy phạm)", "QĐ-TTg"),
    ("Thông tư", "TT"),
    ("Thông tư liên tịch", "TTLT"),
]


def seed_document_types(model: Any) -> None:
    """Create the listed types that are missing (used by the migration and by tests that run
    after a database flush)."""
    for rank, (name, abbreviation) in enumerate(ADMINISTRATIVE_TYPES, start=1):
        model.objects.get_or_create(
            name=name, defaults={"abbreviation": abbreviation, "rank": rank}
        )
    for rank, (name, abbreviation) in enumerate(LEGAL_TYPES, start=100):
        model.objects.get_or_create(
            name=name, defaults={"abbreviation": abbreviation, "rank": rank, "is_legal": True}
        )
