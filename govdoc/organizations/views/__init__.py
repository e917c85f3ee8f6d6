"""Administration screens: agencies (tree), units and positions, people and their roles,
delegations, import from CSV/Excel. Only administrators reach them; everyone else, and
administrators looking at an agency they do not administer, get 404."""

from govdoc.organizations.views.agency_pages import (
    PAGE_SIZE,
    agencies,
    agency_create,
    agency_detail,
    agency_edit,
)
from govdoc.organizations.views.delegation_pages import (
    DELEGATION_STATES,
    delegation_revoke,
    delegations,
)
from govdoc.organizations.views.import_pages import import_template, import_view
from govdoc.organizations.views.people_pages import (
    people,
    person_active,
    person_create,
    person_detail,
    person_password,
    role_grant,
    role_revoke,
)
from govdoc.organizations.views.position_pages import position_create, position_edit
from govdoc.organizations.views.unit_pages import unit_create, unit_edit

__all__ = [
    "DELEGATION_STATES",
    "PAGE_SIZE",
    "agencies",
    "agency_create",
    "agency_detail",
    "agency_edit",
    "delegation_revoke",
    "delegations",
    "import_template",
    "import_view",
    "people",
    "person_active",
    "person_create",
    "person_detail",
    "person_password",
    "position_create",
    "position_edit",
    "role_grant",
    "role_revoke",
    "unit_create",
    "unit_edit",
]
