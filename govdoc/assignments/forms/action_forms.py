"""Forms of the handling actions: they parse what was posted; the services decide what is
valid (and answer in Vietnamese). Assignee rows are numbered fields `row<i>-<name>`, so the
page works without JavaScript (five rows) and the "add a row" button only adds more."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from govdoc.assignments.services import AssigneeInput
from govdoc.assignments.workflow import HandlingRole
from govdoc.core.errors import ValidationFailed
from govdoc.core.forms import StyledFormMixin
from govdoc.incoming.forms import MultipleFileField

# Rows shown without JavaScript, and the most one post may carry.
EXTRA_ROWS = 5
MAX_ROWS = 30
ROW_FIELDS = ("role", "unit", "person", "due_date", "note")
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]
BAD_DATE = "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": BAD_DATE},
    )


def _id(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        error_messages={"invalid": "Lựa chọn không hợp lệ."},
    )


def _text(label: str, max_length: int) -> forms.CharField:
    # Empty text is refused by the service with its own message; the form only caps the size.
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        max_length=max_length,
        error_messages={"max_length": f"{label} tối đa {max_length} ký tự."},
    )


def first_errors(form: forms.Form) -> ValidationFailed:
    """The form's errors as the services would raise them (field → Vietnamese message)."""
    fields = {name: " ".join(str(m) for m in errors) for name, errors in form.errors.items()}
    message = next(iter(fields.values()), "Thông tin chưa hợp lệ.")
    return ValidationFailed(message, fields=fields)


class AssigneeRowForm(StyledFormMixin, forms.Form):
    """One line of an assignment: role, a unit or a person, deadline, what to do."""

    role = forms.ChoiceField(
        label="Vai trò",
        choices=HandlingRole.choices,
        error_messages={"invalid_choice": "Vai trò không hợp lệ.", "required": "Chọn vai trò."},
    )
    unit = _id("Đơn vị")
    person = _id("Cá nhân")
    due_date = _date("Hạn xử lý")
    note = _text("Nội dung giao", 1000)

    def is_blank(self) -> bool:
        """Nobody chosen and nothing written: the row is left out."""
        data = self.data
        return not any(
            str(data.get(self.add_prefix(name), "")).strip() for name in ("unit", "person", "note")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("unit") and cleaned.get("person"):
            raise forms.ValidationError("Chọn một đơn vị hoặc một cá nhân, không chọn cả hai.")
        return cleaned

    def to_input(self) -> AssigneeInput:
        data = self.cleaned_data
        return AssigneeInput(
            role=data["role"],
            unit_id=data.get("unit"),
            person_id=data.get("person"),
            due_date=data.get("due_date"),
            note=data.get("note") or "",
        )


def row_indexes(data: Mapping[str, Any]) -> list[int]:
    """The row numbers present in the post, in order (at most MAX_ROWS)."""
    found: set[int] = set()
    for key in data:
        if key.startswith("row") and key.endswith("-role"):
            number = key[3:-5]
            if number.isdigit() and len(number) <= 3:
                found.add(int(number))
    return sorted(found)[:MAX_ROWS]


def parse_assignee_rows(data: Mapping[str, Any]) -> list[AssigneeInput]:
    """The filled rows as service inputs; blank rows are left out. Rows are numbered as the
    service numbers them (filled rows only), so its messages point at the same lines."""
    lines: list[AssigneeInput] = []
    errors: list[str] = []
    for index in row_indexes(data):
        row = AssigneeRowForm(data, prefix=f"row{index}")
        if row.is_blank():
            continue
        number = len(lines) + len(errors) + 1
        if not row.is_valid():
            messages = [str(m) for field_errors in row.errors.values() for m in field_errors]
            errors.append(f"Dòng {number}: " + " ".join(messages))
            continue
        lines.append(row.to_input())
    if errors:
        raise ValidationFailed(
            "Thông tin phân công chưa hợp lệ.", fields={"assignees": " ".join(errors)}
        )
    return lines


class AssignForm(StyledFormMixin, forms.Form):
    """The leader's instruction and the person named to follow up (rows come separately)."""

    instruction = _text("Ý kiến chỉ đạo", 3000)
    follow_up = _id("Người theo dõi, đôn đốc")


class ProgressForm(StyledFormMixin, forms.Form):
    text = _text("Nội dung tiến độ", 5000)
    attachments = MultipleFileField(label="Tệp đính kèm", required=False)


class OpinionAskForm(StyledFormMixin, forms.Form):
    asked_of = _id("Người cho ý kiến")
    question = _text("Nội dung xin ý kiến", 5000)


class OpinionAnswerForm(StyledFormMixin, forms.Form):
    answer = _text("Ý kiến", 5000)


class ExtensionRequestForm(StyledFormMixin, forms.Form):
    requested_due = _date("Hạn đề nghị")
    reason = _text("Lý do", 1000)


class ExtensionDecideForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Quyết định",
        choices=[("approve", "Đồng ý"), ("refuse", "Không đồng ý")],
        error_messages={
            "required": "Chọn đồng ý hoặc không đồng ý.",
            "invalid_choice": "Chọn đồng ý hoặc không đồng ý.",
        },
    )
    note = _text("Ghi chú", 1000)


class ReasonForm(StyledFormMixin, forms.Form):
    """Return to the assigner, take back: a reason."""

    reason = _text("Lý do", 1000)


class CompleteForm(StyledFormMixin, forms.Form):
    result = _text("Kết quả xử lý", 5000)


class ReopenForm(StyledFormMixin, forms.Form):
    due_date = _date("Hạn xử lý mới")
    note = _text("Ghi chú", 1000)


class ChaseForm(StyledFormMixin, forms.Form):
    text = _text("Nội dung đôn đốc", 1000)
