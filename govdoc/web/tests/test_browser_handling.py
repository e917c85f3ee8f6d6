"""End to end in Chromium against the live server, on a fixed working day (Tuesday
01/12/2026, the server's clock moved there): the clerk presents an urgent incoming document
to the leader, the leader sees it under "Xử lý" and assigns Vụ Đất đai with an instruction
and a deadline, the unit's leader gives it to a specialist, the specialist reports progress
with a file and completes it, and the leader's report counts it completed on time. Each
persona signs in through the login form. Also the queue page at phone width."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse

from govdoc.assignments.models import Assignment, HandlingHistory, ProgressNote
from govdoc.assignments.services import AssigneeInput, assignment_sub_assign, incoming_assign
from govdoc.assignments.workflow import AssignmentStatus, HandlingRole
from govdoc.conftest import incoming_input, make_pdf
from govdoc.documents.models import DocumentType, Priority
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_present, incoming_register
from govdoc.incoming.workflow import Status
from govdoc.organizations.models import Agency, Unit, User
from govdoc.web.tests.conftest import PHONE, Login

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser

# Tuesday 01/12/2026 09:00 in Hà Nội, a working day; the deadlines are later that week.
TODAY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
UNIT_DUE = "04/12/2026"
SPECIALIST_DUE = "03/12/2026"
SUBJECT = "Về việc giao đất đai cho dự án khu dân cư Đông Anh"
INSTRUCTION = "Giao Vụ Đất đai chủ trì, tham mưu văn bản trả lời trước ngày 04/12."
PROGRESS = "Đã kiểm tra hồ sơ thực địa, đang dự thảo văn bản trả lời."
RESULT = "Đã trình Bộ trưởng ký văn bản trả lời số 125/BTNMT-ĐĐ."


def _expect(target: Any) -> Any:
    # Imported late so that a machine without Playwright skips instead of failing collection.
    from playwright.sync_api import expect

    return expect(target)


@pytest.fixture
def working_day(time_machine: Any) -> None:
    """The server's clock (the live server runs in this process) on a Tuesday morning; it
    keeps ticking, so sessions and tokens behave as on any day."""
    time_machine.move_to(TODAY, tick=True)


@pytest.fixture
def urgent_document(
    working_day: None, personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> IncomingDocument:
    """Registered by the clerk this morning (registration itself: test_browser_incoming)."""
    return incoming_register(
        agency=ministry,
        data=incoming_input(
            doc_type,
            subject=SUBJECT,
            priority=Priority.URGENT,
            issued_date=dt.date(2026, 11, 27),
        ),
        actor=personas["clerk"],
    )


def _sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/dang-nhap/**")


def _submit(button: Locator) -> None:
    # Every action is a POST answered with a redirect to the document's page.
    with button.page.expect_navigation():
        button.click()


def _success(page: Page, text: str) -> None:
    _expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def _assignment(page: Page, assignment: Assignment) -> Locator:
    return page.locator(f'[data-testid="assignment"][data-assignment="{assignment.pk}"]')


def _open(item: Locator, summary: str) -> Locator:
    """Open one of an assignment's action sections (a <details>) and return it."""
    section = item.locator("details").filter(
        has=item.page.locator("summary", has_text=re.compile(f"^{summary}$"))
    )
    section.locator("summary").click()
    return section


def _queue_row(page: Page) -> Locator:
    return page.get_by_test_id("queue-table").locator("tbody tr").filter(has_text=SUBJECT)


def test_an_urgent_document_goes_from_the_clerk_to_completion_on_time(
    page: Page,
    login: Login,
    personas: dict[str, User],
    units: dict[str, Unit],
    urgent_document: IncomingDocument,
    tmp_path: Path,
) -> None:
    incoming = urgent_document
    detail = reverse("incoming:detail", args=[incoming.pk])
    leader, unit_head, specialist = (
        personas["leader"],
        personas["unit_head"],
        personas["specialist"],
    )

    # given the clerk signed in, on the document's page opened from the list
    login(page, personas["clerk"].username)
    page.get_by_role("link", name="Văn bản đến", exact=True).click()
    page.wait_for_url("**/van-ban-den/")
    page.get_by_test_id("incoming-table").get_by_role("link", name=SUBJECT).click()
    page.wait_for_url(f"**{detail}")
    _expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)

    # when she presents it to the leader
    page.get_by_label("Trình lãnh đạo").select_option(value=str(leader.pk))
    page.get_by_label("Ghi chú (không bắt buộc)").fill("Kính trình đồng chí cho ý kiến.")
    _submit(page.get_by_test_id("clerk-actions").get_by_role("button", name="Trình ngay"))

    # then the page says so, and the document waits for the leader
    _success(page, f"Đã trình văn bản cho {leader}")
    _expect(page.get_by_test_id("presented")).to_contain_text("Đã trình Trần Văn Lãnh Đạo")
    incoming.refresh_from_db()
    assert incoming.status == Status.PRESENTED and incoming.presented_to == leader
    _sign_out(page)

    # when the leader signs in
    login(page, leader.username)

    # then "Xử lý" counts the document, and the tab of documents presented to her lists it
    _expect(page.get_by_test_id("nav-queue-count")).to_have_text("1")
    page.get_by_test_id("nav-queue").click()
    page.wait_for_url("**/xu-ly/")
    tab = page.get_by_test_id("queue-tabs").locator('[data-queue="trinh"]')
    _expect(tab.get_by_test_id("count-trinh")).to_contain_text("1")
    tab.click()
    page.wait_for_url("**/xu-ly/trinh/")
    row = _queue_row(page)
    _expect(row).to_have_count(1)
    _expect(row.locator(".priority-badge")).to_have_text("Khẩn")

    # when she opens it, writes her instruction and gives Vụ Đất đai the lead with a deadline
    row.get_by_role("link", name=SUBJECT).click()
    page.wait_for_url(f"**{detail}")
    form = page.get_by_test_id("assign-form")
    _expect(form.get_by_test_id("assign-urgent")).to_be_visible()
    form.get_by_label("Ý kiến chỉ đạo").fill(INSTRUCTION)
    line = form.get_by_role("group", name="Dòng 1")
    _expect(line.get_by_label("Vai trò")).to_have_value(HandlingRole.LEAD)
    line.get_by_label("Đơn vị").select_option(label="Vụ Đất đai")
    line.get_by_label("Hạn xử lý").fill(UNIT_DUE)
    _submit(form.get_by_role("button", name="Ghi ý kiến và phân công"))

    # then the instruction and the assignment show, as recorded
    _success(page, "Đã ghi ý kiến chỉ đạo và phân công xử lý.")
    _expect(page.get_by_test_id("instructions")).to_contain_text(INSTRUCTION)
    unit_work = Assignment.objects.get(incoming=incoming)
    assert (unit_work.role, unit_work.assignee_unit) == (HandlingRole.LEAD, units["DD"])
    assert unit_work.due_date == dt.date(2026, 12, 4) and unit_work.assigned_by == leader
    item = _assignment(page, unit_work)
    _expect(item).to_contain_text("Vụ Đất đai")
    _expect(item.get_by_test_id("due")).to_have_text(f"Hạn {UNIT_DUE}")
    _sign_out(page)

    # when the unit's leader signs in, the work waits in their queue
    login(page, unit_head.username)
    _expect(page.get_by_test_id("nav-queue-count")).to_have_text("1")
    page.get_by_test_id("nav-queue").click()
    page.wait_for_url("**/xu-ly/")
    _expect(page.get_by_test_id("count-cho-xu-ly")).to_contain_text("1")
    row = _queue_row(page)
    _expect(row.get_by_test_id("deadline")).to_contain_text(UNIT_DUE)
    _expect(row.get_by_test_id("deadline")).to_contain_text("còn 3 ngày làm việc")

    # and they give it to the specialist within the unit, a day earlier
    row.get_by_role("link", name=SUBJECT).click()
    page.wait_for_url(f"**{detail}")
    section = _open(_assignment(page, unit_work), "Giao trong đơn vị")
    line = section.get_by_role("group", name="Dòng 1")
    _expect(line.get_by_label("Vai trò")).to_have_value(HandlingRole.LEAD)
    line.get_by_label("Cá nhân").select_option(label="Phạm Thị Chuyên (ĐĐ)")
    line.get_by_label("Hạn xử lý").fill(SPECIALIST_DUE)
    _submit(section.get_by_role("button", name="Giao việc"))

    # then the specialist's assignment hangs under the unit's
    _success(page, "Đã giao việc trong đơn vị.")
    mine = Assignment.objects.get(parent=unit_work)
    assert mine.assignee_person == specialist and mine.due_date == dt.date(2026, 12, 3)
    _expect(_assignment(page, mine)).to_have_attribute("data-depth", "1")
    _sign_out(page)

    # when the specialist signs in, the work waits in "Chờ xử lý"
    login(page, specialist.username)
    _expect(page.get_by_test_id("nav-queue-count")).to_have_text("1")
    page.get_by_test_id("nav-queue").click()
    page.wait_for_url("**/xu-ly/")
    _expect(page.locator('[data-queue="cho-xu-ly"]')).to_have_attribute("aria-current", "page")
    _expect(page.get_by_test_id("count-cho-xu-ly")).to_contain_text("1")
    row = _queue_row(page)
    _expect(row).to_contain_text("Lê Văn Trưởng")
    row.get_by_role("link", name=SUBJECT).click()
    page.wait_for_url(f"**{detail}")

    # and she reports progress with a file
    pdf = tmp_path / "bien-ban-kiem-tra.pdf"
    pdf.write_bytes(make_pdf("Bien ban kiem tra"))
    item = _assignment(page, mine)
    section = _open(item, "Báo cáo tiến độ")
    section.get_by_label("Nội dung tiến độ").fill(PROGRESS)
    section.get_by_label(re.compile("^Tệp đính kèm")).set_input_files(pdf)
    _submit(section.get_by_role("button", name="Ghi tiến độ"))

    # then the note and its file show, and the work is in progress
    _success(page, "Đã ghi tiến độ xử lý.")
    item = _assignment(page, mine)
    progress = item.get_by_test_id("progress")
    _expect(progress).to_contain_text(PROGRESS)
    _expect(progress.get_by_role("link", name="bien-ban-kiem-tra.pdf")).to_be_visible()
    _expect(item.get_by_test_id("status")).to_have_text("Đang xử lý")
    note = ProgressNote.objects.get(assignment=mine)
    assert [a.name for a in note.attachments.all()] == ["bien-ban-kiem-tra.pdf"]

    # when she completes it with the result
    section = _open(item, "Hoàn thành")
    section.get_by_label("Kết quả xử lý").fill(RESULT)
    _submit(section.locator("form").get_by_role("button", name="Hoàn thành"))

    # then her work, the unit's and the document are completed, on time
    _success(page, "Đã hoàn thành xử lý.")
    item = _assignment(page, mine)
    _expect(item.get_by_test_id("on-time")).to_have_text("Hoàn thành đúng hạn")
    _expect(item.get_by_test_id("result")).to_contain_text(RESULT)
    _expect(page.get_by_test_id("status").first).to_have_text("Đã hoàn thành")
    mine.refresh_from_db()
    unit_work.refresh_from_db()
    incoming.refresh_from_db()
    assert mine.status == unit_work.status == AssignmentStatus.COMPLETED
    assert mine.completed_late is False and unit_work.completed_late is False
    assert incoming.status == Status.COMPLETED
    assert list(
        HandlingHistory.objects.filter(incoming=incoming).values_list("action", flat=True)
    ) == ["assign", "sub_assign", "progress", "complete"]
    _sign_out(page)

    # when the leader opens the report "Tình hình giải quyết văn bản đến" for the period
    login(page, leader.username)
    page.get_by_role("button", name="Sổ, báo cáo").click()
    page.get_by_role("link", name="Tình hình giải quyết văn bản đến").click()
    page.wait_for_url("**/bao-cao/tinh-hinh-giai-quyet/**")
    page.get_by_label("Từ ngày").fill("01/12/2026")
    page.get_by_label("Đến ngày").fill("01/12/2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Xem", exact=True).click()

    # then Vụ Đất đai received one, completed on time, none late or open: 100% on time
    _expect(page.get_by_test_id("report-title")).to_have_text("TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN")
    table = page.get_by_test_id("units-table")
    _expect(table.locator("thead th")).to_have_text(
        [
            "Đơn vị",
            "Tổng số nhận",
            "Hoàn thành đúng hạn",
            "Hoàn thành quá hạn",
            "Đang xử lý trong hạn",
            "Quá hạn chưa hoàn thành",
            "Tỷ lệ đúng hạn",
        ]
    )
    land = table.locator("tbody tr").filter(has_text="Vụ Đất đai")
    _expect(land).to_have_count(1)
    _expect(land.locator("td")).to_have_text(["1", "1", "0", "0", "0", "100,0%"])


def test_the_queue_fits_a_phone_screen(
    phone_page: Page,
    login: Login,
    personas: dict[str, User],
    units: dict[str, Unit],
    urgent_document: IncomingDocument,
) -> None:
    # given work waiting for the specialist, given through the services
    incoming_present(incoming=urgent_document, leader=personas["leader"], actor=personas["clerk"])
    (unit_work,) = incoming_assign(
        incoming=urgent_document,
        instruction=INSTRUCTION,
        assignees=[
            AssigneeInput(
                role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=dt.date(2026, 12, 4)
            )
        ],
        actor=personas["leader"],
    )
    assignment_sub_assign(
        assignment=unit_work,
        assignees=[
            AssigneeInput(
                role=HandlingRole.LEAD,
                person_id=personas["specialist"].pk,
                due_date=dt.date(2026, 12, 3),
            )
        ],
        actor=personas["unit_head"],
    )
    page = phone_page
    login(page, personas["specialist"].username)

    # when she opens her queue on a 375 px wide phone
    page.goto(reverse("assignments:queue"))

    # then the row shows its urgency and deadline under the title
    row = _queue_row(page)
    _expect(row).to_have_count(1)
    _expect(row.locator(".priority-badge")).to_be_visible()
    _expect(row.get_by_text("Hạn 03/12/2026")).to_be_visible()
    # and the page itself does not scroll sideways (the tabs scroll inside their own box)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width} px wide on a {PHONE['width']} px screen"
    body = page.evaluate("document.body.scrollWidth")
    assert body <= PHONE["width"], f"body is {body} px wide on a {PHONE['width']} px screen"
