"""What the reports counted per unit and per person share (the handling report and the
outgoing report): their lines, the units and persons they show, and whose lines a drill-down
lists. The counts themselves are each report's own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Q

from govdoc.core.text import fold
from govdoc.organizations.models import Unit, User
from govdoc.reports.handling_scope import HandlingScope

NO_UNIT = "Không thuộc đơn vị"

C = TypeVar("C")


@dataclass(frozen=True)
class CountLine(Generic[C]):
    """One line of a table: a unit (person_id None) or a person (with their unit)."""

    name: str
    counts: C
    unit_id: int | None = None
    person_id: int | None = None
    unit_name: str = ""


class CountTables(Generic[C]):
    """The two tables of a report: `units` and `people` (set by the report)."""

    units: tuple[CountLine[C], ...]
    people: tuple[CountLine[C], ...]

    def people_of(self, unit_id: int | None) -> tuple[CountLine[C], ...]:
        return tuple(line for line in self.people if line.unit_id == unit_id)

    def unit(self, unit_id: int) -> CountLine[C] | None:
        return next((line for line in self.units if line.unit_id == unit_id), None)


def _person_lines(by_person: Mapping[int, C]) -> list[CountLine[C]]:
    """The persons' lines, with their unit, by unit then name (one query for the names)."""
    if not by_person:
        return []
    people = User.objects.filter(pk__in=list(by_person)).values(
        "pk", "full_name", "username", "unit_id", "unit__name"
    )
    lines = [
        CountLine(
            name=person["full_name"] or person["username"],
            counts=by_person[person["pk"]],
            unit_id=person["unit_id"],
            person_id=person["pk"],
            unit_name=person["unit__name"] or NO_UNIT,
        )
        for person in people
    ]
    lines.sort(key=lambda line: (line.unit_id is None, fold(line.unit_name), fold(line.name)))
    return lines


def _units_of(scope: HandlingScope, with_counts: Iterable[int]) -> list[Unit]:
    """The units shown: every active unit of the scope, and any unit that has counts."""
    units = Unit.objects.filter(agency_id=scope.agency_id)
    if scope.unit_ids is not None:
        units = units.filter(pk__in=scope.unit_ids)
    found = list(units.filter(Q(is_active=True) | Q(pk__in=list(with_counts))))
    found.sort(key=lambda unit: fold(unit.name))
    return found


def _unit_lines(
    units: Iterable[Unit], by_unit: Mapping[int, C], empty: C
) -> tuple[CountLine[C], ...]:
    """The units' lines, `empty` counts for a unit without any."""
    return tuple(
        CountLine(
            name=unit.name, counts=by_unit.get(unit.pk, empty), unit_id=unit.pk, unit_name=unit.name
        )
        for unit in units
    )


def _scope_label(scope: HandlingScope, units: Iterable[Unit]) -> str:
    """The top units of a unit leader's scope ("" for the whole agency)."""
    if scope.unit_ids is None:
        return ""
    return ", ".join(unit.name for unit in units if unit.parent_id not in scope.unit_ids)


@dataclass(frozen=True)
class Lines(Generic[C]):
    units: tuple[CountLine[C], ...]
    people: tuple[CountLine[C], ...]
    scope_label: str


def report_lines(
    scope: HandlingScope, by_unit: Mapping[int, C], by_person: Mapping[int, C], empty: C
) -> Lines[C]:
    """The lines of a report from its counts: every active unit of the scope and any unit
    with counts (`empty` counts for a unit without any), by name; the persons with counts,
    by unit then name; and the scope's top units when it is not the whole agency."""
    units = _units_of(scope, by_unit)
    return Lines(
        units=_unit_lines(units, by_unit, empty),
        people=tuple(_person_lines(by_person)),
        scope_label=_scope_label(scope, units),
    )


def list_subject(
    *, agency_id: int, unit_id: int | None = None, person_id: int | None = None
) -> str:
    """The name of whose lines a drill-down lists (already checked in scope)."""
    if person_id is not None:
        person = User.objects.filter(pk=person_id, agency_id=agency_id).first()
        return person.display_name if person is not None else ""
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id, agency_id=agency_id).first()
        return unit.name if unit is not None else ""
    return "Tất cả đơn vị"
