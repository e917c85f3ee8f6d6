"""Reads of people of an agency by their role, shared by the apps above (who is told of
work for the clerks, the archivists, the agency's leaders)."""

from __future__ import annotations

from django.db.models import QuerySet

from govdoc.organizations.models import User


def agency_people_with_role(agency_id: int, role: str) -> QuerySet[User]:
    """The agency's active people holding `role` there, each once."""
    return User.objects.filter(
        is_active=True, roles__agency_id=agency_id, roles__role=role
    ).distinct()
