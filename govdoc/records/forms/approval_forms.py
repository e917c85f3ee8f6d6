"""The head's approval of the file plan: the number and date of the decision that issues it
(số, ngày quyết định ban hành danh mục hồ sơ). The form only parses; the service decides
(required, the date not in the future) and names the field at fault in Vietnamese."""

from __future__ import annotations

import datetime as dt

from django import forms

from govdoc.core.forms import StyledFormMixin
from govdoc.records.forms.file_forms import DATE_INPUT
from govdoc.records.forms.plan_forms import VersionMixin

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class ApproveForm(StyledFormMixin, VersionMixin):
    decision_number = forms.CharField(
        label="Số quyết định ban hành",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "vd: 15/QĐ-UBND", "autocomplete": "off"}),
    )
    decision_date = forms.DateField(
        label="Ngày quyết định ban hành",
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy."},
        widget=DATE_INPUT,
    )

    def decision(self) -> tuple[str, dt.date | None]:
        """What was typed: the number, and the date (None when missing or not a date)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return str(self.data.get("decision_number", "")), data.get("decision_date")
