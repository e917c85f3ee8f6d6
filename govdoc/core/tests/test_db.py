"""The backend interface: ids reserved ahead of the insert on PostgreSQL, none on SQLite."""

from __future__ import annotations

import pytest

from govdoc.core.db import is_postgres, reserve_id
from govdoc.organizations.models import Agency, Position


@pytest.mark.django_db
def test_a_reserved_id_can_be_used_for_a_later_insert_and_is_not_handed_out_again(
    ministry: Agency,
) -> None:
    # Given an id reserved for a model
    reserved = reserve_id(Position)
    if not is_postgres():
        # Then SQLite hands out none (the row gets its id when inserted)
        assert reserved is None
        return
    assert reserved is not None
    # When a row is inserted with it, and another without
    first = Position.objects.create(id=reserved, agency=ministry, name="Chuyên viên chính")
    second = Position.objects.create(agency=ministry, name="Chuyên viên")
    # Then the first has the reserved id and the second a later one
    assert first.pk == reserved and second.pk > reserved
