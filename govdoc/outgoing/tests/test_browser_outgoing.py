"""End to end in Chromium against the live server: a specialist drafts the reply to an
incoming document from the công văn template, the unit leader approves the content, the clerk
approves the form, the leader approves and signs, the clerk issues it with the next number;
the other agency on the same installation sees it arrive in its electronic inbox, registers
it, and the sender sees "Đã tiếp nhận". Each persona signs in through the login form."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse

from govdoc.assignments.services import AssigneeInput, incoming_assign
from govdoc.assignments.workflow import HandlingRole
from govdoc.conftest import incoming_input, make_person
from govdoc.documents.models import DocumentType
from govdoc.incoming.models import IncomingDocument, ReceivedDocument
from govdoc.incoming.services import incoming_present, incoming_register
from govdoc.incoming.workflow import Status
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role
from govdoc.outgoing.drafting.pdf_convert import soffice_available
from govdoc.outgoing.models import Draft
from govdoc.outgoing.workflow import DispatchStatus, DraftStatus
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import TestPki
from govdoc.web.tests.conftest import Login

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not soffice_available(), reason="LibreOffice không có"),
]

VIETNAM = dt.timezone(dt.timedelta(hours=7))
# 09:00 of the day the test runs, not a fixed date: the session's test certificates are valid
# from a day before the real time, and the clock is not moved back before them.
TODAY = dt.datetime.now(VIETNAM).replace(hour=9, minute=0, second=0, microsecond=0)
SUBJECT = "Về việc đề nghị hướng dẫn thủ tục giao đất tại huyện Nghi Lộc"
BODY = "Bộ Tài nguyên và Môi trường đề nghị Ủy ban nhân dân tỉnh thực hiện theo quy định."


def _working_day(day: dt.date) -> dt.date:
    while day.weekday() >= 5:  # a due date falls on a working day
        day += dt.timedelta(days=1)
    return day


def _expect(target: Any) -> Any:
    from playwright.sync_api import expect

    return expect(target)


def _submit(button: Locator) -> None:
    with button.page.expect_navigation():
        button.click()


def _sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()


@pytest.fixture
def asked(
    time_machine: Any,
    personas: dict[str, User],
    ministry: Agency,
    other_agency: Agency,
    doc_type: DocumentType,
) -> IncomingDocument:
    """The provincial committee's letter, registered, presented and given to the specialist."""
    time_machine.move_to(TODAY, tick=True)
    incoming = incoming_register(
        agency=ministry,
        data=incoming_input(
            doc_type,
            subject=SUBJECT,
            issuer_id=other_agency.pk,
            issuer_name="",
            issued_date=dt.date(2026, 11, 27),
        ),
        actor=personas["clerk"],
    )
    incoming_present(incoming=incoming, leader=personas["leader"], actor=personas["clerk"])
    incoming_assign(
        incoming=incoming,
        instruction="Vụ Đất đai dự thảo văn bản trả lời.",
        assignees=[
            AssigneeInput(
                role=HandlingRole.LEAD,
                person_id=personas["specialist"].pk,
                due_date=_working_day(TODAY.date() + dt.timedelta(days=3)),
            )
        ],
        actor=personas["leader"],
    )
    return incoming


def test_a_reply_goes_from_the_template_to_the_other_agency_and_is_accepted(
    page: Page,
    login: Login,
    personas: dict[str, User],
    other_agency: Agency,
    asked: IncomingDocument,
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    their_clerk = make_person(
        "vanthunghean", agency=other_agency, roles=[Role.CLERK], full_name="Lê Thị Văn Thư"
    )
    cong_van = DocumentType.objects.get(name="Công văn")

    # given the specialist on the incoming document's page
    login(page, personas["specialist"].username)
    page.goto(reverse("incoming:detail", args=[asked.pk]))
    # when she drafts the reply from the công văn template
    page.get_by_test_id("reply-button").click()
    page.wait_for_url("**/van-ban-di/soan-thao/**")
    page.get_by_label("Loại văn bản").select_option(value=str(cong_van.pk))
    page.locator("#id_signer").select_option(value=str(personas["leader"].pk))
    page.get_by_label("Tạo từ mẫu").check()
    page.get_by_label("Mẫu văn bản").select_option(value="cong_van")
    page.get_by_label("Nội dung văn bản").fill(BODY)
    _submit(page.get_by_role("button", name="Lưu dự thảo"))
    draft = Draft.objects.get()
    assert draft.reply_to_id == asked.pk and draft.template_code == "cong_van"
    assert draft.recipients.get().agency_id == other_agency.pk
    # and submits it
    _submit(page.get_by_role("button", name="Trình duyệt"))
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW
    _sign_out(page)

    # then the unit leader approves the content, the clerk the form
    for person in (personas["unit_head"], personas["clerk"]):
        login(page, person.username)
        page.goto(reverse("outgoing:draft_detail", args=[draft.pk]))
        _submit(page.get_by_test_id("actions").get_by_role("button", name="Duyệt", exact=True))
        _sign_out(page)

    # and the leader approves and signs with his certificate's password
    login(page, personas["leader"].username)
    page.goto(reverse("outgoing:draft_detail", args=[draft.pk]))
    form = page.get_by_test_id("approve-and-sign")
    form.locator('input[name="secret"]').fill(pki.password)
    _submit(form.get_by_role("button", name="Duyệt và ký số"))
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SIGNED
    _sign_out(page)

    # and the clerk issues it: the first number of the year's book
    login(page, personas["clerk"].username)
    page.goto(reverse("outgoing:draft_detail", args=[draft.pk]))
    page.locator("#issue-secret").fill(pki.password)
    _submit(page.get_by_test_id("issue-action").get_by_role("button", name="Phát hành"))
    draft.refresh_from_db()
    assert draft.status == DraftStatus.ISSUED
    code = draft.outgoing.document.code
    assert code == "01/BTNMT-ĐĐ"
    _expect(page.locator("body")).to_contain_text(code)
    _expect(page.get_by_test_id("dispatch-status")).to_have_text("Đã đến")
    _sign_out(page)

    # when the other agency's clerk opens her electronic inbox and registers it
    login(page, their_clerk.username)
    page.get_by_test_id("nav-received").click()
    page.get_by_role("link", name=SUBJECT.replace("Về việc đề nghị", "V/v trả lời")).or_(
        page.get_by_role("link", name=draft.subject)
    ).first.click()
    _submit(page.get_by_test_id("received-register"))
    _submit(page.get_by_role("button", name="Vào sổ"))
    received = ReceivedDocument.objects.get(agency=other_agency)
    assert received.incoming is not None and received.incoming.status == Status.REGISTERED
    _sign_out(page)

    # then the sender sees the recipient has accepted it
    login(page, personas["clerk"].username)
    page.goto(reverse("outgoing:issued_detail", args=[draft.outgoing.pk]))
    _expect(page.get_by_test_id("dispatch-status")).to_have_text("Đã tiếp nhận")
    dispatch = draft.outgoing.dispatches.get()
    assert dispatch.status == DispatchStatus.ACCEPTED
    # and the reply completed the specialist's handling of the incoming document
    asked.refresh_from_db()
    assert asked.status == Status.COMPLETED
