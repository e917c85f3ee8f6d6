"""The work queues' filters: they parse the query string; the selectors apply it."""

from __future__ import annotations

from typing import Any, NamedTuple

from django import forms

from govdoc.assignments.selectors import SORTS, QueueFilters
from govdoc.assignments.workflow import HandlingRole
from govdoc.core.forms import StyledFormMixin

PER_PAGE_CHOICES = [(25, "25"), (50, "50"), (100, "100")]
DEFAULT_PER_PAGE = 25

SORT_CHOICES = [
    ("han", "Hạn gần nhất"),
    ("khan", "Khẩn trước"),
    ("moi", "Mới giao trước"),
]
KIND_CHOICES = [
    ("", "Văn bản và công việc"),
    ("van-ban", "Văn bản đến"),
    ("cong-viec", "Công việc"),
]


class SelectOption(NamedTuple):
    value: str
    label: str
    selected: bool


class QueueFilterForm(StyledFormMixin, forms.Form):
    """Quick search (without diacritics), role, documents or tasks, order, rows per page.
    The template renders plain HTML from `select_options()` (one loop per select)."""

    SELECTS = ("role", "kind", "sort", "per_page")

    q = forms.CharField(label="Tìm nhanh", required=False, max_length=200)
    role = forms.ChoiceField(
        label="Vai trò", choices=[("", "Mọi vai trò"), *HandlingRole.choices], required=False
    )
    kind = forms.ChoiceField(label="Loại", choices=KIND_CHOICES, required=False)
    sort = forms.ChoiceField(label="Sắp xếp", choices=SORT_CHOICES, required=False)
    per_page = forms.TypedChoiceField(
        label="Số dòng",
        choices=PER_PAGE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert set(SORTS) >= {value for value, _label in SORT_CHOICES}

    @property
    def cleaned(self) -> dict[str, Any]:
        """The valid filters (a wrong value counts as not given)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        return {key: value for key, value in data.items() if key not in self.errors}

    def filters(self) -> QueueFilters:
        cleaned = self.cleaned
        return QueueFilters(
            q=(cleaned.get("q") or "").strip(),
            role=cleaned.get("role") or "",
            sort=cleaned.get("sort") or "han",
            kind=cleaned.get("kind") or "",
        )

    def rows_per_page(self) -> int:
        return int(self.cleaned.get("per_page") or DEFAULT_PER_PAGE)

    def select_options(self) -> dict[str, list[SelectOption]]:
        options: dict[str, list[SelectOption]] = {}
        for name in self.SELECTS:
            field: Any = self.fields[name]
            current = str(self[name].value() or "")
            options[name] = [
                SelectOption(str(value), str(label), str(value) == current)
                for value, label in field.choices
            ]
        return options
