"""The daily warning before signing certificates expire."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from govdoc.conftest import make_person
from govdoc.core.periodic import registry
from govdoc.notifications.models import Notification
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role
from govdoc.signatures import services
from govdoc.signatures.expiry import (
    EXPIRY_JOB,
    NOTICE_KIND,
    expiry_notices_send,
    send_expiry_notices,
)
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import PASSWORD, make_signer

pytestmark = pytest.mark.django_db


def _register(actor: User, *, days: int, **owner: Any) -> SigningCredential:
    return services.credential_register_pkcs12(
        actor=actor, p12_bytes=make_signer(days=days).pkcs12, password=PASSWORD, **owner
    )


def test_the_owner_is_notified_30_days_before_expiry(personas: dict[str, User]) -> None:
    # Given the leader's certificate ending in 20 days, and another in 90
    soon = _register(personas["admin"], days=20, owner_person=personas["leader"])
    _register(personas["admin"], days=90, owner_person=personas["specialist"])
    # When the sweep runs
    sweep = expiry_notices_send()
    # Then only the leader is told, in Vietnamese, with the date
    assert sweep.as_dict() == {"credentials": 1, "notified": 1}
    notice = Notification.objects.get()
    assert notice.recipient == personas["leader"] and notice.kind == NOTICE_KIND
    assert "hết hạn sau" in notice.title
    assert f"{timezone.localtime(soon.valid_to):%d/%m/%Y}" in notice.title
    assert notice.dedupe_key == f"signatures.expiring:{soon.pk}:{soon.valid_to:%Y%m%d}:30"


def test_an_agency_seal_notifies_the_agency_administrators(
    personas: dict[str, User], ministry: Agency
) -> None:
    # Given a second administrator and an agency certificate ending in 5 days
    second = make_person("quantri2", agency=ministry, roles=[Role.ADMIN])
    _register(personas["admin"], days=5, owner_agency=ministry)
    # When the sweep runs, then both administrators (and nobody else) are told
    expiry_notices_send()
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {personas["admin"].pk, second.pk}
    assert Notification.objects.filter(url__startswith="/chu-ky-so/").count() == 2


def test_notices_come_30_7_and_1_days_before_and_on_the_day(personas: dict[str, User]) -> None:
    # Given a certificate ending in 20 days, and the sweep run every day until it ends
    _register(personas["admin"], days=20, owner_person=personas["leader"])
    now = timezone.now()
    expiry_notices_send(now=now)
    # Then a second run the same day notifies nobody
    assert expiry_notices_send(now=now).notified == 0
    for day in range(1, 20):
        expiry_notices_send(now=now + dt.timedelta(days=day))
    # the last run before it ends, on its last day
    expiry_notices_send(now=now + dt.timedelta(days=20) - dt.timedelta(minutes=5))
    # and the owner was told at the 30-day step (the first run), then 7 and 1 days before
    # and on the day: four notices, not twenty
    steps = sorted(
        int(str(key).rsplit(":", 1)[1])
        for key in Notification.objects.values_list("dedupe_key", flat=True)
    )
    assert steps == [0, 1, 7, 30]


def test_expired_or_deactivated_credentials_are_not_notified(
    personas: dict[str, User],
) -> None:
    credential = _register(personas["admin"], days=10, owner_person=personas["leader"])
    assert expiry_notices_send(now=timezone.now() + dt.timedelta(days=11)).credentials == 0
    services.credential_deactivate(actor=personas["admin"], credential=credential)
    assert expiry_notices_send().credentials == 0
    assert not Notification.objects.exists()


def test_the_job_is_registered_daily_and_its_task_runs(personas: dict[str, User]) -> None:
    # Given the app registered its job
    job = next(job for job in registry.jobs() if job.name == EXPIRY_JOB)
    assert job.daily_at == dt.time(7, 0) and job.pass_occurrence
    # When the task runs for an occurrence (immediate backend in tests)
    _register(personas["admin"], days=20, owner_person=personas["leader"])
    result = send_expiry_notices.enqueue(occurrence=timezone.now().isoformat())
    # Then the sweep ran
    assert result.return_value == {"credentials": 1, "notified": 1}
