"""The period form of the register screen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from govdoc.core.forms import StyledFormMixin

DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
# Fixed here, not taken from the active language: the contract is dd/mm/yyyy.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_ERRORS = {"invalid": "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."}
FORMATS = [("html", "Xem trên màn hình"), ("pdf", "Tệp PDF"), ("xlsx", "Tệp Excel")]


class RegisterPeriodForm(StyledFormMixin, forms.Form):
    date_from = forms.DateField(
        label="Từ ngày",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        error_messages=DATE_ERRORS,
    )
    date_to = forms.DateField(
        label="Đến ngày",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        error_messages=DATE_ERRORS,
    )
    format = forms.ChoiceField(
        label="Định dạng",
        choices=FORMATS,
        required=False,
        error_messages={"invalid_choice": "Định dạng không hợp lệ: chọn html, pdf hoặc xlsx."},
    )

    def __init__(self, *args: Any, default_from: dt.date, default_to: dt.date, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.default_from = default_from
        self.default_to = default_to

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        date_from: dt.date = cleaned.get("date_from") or self.default_from
        date_to: dt.date = cleaned.get("date_to") or self.default_to
        if date_from > date_to:
            self.add_error("date_to", "“Đến ngày” phải bằng hoặc sau “Từ ngày”.")
            return cleaned
        cleaned["date_from"], cleaned["date_to"] = date_from, date_to
        cleaned["format"] = cleaned.get("format") or "html"
        return cleaned
