"""Forms of the task screens (giao việc): they parse input; `task_create` decides what is
valid (one lead, deadlines on working days, assignees of the agency or of the unit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from govdoc.assignments.services import AssigneeInput
from govdoc.assignments.workflow import HandlingRole, TaskStatus
from govdoc.core.forms import StyledFormMixin
from govdoc.documents.models import Priority
from govdoc.organizations.access import people_of, unit_subtree_ids
from govdoc.organizations.models import Unit

DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
DATE_ERRORS = {"invalid": "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."}
DEFAULT_ROWS = 3
MAX_ROWS = 30


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class ChoiceGroup:
    label: str
    choices: list[Choice]


def assignee_groups(units: list[Any], people: list[Any]) -> list[ChoiceGroup]:
    """The assignee select's options: units ("u<id>") then people ("p<id>")."""
    groups = []
    if units:
        groups.append(ChoiceGroup("Đơn vị", [Choice(f"u{u.pk}", u.name) for u in units]))
    if people:
        groups.append(
            ChoiceGroup(
                "Cá nhân",
                [
                    Choice(
                        f"p{p.pk}",
                        p.display_name + (f" — {p.unit.name}" if p.unit_id else ""),
                    )
                    for p in people
                ],
            )
        )
    return groups


def parse_assignee(value: str) -> tuple[int | None, int | None]:
    """("u5" → unit 5, "p7" → person 7) as (unit_id, person_id)."""
    kind, number = value[:1], value[1:]
    if kind not in {"u", "p"} or not number.isdigit():
        raise ValueError(value)
    return (int(number), None) if kind == "u" else (None, int(number))


def row_count(data: Any, *, add: bool = False) -> int:
    try:
        rows = int(str(data.get("rows", DEFAULT_ROWS)))
    except (TypeError, ValueError):
        rows = DEFAULT_ROWS
    return max(1, min(MAX_ROWS, rows + (1 if add else 0)))


ROW_FIELDS = ("role", "assignee", "due", "note")


def compact_rows(data: Any, total: int) -> Any:
    """The posted rows with the filled ones first, in their order: the service numbers the
    lines it gets ("Dòng 2: …"), and the page then shows the same numbers."""
    rows = [{name: data.get(f"{name}_{i}", "") for name in ROW_FIELDS} for i in range(total)]
    ordered = [r for r in rows if r["assignee"]] + [r for r in rows if not r["assignee"]]
    compacted = data.copy()
    for index, row in enumerate(ordered):
        for name in ROW_FIELDS:
            compacted[f"{name}_{index}"] = row[name]
    return compacted


@dataclass(frozen=True)
class AssigneeRow:
    """One row of the form as the template draws it."""

    index: int
    role: forms.BoundField
    assignee: forms.BoundField
    due_date: forms.BoundField
    note: forms.BoundField

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def selected(self) -> str:
        return str(self.assignee.value() or "")

    @property
    def role_value(self) -> str:
        return str(self.role.value() or self.role.initial or "")

    @property
    def errors(self) -> list[str]:
        return [
            str(e) for f in (self.role, self.assignee, self.due_date, self.note) for e in f.errors
        ]


class TaskForm(StyledFormMixin, forms.Form):
    """A task: title, content, urgency, deadline, follow-up person, and rows of assignees
    (role, unit or person, deadline — empty means the task's deadline, note)."""

    title = forms.CharField(
        label="Tên công việc",
        max_length=500,
        error_messages={
            "required": "Vui lòng nhập tên công việc.",
            "max_length": "Tên công việc tối đa 500 ký tự.",
        },
    )
    description = forms.CharField(
        label="Nội dung, yêu cầu",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Nội dung tối đa 10.000 ký tự."},
    )
    priority = forms.TypedChoiceField(
        label="Độ khẩn",
        choices=Priority.choices,
        coerce=int,
        initial=Priority.NORMAL,
        error_messages={"invalid_choice": "Độ khẩn không hợp lệ."},
    )
    due_date = forms.DateField(
        label="Hạn hoàn thành",
        required=False,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        error_messages=DATE_ERRORS,
    )
    follow_up = forms.TypedChoiceField(
        label="Người theo dõi, đôn đốc",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Người theo dõi không hợp lệ."},
    )
    rows = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        units: list[Any],
        people: list[Any],
        followers: list[Any],
        row_total: int = DEFAULT_ROWS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.row_total = row_total
        # The service's refusals about the rows (one lead, deadlines, people of the unit).
        self.assignee_errors: list[str] = []
        self.groups = assignee_groups(units, people)
        valid = [c.value for group in self.groups for c in group.choices]
        fields: Any = self.fields
        fields["follow_up"].choices = [("", "— Không chọn —")] + [
            (p.pk, p.display_name) for p in followers
        ]
        self.followers = [Choice(str(p.pk), p.display_name) for p in followers]
        fields["rows"].initial = row_total
        for index in range(row_total):
            fields[f"role_{index}"] = forms.ChoiceField(
                label=f"Vai trò (dòng {index + 1})",
                choices=HandlingRole.choices,
                required=False,
                initial=HandlingRole.LEAD if index == 0 else HandlingRole.SUPPORT,
                error_messages={"invalid_choice": "Vai trò không hợp lệ."},
            )
            fields[f"assignee_{index}"] = forms.ChoiceField(
                label=f"Đơn vị hoặc cá nhân (dòng {index + 1})",
                choices=[("", "—"), *((v, v) for v in valid)],
                required=False,
                error_messages={"invalid_choice": "Đơn vị hoặc cá nhân không hợp lệ."},
            )
            fields[f"due_{index}"] = forms.DateField(
                label=f"Hạn (dòng {index + 1})",
                required=False,
                widget=forms.TextInput(attrs=DATE_ATTRS),
                error_messages=DATE_ERRORS,
            )
            fields[f"note_{index}"] = forms.CharField(
                label=f"Nội dung giao (dòng {index + 1})",
                required=False,
                max_length=1000,
                error_messages={"max_length": "Nội dung giao tối đa 1.000 ký tự."},
            )

    @property
    def assignee_rows(self) -> list[AssigneeRow]:
        return [
            AssigneeRow(
                index=i,
                role=self[f"role_{i}"],
                assignee=self[f"assignee_{i}"],
                due_date=self[f"due_{i}"],
                note=self[f"note_{i}"],
            )
            for i in range(self.row_total)
        ]

    @property
    def selected_follow_up(self) -> str:
        return str(self["follow_up"].value() or "")

    def assignees(self) -> list[AssigneeInput]:
        """The filled rows (a row without a unit or person is ignored)."""
        data = self.cleaned_data
        lines: list[AssigneeInput] = []
        for index in range(self.row_total):
            value = data.get(f"assignee_{index}") or ""
            if not value:
                continue
            unit_id, person_id = parse_assignee(value)
            lines.append(
                AssigneeInput(
                    role=data.get(f"role_{index}")
                    or (HandlingRole.LEAD if not lines else HandlingRole.SUPPORT),
                    unit_id=unit_id,
                    person_id=person_id,
                    due_date=data.get(f"due_{index}"),
                    note=data.get(f"note_{index}") or "",
                )
            )
        return lines


class TaskFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="Tìm nhanh", required=False, max_length=200)
    status = forms.ChoiceField(
        label="Trạng thái", choices=[("", "Mọi trạng thái"), *TaskStatus.choices], required=False
    )
    sort = forms.ChoiceField(
        label="Sắp xếp",
        choices=[
            ("moi", "Mới giao trước"),
            ("han", "Hạn gần nhất"),
            ("khan", "Khẩn trước"),
        ],
        required=False,
    )

    @property
    def cleaned(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        return {key: value for key, value in data.items() if key not in self.errors}


@dataclass(frozen=True)
class TaskChoices:
    """Whom the actor may give a task to: an agency leader, the agency's units and people;
    a unit leader, the people of the units they lead (and the units below them)."""

    units: list[Any]
    people: list[Any]
    followers: list[Any]


def task_choices(*, agency: Any, agency_leader: bool, led: list[int]) -> TaskChoices:
    everyone = list(people_of(agency).select_related("unit"))
    if agency_leader:
        units = list(Unit.objects.filter(agency=agency, is_active=True).order_by("name"))
        return TaskChoices(units=units, people=everyone, followers=everyone)
    allowed = {pk for unit in Unit.objects.filter(pk__in=led) for pk in unit_subtree_ids(unit)}
    people = [p for p in everyone if p.unit_id in allowed]
    return TaskChoices(units=[], people=people, followers=everyone)
