"""The draft's form: its metadata (type, subject, urgency, unit, signer and signing
authority, reply, copies), the body (an upload or a template) and the attachments. The form
only parses; the services decide what is valid and name the fields at fault."""

from __future__ import annotations

from typing import Any

from django import forms

from govdoc.core.forms import StyledFormMixin
from govdoc.documents.models import DocumentType, Priority
from govdoc.incoming.forms import DATE_ATTRS, MultipleFileField, within_size_cap
from govdoc.organizations.models import Agency, Unit
from govdoc.outgoing.drafting.templates import TEMPLATES
from govdoc.outgoing.inputs import DraftInput, RecipientInput
from govdoc.outgoing.models import Draft
from govdoc.outgoing.selectors import signer_choices
from govdoc.outgoing.workflow import SigningAuthority

UPLOAD = "tai-len"
TEMPLATE = "mau"
NO_BODY = "sau"
DATE_ERROR = {"invalid": "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."}
BODY_REQUIRED = "Vui lòng chọn tệp DOCX hoặc PDF của dự thảo."
TEMPLATE_REQUIRED = "Vui lòng chọn mẫu văn bản."


def template_choices() -> list[tuple[str, str]]:
    return [("", "— Chọn mẫu —"), *((t.code, t.name) for t in TEMPLATES.values())]


class DraftForm(StyledFormMixin, forms.Form):
    """Create (with the body) or edit (metadata only, with the version it was read at)."""

    document_type = forms.ModelChoiceField(
        label="Loại văn bản",
        queryset=DocumentType.objects.none(),
        required=False,
        empty_label="— Chọn loại văn bản —",
    )
    subject = forms.CharField(
        label="Trích yếu",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )
    priority = forms.TypedChoiceField(
        label="Độ khẩn", choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    drafting_unit = forms.ModelChoiceField(
        label="Đơn vị soạn thảo",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="— Chọn đơn vị —",
    )
    signer = forms.TypedChoiceField(label="Người ký", coerce=int, required=False, empty_value=None)
    signing_authority = forms.ChoiceField(
        label="Thẩm quyền ký", choices=SigningAuthority.choices, required=False, initial=""
    )
    authority_title = forms.CharField(
        label="Chức danh người có thẩm quyền",
        required=False,
        max_length=100,
        help_text="Sau TM., KT., TL., TUQ., Q.: ví dụ BỘ TRƯỞNG.",
    )
    signer_position = forms.CharField(
        label="Chức vụ người ký",
        required=False,
        max_length=100,
        help_text="Để trống: lấy chức vụ của người ký.",
    )
    due_date = forms.DateField(
        label="Hạn trả lời",
        required=False,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        error_messages=DATE_ERROR,
    )
    copies = forms.IntegerField(
        label="Số lượng bản",
        initial=1,
        required=False,
        error_messages={"invalid": "Số lượng bản phải là số nguyên."},
    )
    complete_reply = forms.BooleanField(
        label="Hoàn thành xử lý văn bản đến khi văn bản trả lời được phát hành",
        required=False,
        initial=True,
    )
    description = forms.CharField(label="Ghi chú", required=False, max_length=500)
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, agency: Agency, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.editing = editing
        document_type = self.fields["document_type"]
        assert isinstance(document_type, forms.ModelChoiceField)
        document_type.queryset = DocumentType.objects.filter(is_active=True).order_by(
            "rank", "name"
        )
        unit = self.fields["drafting_unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = Unit.objects.filter(agency=agency, is_active=True).order_by("name")
        signer = self.fields["signer"]
        assert isinstance(signer, forms.TypedChoiceField)
        signer.choices = [("", "— Chọn người ký —"), *signer_choices(agency.pk)]
        if editing:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        else:
            self.fields["body_source"] = forms.ChoiceField(
                label="Nội dung dự thảo",
                choices=[
                    (UPLOAD, "Tải lên tệp DOCX hoặc PDF"),
                    (TEMPLATE, "Tạo từ mẫu"),
                    (NO_BODY, "Thêm nội dung sau"),
                ],
                initial=UPLOAD,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                required=False,
            )
            self.fields["body"] = forms.FileField(
                label="Tệp dự thảo (DOCX hoặc PDF)", required=False
            )
            self.fields["template_code"] = forms.ChoiceField(
                label="Mẫu văn bản", choices=template_choices(), required=False
            )
            self.fields["attachments"] = MultipleFileField(
                label="Tệp đính kèm (phụ lục)", required=False
            )
            for name in ("body", "template_code", "attachments"):
                widget = self.fields[name].widget
                widget.attrs["class"] = "form-select" if name == "template_code" else "form-control"

    def clean_body(self) -> Any:
        body = self.cleaned_data.get("body")
        if body is not None:
            within_size_cap(body)
        return body

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.editing:
            return data
        source = data.get("body_source") or UPLOAD
        if source == UPLOAD and data.get("body") is None and not self.has_error("body"):
            self.add_error("body", BODY_REQUIRED)
        if source == TEMPLATE and not data.get("template_code"):
            self.add_error("template_code", TEMPLATE_REQUIRED)
        return data

    @property
    def body_source(self) -> str:
        return str(self.cleaned_data.get("body_source") or UPLOAD)

    def to_input(self, recipients: tuple[RecipientInput, ...]) -> DraftInput:
        data = self.cleaned_data
        document_type = data.get("document_type")
        unit = data.get("drafting_unit")
        copies = data.get("copies")
        return DraftInput(
            document_type_id=document_type.pk if document_type else None,
            subject=data.get("subject") or "",
            signer_id=data.get("signer"),
            priority=int(data.get("priority") or 0),
            drafting_unit_id=unit.pk if unit else None,
            signing_authority=data.get("signing_authority") or "",
            authority_title=data.get("authority_title") or "",
            signer_position=data.get("signer_position") or "",
            reply_to_id=data.get("reply_to") or None,
            due_date=data.get("due_date"),
            copies=1 if copies is None else int(copies),
            complete_reply=bool(data.get("complete_reply")) if data.get("reply_to") else True,
            description=data.get("description") or "",
            recipients=recipients,
        )


def initial_of(draft: Draft) -> dict[str, Any]:
    """The edit form's values from the draft as it is now."""
    return {
        "document_type": draft.document_type_id,
        "subject": draft.subject,
        "priority": draft.priority,
        "drafting_unit": draft.drafting_unit_id,
        "signer": draft.signer_id,
        "signing_authority": draft.signing_authority,
        "authority_title": draft.authority_title,
        "signer_position": draft.signer_position,
        "due_date": draft.due_date,
        "copies": draft.copies,
        "complete_reply": draft.complete_reply,
        "description": draft.description,
        "reply_to": draft.reply_to_id,
        "version": draft.version,
    }


def input_of(draft: Draft) -> DraftInput:
    """The draft's metadata and recipients as they are now (for regenerating the body)."""
    return DraftInput(
        document_type_id=draft.document_type_id,
        subject=draft.subject,
        signer_id=draft.signer_id,
        priority=int(draft.priority),
        drafting_unit_id=draft.drafting_unit_id,
        signing_authority=draft.signing_authority,
        authority_title=draft.authority_title,
        signer_position=draft.signer_position,
        reply_to_id=draft.reply_to_id,
        due_date=draft.due_date,
        copies=draft.copies,
        complete_reply=draft.complete_reply,
        description=draft.description,
        recipients=tuple(
            RecipientInput(
                kind=r.kind,
                unit_id=r.unit_id,
                agency_id=r.agency_id,
                name=r.name,
                email=r.email,
                address=r.address,
                method=r.method,
                is_addressee=r.is_addressee,
            )
            for r in draft.recipients.all()
        ),
    )
