"""The forms of the file plan's pages. They only parse what was typed; the services decide
(and name the field at fault in Vietnamese), lengths included: a text too long gets the
service's message, not the form's."""

from __future__ import annotations

from typing import Any

from django import forms

from govdoc.core.forms import StyledFormMixin
from govdoc.organizations.models import Unit, User
from govdoc.records.models import FilePlan, PlanHeading, PlannedFile
from govdoc.records.services.plans import PlannedFileInput, parse_retention

RETENTION_HINTS = ("Vĩnh viễn", "5 năm", "10 năm", "20 năm", "70 năm")


class VersionMixin(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class YearForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(
        label="Năm",
        min_value=1945,
        max_value=9999,
        error_messages={"required": "Vui lòng nhập năm.", "invalid": "Năm phải là số."},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class CopyForm(YearForm):
    source = forms.IntegerField(widget=forms.HiddenInput)


class HeadingForm(StyledFormMixin, VersionMixin):
    title = forms.CharField(
        label="Tên đề mục",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MoveForm(VersionMixin):
    direction = forms.ChoiceField(
        choices=(("up", "Lên"), ("down", "Xuống"), ("", "—")), required=False
    )
    heading = forms.IntegerField(required=False)


class ReasonForm(StyledFormMixin, VersionMixin):
    reason = forms.CharField(
        label="Lý do mở lại",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ImportForm(StyledFormMixin, VersionMixin):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        error_messages={"required": "Vui lòng chọn tệp Excel (.xlsx)."},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class PlannedFileForm(StyledFormMixin, VersionMixin):
    heading = forms.TypedChoiceField(label="Đề mục", coerce=int, required=False, empty_value=None)
    notation = forms.CharField(
        label="Số và ký hiệu hồ sơ",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "01.TCCB"}),
    )
    title = forms.CharField(
        label="Tiêu đề hồ sơ",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    retention = forms.CharField(
        label="Thời hạn bảo quản",
        required=False,
        help_text="“Vĩnh viễn” hoặc số năm (ví dụ 10).",
        widget=forms.TextInput(attrs={"list": "retention-hints", "autocomplete": "off"}),
    )
    unit = forms.TypedChoiceField(label="Đơn vị", coerce=int, required=False, empty_value=None)
    person_in_charge = forms.TypedChoiceField(
        label="Người lập hồ sơ", coerce=int, required=False, empty_value=None
    )
    person_in_charge_name = forms.CharField(
        label="hoặc tên người lập hồ sơ",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(label="Ghi chú", required=False)
    capital_construction = forms.BooleanField(label="Hồ sơ xây dựng cơ bản", required=False)

    def __init__(self, *args: Any, plan: FilePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        headings = PlanHeading.objects.filter(plan=plan).order_by("position", "pk")
        tops = [h for h in headings if h.parent_id is None]
        choices: list[tuple[Any, str]] = [("", "— Chọn đề mục —")]
        for top in tops:
            choices.append((top.pk, f"{top.number}. {top.title}"[:90]))
            for child in (h for h in headings if h.parent_id == top.pk):
                choices.append((child.pk, f"\u00a0\u00a0\u00a0{child.number}. {child.title}"[:90]))
        self.fields["heading"].choices = choices  # type: ignore[attr-defined]
        units = Unit.objects.filter(agency_id=plan.agency_id, is_active=True).order_by("name")
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((u.pk, u.name) for u in units),
        ]
        people = User.objects.filter(agency_id=plan.agency_id, is_active=True).order_by(
            "full_name", "username"
        )
        self.fields["person_in_charge"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((p.pk, p.display_name) for p in people),
        ]

    def to_input(self) -> tuple[PlannedFileInput, str | None]:
        """What the service receives, and the retention error (the service needs a number)."""
        data = self.cleaned_data
        retention = str(data.get("retention") or "")
        permanent, years, error = False, None, None
        if retention.strip():
            try:
                permanent, years = parse_retention(retention)
            except ValueError:
                error = "Thời hạn bảo quản ghi “Vĩnh viễn” hoặc số năm (ví dụ 10)."
        return (
            PlannedFileInput(
                heading_id=data.get("heading"),
                notation=str(data.get("notation") or ""),
                title=str(data.get("title") or ""),
                permanent=permanent,
                retention_years=years,
                unit_id=data.get("unit"),
                person_in_charge_id=data.get("person_in_charge"),
                person_in_charge_name=str(data.get("person_in_charge_name") or ""),
                note=str(data.get("note") or ""),
                capital_construction=bool(data.get("capital_construction")),
            ),
            error,
        )


def file_initial(planned: PlannedFile, version: int) -> dict[str, Any]:
    return {
        "heading": planned.heading_id,
        "notation": planned.notation,
        "title": planned.title,
        "retention": planned.retention,
        "unit": planned.unit_id,
        "person_in_charge": planned.person_in_charge_id,
        "person_in_charge_name": planned.person_in_charge_name,
        "note": planned.note,
        "capital_construction": planned.capital_construction,
        "version": version,
    }


def place_errors(form: forms.Form, fields: dict[str, str], message: str) -> None:
    """A service's refusal on the form: per field where it names one, else on top."""
    placed = False
    for name, text in fields.items():
        if name in form.fields and not isinstance(form.fields[name].widget, forms.HiddenInput):
            form.add_error(name, text)
            placed = True
    if not placed or (message and message not in fields.values()):
        form.add_error(None, message)
