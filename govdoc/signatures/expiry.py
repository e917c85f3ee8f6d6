"""Warning owners before their signing certificates expire.

A daily job (registered in ``SignaturesConfig.ready()``) notifies, for every active
credential whose certificate ends within 30 days, its owner: the person, or for an agency's
credential (its seal) the agency's administrators. One notice per credential and day
(``dedupe_key``), so running the sweep twice the same day notifies nobody twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from govdoc.core.periodic import register_periodic
from govdoc.notifications.services import notify
from govdoc.organizations.models import User
from govdoc.organizations.roles import Role
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.selectors import EXPIRY_WARNING_DAYS, credentials_expiring

EXPIRY_JOB = "signatures.expiry_notices"
EXPIRY_TIME = "07:00"
NOTICE_KIND = "signatures.expiring"


@dataclass(frozen=True, kw_only=True)
class ExpirySweep:
    credentials: int
    notified: int

    def as_dict(self) -> dict[str, int]:
        return {"credentials": self.credentials, "notified": self.notified}


def _recipients(credential: SigningCredential) -> list[Any]:
    if credential.owner_person_id is not None or credential.owner_agency_id is None:
        return [credential.owner_person]
    return list(
        User.objects.filter(
            is_active=True,
            roles__agency_id=credential.owner_agency_id,
            roles__role=Role.ADMIN,
        ).distinct()
    )


NOTICE_STEPS = (30, 7, 1, 0)


def expiry_notices_send(*, now: dt.datetime | None = None) -> ExpirySweep:
    """Notify the owners of credentials expiring within 30 days of ``now``."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    credentials = list(credentials_expiring(within_days=EXPIRY_WARNING_DAYS, now=now))
    notified = 0
    for credential in credentials:
        ends = timezone.localtime(credential.valid_to)
        days_left = (ends.date() - day).days
        # One notice per step (30, 7, 1 days before, and on the day), not one a day; a step
        # the worker missed is sent on the next run.
        step = min(s for s in NOTICE_STEPS if s >= max(days_left, 0))
        when = "hôm nay" if days_left <= 0 else f"sau {days_left} ngày"
        owner = (
            f"của {credential.owner_agency.name}"
            if credential.owner_agency is not None
            else "của bạn"
        )
        url = (
            reverse("signatures:credentials") + f"?co-quan={credential.agency_id}"
            if credential.owner_agency_id is not None
            else ""
        )
        created = notify(
            recipients=_recipients(credential),
            kind=NOTICE_KIND,
            title=f"Chứng thư ký số {owner} hết hạn {when} ({ends:%d/%m/%Y})",
            body=(
                f"Chứng thư số “{credential}” (số hiệu {credential.serial_number}, do "
                f"{credential.issuer} cấp) hết hiệu lực lúc {ends:%H:%M} ngày "
                f"{ends:%d/%m/%Y}. Vui lòng gia hạn hoặc đăng ký chứng thư số mới với quản "
                "trị hệ thống."
            ),
            url=url,
            agency_id=credential.agency_id,
            dedupe_key=f"signatures.expiring:{credential.pk}:{credential.valid_to:%Y%m%d}:{step}",
        )
        notified += len(created)
    return ExpirySweep(credentials=len(credentials), notified=notified)


@task()
def send_expiry_notices(occurrence: str = "") -> dict[str, int]:
    """The daily sweep; ``occurrence`` (ISO 8601) is the scheduled moment it is for."""
    now = dt.datetime.fromisoformat(occurrence) if occurrence else None
    if now is not None and timezone.is_naive(now):
        now = timezone.make_aware(now)
    return expiry_notices_send(now=now).as_dict()


def register_periodic_jobs() -> None:
    """Called by SignaturesConfig.ready(): the sweep daily at 07:00 local time; an
    occurrence found more than 12 hours late is skipped (the next day's follows)."""
    register_periodic(
        EXPIRY_JOB,
        task=send_expiry_notices,
        daily_at=EXPIRY_TIME,
        pass_occurrence=True,
        grace=dt.timedelta(hours=12),
    )
