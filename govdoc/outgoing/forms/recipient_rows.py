"""The recipients of a draft as a list of rows of a form (r0-kind, r0-unit, r0-agency,
r0-name, …): a unit of the agency, an agency of the directory, or anyone else by name with
an e-mail or a postal address; the sending method is optional (chosen from the recipient).
Blank rows are ignored; a row missing its target is refused with its number."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from govdoc.organizations.models import Agency, Unit
from govdoc.outgoing.inputs import RecipientInput
from govdoc.outgoing.models import DraftRecipient
from govdoc.outgoing.workflow import Method, RecipientKind

MAX_ROWS = 500
EXTRA_ROWS = 2
ADDRESSEE = "kg"
FOR_INFO = "nn"
ROW_KEY = re.compile(r"^r(\d{1,3})-kind$")
METHOD_CHOICES = [("", "Tự chọn theo nơi nhận"), *Method.choices]
KIND_CHOICES = [("", "— Loại nơi nhận —"), *RecipientKind.choices]


@dataclass
class RecipientRow:
    """One row as typed (for showing the form again) and its problem, if any."""

    index: int
    kind: str = ""
    unit_id: int | None = None
    agency_id: int | None = None
    agency_label: str = ""
    name: str = ""
    email: str = ""
    address: str = ""
    method: str = ""
    is_addressee: bool = True
    error: str = ""

    @property
    def blank(self) -> bool:
        return not (self.kind or self.unit_id or self.agency_id or self.name.strip())


@dataclass
class RecipientRows:
    rows: list[RecipientRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def inputs(self) -> tuple[RecipientInput, ...]:
        return tuple(
            RecipientInput(
                kind=row.kind,
                unit_id=row.unit_id,
                agency_id=row.agency_id,
                name=row.name.strip(),
                email=row.email.strip(),
                address=row.address.strip(),
                method=row.method,
                is_addressee=row.is_addressee,
            )
            for row in self.rows
            if not row.blank
        )

    def with_blanks(self, extra: int = EXTRA_ROWS) -> list[RecipientRow]:
        """The rows to show: those typed, then a few empty ones (the page adds more)."""
        shown = [row for row in self.rows if not row.blank]
        start = max((row.index for row in self.rows), default=-1) + 1
        return shown + [RecipientRow(index=start + i) for i in range(extra)]


def _int(raw: Any) -> int | None:
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def parse_rows(data: Mapping[str, Any]) -> RecipientRows:
    """The rows of a POST, in their order; each row's own problem named with its number."""
    indexes = sorted({int(m.group(1)) for key in data if (m := ROW_KEY.match(str(key)))})
    parsed = RecipientRows()
    if len(indexes) > MAX_ROWS:
        parsed.errors.append(f"Tối đa {MAX_ROWS} nơi nhận.")
        indexes = indexes[:MAX_ROWS]
    for index in indexes:
        prefix = f"r{index}-"

        def value(name: str, prefix: str = prefix) -> str:
            return str(data.get(prefix + name, "") or "").strip()

        row = RecipientRow(
            index=index,
            kind=value("kind"),
            unit_id=_int(value("unit")),
            agency_id=_int(value("agency")),
            name=value("name")[:200],
            email=value("email")[:254],
            address=value("address")[:300],
            method=value("method"),
            is_addressee=value("role") != FOR_INFO,
        )
        if row.kind == RecipientKind.UNIT:
            row.agency_id = None
        elif row.kind == RecipientKind.AGENCY:
            row.unit_id = None
        elif row.kind == RecipientKind.OTHER:
            row.unit_id = row.agency_id = None
        if row.blank:
            continue
        parsed.rows.append(row)
    for number, row in enumerate(parsed.rows, start=1):
        problem = _problem(row)
        if problem:
            row.error = problem
            parsed.errors.append(f"Nơi nhận thứ {number}: {problem}")
    _label_agencies(parsed.rows)
    return parsed


def _problem(row: RecipientRow) -> str:
    if row.kind not in RecipientKind.values:
        return "chọn loại nơi nhận."
    if row.method and row.method not in Method.values:
        return "hình thức gửi không hợp lệ."
    if row.kind == RecipientKind.UNIT and row.unit_id is None:
        return "chọn đơn vị nhận."
    if row.kind == RecipientKind.AGENCY and row.agency_id is None:
        return "chọn cơ quan trong danh bạ."
    if row.kind == RecipientKind.OTHER and not row.name:
        return "ghi tên nơi nhận."
    return ""


def _label_agencies(rows: Iterable[RecipientRow]) -> None:
    wanted = {row.agency_id for row in rows if row.agency_id}
    if not wanted:
        return
    names = {
        pk: f"{name} ({organ_id})" if organ_id else name
        for pk, name, organ_id in Agency.objects.filter(pk__in=wanted).values_list(
            "pk", "name", "organ_id"
        )
    }
    for row in rows:
        if row.agency_id:
            row.agency_label = names.get(row.agency_id, "")


def rows_of(recipients: Iterable[DraftRecipient]) -> RecipientRows:
    """A draft's recipients as rows of the edit form."""
    parsed = RecipientRows()
    for index, recipient in enumerate(recipients):
        agency = recipient.agency
        parsed.rows.append(
            RecipientRow(
                index=index,
                kind=recipient.kind,
                unit_id=recipient.unit_id,
                agency_id=recipient.agency_id,
                agency_label=(
                    f"{agency.name} ({agency.organ_id})" if agency and agency.organ_id else ""
                )
                or (agency.name if agency else ""),
                name=recipient.name if recipient.kind == RecipientKind.OTHER else "",
                email=recipient.email if recipient.kind != RecipientKind.UNIT else "",
                address=recipient.address if recipient.kind != RecipientKind.UNIT else "",
                method=recipient.method if recipient.kind != RecipientKind.UNIT else "",
                is_addressee=recipient.is_addressee,
            )
        )
    return parsed


def reply_row(agency: Agency | None) -> RecipientRows:
    """The first row of a reply: the agency that issued the incoming document."""
    parsed = RecipientRows()
    if agency is not None:
        parsed.rows.append(
            RecipientRow(
                index=0,
                kind=RecipientKind.AGENCY,
                agency_id=agency.pk,
                agency_label=f"{agency.name} ({agency.organ_id})" if agency.organ_id else "",
            )
        )
    return parsed


def unit_options(agency_id: int) -> list[tuple[int, str]]:
    return list(
        Unit.objects.filter(agency_id=agency_id, is_active=True)
        .order_by("name")
        .values_list("pk", "name")
    )
