"""Asking a recipient agency to give a document back, from the issued document's page and
from the API: who may, the reason required, the answer shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from govdoc.api.tests.conftest import api_client, key_for
from govdoc.exchange.models import OutboxPacket
from govdoc.incoming.models import ReceivedDocument
from govdoc.incoming.received_workflow import ReceivedStatus
from govdoc.organizations.models import Agency, User
from govdoc.outgoing.models import OutgoingDocument
from govdoc.outgoing.workflow import DispatchStatus

pytestmark = pytest.mark.django_db

__all__ = ["api_client", "key_for"]  # fixtures


def _action_url(outgoing: OutgoingDocument) -> str:
    (dispatch,) = outgoing.dispatches.all()
    return reverse("outgoing:dispatch_action", args=[outgoing.pk, dispatch.pk, "lay-lai"])


def test_the_clerk_asks_for_the_document_back_from_its_page(
    personas: dict[str, User],
    other_agency: Agency,
    issue: Callable[..., OutgoingDocument],
    client_for: Callable[[User], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a document waiting in the other agency's inbox
    outgoing = issue()
    clerk = client_for(personas["clerk"])
    page = clerk.get(reverse("outgoing:issued_detail", args=[outgoing.pk]))
    # then its page offers the clerk to ask for it back, with a reason
    assert 'data-testid="dispatch-action-lay-lai"' in page.content.decode()
    assert "Yêu cầu lấy lại văn bản" in page.content.decode()
    # when the clerk sends the form without a reason
    packets = OutboxPacket.objects.count()
    refused = clerk.post(_action_url(outgoing), {"reason": "  "})
    # then the page says why, and nothing was sent
    assert refused.status_code == 400
    assert "Vui lòng ghi lý do." in refused.content.decode()
    assert OutboxPacket.objects.count() == packets
    # when the clerk gives a reason
    with django_capture_on_commit_callbacks(execute=True):
        done = clerk.post(_action_url(outgoing), {"reason": "Gửi nhầm nơi nhận"})
    # then the document is taken back there, and the delivery shows it withdrawn
    assert done.status_code == 302
    (dispatch,) = outgoing.dispatches.all()
    assert dispatch.status == DispatchStatus.WITHDRAWN
    received = ReceivedDocument.objects.get(agency=other_agency)
    assert received.status == ReceivedStatus.WITHDRAWN
    assert received.withdrawal_reason == "Gửi nhầm nơi nhận"
    # and the action is no longer offered
    page = clerk.get(reverse("outgoing:issued_detail", args=[outgoing.pk]))
    assert 'data-testid="dispatch-action-lay-lai"' not in page.content.decode()


def test_a_specialist_is_not_offered_the_action_and_cannot_post_it(
    personas: dict[str, User],
    issue: Callable[..., OutgoingDocument],
    client_for: Callable[[User], Any],
) -> None:
    outgoing = issue()
    specialist = client_for(personas["specialist"])
    page = specialist.get(reverse("outgoing:issued_detail", args=[outgoing.pk]))
    assert 'data-testid="dispatch-action-lay-lai"' not in page.content.decode()
    packets = OutboxPacket.objects.count()
    assert specialist.post(_action_url(outgoing), {"reason": "x"}).status_code == 404
    assert OutboxPacket.objects.count() == packets


def test_the_api_lists_and_runs_the_take_back(
    personas: dict[str, User],
    other_agency: Agency,
    issue: Callable[..., OutgoingDocument],
    api_client: Callable[[User], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    outgoing = issue()
    leader = api_client(personas["leader"])
    body = leader.get(f"/api/outgoing/documents/{outgoing.pk}").json()
    (dispatch,) = body["dispatches"]
    assert "lay-lai" in dispatch["actions"]
    url = f"/api/outgoing/dispatches/{dispatch['id']}/actions/lay-lai"
    # without a reason: 400 with the field
    refused = leader.post(url, {"reason": ""}, content_type="application/json")
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    # an action that does not exist: 404
    assert (
        leader.post(
            f"/api/outgoing/dispatches/{dispatch['id']}/actions/khong-co",
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    # a specialist: 404
    specialist = api_client(personas["specialist"])
    assert specialist.post(url, {"reason": "x"}, content_type="application/json").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        done = leader.post(url, {"reason": "Gửi nhầm"}, content_type="application/json")
    assert done.status_code == 200
    assert ReceivedDocument.objects.get(agency=other_agency).status == ReceivedStatus.WITHDRAWN
    assert leader.get(f"/api/outgoing/documents/{outgoing.pk}").json()["dispatches"][0][
        "status"
    ] == (DispatchStatus.WITHDRAWN)
    # asked again once withdrawn: the action is gone (404)
    assert leader.post(url, {"reason": "Lại"}, content_type="application/json").status_code == 404
