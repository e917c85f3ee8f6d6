"""End to end in Chromium against the live server: the specialist opens a file from this
year's plan, adds the documents of the matter, closes it and submits it for transfer; the
archivist accepts it; the file exported as PDF holds the documents in date order."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from govdoc.conftest import make_person
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role
from govdoc.records.models import CaseFile
from govdoc.records.tests.file_helpers import approved_plan, handled
from govdoc.records.workflow import FileStatus
from govdoc.web.tests.conftest import Login

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = [pytest.mark.browser]


def _expect(target: Any) -> Any:
    from playwright.sync_api import expect

    return expect(target)


def _submit(button: Locator) -> None:
    with button.page.expect_navigation():
        button.click()


def _sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất", include_hidden=True).first.click()


def test_a_file_from_the_plan_to_the_archive(
    page: Page,
    login: Login,
    personas: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
) -> None:
    archivist = make_person(
        "luutru", agency=ministry, roles=[Role.ARCHIVIST], full_name="Đỗ Lưu Trữ"
    )
    plan = approved_plan(ministry, personas, units["DD"])
    # given three documents of the matter the specialist completed, not in date order
    later = handled(
        personas,
        ministry,
        doc_type,
        subject="Về việc kết luận giao đất",
        issued=dt.date(2026, 6, 1),
        number="30",
        pdf_text="NOI DUNG VAN BAN THU BA",
    )
    first = handled(
        personas,
        ministry,
        doc_type,
        subject="Về việc đề nghị giao đất",
        issued=dt.date(2026, 2, 3),
        number="4",
        pdf_text="NOI DUNG VAN BAN THU NHAT",
    )
    middle = handled(
        personas,
        ministry,
        doc_type,
        subject="Về việc thẩm định hồ sơ giao đất",
        issued=dt.date(2026, 4, 9),
        number="12",
        pdf_text="NOI DUNG VAN BAN THU HAI",
    )

    # when the specialist opens the plan's file
    login(page, personas["specialist"].username)
    page.goto(reverse("records:file_open"))
    planned = plan.files.get(notation="01.DD")
    page.get_by_label("Hồ sơ trong danh mục").select_option(value=str(planned.pk))
    _submit(page.get_by_test_id("open-file-form").get_by_role("button", name="Lập hồ sơ"))
    case_file = CaseFile.objects.get()
    _expect(page.get_by_test_id("file-code")).to_have_text(case_file.code)
    # and adds the documents found by a search without diacritics
    page.get_by_placeholder("Số, ký hiệu hoặc trích yếu (không cần dấu)").fill("giao dat")
    _submit(page.get_by_role("button", name="Tìm", exact=True))
    for incoming in (later, first, middle):
        page.locator(f"#doc-{incoming.document_id}").check()
    _submit(page.get_by_role("button", name="Thêm vào hồ sơ"))
    rows = page.get_by_test_id("item-table").locator("tbody tr")
    _expect(rows).to_have_count(3)
    _expect(rows.nth(0)).to_contain_text("Về việc đề nghị giao đất")
    _expect(rows.nth(2)).to_contain_text("Về việc kết luận giao đất")
    # and closes it
    _submit(page.get_by_test_id("close-form").get_by_role("button", name="Kết thúc hồ sơ"))
    _expect(page.get_by_test_id("file-status")).to_have_text("Đã kết thúc")
    # and submits it for transfer
    _submit(page.get_by_test_id("submit-transfer").get_by_role("button", name="Nộp lưu hồ sơ này"))
    _submit(page.get_by_test_id("transfer-form").get_by_role("button", name="Nộp lưu"))
    case_file.refresh_from_db()
    assert case_file.status == FileStatus.SUBMITTED
    _sign_out(page)

    # then the archivist accepts it
    login(page, archivist.username)
    page.goto(reverse("records:transfer_list"))
    page.get_by_test_id("batch-table").get_by_role("link").first.click()
    page.wait_for_url("**/ho-so/nop-luu/*/")
    _submit(page.get_by_role("button", name="Tiếp nhận"))
    _expect(page.get_by_test_id("item-decision")).to_have_text("Đã tiếp nhận")
    case_file.refresh_from_db()
    assert case_file.status == FileStatus.ARCHIVED

    # and the file exported as PDF holds the documents in date order
    page.goto(reverse("records:file_detail", args=[case_file.pk]))
    with page.expect_download() as download:
        page.get_by_test_id("export-pdf").click()
    data = Path(download.value.path()).read_bytes()
    # (the index wraps long subjects over lines: compare with whitespace collapsed)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    positions = [
        text.index(subject)
        for subject in (
            "Về việc đề nghị giao đất",
            "Về việc thẩm định hồ sơ giao đất",
            "Về việc kết luận giao đất",
        )
    ]
    assert positions == sorted(positions)
    bodies = [text.index(f"NOI DUNG VAN BAN THU {n}") for n in ("NHAT", "HAI", "BA")]
    assert bodies == sorted(bodies) and positions[-1] < bodies[0]
