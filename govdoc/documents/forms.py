"""Forms of the document-type screens: they parse input; the service decides what is valid."""

from __future__ import annotations

from django import forms

from govdoc.core.forms import StyledFormMixin


class DocumentTypeForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label="Tên loại văn bản",
        max_length=100,
        error_messages={
            "required": "Vui lòng nhập tên loại văn bản.",
            "max_length": "Tên loại văn bản tối đa %(limit_value)d ký tự.",
        },
    )
    abbreviation = forms.CharField(
        label="Chữ viết tắt",
        required=False,
        max_length=10,
        error_messages={"max_length": "Chữ viết tắt tối đa %(limit_value)d ký tự."},
        help_text="Dùng trong ký hiệu văn bản, vd QĐ, TB, NĐ-CP. Công văn, thư công để trống.",
    )
    is_legal = forms.BooleanField(label="Văn bản quy phạm pháp luật", required=False)
    is_active = forms.BooleanField(label="Đang dùng", required=False, initial=True)
