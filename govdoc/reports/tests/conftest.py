"""Fixtures of the register tests: documents registered through the incoming service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from govdoc.conftest import incoming_input
from govdoc.documents.models import DocumentType
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_register
from govdoc.organizations.models import Agency, User

Register = Callable[..., IncomingDocument]


def local_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


@pytest.fixture
def register(ministry: Agency, personas: dict[str, User], doc_type: DocumentType) -> Register:
    """Register one incoming document of the ministry as its clerk; `on` sets the arrival
    day (default today); every call gets its own number and symbol, so none looks a
    duplicate."""
    counter = {"n": 0}

    def _register(*, on: dt.date | None = None, **overrides: Any) -> IncomingDocument:
        counter["n"] += 1
        values: dict[str, Any] = {"code_number": str(100 + counter["n"])}
        if on is not None:
            values["issued_date"] = on - dt.timedelta(days=3)
        values.update(overrides)
        return incoming_register(
            agency=ministry,
            data=incoming_input(doc_type, **values),
            actor=personas["clerk"],
            arrived_at=local_noon(on) if on is not None else None,
        )

    return _register
