"""A registered incoming document on a fixed working day, and a second specialist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from govdoc.conftest import incoming_input, make_person
from govdoc.documents.models import DocumentType
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_register
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role

# Tuesday 01/12/2026, a working day; Friday 04/12 is three working days later.
TODAY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
DUE = dt.date(2026, 12, 4)


@pytest.fixture
def on_a_working_day(time_machine: Any) -> None:
    time_machine.move_to(TODAY, tick=False)


@pytest.fixture
def team(personas: dict[str, User], ministry: Agency, units: dict[str, Unit]) -> dict[str, User]:
    """The personas plus a second specialist of Vụ Đất đai and a specialist of another unit."""
    return {
        **personas,
        "colleague": make_person(
            "chuyenvien2",
            agency=ministry,
            roles=[Role.SPECIALIST],
            unit=units["DD"],
            full_name="Đỗ Văn Phối Hợp",
        ),
        "stranger": make_person(
            "chuyenvien3",
            agency=ministry,
            roles=[Role.SPECIALIST],
            unit=units["TCCB"],
            full_name="Vũ Thị Khác Đơn Vị",
        ),
    }


@pytest.fixture
def registered(
    on_a_working_day: None, team: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> IncomingDocument:
    return incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, issued_date=dt.date(2026, 11, 27)),
        actor=team["clerk"],
    )
