"""Reads of the registry, scoped to an administrator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from govdoc.organizations.access import administered_agencies, is_any_admin
from govdoc.organizations.models import Agency
from govdoc.signatures.models import SigningCredential, TrustAnchor

EXPIRY_WARNING_DAYS = 30


def credentials_of_agency(
    agency: Agency, *, active_only: bool = True
) -> QuerySet[SigningCredential]:
    """The credentials an agency's administrators manage: its own and its people's."""
    credentials = SigningCredential.objects.filter(agency=agency)
    if active_only:
        credentials = credentials.filter(is_active=True)
    return credentials.select_related("owner_person", "owner_agency", "agency").order_by(
        "valid_to", "pk"
    )


def credentials_for_admin(actor: Any) -> QuerySet[SigningCredential]:
    """Every credential of the agencies the actor administers (none for anyone else)."""
    return SigningCredential.objects.filter(
        agency__in=administered_agencies(actor).values("pk")
    ).select_related("owner_person", "owner_agency", "agency")


def credential_for_admin(actor: Any, pk: int) -> SigningCredential | None:
    return credentials_for_admin(actor).filter(pk=pk).first()


def credentials_expiring(
    *, within_days: int = EXPIRY_WARNING_DAYS, now: dt.datetime | None = None
) -> QuerySet[SigningCredential]:
    """Active credentials still valid whose certificate ends within ``within_days``."""
    now = now or timezone.now()
    return (
        SigningCredential.objects.filter(
            is_active=True, valid_to__gt=now, valid_to__lte=now + dt.timedelta(days=within_days)
        )
        .select_related("owner_person", "owner_agency", "agency")
        .order_by("valid_to", "pk")
    )


def trust_anchors_for_admin(actor: Any) -> QuerySet[TrustAnchor]:
    if not is_any_admin(actor):
        return TrustAnchor.objects.none()
    return TrustAnchor.objects.select_related("added_by").order_by("-is_active", "subject", "pk")


def active_trust_anchors() -> QuerySet[TrustAnchor]:
    """The roots verification trusts."""
    return TrustAnchor.objects.filter(is_active=True)
