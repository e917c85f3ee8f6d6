from __future__ import annotations

from collections.abc import Mapping

import pytest

from govdoc.outgoing.drafting.compare import (
    CompareError,
    DiffLine,
    LineKind,
    PartKind,
    compare_paragraphs,
    compare_versions,
    extract_paragraphs,
)
from govdoc.outgoing.drafting.docx_render import render_docx
from govdoc.outgoing.drafting.tests.samples import LONG_PARAGRAPH, content_for


def kinds(lines: list[DiffLine]) -> list[LineKind]:
    return [line.kind for line in lines if line.kind is not LineKind.SAME]


def test_docx_text_includes_tables_in_order_without_placeholders(
    docx_files: Mapping[str, bytes],
) -> None:
    # given a rendered draft, when its text is extracted
    text = extract_paragraphs(docx_files["thong_bao"], "docx")
    # then the header table comes first, then the body, then the signature table
    assert text[0] == "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert text.index("THÔNG BÁO") < text.index(LONG_PARAGRAPH + ".") < text.index("Nơi nhận:")
    # and the placeholders are left out
    assert "Số: /TB-BTNMT" in text
    assert "Hà Nội," in text
    assert not any("[SO]" in t or "[CHU_KY]" in t for t in text)


def test_added_removed_and_changed_paragraphs() -> None:
    # given two versions of a draft: one paragraph changed, one removed, one added
    old = render_docx(
        "thong_bao",
        content_for(
            "thong_bao",
            body=[
                "Các đơn vị báo cáo trước ngày 15 tháng 01.",
                "Văn phòng tổng hợp kết quả.",
                "Đề nghị các đơn vị thực hiện.",
            ],
        ),
    )
    new = render_docx(
        "thong_bao",
        content_for(
            "thong_bao",
            body=[
                "Các đơn vị báo cáo trước ngày 20 tháng 01.",
                "Đề nghị các đơn vị thực hiện.",
                "Vụ Tổ chức cán bộ theo dõi, đôn đốc.",
            ],
        ),
    )
    # when compared
    lines = compare_versions(old, new, old_kind="docx", new_kind="docx")
    # then the unchanged paragraphs are "same", and the differences are found in order
    assert kinds(lines) == [LineKind.CHANGED, LineKind.REMOVED, LineKind.ADDED]
    changed = next(line for line in lines if line.kind is LineKind.CHANGED)
    # and inside the changed paragraph only the date's day is marked
    assert [(p.text, p.kind) for p in changed.parts if p.kind is not PartKind.SAME] == [
        ("15", PartKind.REMOVED),
        ("20", PartKind.ADDED),
    ]
    assert changed.old_text == "Các đơn vị báo cáo trước ngày 15 tháng 01."
    assert changed.new_text == "Các đơn vị báo cáo trước ngày 20 tháng 01."
    removed = next(line for line in lines if line.kind is LineKind.REMOVED)
    assert removed.old_text == "Văn phòng tổng hợp kết quả." and removed.new_index is None
    added = next(line for line in lines if line.kind is LineKind.ADDED)
    assert added.new_text == "Vụ Tổ chức cán bộ theo dõi, đôn đốc." and added.old_index is None
    # and "same" lines carry both positions
    same = [line for line in lines if line.kind is LineKind.SAME]
    assert all(line.old_index is not None and line.new_index is not None for line in same)


def test_unrelated_replacement_is_removed_plus_added() -> None:
    # given a paragraph replaced by a completely different one
    lines = compare_paragraphs(
        ["Mở đầu.", "Tổ chức hội nghị trực tuyến.", "Kết thúc."],
        ["Mở đầu.", "Kinh phí do ngân sách nhà nước bảo đảm.", "Kết thúc."],
    )
    # then it is not shown as a word-by-word change
    assert kinds(lines) == [LineKind.REMOVED, LineKind.ADDED]


def test_identical_versions_are_all_same(pdf_files: Mapping[str, bytes]) -> None:
    pdf = pdf_files["bao_cao"]
    lines = compare_versions(pdf, pdf, old_kind="pdf", new_kind="pdf")
    assert lines and kinds(lines) == []


def test_pdf_lines_are_joined_into_paragraphs(
    docx_files: Mapping[str, bytes], pdf_files: Mapping[str, bytes]
) -> None:
    # given the PDF of a draft whose first body paragraph wraps over several lines
    text = extract_paragraphs(pdf_files["ke_hoach"], "pdf")
    # then the wrapped lines are one paragraph again, as in the DOCX
    assert LONG_PARAGRAPH + "." in text
    assert LONG_PARAGRAPH + "." in extract_paragraphs(docx_files["ke_hoach"], "docx")
    # and a DOCX and its PDF compare with the body paragraphs the same
    lines = compare_versions(docx_files["ke_hoach"], pdf_files["ke_hoach"], new_kind="pdf")
    body = [line for line in lines if line.old_text == LONG_PARAGRAPH + "."]
    assert body and body[0].kind is LineKind.SAME


def test_unreadable_input() -> None:
    with pytest.raises(CompareError) as caught:
        extract_paragraphs(b"not a docx", "docx")
    assert str(caught.value) == "Không đọc được nội dung tệp DOCX để so sánh."
    with pytest.raises(CompareError):
        extract_paragraphs(b"not a pdf", "pdf")
