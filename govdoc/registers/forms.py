"""Forms of the register-book screens: they parse input; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from govdoc.core.forms import StyledFormMixin
from govdoc.organizations.models import Agency
from govdoc.registers.models import BookKind


class BookFilterForm(StyledFormMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label="Cơ quan", queryset=Agency.objects.none(), required=False, empty_label="Mọi cơ quan"
    )
    year = forms.TypedChoiceField(
        label="Năm", choices=[], coerce=int, required=False, empty_value=None
    )
    kind = forms.ChoiceField(
        label="Loại sổ", choices=[("", "Mọi loại sổ"), *BookKind.choices], required=False
    )

    def __init__(self, *args: Any, agencies: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["agency"].queryset = agencies
        fields["year"].choices = [("", "Mọi năm")] + [(y, str(y)) for y in years]


class BookCreateForm(StyledFormMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label="Cơ quan",
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Vui lòng chọn cơ quan.",
            "invalid_choice": "Cơ quan không hợp lệ.",
        },
    )
    kind = forms.ChoiceField(
        label="Loại sổ",
        choices=BookKind.choices,
        error_messages={
            "required": "Vui lòng chọn loại sổ.",
            "invalid_choice": "Loại sổ không hợp lệ.",
        },
    )
    year = forms.IntegerField(
        label="Năm",
        error_messages={"required": "Vui lòng nhập năm.", "invalid": "Năm phải là số, vd 2026."},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    series = forms.CharField(
        label="Loại văn bản có số riêng (sổ văn bản quy phạm pháp luật)",
        required=False,
        max_length=20,
        error_messages={"max_length": "Tối đa %(limit_value)d ký tự."},
        help_text="Chữ viết tắt của loại văn bản, vd TT, NĐ-CP. Chỉ dùng cho sổ VBQPPL.",
    )
    name = forms.CharField(
        label="Tên sổ",
        required=False,
        max_length=200,
        error_messages={"max_length": "Tên sổ tối đa %(limit_value)d ký tự."},
        help_text="Để trống để dùng tên mặc định theo loại sổ.",
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["agency"].queryset = agencies
        self.initial.setdefault("year", timezone.localdate().year)


class BookRenameForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label="Tên sổ",
        max_length=200,
        error_messages={
            "required": "Vui lòng nhập tên sổ.",
            "max_length": "Tên sổ tối đa %(limit_value)d ký tự.",
        },
    )
