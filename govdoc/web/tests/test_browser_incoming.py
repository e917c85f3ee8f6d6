"""End to end in Chromium against the live server: the clerk signs in, registers an incoming
document with its PDF, finds it again without diacritics, and prints the register; the form's
refusals; the list on a phone."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from govdoc.conftest import incoming_input, make_pdf
from govdoc.documents.models import DocumentFile, DocumentType, Priority
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_register
from govdoc.incoming.workflow import Medium
from govdoc.organizations.models import Agency, User
from govdoc.registers.models import RegisterEntry
from govdoc.web.tests.conftest import Login

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SUBJECT = "Về việc giao đất đai cho dự án khu dân cư Đông Anh"
ISSUER = "Sở Tài nguyên và Môi trường Hà Nội"
OTHER_SUBJECT = "Về việc báo cáo tình hình sử dụng đất"
GOVDOC_RED = "rgb(139, 26, 26)"  # .bg-govdoc in web/govdoc.css
BOOTSTRAP_BLUE = "rgb(13, 110, 253)"  # Bootstrap 5's .btn-primary


def _expect(target: Any) -> Any:
    # Imported late so that a machine without Playwright skips instead of failing collection.
    from playwright.sync_api import expect

    return expect(target)


def _vn(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _pdf_text(data: bytes) -> str:
    # Table cells wrap, so the words of one phrase may sit on different lines.
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())


def _open_registration(page: Page) -> None:
    page.get_by_role("link", name="Vào sổ văn bản đến").first.click()
    page.wait_for_url("**/van-ban-den/vao-so/")
    _expect(page.get_by_role("heading", name="Vào sổ văn bản đến")).to_be_visible()


def _fill_registration(
    page: Page,
    doc_type: DocumentType,
    *,
    pdf: Path | None,
    subject: str = SUBJECT,
    urgency: str = "Khẩn",
    confidentiality: str = "Không mật",
    medium: str = "Văn bản điện tử",
) -> None:
    page.get_by_role("group", name="Hình thức").get_by_role("radio", name=medium).check()
    page.get_by_label("Loại văn bản").select_option(label=doc_type.name)
    page.get_by_label("Hoặc nhập tên cơ quan ban hành").fill(ISSUER)
    page.get_by_label("Số", exact=True).fill("15")
    page.get_by_label("Ký hiệu").fill("QĐ-STNMT")
    page.get_by_label("Ngày văn bản").fill(_vn(timezone.localdate() - dt.timedelta(days=2)))
    page.get_by_label("Trích yếu").fill(subject)
    page.get_by_label("Độ khẩn").select_option(label=urgency)
    page.get_by_label("Độ mật").select_option(label=confidentiality)
    if pdf is not None:
        page.get_by_label("Tệp văn bản chính").set_input_files(pdf)


def _submit_registration(page: Page) -> None:
    # The server answers every POST with a new page: the document, or the form with errors.
    with page.expect_navigation():
        page.get_by_role("button", name="Vào sổ", exact=True).click()


def test_clerk_registers_finds_and_prints_an_incoming_document(
    page: Page,
    login: Login,
    clerk: User,
    ministry: Agency,
    doc_type: DocumentType,
    tmp_path: Path,
) -> None:
    # given another document already in the book, which the search must leave out
    earlier = incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, subject=OTHER_SUBJECT, code_number="99"),
        actor=clerk,
    )
    # and the clerk signed in through the login page, with the scanned letter as a PDF file
    pdf = tmp_path / "qd-15-stnmt.pdf"
    pdf.write_bytes(make_pdf("Quyet dinh 15/QD-STNMT"))
    login(page, clerk.username)

    # when she registers it through the form
    _open_registration(page)
    _fill_registration(page, doc_type, pdf=pdf, medium="Văn bản giấy (bản quét)")
    _submit_registration(page)

    # then she lands on the document page, which shows the arrival number and what she typed
    page.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))
    incoming = IncomingDocument.objects.select_related("document").exclude(pk=earlier.pk).get()
    number = incoming.display_arrival_number
    _expect(page.get_by_test_id("arrival-number")).to_have_text(number)
    _expect(page.get_by_role("alert").filter(has_text="Đã vào sổ văn bản đến")).to_contain_text(
        f"số đến {number}"
    )
    _expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)
    _expect(page.get_by_test_id("files")).to_contain_text("qd-15-stnmt.pdf")
    # and what was stored is what she typed, the file included
    assert incoming.document.subject == SUBJECT
    assert incoming.document.priority == Priority.URGENT
    assert incoming.document.issuer_name == ISSUER
    assert incoming.medium == Medium.PAPER
    main = DocumentFile.objects.select_related("stored").get(document=incoming.document)
    assert (main.role, main.name) == ("MAIN", "qd-15-stnmt.pdf")
    assert main.stored.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()

    # when she searches the list without diacritics
    page.get_by_role("link", name="Văn bản đến", exact=True).click()
    page.wait_for_url("**/van-ban-den/")
    page.get_by_label("Tìm nhanh").fill("dat dai dong anh")
    with page.expect_navigation():
        page.get_by_role("button", name="Lọc").click()

    # then the document is the one row found, with its number and urgency badge
    table = page.get_by_test_id("incoming-table")
    rows = table.locator("tbody tr")
    _expect(rows).to_have_count(1)
    _expect(rows.first).to_contain_text(SUBJECT)
    _expect(rows.first.get_by_role("link", name=number, exact=True)).to_be_visible()
    _expect(rows.first.locator(".priority-badge")).to_have_text("Khẩn")
    _expect(table).not_to_contain_text(OTHER_SUBJECT)

    # when she opens it from the list, she sees the same number
    rows.first.get_by_role("link", name=SUBJECT).click()
    page.wait_for_url(f"**/van-ban-den/{incoming.pk}/")
    _expect(page.get_by_test_id("arrival-number")).to_have_text(number)

    # when she downloads today's register as a PDF with her session
    today = _vn(timezone.localdate())
    query = f"date_from={today}&date_to={today}&format=pdf"
    response = page.request.get(f"{reverse('reports:incoming_register')}?{query}")

    # then the printed book holds the line: arrival date, number, and the subject with diacritics
    assert response.ok, f"{response.status} {response.text()[:500]}"
    assert response.headers["content-type"].startswith("application/pdf")
    text = _pdf_text(response.body())
    assert f"{today} {number}" in text
    assert SUBJECT in text
    assert ISSUER in text
    # and the earlier line too: the book is complete, not just the search result
    assert OTHER_SUBJECT in text


def test_registration_with_missing_fields_shows_vietnamese_errors_and_registers_nothing(
    page: Page, login: Login, clerk: User, doc_type: DocumentType, tmp_path: Path
) -> None:
    # given the clerk on the registration form
    pdf = tmp_path / "cv.pdf"
    pdf.write_bytes(make_pdf())
    login(page, clerk.username)
    _open_registration(page)

    # when she saves it without a subject and without the file
    _fill_registration(page, doc_type, pdf=None, subject="")
    _submit_registration(page)

    # then the form comes back with Vietnamese errors beside the fields
    page.wait_for_url("**/van-ban-den/vao-so/")
    subject_error = page.locator('.field-error[data-field="subject"]')
    _expect(subject_error).to_have_text("Vui lòng nhập trích yếu.")
    _expect(page.get_by_role("alert").filter(has_text="Vui lòng nhập trích yếu.")).to_be_visible()
    # and what she typed is still there, so she only fixes what is missing
    _expect(page.get_by_label("Hoặc nhập tên cơ quan ban hành")).to_have_value(ISSUER)
    _expect(page.get_by_label("Ký hiệu")).to_have_value("QĐ-STNMT")
    _expect(page.get_by_role("radio", name="Văn bản điện tử")).to_be_checked()
    _expect(page.get_by_test_id("form-errors")).to_contain_text("chưa hợp lệ")
    # and nothing was registered: no document, no number taken from the book
    assert IncomingDocument.objects.count() == 0
    assert RegisterEntry.objects.count() == 0

    # when she adds the subject but still attaches no file
    page.get_by_label("Trích yếu").fill(SUBJECT)
    _submit_registration(page)

    # then the form asks for the file, and still nothing is registered
    _expect(page.locator('.field-error[data-field="main_file"]')).to_have_text(
        "Vui lòng chọn tệp văn bản."
    )
    _expect(page.locator('.field-error[data-field="subject"]')).to_have_count(0)
    _expect(page.get_by_label("Trích yếu")).to_have_value(SUBJECT)
    assert IncomingDocument.objects.count() == 0
    assert RegisterEntry.objects.count() == 0


def test_secret_document_is_refused_with_the_reason(
    page: Page, login: Login, clerk: User, doc_type: DocumentType, tmp_path: Path
) -> None:
    # given the clerk filling in a complete registration of a document marked "Mật"
    pdf = tmp_path / "mat.pdf"
    pdf.write_bytes(make_pdf())
    login(page, clerk.username)
    _open_registration(page)
    _fill_registration(page, doc_type, pdf=pdf, confidentiality="Mật")

    # when she saves it
    _submit_registration(page)

    # then it is refused with the rule, on the form, and nothing is registered
    page.wait_for_url("**/van-ban-den/vao-so/")
    refusal = page.locator('.field-error[data-field="confidentiality"]')
    _expect(refusal).to_contain_text("Văn bản mang độ mật (Mật)")
    _expect(refusal).to_contain_text("không được xử lý trên hệ thống mạng")
    assert IncomingDocument.objects.count() == 0
    assert RegisterEntry.objects.count() == 0


def test_urgent_document_shows_its_badge_in_the_list(
    page: Page, login: Login, clerk: User, ministry: Agency, doc_type: DocumentType
) -> None:
    # given one urgent and one ordinary document in the book
    urgent = incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, subject=SUBJECT, priority=Priority.URGENT),
        actor=clerk,
    )
    incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, subject=OTHER_SUBJECT, code_number="16"),
        actor=clerk,
    )

    # when the clerk opens the list
    login(page, clerk.username)
    page.goto(reverse("incoming:list"))

    # then the urgent row carries the "Khẩn" badge and the ordinary row none
    rows = page.get_by_test_id("incoming-table").locator("tbody tr")
    _expect(rows).to_have_count(2)
    urgent_row = rows.filter(has_text=SUBJECT)
    badge = urgent_row.locator(".priority-badge")
    _expect(badge).to_be_visible()
    _expect(badge).to_have_text("Khẩn")
    _expect(urgent_row.get_by_role("link", name=urgent.display_arrival_number)).to_be_visible()
    ordinary_row = rows.filter(has_text=OTHER_SUBJECT)
    _expect(ordinary_row.locator(".priority-badge")).to_have_count(0)


def test_pages_render_with_their_stylesheets(page: Page, login: Login, clerk: User) -> None:
    # given the clerk signed in on a desktop screen
    login(page, clerk.username)

    # when she opens the list
    page.goto(reverse("incoming:list"))

    # then Bootstrap and the house stylesheet apply (the page fixture also fails on any
    # static file that does not load)
    navbar = page.get_by_role("navigation", name="Điều hướng chính")
    _expect(navbar).to_have_css("background-color", GOVDOC_RED)
    _expect(page.get_by_role("button", name="Mở menu")).to_be_hidden()
    _expect(page.get_by_role("link", name="Văn bản đến", exact=True)).to_be_visible()
    _expect(page.get_by_role("button", name="Lọc")).to_have_css("background-color", BOOTSTRAP_BLUE)


def test_list_is_usable_at_phone_width(
    phone_page: Page, login: Login, clerk: User, ministry: Agency, doc_type: DocumentType
) -> None:
    # given a registered urgent document and the clerk on a 375 px wide phone
    incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, subject=SUBJECT, priority=Priority.URGENT),
        actor=clerk,
    )
    page = phone_page
    login(page, clerk.username)

    # when she opens the list
    page.goto(reverse("incoming:list"))

    # then the menu collapses behind the toggler, which opens it
    toggler = page.get_by_role("button", name="Mở menu")
    _expect(toggler).to_be_visible()
    menu_link = page.get_by_role("link", name="Văn bản đến", exact=True)
    _expect(menu_link).to_be_hidden()
    toggler.click()
    _expect(menu_link).to_be_visible()
    # and the table renders its row with the essential columns, the minor ones hidden
    table = page.get_by_test_id("incoming-table")
    _expect(table).to_be_visible()
    row = table.locator("tbody tr").filter(has_text=SUBJECT)
    _expect(row).to_be_visible()
    _expect(row.locator(".priority-badge")).to_be_visible()
    _expect(table.get_by_role("columnheader", name="Số đến")).to_be_visible()
    _expect(table.get_by_role("columnheader", name="Ngày đến")).to_be_hidden()
    # and the page itself does not scroll sideways (a wide table scrolls inside its box)
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 375, f"page is {page_width} px wide on a 375 px screen"


def test_wrong_password_shows_a_vietnamese_error(page: Page, clerk: User) -> None:
    # given the login page
    page.goto(reverse("login"))

    # when the clerk types a wrong password
    page.get_by_label("Tên đăng nhập").fill(clerk.username)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()

    # then she stays on the login page with a Vietnamese error, and is not signed in
    _expect(page).to_have_url(re.compile(r"/dang-nhap/$"))
    _expect(page.get_by_role("alert")).to_contain_text("mật khẩu")
    _expect(page.get_by_role("alert")).to_contain_text("chính xác")
    _expect(page.get_by_role("button", name="Đăng xuất", include_hidden=True)).to_have_count(0)
    page.goto(reverse("incoming:list"))
    _expect(page).to_have_url(re.compile(r"/dang-nhap/\?next="))
