"""The journal's filter form: dates in dd/mm/yyyy, errors in Vietnamese."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from govdoc.audit.actions import LABELS
from govdoc.audit.selectors import JournalFilters
from govdoc.core.forms import StyledFormMixin

DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_ERRORS = {"invalid": "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."}
IP_CHARS = re.compile(r"^[0-9A-Fa-f:.]+$")


class JournalFilterForm(StyledFormMixin, forms.Form):
    date_from = forms.DateField(
        label="Từ ngày",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        error_messages=DATE_ERRORS,
    )
    date_to = forms.DateField(
        label="Đến ngày",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        error_messages=DATE_ERRORS,
    )
    actor = forms.CharField(label="Người thực hiện", required=False, max_length=150)
    action = forms.ChoiceField(
        label="Hành động",
        choices=[("", "Mọi hành động"), *LABELS.items()],
        required=False,
        error_messages={"invalid_choice": "Hành động không có trong danh mục."},
    )
    target_type = forms.CharField(
        label="Loại đối tượng",
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "vd: incoming.incomingdocument"}),
    )
    target_id = forms.CharField(label="Mã đối tượng", required=False, max_length=64)
    ip = forms.CharField(
        label="Địa chỉ IP",
        required=False,
        max_length=45,
        widget=forms.TextInput(attrs={"placeholder": "vd: 10.0.0.5 hoặc 10.0."}),
    )
    per_page = forms.TypedChoiceField(
        label="Số dòng",
        choices=[(50, "50"), (100, "100"), (200, "200")],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def clean_ip(self) -> str:
        value: str = self.cleaned_data.get("ip", "").strip()
        if value and not IP_CHARS.match(value):
            raise forms.ValidationError("Địa chỉ IP chỉ gồm chữ số, dấu chấm hoặc dấu hai chấm.")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "“Đến ngày” phải sau hoặc bằng “Từ ngày”.")
        return cleaned

    def to_filters(self) -> JournalFilters:
        """The filters from the fields that are valid (invalid ones are shown, not applied)."""
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        return JournalFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            actor=data.get("actor") or "",
            action=data.get("action") or "",
            target_type=data.get("target_type") or "",
            target_id=data.get("target_id") or "",
            ip=data.get("ip") or "",
        )
