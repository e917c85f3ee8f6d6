"""The e-mail task, run through the task backend (immediate in tests) as the worker runs it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django_tasks import TaskResultStatus

from govdoc.notifications.models import Notification
from govdoc.notifications.services import notify
from govdoc.notifications.tasks import send_notification_email
from govdoc.organizations.models import User

pytestmark = pytest.mark.django_db


def test_the_task_sends_once_however_often_it_runs(
    people: dict[str, User], notify_kwargs: dict[str, Any]
) -> None:
    # given a notification whose e-mail is not sent yet
    [notification] = notify(recipients=[people["clerk"]], email=False, **notify_kwargs)
    # when its task is queued twice (a retry, or two workers)
    first = send_notification_email.enqueue(notification.pk)
    second = send_notification_email.enqueue(notification.pk)
    # then both succeed, one message went, and the row is stamped
    assert first.status == second.status == TaskResultStatus.SUCCESSFUL
    assert (first.return_value, second.return_value) == (True, False)
    assert [m.to for m in mail.outbox] == [["vanthu@btnmt.gov.vn"]]
    assert Notification.objects.get(pk=notification.pk).email_sent_at is not None
