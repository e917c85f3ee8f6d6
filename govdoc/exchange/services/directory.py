"""The agency directory synchronised from a transport (the hub's, or the national axis's):
agencies it lists are added or updated here as directory entries; agencies this installation
hosts keep their own record (the installation is their authority)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from govdoc.exchange.transports.registry import transport_for
from govdoc.organizations.models import Agency
from govdoc.organizations.services.agencies import AgencyData, agency_create, agency_update


@dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int
    unchanged: int
    skipped_hosted: int


def directory_sync(*, agency: Agency, transport: str, actor: Any) -> SyncResult:
    """Read the directory as `agency` sees it on `transport`, and apply it (by `actor`, an
    administrator: the organisations' services check it and journal each change)."""
    entries = transport_for(transport).directory(organ_id=agency.organ_id)
    known = {
        a.organ_id: a for a in Agency.objects.filter(organ_id__in=[e.organ_id for e in entries])
    }
    created = updated = unchanged = hosted = 0
    # Parents first, so that a child finds its parent.
    ordered = sorted(entries, key=lambda e: (bool(e.parent_organ_id), e.organ_id))
    for entry in ordered:
        current = known.get(entry.organ_id)
        if current is not None and current.is_hosted:
            hosted += 1
            continue
        parent = (
            Agency.objects.filter(organ_id=entry.parent_organ_id).first()
            if entry.parent_organ_id
            else None
        )
        data = AgencyData(
            organ_id=entry.organ_id,
            name=entry.name,
            parent_id=parent.pk if parent else None,
            address=entry.address,
            email=entry.email,
            phone=entry.phone,
            is_hosted=False,
            is_active=entry.active,
        )
        if current is None:
            known[entry.organ_id] = agency_create(data=data, actor=actor)
            created += 1
            continue
        data = replace(data, abbreviation=current.abbreviation)
        if AgencyData.of(current).normalized() == data.normalized():
            unchanged += 1
            continue
        agency_update(agency=current, data=data, actor=actor)
        updated += 1
    return SyncResult(created=created, updated=updated, unchanged=unchanged, skipped_hosted=hosted)
