"""Forms of the administration screens: they parse input; the services decide what is valid
(so most fields are optional here and the services' Vietnamese messages show on them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django import forms

from govdoc.core.forms import StyledFormMixin
from govdoc.organizations.imports import Kind
from govdoc.organizations.models import Agency, Position, Unit, User
from govdoc.organizations.roles import Role

DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
DATE_ERRORS = {"invalid": "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."}
CHOICE_ERRORS = {"invalid_choice": "Lựa chọn không hợp lệ, vui lòng chọn lại."}

Node = TypeVar("Node", Agency, Unit)


def ordered_tree(items: Iterable[Node]) -> list[tuple[Node, int]]:
    """Items in tree order (each after its parent) with their depth. An item whose parent is
    not in the list is shown as a root."""
    nodes = list(items)
    ids = {node.pk for node in nodes}
    children: dict[int | None, list[Node]] = {}
    for node in nodes:
        parent = node.parent_id if node.parent_id in ids else None
        children.setdefault(parent, []).append(node)
    result: list[tuple[Node, int]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for node in children.get(parent, []):
            if node.pk in seen:  # a corrupt cycle must not loop forever
                continue
            seen.add(node.pk)
            result.append((node, depth))
            walk(node.pk, depth + 1)

    walk(None, 0)
    result.extend((node, 0) for node in nodes if node.pk not in seen)
    return result


def _indent(depth: int) -> str:
    return "\u00a0\u00a0\u00a0" * depth + ("└ " if depth else "")


def agency_choices(agencies: Iterable[Agency], empty: str) -> list[tuple[Any, str]]:
    return [("", empty)] + [
        (a.pk, f"{_indent(depth)}{a.name} ({a.organ_id})") for a, depth in ordered_tree(agencies)
    ]


def unit_choices(units: Iterable[Unit], empty: str) -> list[tuple[Any, str]]:
    return [("", empty)] + [
        (u.pk, f"{_indent(depth)}{u.abbreviation} — {u.name}") for u, depth in ordered_tree(units)
    ]


def grouped_unit_choices(units: Sequence[Unit], empty: str) -> list[Any]:
    """Units grouped by agency (a select with one group per agency)."""
    groups: dict[str, list[Unit]] = {}
    for unit in units:
        groups.setdefault(unit.agency.name, []).append(unit)
    return [("", empty)] + [
        (agency, unit_choices(members, "")[1:]) for agency, members in groups.items()
    ]


def grouped_position_choices(positions: Sequence[Position], empty: str) -> list[Any]:
    groups: dict[str, list[tuple[int, str]]] = {}
    for position in positions:
        groups.setdefault(position.agency.name, []).append((position.pk, position.name))
    return [("", empty), *groups.items()]


def person_choices(people: Iterable[User], empty: str) -> list[tuple[Any, str]]:
    return [("", empty)] + [
        (p.pk, f"{p.display_name} ({p.username})" + (" — đã khóa" if not p.is_active else ""))
        for p in people
    ]


def _id_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, coerce=int, empty_value=None, required=False, error_messages=CHOICE_ERRORS
    )


def _text(label: str, max_length: int, **kwargs: Any) -> forms.CharField:
    # Length is checked by the services (Vietnamese message); the browser stops at maxlength.
    attrs = {"maxlength": str(max_length), **kwargs.pop("attrs", {})}
    return forms.CharField(
        label=label, required=False, widget=forms.TextInput(attrs=attrs), **kwargs
    )


class AgencyForm(StyledFormMixin, forms.Form):
    organ_id = _text("Mã định danh", 13, attrs={"placeholder": "000.00.00.G12"})
    name = _text("Tên cơ quan", 200)
    abbreviation = _text("Chữ viết tắt", 20, attrs={"placeholder": "BTNMT"})
    parent = _id_field("Cơ quan cấp trên")
    address = _text("Địa chỉ", 300)
    email = _text("Thư điện tử", 254, attrs={"type": "email"})
    phone = _text("Điện thoại", 50)
    is_hosted = forms.BooleanField(label="Dùng govdoc trên hệ thống này", required=False)
    is_active = forms.BooleanField(label="Đang hoạt động", required=False, initial=True)

    def __init__(self, *args: Any, parents: Iterable[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["parent"]
        field.choices = agency_choices(parents, "— Không có (cấp cao nhất) —")


class UnitForm(StyledFormMixin, forms.Form):
    name = _text("Tên đơn vị", 200)
    abbreviation = _text("Chữ viết tắt", 20, attrs={"placeholder": "VP"})
    parent = _id_field("Đơn vị cấp trên")
    is_active = forms.BooleanField(label="Đang hoạt động", required=False, initial=True)

    def __init__(self, *args: Any, units: Iterable[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["parent"]
        field.choices = unit_choices(units, "— Trực thuộc cơ quan —")


class PositionForm(StyledFormMixin, forms.Form):
    name = _text("Tên chức vụ", 100, attrs={"placeholder": "Chuyên viên"})
    rank = forms.IntegerField(
        label="Thứ tự hiển thị",
        initial=100,
        required=False,
        help_text="Số nhỏ đứng trước (ví dụ Bộ trưởng 1, Thứ trưởng 2).",
        error_messages={"invalid": "Thứ tự phải là số nguyên."},
    )


class PersonForm(StyledFormMixin, forms.Form):
    username = _text("Tên đăng nhập", 150, attrs={"autocomplete": "off"})
    full_name = _text("Họ và tên", 150)
    email = _text("Thư điện tử", 254, attrs={"type": "email"})
    phone = _text("Điện thoại", 50)
    agency = _id_field("Cơ quan")
    unit = _id_field("Đơn vị")
    position = _id_field("Chức vụ")

    def __init__(
        self,
        *args: Any,
        agencies: Iterable[Agency],
        units: Sequence[Unit],
        positions: Sequence[Position],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["agency"].choices = agency_choices(agencies, "— Chọn cơ quan —")
        fields["unit"].choices = grouped_unit_choices(units, "— Không thuộc đơn vị —")
        fields["position"].choices = grouped_position_choices(positions, "— Không ghi —")


class PersonCreateForm(PersonForm):
    password = forms.CharField(
        label="Mật khẩu ban đầu",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Để trống nếu chưa cấp: người dùng chưa đăng nhập được cho đến khi đặt mật khẩu.",
    )


class PasswordForm(StyledFormMixin, forms.Form):
    # Prefixed: it shares the person page with the other forms (unique element ids).
    prefix = "pw"
    password = forms.CharField(
        label="Mật khẩu mới",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Nhập lại mật khẩu mới",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") != data.get("password2"):
            self.add_error("password2", "Hai lần nhập mật khẩu không khớp.")
        return data


class RoleGrantForm(StyledFormMixin, forms.Form):
    prefix = "role"
    agency = _id_field("Trong cơ quan")
    role = forms.ChoiceField(
        label="Vai trò",
        choices=[("", "— Chọn vai trò —"), *Role.choices],
        required=False,
        error_messages=CHOICE_ERRORS,
    )
    unit = _id_field("Đơn vị lãnh đạo (với Lãnh đạo đơn vị)")

    def __init__(
        self, *args: Any, agencies: Iterable[Agency], units: Sequence[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["agency"].choices = agency_choices(agencies, "— Chọn cơ quan —")
        fields["unit"].choices = grouped_unit_choices(units, "— Không —")


class DelegationForm(StyledFormMixin, forms.Form):
    agency = _id_field("Cơ quan")
    delegator = _id_field("Người ủy quyền (lãnh đạo)")
    delegate = _id_field("Người được ủy quyền")
    starts_on = forms.DateField(
        label="Từ ngày",
        required=False,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        error_messages=DATE_ERRORS,
    )
    ends_on = forms.DateField(
        label="Đến ngày",
        required=False,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        error_messages=DATE_ERRORS,
    )
    scope = _text("Phạm vi ủy quyền", 300, attrs={"placeholder": "vd: ký văn bản đi thay"})
    reason = _text("Lý do", 300, attrs={"placeholder": "vd: đi công tác"})

    def __init__(
        self,
        *args: Any,
        agencies: Iterable[Agency],
        leaders: Iterable[User],
        people: Iterable[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["agency"].choices = agency_choices(agencies, "— Chọn cơ quan —")
        fields["delegator"].choices = person_choices(leaders, "— Chọn lãnh đạo —")
        fields["delegate"].choices = person_choices(people, "— Chọn người —")


class AgencySearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="Tìm (tên, viết tắt, mã — không cần dấu)", required=False)
    hosted = forms.BooleanField(label="Chỉ cơ quan dùng govdoc", required=False)


class PeopleFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="Tìm (họ tên, tên đăng nhập, thư điện tử)", required=False)
    agency = _id_field("Cơ quan")
    unit = _id_field("Đơn vị")
    role = forms.ChoiceField(
        label="Vai trò", choices=[("", "Mọi vai trò"), *Role.choices], required=False
    )
    status = forms.ChoiceField(
        label="Trạng thái",
        choices=[("", "Đang hoạt động"), ("locked", "Đã khóa"), ("all", "Tất cả")],
        required=False,
    )

    def __init__(
        self, *args: Any, agencies: Iterable[Agency], units: Sequence[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["agency"].choices = agency_choices(agencies, "Mọi cơ quan")
        fields["unit"].choices = grouped_unit_choices(units, "Mọi đơn vị")


class ImportForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Loại dữ liệu",
        choices=Kind.choices,
        initial=Kind.AGENCIES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={**CHOICE_ERRORS, "required": "Vui lòng chọn loại dữ liệu."},
    )
    file = forms.FileField(
        label="Tệp CSV hoặc Excel (.xlsx)",
        error_messages={
            "required": "Vui lòng chọn tệp cần nhập.",
            "empty": "Tệp rỗng.",
            "invalid": "Tệp không hợp lệ.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label="Chỉ kiểm tra, chưa nhập", required=False, help_text="Xem báo cáo từng dòng trước."
    )
