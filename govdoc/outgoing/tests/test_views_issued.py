"""After issuance, from the issued document's page: the follow-up of each recipient, the
clerk's posting record and e-mail retry, revocation / replacement / update with a reason,
copies (sao y, trích sao) with their signed files, the signature check; and the default
circuits for the agency's administrator."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from govdoc.organizations.models import User
from govdoc.outgoing.inputs import RecipientInput
from govdoc.outgoing.models import (
    CircuitTemplate,
    Dispatch,
    DocumentCopy,
    OutgoingChange,
    OutgoingDocument,
)
from govdoc.outgoing.workflow import DispatchStatus, Method, OutgoingStatus, RecipientKind
from govdoc.registers.models import RegisterEntry
from govdoc.signatures.models import PdfVerification
from govdoc.signatures.testing_pki import TestPki

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Any]

BY_POST = RecipientInput(
    kind=RecipientKind.OTHER, name="Công ty Đo đạc Miền Bắc", address="12 Láng Hạ, Hà Nội"
)
BY_MAIL = RecipientInput(
    kind=RecipientKind.OTHER, name="Ông Nguyễn Văn Dân", email="dan@example.test"
)


@pytest.fixture
def issue(issue: Callable[..., OutgoingDocument]) -> Callable[..., OutgoingDocument]:
    """Issued as in conftest, the work queued after commit (e-mails) not run."""
    return functools.partial(issue, on_commit=False)


def _url(name: str, outgoing: OutgoingDocument, *args: int) -> str:
    return reverse(f"outgoing:{name}", args=[outgoing.pk, *args])


def test_the_follow_up_shows_each_recipient_with_its_history(
    personas: dict[str, User], issue: Callable[..., OutgoingDocument], client_for: ClientFor
) -> None:
    outgoing = issue()
    page = client_for(personas["specialist"]).get(_url("issued_detail", outgoing)).content.decode()
    (dispatch,) = outgoing.dispatches.all()
    assert f'data-dispatch="{dispatch.pk}"' in page
    assert dispatch.get_status_display() in page and "Lịch sử (" in page
    assert "Chờ gửi" in page  # the first event


def test_the_clerk_records_the_posting_of_a_copy(
    personas: dict[str, User], issue: Callable[..., OutgoingDocument], client_for: ClientFor
) -> None:
    outgoing = issue(recipients=(BY_POST,))
    dispatch = outgoing.dispatches.get()
    assert dispatch.method == Method.POST and dispatch.status == DispatchStatus.QUEUED
    url = _url("dispatch_post", outgoing, dispatch.pk)
    page = client_for(personas["clerk"]).get(_url("issued_detail", outgoing)).content.decode()
    assert url in page
    # when the drafter tries, 404
    assert client_for(personas["specialist"]).post(url, {"postal_receipt": "1"}).status_code == 404
    # when the receipt number is too long, the field says so and nothing changes
    response = client_for(personas["clerk"]).post(url, {"postal_receipt": "9" * 60})
    assert response.status_code == 400
    assert 'data-field="postal_receipt"' in response.content.decode()
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.QUEUED
    # when the clerk records it
    response = client_for(personas["clerk"]).post(
        url, {"postal_receipt": "RR123456789VN", "postage": "25.000 đ"}
    )
    # then the delivery is sent, with its receipt
    assert response.status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.SENT and dispatch.postal_receipt == "RR123456789VN"
    assert dispatch.events.filter(status=DispatchStatus.SENT).exists()


def test_a_failed_email_is_sent_again(
    personas: dict[str, User], issue: Callable[..., OutgoingDocument], client_for: ClientFor
) -> None:
    outgoing = issue(recipients=(BY_MAIL,))
    dispatch = outgoing.dispatches.get()
    Dispatch.objects.filter(pk=dispatch.pk).update(
        status=DispatchStatus.FAILED, reason="Máy chủ thư không trả lời"
    )
    url = _url("dispatch_retry", outgoing, dispatch.pk)
    page = client_for(personas["clerk"]).get(_url("issued_detail", outgoing)).content.decode()
    assert "Máy chủ thư không trả lời" in page and url in page
    assert client_for(personas["leader"]).post(url).status_code == 404
    response = client_for(personas["clerk"]).post(url)
    assert response.status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.status in (DispatchStatus.QUEUED, DispatchStatus.SENT)
    # and a delivery that did not fail cannot be retried: the message shows
    response = client_for(personas["clerk"]).post(url)
    assert response.status_code == 409
    assert "Chỉ gửi lại được thư điện tử gửi không thành công." in response.content.decode()


def test_revocation_needs_a_reason_and_freezes_the_document(
    personas: dict[str, User], issue: Callable[..., OutgoingDocument], client_for: ClientFor
) -> None:
    outgoing = issue()
    url = _url("outgoing_change", outgoing)
    # when the specialist tries, 404
    assert (
        client_for(personas["specialist"]).post(url, {"kind": "REVOKE", "reason": "x"}).status_code
        == 404
    )
    # when the clerk gives no reason
    response = client_for(personas["clerk"]).post(url, {"kind": "REVOKE", "reason": ""})
    assert response.status_code == 400
    assert 'data-field="reason">Vui lòng ghi lý do.' in response.content.decode()
    assert not OutgoingChange.objects.exists()
    # when with a reason
    response = client_for(personas["clerk"]).post(
        url, {"kind": "REVOKE", "reason": "Ban hành sai thẩm quyền"}
    )
    assert response.status_code == 302
    outgoing.refresh_from_db()
    assert outgoing.status == OutgoingStatus.REVOKED
    page = client_for(personas["clerk"]).get(_url("issued_detail", outgoing)).content.decode()
    assert "Ban hành sai thẩm quyền" in page and 'data-testid="change-form"' not in page
    assert 'data-testid="copy-form"' not in page


def test_a_replacement_names_the_replacing_document(
    personas: dict[str, User], issue: Callable[..., OutgoingDocument], client_for: ClientFor
) -> None:
    first = issue()
    second = issue(subject="Về việc thay thế văn bản số 01")
    url = _url("outgoing_change", first)
    # when the replacement is not chosen
    response = client_for(personas["clerk"]).post(url, {"kind": "REPLACE", "reason": "Sai số liệu"})
    assert response.status_code == 400
    assert 'data-field="replacement"' in response.content.decode()
    # when it is
    response = client_for(personas["clerk"]).post(
        url, {"kind": "REPLACE", "reason": "Sai số liệu", "replacement": second.pk}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == OutgoingStatus.REPLACED
    # and the replacing document's page says what it replaces
    page = client_for(personas["clerk"]).get(_url("issued_detail", second)).content.decode()
    assert 'data-testid="replaces"' in page and "01/QĐ-BTNMT" in page


def test_the_clerk_makes_a_signed_copy_and_an_extract(
    personas: dict[str, User],
    issue: Callable[..., OutgoingDocument],
    pki: TestPki,
    client_for: ClientFor,
) -> None:
    outgoing = issue()
    url = _url("copy_make", outgoing)
    clerk = client_for(personas["clerk"])
    # when the drafter tries, 404
    assert client_for(personas["specialist"]).post(url, {"kind": "SY"}).status_code == 404
    # when an extract names pages the document does not have, nothing is numbered
    response = clerk.post(url, {"kind": "TrS", "pages": "3-4", "secret": pki.password})
    assert response.status_code == 400
    assert 'data-field="pages">Văn bản có 1 trang' in response.content.decode()
    assert not DocumentCopy.objects.exists()
    # when a sao y is made
    response = clerk.post(url, {"kind": "SY", "recipients": "Vụ Pháp chế", "secret": pki.password})
    # then it has its number in the copies book and is signed
    assert response.status_code == 302
    copy = DocumentCopy.objects.get()
    assert copy.code == "01/SY-BTNMT" and copy.signed is not None
    page = clerk.get(_url("issued_detail", outgoing)).content.decode()
    assert "Đã sao văn bản: bản sao số 01/SY-BTNMT." in page
    # and its signed file is served to the document's viewers
    file_url = _url("copy_file", outgoing, copy.pk)
    response = client_for(personas["specialist"]).get(file_url + "?tai=1")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert client_for(personas["outsider"]).get(file_url).status_code == 404


def test_a_copy_whose_signature_failed_keeps_its_number_and_is_signed_again(
    personas: dict[str, User],
    issue: Callable[..., OutgoingDocument],
    pki: TestPki,
    client_for: ClientFor,
) -> None:
    outgoing = issue()
    clerk = client_for(personas["clerk"])
    response = clerk.post(_url("copy_make", outgoing), {"kind": "SY", "secret": "sai"})
    assert response.status_code == 400
    assert "Bản sao đã được cấp số 01/SY-BTNMT" in response.content.decode()
    copy = DocumentCopy.objects.get()
    assert copy.signed is None
    entries = RegisterEntry.objects.count()
    response = clerk.post(_url("copy_sign", outgoing, copy.pk), {"secret": pki.password})
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.signed is not None and RegisterEntry.objects.count() == entries


def test_the_signatures_are_checked_and_the_result_kept(
    personas: dict[str, User], issue: Callable[..., OutgoingDocument], client_for: ClientFor
) -> None:
    outgoing = issue()
    client = client_for(personas["specialist"])
    response = client.post(_url("issued_verify", outgoing))
    assert response.status_code == 302
    verification = PdfVerification.objects.get()
    page = client.get(_url("issued_detail", outgoing)).content.decode()
    assert f'data-outcome="{verification.outcome}"' in page
    assert client_for(personas["outsider"]).post(_url("issued_verify", outgoing)).status_code == 404


def test_the_administrator_sets_the_default_circuit(
    personas: dict[str, User], client_for: ClientFor, doc_type: Any, units: Any
) -> None:
    admin = client_for(personas["admin"])
    # the list shows the built-in default and each type
    page = admin.get(reverse("outgoing:circuits")).content.decode()
    assert "Mọi loại chưa có quy trình riêng" in page and doc_type.name in page
    url = reverse("outgoing:circuit_edit", args=[doc_type.pk])
    page = admin.get(url).content.decode()
    assert 'name="s0-kind"' in page and "Lãnh đạo đơn vị soạn thảo" in page
    # when a step names a unit leader without the unit
    response = admin.post(
        url,
        {
            "name": "Quy trình quyết định",
            "s0-stage": "1",
            "s0-kind": "CONTENT",
            "s0-rule": "UNIT_LEADER",
        },
    )
    assert response.status_code == 400
    assert "Bước 1: chọn một đơn vị của cơ quan." in response.content.decode()
    assert not CircuitTemplate.objects.exists()
    # when it is complete
    response = admin.post(
        url,
        {
            "name": "Quy trình quyết định",
            "s0-stage": "1",
            "s0-kind": "CONTENT",
            "s0-rule": "DRAFTING_UNIT_LEADER",
            "s1-stage": "2",
            "s1-kind": "FORM",
            "s1-rule": "UNIT_LEADER",
            "s1-unit": units["VP"].pk,
            "s2-stage": "",
            "s2-kind": "",
            "s2-rule": "",
        },
    )
    assert response.status_code == 302
    template = CircuitTemplate.objects.get()
    assert template.document_type == doc_type
    assert [(s.stage, s.kind, s.rule) for s in template.steps.all()] == [
        (1, "CONTENT", "DRAFTING_UNIT_LEADER"),
        (2, "FORM", "UNIT_LEADER"),
    ]
    # and no one else may open the page
    for name in ("clerk", "leader", "outsider"):
        assert client_for(personas[name]).get(reverse("outgoing:circuits")).status_code == 404
