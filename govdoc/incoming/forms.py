"""Forms of the incoming screens: they parse input; the services decide what is valid."""

from __future__ import annotations

from typing import Any, NamedTuple

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from govdoc.core.forms import StyledFormMixin
from govdoc.documents.models import Confidentiality, DocumentType, Priority
from govdoc.documents.storage import Upload
from govdoc.incoming.inputs import IncomingInput
from govdoc.incoming.selectors import SORTS
from govdoc.incoming.workflow import Medium, Status
from govdoc.organizations.models import Agency, Unit, User

DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[Any]]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in items]
        for item in cleaned:
            within_size_cap(item)
        return cleaned


def within_size_cap(file: UploadedFile[Any]) -> None:
    """Refuse an oversized file from its declared size, before its bytes are read."""
    cap = int(settings.GOVDOC_MAX_FILE_SIZE)
    if file.size is not None and file.size > cap:
        raise forms.ValidationError(
            f"Tệp {file.name} vượt quá dung lượng cho phép ({cap / (1024 * 1024):.0f} MB)."
        )


def to_upload(file: UploadedFile[Any] | None) -> Upload | None:
    if file is None:
        return None
    return Upload(name=file.name or "", data=file.read())


class IncomingForm(StyledFormMixin, forms.Form):
    medium = forms.ChoiceField(
        label="Hình thức",
        choices=Medium.choices,
        initial=Medium.ELECTRONIC,
        widget=forms.RadioSelect,
    )
    document_type = forms.ModelChoiceField(
        label="Loại văn bản",
        queryset=DocumentType.objects.none(),
        required=False,
        empty_label="— Chọn loại văn bản —",
    )
    issuer = forms.ModelChoiceField(
        label="Cơ quan ban hành (danh bạ)",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="— Không có trong danh bạ —",
    )
    issuer_name = forms.CharField(
        label="Hoặc nhập tên cơ quan ban hành", required=False, max_length=300
    )
    code_number = forms.CharField(label="Số", required=False, max_length=50)
    code_notation = forms.CharField(label="Ký hiệu", required=False, max_length=100)
    issued_date = forms.DateField(
        label="Ngày văn bản",
        required=False,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        error_messages={"invalid": "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."},
    )
    subject = forms.CharField(
        label="Trích yếu",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    signer_name = forms.CharField(label="Người ký", required=False, max_length=200)
    signer_position = forms.CharField(label="Chức vụ người ký", required=False, max_length=200)
    priority = forms.TypedChoiceField(
        label="Độ khẩn", choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    confidentiality = forms.ChoiceField(
        label="Độ mật", choices=Confidentiality.choices, required=False, initial=""
    )
    page_count = forms.IntegerField(
        label="Số trang",
        required=False,
        error_messages={"invalid": "Số trang phải là số nguyên."},
    )
    due_date = forms.DateField(
        label="Hạn giải quyết",
        required=False,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        error_messages={"invalid": "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."},
    )
    receiving_unit = forms.ModelChoiceField(
        label="Đơn vị nhận", queryset=Unit.objects.none(), required=False, empty_label="—"
    )
    receiving_person = forms.ModelChoiceField(
        label="Người nhận", queryset=User.objects.none(), required=False, empty_label="—"
    )
    to_places = forms.CharField(
        label="Nơi nhận (ghi trên văn bản)", required=False, max_length=2000
    )
    document_identifier = forms.CharField(
        label="Mã văn bản (liên thông)", required=False, max_length=200
    )
    notes = forms.CharField(
        label="Ghi chú", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    duplicate_reason = forms.CharField(
        label="Lý do vẫn đăng ký (khi nghi trùng)", required=False, max_length=500
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["document_type"].queryset = DocumentType.objects.filter(is_active=True)
        fields["issuer"].queryset = Agency.objects.filter(is_active=True).exclude(pk=agency.pk)
        fields["receiving_unit"].queryset = Unit.objects.filter(agency=agency, is_active=True)
        fields["receiving_person"].queryset = User.objects.filter(
            agency=agency, is_active=True
        ).order_by("full_name")

    def to_input(
        self, *, main: Upload | None = None, attachments: tuple[Upload, ...] = ()
    ) -> IncomingInput:
        data = self.cleaned_data
        return IncomingInput(
            document_type_id=data["document_type"].pk if data.get("document_type") else None,
            subject=data.get("subject") or "",
            issued_date=data.get("issued_date"),
            issuer_id=data["issuer"].pk if data.get("issuer") else None,
            issuer_name=data.get("issuer_name") or "",
            code_number=data.get("code_number") or "",
            code_notation=data.get("code_notation") or "",
            signer_name=data.get("signer_name") or "",
            signer_position=data.get("signer_position") or "",
            priority=int(data.get("priority") or 0),
            confidentiality=data.get("confidentiality") or "",
            page_count=data.get("page_count"),
            due_date=data.get("due_date"),
            receiving_unit_id=data["receiving_unit"].pk if data.get("receiving_unit") else None,
            receiving_person_id=data["receiving_person"].pk
            if data.get("receiving_person")
            else None,
            to_places=data.get("to_places") or "",
            notes=data.get("notes") or "",
            medium=data.get("medium") or Medium.ELECTRONIC,
            document_identifier=data.get("document_identifier") or "",
            duplicate_reason=data.get("duplicate_reason") or "",
            main_file=main,
            attachments=attachments,
        )


class RegisterForm(IncomingForm):
    main_file = forms.FileField(
        label="Tệp văn bản chính", required=False, validators=[within_size_cap]
    )
    attachments = MultipleFileField(label="Phụ lục, tệp đính kèm", required=False)


class ReceivedRegisterForm(IncomingForm):
    """The registration form of an electronic document received from another agency: the
    same fields, prefilled from the document as sent; no file inputs (the files are the
    ones received), medium electronic and the sender's document identifier kept."""

    def __init__(self, *args: Any, agency: Agency, identifier_locked: bool, **kwargs: Any) -> None:
        super().__init__(*args, agency=agency, **kwargs)
        fields: Any = self.fields
        fields["medium"].disabled = True
        fields["medium"].initial = Medium.ELECTRONIC
        if identifier_locked:
            fields["document_identifier"].disabled = True


class EditForm(IncomingForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Lý do sửa", required=False, max_length=500)


class AnnulForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do hủy đăng ký", max_length=500, required=False)


class SelectOption(NamedTuple):
    value: str
    label: str
    selected: bool


class FilterForm(StyledFormMixin, forms.Form):
    """The list's filters. The template renders the fields as plain HTML: its selects loop over
    `select_options()` (computed once per page) instead of Django's per-option widget
    templates, which cost more than the rest of the form."""

    SELECTS = ("document_type", "priority", "status", "unit", "sort", "per_page")

    q = forms.CharField(label="Tìm nhanh", required=False)
    date_from = forms.DateField(
        label="Từ ngày",
        required=False,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        error_messages={"invalid": "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."},
    )
    date_to = forms.DateField(
        label="Đến ngày",
        required=False,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        error_messages={"invalid": "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."},
    )
    document_type = forms.ModelChoiceField(
        label="Loại", queryset=DocumentType.objects.all(), required=False, empty_label="Tất cả loại"
    )
    issuer = forms.CharField(label="Cơ quan ban hành", required=False)
    priority = forms.TypedChoiceField(
        label="Độ khẩn",
        choices=[("", "Mọi độ khẩn"), *Priority.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    status = forms.ChoiceField(
        label="Trạng thái", choices=[("", "Mọi trạng thái"), *Status.choices], required=False
    )
    unit = forms.ModelChoiceField(
        label="Đơn vị nhận", queryset=Unit.objects.none(), required=False, empty_label="Mọi đơn vị"
    )
    sort = forms.ChoiceField(
        label="Sắp xếp",
        choices=[
            ("-arrival", "Mới đến trước"),
            ("arrival", "Đến trước"),
            ("-priority", "Khẩn trước"),
            ("due", "Hạn giải quyết gần nhất"),
            ("-issued", "Ngày văn bản mới nhất"),
            ("issued", "Ngày văn bản cũ nhất"),
        ],
        required=False,
    )
    per_page = forms.TypedChoiceField(
        label="Số dòng",
        choices=[(25, "25"), (50, "50"), (100, "100")],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, agency_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["unit"].queryset = Unit.objects.filter(agency_id=agency_id or 0)
        assert set(SORTS) >= {c[0] for c in fields["sort"].choices}

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "“Đến ngày” phải từ “Từ ngày” trở đi.")
            cleaned.pop("date_to", None)
        return cleaned

    def text_value(self, name: str) -> str:
        """What a text field shows: the submitted text as typed (even when invalid)."""
        value = self[name].value()
        return "" if value is None else str(value)

    def select_options(self) -> dict[str, list[SelectOption]]:
        """Each select's options with the submitted value marked, one query per model list."""
        options: dict[str, list[SelectOption]] = {}
        for name in self.SELECTS:
            current = self.text_value(name)
            field: Any = self.fields[name]
            options[name] = [
                SelectOption(str(value), str(label), str(value) == current)
                for value, label in field.choices
            ]
        return options
