"""The forms of the outgoing screens: the book and year of the register, the report's
period and the unit drilled into, the drill-down."""

from __future__ import annotations

from typing import Any

from django import forms

from govdoc.core.forms import StyledFormMixin
from govdoc.registers.models import RegisterBook
from govdoc.reports.forms import FORMATS, RegisterPeriodForm
from govdoc.reports.outgoing_report import CREATED, MEASURES


class OutgoingRegisterForm(StyledFormMixin, forms.Form):
    """Year, book (the outgoing book or a legal series of that year) and format."""

    year = forms.IntegerField(
        label="Năm",
        min_value=2000,
        max_value=2100,
        required=False,
        error_messages={
            "invalid": "Năm không hợp lệ.",
            "min_value": "Năm không hợp lệ.",
            "max_value": "Năm không hợp lệ.",
        },
    )
    book = forms.TypedChoiceField(
        label="Sổ",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Sổ không hợp lệ: chọn một sổ văn bản đi của năm."},
    )
    format = forms.ChoiceField(
        label="Định dạng",
        choices=FORMATS,
        required=False,
        error_messages={"invalid_choice": "Định dạng không hợp lệ: chọn html, pdf hoặc xlsx."},
    )

    def __init__(self, *args: Any, books: list[RegisterBook], default_year: int, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.default_year = default_year
        book_field = self.fields["book"]
        assert isinstance(book_field, forms.TypedChoiceField)
        book_field.choices = [("", "Sổ đăng ký văn bản đi")] + [(str(b.pk), b.name) for b in books]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            cleaned["year"] = cleaned.get("year") or self.default_year
            cleaned["format"] = cleaned.get("format") or "html"
        return cleaned


class OutgoingReportForm(RegisterPeriodForm):
    """Period, format and the unit drilled into."""

    unit = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class OutgoingListForm(RegisterPeriodForm):
    """The drafts behind one number: period, measure, unit or drafter."""

    measure = forms.ChoiceField(choices=list(MEASURES.items()), required=False)
    unit = forms.IntegerField(required=False, min_value=1)
    person = forms.IntegerField(required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            cleaned["measure"] = cleaned.get("measure") or CREATED
        return cleaned
