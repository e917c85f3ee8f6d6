from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from govdoc.core.text import fold


def test_fold_removes_every_vietnamese_mark() -> None:
    assert fold("Quyết định") == "quyet dinh"
    assert fold("ĐẤT ĐAI") == "dat dai"
    assert fold("Ủy ban nhân dân tỉnh Nghệ An") == "uy ban nhan dan tinh nghe an"
    assert fold("ư ơ ắ ằ ẳ ẵ ặ ỹ ỵ") == "u o a a a a a y y"
    assert fold("  nhiều   khoảng\ttrắng ") == "nhieu khoang trang"


def test_fold_of_decomposed_text_equals_fold_of_composed_text() -> None:
    import unicodedata

    text = "Thượng khẩn — Hỏa tốc"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text) == "thuong khan — hoa toc"


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
