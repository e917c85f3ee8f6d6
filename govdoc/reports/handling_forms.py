"""The forms of the handling screens: the report's period and kind, and the drill-down."""

from __future__ import annotations

from typing import Any

from django import forms

from govdoc.reports.forms import RegisterPeriodForm
from govdoc.reports.handling_scope import DOCUMENTS, KINDS, MEASURES, RECEIVED


class HandlingReportForm(RegisterPeriodForm):
    """Period, format, kind (documents or tasks) and the unit drilled into."""

    kind = forms.ChoiceField(
        label="Loại",
        choices=list(KINDS.items()),
        required=False,
        error_messages={"invalid_choice": "Loại không hợp lệ: chọn văn bản đến hoặc công việc."},
    )
    unit = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            cleaned["kind"] = cleaned.get("kind") or DOCUMENTS
        return cleaned


class HandlingListForm(RegisterPeriodForm):
    """The assignments behind one number: period, kind, measure, unit or person."""

    kind = forms.ChoiceField(choices=list(KINDS.items()), required=False)
    measure = forms.ChoiceField(choices=list(MEASURES.items()), required=False)
    unit = forms.IntegerField(required=False, min_value=1)
    person = forms.IntegerField(required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            cleaned["kind"] = cleaned.get("kind") or DOCUMENTS
            cleaned["measure"] = cleaned.get("measure") or RECEIVED
        return cleaned
