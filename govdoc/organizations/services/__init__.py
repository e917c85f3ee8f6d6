"""Administration of the organisation: agencies, units, positions, people, roles, delegations.

Every function checks that the actor administers the agency concerned, validates its input
(Vietnamese messages, per field), writes in one transaction and records one audit event.

Who administers an agency: a person holding the ADMIN role in it, or in its direct parent
agency (the same rule as `access.administered_agencies`, so what an administrator sees is
what they may change); superusers administer every agency. An agency without a parent can
only be created, or moved to the top of the tree, by a superuser.

A target the actor may not administer raises `NotFound` (not allowed answers like not
found); a referenced object (parent, unit, position…) that is missing or out of reach is a
field error. Uniqueness clashes raise `Conflict` (HTTP 409), other bad input
`ValidationFailed`. People are never deleted: they are deactivated.
"""

from govdoc.organizations.services.agencies import AgencyData, agency_create, agency_update
from govdoc.organizations.services.delegations import delegation_create, delegation_revoke
from govdoc.organizations.services.people import (
    NO_ACCESS_AGENCY,
    PASSWORD_MIN_LENGTH,
    USERNAME_MESSAGE,
    USERNAME_PATTERN,
    PersonData,
    can_manage_person,
    password_problems,
    person_create,
    person_set_active,
    person_set_password,
    person_update,
)
from govdoc.organizations.services.permissions import administers
from govdoc.organizations.services.positions import PositionData, position_create, position_update
from govdoc.organizations.services.roles import role_grant, role_revoke
from govdoc.organizations.services.units import UnitData, unit_create, unit_update
from govdoc.organizations.services.validation import (
    ABBREVIATION_MESSAGE,
    ABBREVIATION_PATTERN,
    INVALID_INPUT,
)

__all__ = [
    "ABBREVIATION_MESSAGE",
    "ABBREVIATION_PATTERN",
    "INVALID_INPUT",
    "NO_ACCESS_AGENCY",
    "PASSWORD_MIN_LENGTH",
    "USERNAME_MESSAGE",
    "USERNAME_PATTERN",
    "AgencyData",
    "PersonData",
    "PositionData",
    "UnitData",
    "administers",
    "agency_create",
    "agency_update",
    "can_manage_person",
    "delegation_create",
    "delegation_revoke",
    "password_problems",
    "person_create",
    "person_set_active",
    "person_set_password",
    "person_update",
    "position_create",
    "position_update",
    "role_grant",
    "role_revoke",
    "unit_create",
    "unit_update",
]
