"""Who may administer what: the check every administration service starts with."""

from __future__ import annotations

from typing import Any

from govdoc.core.errors import NotFound
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency
from govdoc.organizations.roles import Role


def administers(actor: Any, agency: Agency) -> bool:
    """The actor administers this agency, or its direct parent; superusers every agency."""
    if has_role(actor, agency.pk, Role.ADMIN):
        return True
    return agency.parent_id is not None and has_role(actor, agency.parent_id, Role.ADMIN)


def require_admin(actor: Any, agency: Agency) -> None:
    if not administers(actor, agency):
        raise NotFound()
