"""The register screen: persona matrix, default period, downloads, bad input."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from govdoc.audit.models import AuditEvent
from govdoc.incoming.services import incoming_annul
from govdoc.organizations.models import Agency, Unit, User
from govdoc.reports import services
from govdoc.reports.tests.conftest import Register
from govdoc.reports.xlsx import FIRST_DATA_ROW, HEADER_ROW

pytestmark = pytest.mark.django_db

URL = reverse("reports:incoming_register")


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def test_url_is_under_bao_cao() -> None:
    assert URL == "/bao-cao/so-van-ban-den/"


@pytest.mark.parametrize("persona", ["clerk", "leader", "admin"])
@pytest.mark.parametrize("fmt", ["html", "pdf", "xlsx"])
def test_agency_wide_readers_get_every_format(
    persona: str, fmt: str, personas: dict[str, User], client_for: Any, register: Register
) -> None:
    # given one document registered today
    register()
    # when an agency-wide reader asks for the book in this format
    response = client_for(personas[persona]).get(URL, {"format": fmt})
    # then it is served
    assert response.status_code == 200
    expected = {
        "html": "text/html",
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    assert response["Content-Type"].startswith(expected)
    if fmt != "html":
        assert response["Content-Disposition"].startswith("attachment; filename=")
    exports = AuditEvent.objects.filter(action="incoming.export", actor=personas[persona])
    assert exports.count() == (0 if fmt == "html" else 1)


@pytest.mark.parametrize("persona", ["unit_head", "specialist"])
@pytest.mark.parametrize("fmt", ["html", "pdf", "xlsx"])
def test_unit_head_and_specialist_get_404_and_nothing_is_journaled(
    persona: str, fmt: str, personas: dict[str, User], client_for: Any, register: Register
) -> None:
    register()
    response = client_for(personas[persona]).get(URL, {"format": fmt})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="incoming.export").exists()


@pytest.mark.parametrize("fmt", ["html", "pdf", "xlsx"])
def test_outsider_never_reaches_the_ministry_book(
    fmt: str,
    personas: dict[str, User],
    other_agency: Agency,
    client_for: Any,
    register: Register,
) -> None:
    # given a ministry document, and the outsider: a clerk of another agency
    register(subject="Về việc giao đất cho Bộ")
    # when the outsider opens the register
    response = client_for(personas["outsider"]).get(URL, {"format": fmt})
    # then the only book they reach is their own agency's, without the ministry's line
    assert response.status_code == 200
    if fmt == "html":
        body = response.content.decode()
        assert response.context["book"].agency_id == other_agency.pk
        assert response.context["book"].count == 0
        assert "Về việc giao đất cho Bộ" not in body
    elif fmt == "pdf":
        text = _pdf_text(response.content)
        assert "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN" in text
        assert "BỘ TÀI NGUYÊN" not in text and "giao đất cho Bộ" not in text
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        assert sheet["A1"].value == "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"
        assert sheet.max_row < FIRST_DATA_ROW
    if fmt != "html":
        event = AuditEvent.objects.get(action="incoming.export")
        assert event.agency_id == other_agency.pk and event.data["count"] == 0


def test_person_without_agency_gets_404(ministry: Agency, client_for: Any) -> None:
    loner = User.objects.create_user(username="khach", password="x-unused-123")
    assert client_for(loner).get(URL).status_code == 404


def test_anonymous_is_sent_to_login() -> None:
    from django.test import Client

    response = Client().get(URL)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_screen_defaults_to_this_year_and_previews_the_book(
    personas: dict[str, User], client_for: Any, register: Register
) -> None:
    # given a document of today and one annulled
    register(subject="Về việc cấp giấy chứng nhận quyền sử dụng đất")
    annulled = register()
    incoming_annul(incoming=annulled, reason="Đăng ký trùng", actor=personas["clerk"])
    # when the clerk opens the screen without parameters
    response = client_for(personas["clerk"]).get(URL)
    body = response.content.decode()
    # then the form shows 1 January of this year to today, the buttons and both lines
    today = timezone.localdate()
    assert f'value="01/01/{today.year}"' in body
    assert f'value="{today:%d/%m/%Y}"' in body
    assert "Tải PDF" in body and "Tải Excel" in body
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in body
    assert "Về việc cấp giấy chứng nhận quyền sử dụng đất" in body
    assert "Đã hủy: Đăng ký trùng" in body
    assert response.context["book"].count == 2


def test_pdf_download_holds_title_number_and_vietnamese_subject(
    personas: dict[str, User], client_for: Any, register: Register
) -> None:
    # given one document of 10/02/2025
    register(on=dt.date(2025, 2, 10), subject="Về việc kiểm kê đất đai, lập bản đồ hiện trạng")
    # when the clerk downloads February as PDF
    response = client_for(personas["clerk"]).get(
        URL, {"date_from": "01/02/2025", "date_to": "28/02/2025", "format": "pdf"}
    )
    # then the file is named after the period and its text is the book
    assert response["Content-Disposition"] == (
        'attachment; filename="so-van-ban-den_2025-02-01_2025-02-28.pdf"'
    )
    text = _pdf_text(response.content)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "10/02/2025 01 " in text
    assert "Về việc kiểm kê đất đai, lập bản đồ hiện trạng" in text
    event = AuditEvent.objects.get(action="incoming.export")
    assert event.data["date_from"] == "2025-02-01" and event.data["count"] == 1


def test_xlsx_download_has_one_row_per_document_with_the_annulled_one(
    personas: dict[str, User], client_for: Any, register: Register
) -> None:
    # given three documents of February, one annulled, and one of March
    register(on=dt.date(2025, 2, 10))
    annulled = register(on=dt.date(2025, 2, 11))
    register(on=dt.date(2025, 2, 12))
    register(on=dt.date(2025, 3, 1))
    incoming_annul(incoming=annulled, reason="Nhầm cơ quan", actor=personas["clerk"])
    # when the leader downloads February as Excel
    response = client_for(personas["leader"]).get(
        URL, {"date_from": "01/02/2025", "date_to": "28/02/2025", "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    # then the header row and three lines, the annulled one noted
    assert [c.value for c in sheet[HEADER_ROW]][:2] == ["Ngày đến", "Số đến"]
    lines = list(sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True))
    assert [line[1] for line in lines] == [1, 2, 3]
    assert lines[1][9] == "Đã hủy: Nhầm cơ quan"


@pytest.mark.parametrize("fmt", ["html", "pdf", "xlsx"])
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "32/13/2025"}, "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."),
        ({"date_to": "hôm qua"}, "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."),
        (
            {"date_from": "31/03/2025", "date_to": "01/03/2025"},
            "“Đến ngày” phải bằng hoặc sau “Từ ngày”.",
        ),
    ],
)
def test_bad_dates_show_a_vietnamese_error_and_no_file(
    fmt: str,
    params: dict[str, str],
    message: str,
    personas: dict[str, User],
    client_for: Any,
    register: Register,
) -> None:
    register()
    # when the clerk asks with a bad date
    response = client_for(personas["clerk"]).get(URL, {**params, "format": fmt})
    # then the form comes back with the error, no file, nothing journaled
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    assert message in response.content.decode()
    assert response.context["book"] is None
    assert not AuditEvent.objects.filter(action="incoming.export").exists()


def test_unknown_format_is_refused_on_the_form(personas: dict[str, User], client_for: Any) -> None:
    response = client_for(personas["clerk"]).get(URL, {"format": "docx"})
    assert response.status_code == 200
    assert "Định dạng không hợp lệ" in response.content.decode()
    assert not AuditEvent.objects.filter(action="incoming.export").exists()


def test_screen_reads_the_rows_with_a_constant_number_of_queries(
    personas: dict[str, User], units: dict[str, Unit], client_for: Any, register: Register
) -> None:
    # given 5 documents, then 30
    client = client_for(personas["clerk"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured.captured_queries)

    receivers = {
        "receiving_unit_id": units["DD"].pk,
        "receiving_person_id": personas["specialist"].pk,
    }
    for _ in range(5):
        register(**receivers)
    with_5 = queries()
    for _ in range(25):
        register(**receivers)
    with_30 = queries()
    # then the screen costs the same number of queries
    assert with_5 == with_30


def test_refusal_without_a_field_shows_on_top_of_the_form(
    personas: dict[str, User], client_for: Any, register: Register, monkeypatch: Any
) -> None:
    # given a book longer than one PDF may hold
    monkeypatch.setattr(services, "PDF_MAX_ROWS", 1)
    register()
    register()
    # when the clerk asks for the PDF
    response = client_for(personas["clerk"]).get(URL, {"format": "pdf"})
    # then the form says why, in Vietnamese, and no file is sent
    assert response["Content-Type"].startswith("text/html")
    assert "quá nhiều để tạo một tệp PDF" in response.content.decode()
