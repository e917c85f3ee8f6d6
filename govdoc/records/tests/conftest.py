"""The browser fixtures for the records app's journeys, and the file plan the plan tests
share (a module that needs another defines its own)."""

from __future__ import annotations

import pytest

from govdoc.organizations.models import Agency, Unit, User
from govdoc.records.models import FilePlan
from govdoc.records.tests.plan_helpers import filled_plan, with_archivist
from govdoc.web.tests.conftest import browser, flushable_audit, login, page  # noqa: F401


@pytest.fixture
def people(personas: dict[str, User], ministry: Agency) -> dict[str, User]:
    return with_archivist(personas, ministry)


@pytest.fixture
def plan(ministry: Agency, people: dict[str, User], units: dict[str, Unit]) -> FilePlan:
    return filled_plan(ministry, people["clerk"], units, person=people["specialist"])
