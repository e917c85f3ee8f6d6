"""Forms of the work-file pages. They only shape input; the services validate it."""

from __future__ import annotations

from typing import Any

from django import forms

from govdoc.core.forms import StyledFormMixin
from govdoc.records.access import RIGHTS_CHOICES
from govdoc.records.services.files import FileInput, Retention
from govdoc.records.workflow import FileStatus

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RETENTION_CHOICES = [("", "— chọn —"), ("vv", "Vĩnh viễn")] + [
    (str(n), f"{n} năm") for n in (1, 2, 3, 5, 10, 15, 20, 25, 30, 50, 70)
]


def retention_of(raw: str) -> Retention | None:
    if raw == "vv":
        return Retention(permanent=True)
    if raw.isdigit():
        return Retention(permanent=False, years=int(raw))
    return None


def retention_value(permanent: bool, years: int | None) -> str:
    return "vv" if permanent else str(years or "")


class FileFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="Tìm", required=False, max_length=200)
    nam = forms.TypedChoiceField(label="Năm", required=False, coerce=int, empty_value=None)
    trang_thai = forms.ChoiceField(
        label="Trạng thái", required=False, choices=[("", "Tất cả"), *FileStatus.choices]
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nam"].choices = [("", "Tất cả"), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]


class OpenFileForm(StyledFormMixin, forms.Form):
    planned = forms.TypedChoiceField(
        label="Hồ sơ trong danh mục", required=False, coerce=int, empty_value=None
    )
    title = forms.CharField(label="Tiêu đề hồ sơ", required=False, max_length=500)
    notation = forms.CharField(label="Số và ký hiệu hồ sơ", required=False, max_length=20)
    retention = forms.ChoiceField(
        label="Thời hạn bảo quản", required=False, choices=RETENTION_CHOICES
    )
    rights = forms.ChoiceField(label="Chế độ sử dụng", choices=RIGHTS_CHOICES, initial="Hạn chế")
    language = forms.CharField(label="Ngôn ngữ", max_length=50, initial="Tiếng Việt")
    start_date = forms.DateField(label="Thời gian bắt đầu", required=False, widget=DATE_INPUT)
    description = forms.CharField(
        label="Chú giải", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    capital_construction = forms.BooleanField(label="Hồ sơ xây dựng cơ bản", required=False)

    def __init__(self, *args: Any, planned_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["planned"].choices = [("", "— hồ sơ ngoài danh mục —"), *planned_choices]  # type: ignore[attr-defined]

    def to_input(self) -> FileInput:
        data = self.cleaned_data if self.is_valid() else {}
        return FileInput(
            title=str(data.get("title") or self.data.get("title", "")),
            notation=str(data.get("notation") or self.data.get("notation", "")),
            retention=retention_of(str(self.data.get("retention", ""))),
            rights=str(self.data.get("rights", "Hạn chế")),
            language=str(self.data.get("language", "Tiếng Việt")),
            description=str(self.data.get("description", "")),
            start_date=data.get("start_date"),
            capital_construction=bool(data.get("capital_construction")),
        )


class EditFileForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="Tiêu đề hồ sơ", max_length=500)
    retention = forms.ChoiceField(label="Thời hạn bảo quản", choices=RETENTION_CHOICES)
    rights = forms.ChoiceField(label="Chế độ sử dụng", choices=RIGHTS_CHOICES)
    language = forms.CharField(label="Ngôn ngữ", max_length=50)
    start_date = forms.DateField(label="Thời gian bắt đầu", required=False, widget=DATE_INPUT)
    description = forms.CharField(
        label="Chú giải", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    capital_construction = forms.BooleanField(label="Hồ sơ xây dựng cơ bản", required=False)
    final_settlement_on = forms.DateField(
        label="Ngày phê duyệt quyết toán", required=False, widget=DATE_INPUT
    )

    def to_input(self) -> FileInput:
        data = self.cleaned_data if self.is_valid() else {}
        return FileInput(
            title=str(self.data.get("title", "")),
            retention=retention_of(str(self.data.get("retention", ""))),
            rights=str(self.data.get("rights", "")),
            language=str(self.data.get("language", "")),
            description=str(self.data.get("description", "")),
            start_date=data.get("start_date"),
            capital_construction=bool(data.get("capital_construction")),
            final_settlement_on=data.get("final_settlement_on"),
        )


class CloseFileForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    retention = forms.ChoiceField(
        label="Thời hạn bảo quản (đánh giá lại)", required=False, choices=RETENTION_CHOICES
    )
    work_ended_on = forms.DateField(
        label="Ngày kết thúc công việc", required=False, widget=DATE_INPUT
    )
    final_settlement_on = forms.DateField(
        label="Ngày phê duyệt quyết toán (xây dựng cơ bản)", required=False, widget=DATE_INPUT
    )
    description = forms.CharField(
        label="Chú giải", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="Lý do", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="Tệp")
    subject = forms.CharField(label="Trích yếu nội dung", max_length=500)
    issued_date = forms.DateField(label="Ngày tài liệu", required=False, widget=DATE_INPUT)
    type_name = forms.CharField(label="Tên loại", required=False, max_length=100)
    code_number = forms.CharField(label="Số", required=False, max_length=11)
    code_notation = forms.CharField(label="Ký hiệu", required=False, max_length=30)
    page_count = forms.IntegerField(label="Số trang", required=False, min_value=1)
