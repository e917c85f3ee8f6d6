"""The small forms of the draft's and the issued document's actions. They only parse what
was typed; the services decide (and name the field at fault in Vietnamese)."""

from __future__ import annotations

from typing import Any

from django import forms

from govdoc.core.forms import StyledFormMixin
from govdoc.incoming.forms import MultipleFileField, within_size_cap
from govdoc.organizations.roles import Role
from govdoc.outgoing.workflow import ChangeKind, CopyKind, StepKind
from govdoc.signatures.models import CredentialKind
from govdoc.signatures.pkcs12_provider import WRONG_PASSWORD

SECRET_FIELDS = frozenset({"password", "pin", "secret"})


def secret_label(kind: str, *, agency: bool = False) -> str:
    owner = "của cơ quan" if agency else "của đồng chí"
    if kind == CredentialKind.PKCS11:
        return f"Mã PIN của thiết bị ký số {owner}"
    return f"Mật khẩu tệp chứng thư số {owner}"


def secret_arguments(kind: str, secret: str) -> dict[str, str | None]:
    """password= or pin= for the signing services, by the credential's kind."""
    value = secret or None
    if kind == CredentialKind.PKCS11:
        return {"password": None, "pin": value}
    return {"password": value, "pin": None}


class SecretField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", False)
        kwargs.setdefault(
            "widget", forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
        )
        super().__init__(**kwargs)


class NoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label="Ý kiến", required=False, max_length=1000)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do", required=False, max_length=1000)


class CommentForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label="Ý kiến về dự thảo",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VersionForm(StyledFormMixin, forms.Form):
    """A new version: an uploaded file (the template path uses TemplateValuesForm)."""

    body = forms.FileField(label="Tệp dự thảo mới (DOCX hoặc PDF)", required=False)
    note = forms.CharField(label="Nội dung sửa đổi", required=False, max_length=1000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_body(self) -> Any:
        body = self.cleaned_data.get("body")
        if body is None:
            raise forms.ValidationError("Vui lòng chọn tệp DOCX hoặc PDF của dự thảo.")
        within_size_cap(body)
        return body


class AttachForm(StyledFormMixin, forms.Form):
    attachments = MultipleFileField(label="Thêm tệp đính kèm", required=False)

    def clean_attachments(self) -> Any:
        files = self.cleaned_data.get("attachments") or []
        if not files:
            raise forms.ValidationError("Vui lòng chọn ít nhất một tệp.")
        return files


POOL = "CLERK"


class StepAddForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Loại bước",
        choices=[(k, label) for k, label in StepKind.choices if k != StepKind.SIGNER],
        initial=StepKind.OPINION,
    )
    stage = forms.IntegerField(
        label="Lượt", min_value=1, error_messages={"invalid": "Lượt phải là số nguyên."}
    )
    assignee = forms.ChoiceField(label="Người duyệt", choices=[])

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "— Chọn người duyệt —"),
            (POOL, f"{Role.CLERK.label} cơ quan (bất kỳ văn thư nào)"),
            *((str(pk), name) for pk, name in people),
        ]

    def to_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        assignee = str(data.get("assignee") or "")
        return {
            "kind": data["kind"],
            "stage": int(data["stage"]),
            "assignee_id": int(assignee) if assignee.isdigit() else None,
            "assignee_role": Role.CLERK if assignee == POOL else "",
        }


class SignForm(StyledFormMixin, forms.Form):
    secret = SecretField(label="Mật khẩu")
    note = forms.CharField(label="Ý kiến", required=False, max_length=1000)


class IssueForm(StyledFormMixin, forms.Form):
    keeping_unit = forms.TypedChoiceField(
        label="Đơn vị lưu bản gốc", coerce=int, required=False, empty_value=None, choices=[]
    )
    secret = SecretField(label="Mật khẩu")

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["keeping_unit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Đơn vị soạn thảo"), *units]


class PostForm(StyledFormMixin, forms.Form):
    postal_receipt = forms.CharField(label="Số biên lai", required=False, max_length=50)
    postage = forms.CharField(label="Cước phí", required=False, max_length=30)


class ChangeForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Thay đổi", choices=ChangeKind.choices)
    reason = forms.CharField(
        label="Lý do", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    replacement = forms.TypedChoiceField(
        label="Văn bản thay thế", coerce=int, required=False, empty_value=None, choices=[]
    )

    def __init__(self, *args: Any, replacements: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["replacement"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "— Không có —"), *replacements]


class CopyForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Hình thức sao", choices=CopyKind.choices)
    pages = forms.CharField(
        label="Trang trích sao",
        required=False,
        max_length=100,
        help_text="Chỉ với trích sao, ví dụ 1-2, 4.",
    )
    recipients = forms.CharField(
        label="Nơi nhận bản sao",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    secret = SecretField(label="Mật khẩu")


def place_errors(form: forms.Form, fields: dict[str, str], message: str) -> None:
    """A service's refusal on the form: per field where it names one (password and PIN on
    the secret field), else on top."""
    placed = False
    if (
        not fields
        and "secret" in form.fields
        and (message == WRONG_PASSWORD or message.startswith("Mã PIN"))
    ):
        form.add_error("secret", message)
        return
    for name, text in fields.items():
        target = "secret" if name in SECRET_FIELDS and "secret" in form.fields else name
        if target in form.fields:
            form.add_error(target, text)
            placed = True
    if not placed or (message and message not in fields.values()):
        form.add_error(None, message)
