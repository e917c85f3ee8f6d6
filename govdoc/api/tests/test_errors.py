"""Turning ninja's validation errors into Vietnamese field messages."""

from __future__ import annotations

from typing import Any

from govdoc.api.errors import validation_fields


def test_locations_become_the_client_field_names() -> None:
    errors: list[dict[str, Any]] = [
        {"type": "int_parsing", "loc": ("form", "document_type_id"), "msg": "x"},
        {"type": "missing", "loc": ("form", "subject"), "msg": "x"},
        {"type": "missing", "loc": ("file", "main_file"), "msg": "x"},
        {"type": "value_error", "loc": ("file", "attachments", 1), "msg": "x"},
        {"type": "less_than_equal", "loc": ("query", "page_size"), "ctx": {"le": 100}},
        {"type": "missing", "loc": ("form", "notes"), "msg": "x"},
    ]
    assert validation_fields(errors) == {
        "document_type_id": "Phải là số nguyên.",
        "subject": "Vui lòng nhập trích yếu.",
        "main_file": "Vui lòng chọn tệp văn bản.",
        "attachments": "Phải gửi tệp (multipart/form-data).",
        "page_size": "Giá trị tối đa là 100.",
        "notes": "Trường này là bắt buộc.",
    }


def test_first_error_of_a_field_wins_and_unknown_kinds_have_a_message() -> None:
    errors: list[dict[str, Any]] = [
        {"type": "literal_error", "loc": ("form", "medium"), "ctx": {"expected": "'A' or 'B'"}},
        {"type": "something_new", "loc": ("form", "medium")},
        {"type": "something_new", "loc": ("query", "x")},
        {"type": "vn_date", "loc": ("query", "date_from")},
    ]
    assert validation_fields(errors) == {
        "medium": "Giá trị không hợp lệ. Chọn một trong: 'A' hoặc 'B'.",
        "x": "Giá trị không hợp lệ.",
        "date_from": "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy hoặc yyyy-mm-dd.",
    }
