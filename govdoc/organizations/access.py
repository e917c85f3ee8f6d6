"""Who may do what, by role in an agency. Delegations in force count as the delegator's
leader roles for the delegate."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from govdoc.core.errors import NotFound
from govdoc.organizations.models import Agency, Delegation, RoleAssignment, Unit, User
from govdoc.organizations.roles import Role

LEADER_ROLES = frozenset({Role.AGENCY_LEADER, Role.UNIT_LEADER})


def _delegations_in_force(user: Any) -> QuerySet[Delegation]:
    today = timezone.localdate()
    return Delegation.objects.filter(
        delegate=user, starts_on__lte=today, ends_on__gte=today, revoked_at__isnull=True
    )


def roles_in(user: Any, agency_id: int | None) -> frozenset[str]:
    """The roles a person holds in an agency (superusers administer every agency)."""
    if not getattr(user, "is_authenticated", False) or agency_id is None:
        return frozenset()
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault("_govdoc_roles", {})
    if agency_id in cache:
        return cache[agency_id]
    # One query: the person's own roles, and the leader roles of those who delegated to them.
    delegators = _delegations_in_force(user).filter(agency_id=agency_id).values("delegator")
    own = set(
        RoleAssignment.objects.filter(
            Q(user=user) | Q(user__in=delegators, role__in=list(LEADER_ROLES)),
            agency_id=agency_id,
        ).values_list("role", flat=True)
    )
    if user.is_superuser:
        own.add(Role.ADMIN)
    result = frozenset(own)
    cache[agency_id] = result
    return result


def has_role(user: Any, agency_id: int | None, *roles: str) -> bool:
    return bool(roles_in(user, agency_id) & set(roles))


def _per_request(user: Any, name: str, agency_id: int, compute: Any) -> Any:
    """Kept on the user object, which lives for one request: the queues, the navigation
    counters and the visibility rules of a page ask the same questions many times."""
    cache: dict[tuple[str, int], Any] = user.__dict__.setdefault("_govdoc_access", {})
    key = (name, agency_id)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def forget_access(user: Any) -> None:
    """Drop what this user object remembers of roles and delegations (after a change)."""
    user.__dict__.pop("_govdoc_roles", None)
    user.__dict__.pop("_govdoc_access", None)


def led_unit_ids(user: Any, agency_id: int) -> list[int]:
    """Units the person leads in the agency, directly or by delegation."""

    def compute() -> list[int]:
        delegators = _delegations_in_force(user).filter(agency_id=agency_id).values("delegator")
        return list(
            RoleAssignment.objects.filter(
                Q(user=user) | Q(user__in=delegators),
                agency_id=agency_id,
                role=Role.UNIT_LEADER,
                unit__isnull=False,
            ).values_list("unit_id", flat=True)
        )

    result: list[int] = _per_request(user, "led_units", agency_id, compute)
    return list(result)


def led_unit_people_ids(user: Any, agency_id: int) -> list[int]:
    """The people of the units the person leads (their work is the unit's work)."""

    def compute() -> list[int]:
        units = led_unit_ids(user, agency_id)
        if not units:
            return []
        return list(User.objects.filter(unit_id__in=units).values_list("pk", flat=True))

    result: list[int] = _per_request(user, "led_unit_people", agency_id, compute)
    return list(result)


def acting_for_ids(user: Any, agency_id: int) -> list[int]:
    """The person and those whose authority they hold today by delegation (their own id
    first): whose queues they see and for whom they may act."""

    def compute() -> list[int]:
        delegators = _delegations_in_force(user).filter(agency_id=agency_id)
        return [user.pk, *delegators.values_list("delegator_id", flat=True)]

    result: list[int] = _per_request(user, "acting_for", agency_id, compute)
    return list(result)


def acting_on_behalf_of(user: Any, agency_id: int, *roles: str) -> Any | None:
    """When the person holds none of `roles` themselves but acts by delegation: the
    delegator whose role they use (recorded with their own name on every action)."""
    own = RoleAssignment.objects.filter(user=user, agency_id=agency_id, role__in=list(roles))
    if own.exists():
        return None
    delegators = _delegations_in_force(user).filter(agency_id=agency_id).values("delegator")
    holder = (
        RoleAssignment.objects.filter(
            user__in=delegators, agency_id=agency_id, role__in=list(roles)
        )
        .select_related("user")
        .first()
    )
    return holder.user if holder is not None else None


def home_agency(user: Any) -> Agency | None:
    if not getattr(user, "is_authenticated", False):
        return None
    agency: Agency | None = user.agency
    return agency


def administered_agencies(user: Any) -> QuerySet[Agency]:
    if not getattr(user, "is_authenticated", False):
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    ids = RoleAssignment.objects.filter(user=user, role=Role.ADMIN).values("agency_id")
    return Agency.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids))


def agency_for_admin(user: Any, agency_id: int) -> Agency:
    try:
        return administered_agencies(user).get(pk=agency_id)
    except Agency.DoesNotExist:
        raise NotFound() from None


def is_any_admin(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.is_superuser or RoleAssignment.objects.filter(user=user, role=Role.ADMIN).exists()
    )


def people_of(agency: Agency) -> QuerySet[User]:
    return User.objects.filter(agency=agency, is_active=True).order_by("full_name")


def unit_subtree_ids(unit: Unit) -> list[int]:
    """The unit and every unit below it (a unit leader assigns within all of them)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Unit.objects.filter(agency_id=unit.agency_id).values_list(
        "pk", "parent_id"
    ):
        children.setdefault(parent_id, []).append(pk)
    found: list[int] = []
    pending = [unit.pk]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found


def unit_leaders(unit_ids: list[int]) -> QuerySet[User]:
    """Active people who lead these units (who receive the work given to a unit)."""
    return User.objects.filter(
        is_active=True,
        roles__role=Role.UNIT_LEADER,
        roles__unit_id__in=unit_ids,
    ).distinct()
