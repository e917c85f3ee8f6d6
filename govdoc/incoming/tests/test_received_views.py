"""The clerk's electronic inbox screens: the waiting list with its counters, the document
page, registration through the prefilled form, return to the sender; and the pages of a
document its sender revoked."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from govdoc.audit.models import AuditEvent
from govdoc.documents.models import DocumentType
from govdoc.incoming.models import IncomingDocument, ReceivedDocument
from govdoc.incoming.received_services import (
    received_refuse,
    received_register,
    received_withdraw,
)
from govdoc.incoming.received_workflow import ReceivedStatus
from govdoc.incoming.tests.received_helpers import SUBJECT, deliver, snapshot
from govdoc.incoming.workflow import Status
from govdoc.organizations.models import Agency, User

pytestmark = pytest.mark.django_db

LIST = "/van-ban-den/dien-tu/"


@pytest.fixture
def received(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> ReceivedDocument:
    return deliver(ministry, other_agency, doc_type)


def _form_data(received: ReceivedDocument, **overrides: Any) -> dict[str, Any]:
    """What the prefilled form posts back when the clerk changes nothing."""
    data: dict[str, Any] = {
        "document_type": received.document_type_id,
        "issuer": received.sender_agency_id,
        "issuer_name": "",
        "code_number": received.code_number,
        "code_notation": received.code_notation,
        "issued_date": received.issued_date.strftime("%d/%m/%Y") if received.issued_date else "",
        "subject": received.subject,
        "signer_name": received.signer_name,
        "signer_position": received.signer_position,
        "priority": str(received.priority),
        "confidentiality": "",
        "to_places": received.to_places,
    }
    data.update(overrides)
    return data


def test_the_clerk_sees_the_waiting_documents_with_counters(
    received: ReceivedDocument,
    ministry: Agency,
    other_agency: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    client_for: Any,
) -> None:
    # given two waiting documents and one already sent back
    deliver(ministry, other_agency, doc_type, ref="outgoing-dispatch:2", subject="Về lịch họp")
    refused = deliver(ministry, other_agency, doc_type, ref="outgoing-dispatch:3")
    received_refuse(received=refused, reason="Gửi nhầm", actor=personas["clerk"])
    client = client_for(personas["clerk"])
    # when the clerk opens the inbox
    response = client.get(LIST)
    assert reverse("incoming:received_list") == LIST
    page = response.content.decode()
    # then the waiting ones are listed with sender, number, subject, urgency and time
    assert response.status_code == 200
    assert "Văn bản điện tử chờ tiếp nhận" in page
    assert page.count('data-testid="received-row"') == 2
    assert 'data-testid="received-count-cho">2<' in page
    assert 'data-testid="received-count-tra-lai">1<' in page
    assert "Ủy ban nhân dân tỉnh Nghệ An" in page and "45/UBND-NN" in page
    assert SUBJECT in page and ">Khẩn<" in page
    local = timezone.localtime(received.received_at)
    assert local.strftime("%d/%m/%Y %H:%M") in page
    # and the navigation shows the counter
    assert re.search(r'data-testid="nav-received-count">2<', page)
    # and the refused tab lists the refused one with its reason
    tab = client.get(LIST + "?trang-thai=tra-lai").content.decode()
    assert tab.count('data-testid="received-row"') == 1 and "Gửi nhầm" in tab


@pytest.mark.parametrize("persona", ["leader", "unit_head", "specialist", "admin"])
def test_only_clerks_have_the_inbox(
    received: ReceivedDocument, personas: dict[str, User], client_for: Any, persona: str
) -> None:
    client = client_for(personas[persona])
    assert client.get(LIST).status_code == 404
    assert client.get(reverse("incoming:received_detail", args=[received.pk])).status_code == 404
    file = received.files.get(role="MAIN")
    url = reverse("incoming:received_file", args=[received.pk, file.pk])
    assert client.get(url).status_code == 404
    before = snapshot()
    client.post(reverse("incoming:received_refuse", args=[received.pk]), {"reason": "x"})
    client.post(reverse("incoming:received_register", args=[received.pk]), _form_data(received))
    assert snapshot() == before
    # and no link in their navigation
    assert 'data-testid="nav-received"' not in client.get("/").content.decode()


def test_another_agencys_clerk_does_not_see_it(
    received: ReceivedDocument, personas: dict[str, User], client_for: Any
) -> None:
    client = client_for(personas["outsider"])
    page = client.get(LIST).content.decode()
    assert 'data-testid="received-row"' not in page
    assert client.get(reverse("incoming:received_detail", args=[received.pk])).status_code == 404


def test_the_document_page_shows_metadata_files_and_the_pdf(
    received: ReceivedDocument, personas: dict[str, User], client_for: Any
) -> None:
    client = client_for(personas["clerk"])
    response = client.get(reverse("incoming:received_detail", args=[received.pk]))
    page = response.content.decode()
    main = received.files.get(role="MAIN")
    file_url = reverse("incoming:received_file", args=[received.pk, main.pk])
    assert response.status_code == 200
    assert SUBJECT in page and "Lê Văn Ký" in page and "000.00.00.H41" in page
    assert "cv-45-ubnd.pdf" in page and "phu-luc.docx" in page
    assert f'<iframe title="Nội dung văn bản" src="{file_url}"' in page
    assert reverse("incoming:received_register", args=[received.pk]) in page
    assert ">Trả lại<" in page
    assert AuditEvent.objects.filter(action="incoming.received.view").count() == 1
    # and the frame's file is the PDF, journaled
    pdf = client.get(file_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    assert AuditEvent.objects.filter(action="file.view").count() == 1


def test_the_clerk_registers_it_through_the_prefilled_form(
    received: ReceivedDocument, personas: dict[str, User], client_for: Any
) -> None:
    client = client_for(personas["clerk"])
    url = reverse("incoming:received_register", args=[received.pk])
    # given the registration form, filled as sent, without file inputs
    form = client.get(url).content.decode()
    assert "Vào sổ văn bản điện tử đến" in form
    assert f'value="{received.code_notation}"' in form and SUBJECT in form
    assert 'name="main_file"' not in form and "cv-45-ubnd.pdf" in form
    # when the clerk saves it as is
    response = client.post(url, _form_data(received))
    # then it is registered and the clerk lands on the incoming document
    incoming = IncomingDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incoming:detail", args=[incoming.pk])
    received.refresh_from_db()
    assert received.status == ReceivedStatus.REGISTERED and received.incoming == incoming
    assert incoming.document.files.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Văn bản điện tử nhận từ Ủy ban nhân dân tỉnh Nghệ An" in page
    assert 'data-testid="arrival-number">01<' in page


def test_a_bad_form_shows_errors_and_changes_nothing(
    received: ReceivedDocument, personas: dict[str, User], client_for: Any
) -> None:
    client = client_for(personas["clerk"])
    before = snapshot()
    response = client.post(
        reverse("incoming:received_register", args=[received.pk]),
        _form_data(received, subject="  ", issued_date="31/02/2026"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="issued_date"' in page
    assert snapshot() == before
    response = client.post(
        reverse("incoming:received_register", args=[received.pk]), _form_data(received, subject="")
    )
    assert 'data-field="subject"' in response.content.decode()
    assert snapshot() == before


def test_the_clerk_sends_it_back(
    received: ReceivedDocument, personas: dict[str, User], client_for: Any
) -> None:
    client = client_for(personas["clerk"])
    url = reverse("incoming:received_refuse", args=[received.pk])
    # a refusal without a reason is refused, nothing changes
    before = snapshot()
    response = client.post(url, {"reason": "  "}, follow=True)
    assert "Vui lòng nhập lý do trả lại." in response.content.decode()
    assert snapshot() == before
    # with a reason the document goes back
    response = client.post(url, {"reason": "Gửi nhầm cơ quan"})
    assert response.status_code == 302 and response["Location"] == LIST
    received.refresh_from_db()
    assert received.status == ReceivedStatus.REFUSED
    page = client.get(reverse("incoming:received_detail", args=[received.pk])).content.decode()
    assert "Đã trả lại nơi gửi" in page and "Gửi nhầm cơ quan" in page
    assert 'data-testid="received-actions"' not in page


def test_a_withdrawn_waiting_document_shows_no_file(
    received: ReceivedDocument, personas: dict[str, User], client_for: Any
) -> None:
    received_withdraw(received=received, reason="Ban hành nhầm")
    client = client_for(personas["clerk"])
    page = client.get(reverse("incoming:received_detail", args=[received.pk])).content.decode()
    assert "Nơi gửi đã thu hồi văn bản" in page and "Ban hành nhầm" in page
    assert "<iframe" not in page
    main = received.files.get(role="MAIN")
    response = client.get(reverse("incoming:received_file", args=[received.pk, main.pk]))
    assert response.status_code == 410
    assert "tệp của văn bản không còn được xem hay tải về" in response.content.decode()


@pytest.mark.parametrize("persona", ["clerk", "leader"])
def test_a_withdrawn_incoming_document_keeps_its_record_not_its_files(
    received: ReceivedDocument, personas: dict[str, User], client_for: Any, persona: str
) -> None:
    # given a registered electronic document its sender then revoked
    incoming = received_register(received=received, data=None, actor=personas["clerk"])
    received_withdraw(received=received, reason="Văn bản ban hành sai thẩm quyền")
    client: Client = client_for(personas[persona])
    # when someone opens its page
    page = client.get(reverse("incoming:detail", args=[incoming.pk])).content.decode()
    # then it shows "Đã thu hồi" with the reason, the record, no content
    assert 'data-testid="status">Đã thu hồi<' in page
    assert "Văn bản ban hành sai thẩm quyền" in page
    assert 'data-testid="arrival-number">01<' in page
    assert "<iframe" not in page and "cv-45-ubnd.pdf" in page
    assert reverse("incoming:file", args=[incoming.pk, 0])[:-2] not in page
    assert "Nơi gửi thu hồi văn bản" in page  # the history
    # and its files are refused with a clear message
    for file in incoming.document.files.all():
        for query in ("", "?tai=1"):
            response = client.get(reverse("incoming:file", args=[incoming.pk, file.pk]) + query)
            assert response.status_code == 410
            assert "Văn bản đã bị nơi gửi thu hồi" in response.content.decode()
    assert not AuditEvent.objects.filter(action__in=["file.view", "file.download"]).exists()
    assert incoming.status == Status.REGISTERED  # the object read before; the row moved on
    incoming.refresh_from_db()
    assert incoming.status == Status.WITHDRAWN


def test_the_list_shows_a_time_in_vietnamese_style(
    ministry: Agency,
    other_agency: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    client_for: Any,
    time_machine: Any,
) -> None:
    time_machine.move_to(
        dt.datetime(2026, 3, 5, 14, 7, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False
    )
    deliver(ministry, other_agency, doc_type)
    page = client_for(personas["clerk"]).get(LIST).content.decode()
    assert "05/03/2026 14:07" in page
