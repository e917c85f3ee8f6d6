"""The downloads of work files through the web, under /ho-so/: a whole file as PDF and XML,
the index of its documents and the index of files as PDF and Excel, the archival package;
each streamed as an attachment and journaled; whoever may not see the file gets 404 for
every one of them, and the index of files lists only what the person sees, filtered like
the /ho-so/ page.

The pages are mounted here as govdoc/records/urls.py will mount them (export_urls under
/ho-so/), ahead of the project's URLs."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import include, path
from lxml import etree
from openpyxl import load_workbook
from pypdf import PdfReader

from config.urls import urlpatterns as project_urls
from govdoc.audit.models import AuditEvent
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, User
from govdoc.records.services.archival_package import verify_package
from govdoc.records.services.files import FileInput, Retention, case_file_open
from govdoc.records.tests.test_file_export import Scenario, build_file
from govdoc.records.views import export_urls

urlpatterns = [
    path("ho-so/", include((export_urls.urlpatterns, "records_exports"))),
    *project_urls,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

Client = Callable[[User], Any]
PER_FILE = ("tai-ve.pdf", "tai-ve.xml", "muc-luc.pdf", "muc-luc.xlsx", "goi-luu-tru.zip")


@pytest.fixture
def scenario(personas: dict[str, User], ministry: Agency, doc_type: DocumentType) -> Scenario:
    return build_file(personas, ministry, doc_type)


def body(response: Any) -> bytes:
    # Reading the whole stream closes the response (and its temporary file).
    return b"".join(response.streaming_content)


def exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="records.export").order_by("pk"))


def test_the_owner_downloads_every_export(
    scenario: Scenario, personas: dict[str, User], client_for: Client
) -> None:
    case_file = scenario.case_file
    web = client_for(personas["specialist"])
    base = f"/ho-so/{case_file.pk}"
    code = case_file.code
    # the whole file as PDF
    answer = web.get(f"{base}/tai-ve.pdf")
    assert answer.status_code == 200 and answer.streaming
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"] == f'attachment; filename="ho-so-{code}.pdf"'
    assert answer["X-Content-Type-Options"] == "nosniff"
    data = body(answer)
    assert int(answer["Content-Length"]) == len(data)
    assert len(PdfReader(io.BytesIO(data)).pages) == 8
    # as XML
    answer = web.get(f"{base}/tai-ve.xml")
    assert answer["Content-Type"] == "application/xml"
    root = etree.fromstring(body(answer))
    assert root.find("CaseFile").get("code") == code
    # the index of its documents
    answer = web.get(f"{base}/muc-luc.pdf")
    assert answer["Content-Disposition"] == f'attachment; filename="muc-luc-van-ban-{code}.pdf"'
    text = PdfReader(io.BytesIO(body(answer))).pages[0].extract_text() or ""
    assert "MỤC LỤC VĂN BẢN" in text
    answer = web.get(f"{base}/muc-luc.xlsx")
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(body(answer))).active is not None
    # the archival package
    answer = web.get(f"{base}/goi-luu-tru.zip")
    assert answer["Content-Type"] == "application/zip"
    package = body(answer)
    assert verify_package(io.BytesIO(package)).ok
    assert zipfile.ZipFile(io.BytesIO(package)).read(f"{code}/bagit.txt").startswith(b"BagIt")
    # the index of files
    answer = web.get("/ho-so/muc-luc.pdf")
    assert answer["Content-Disposition"] == 'attachment; filename="muc-luc-ho-so.pdf"'
    text = " ".join((PdfReader(io.BytesIO(body(answer))).pages[0].extract_text() or "").split())
    assert "MỤC LỤC HỒ SƠ" in text and code in text
    # and each download is journaled, with who took it
    events = exports()
    assert [(e.data["what"], e.data["format"]) for e in events] == [
        ("file", "pdf"),
        ("file", "xml"),
        ("items", "pdf"),
        ("items", "xlsx"),
        ("package", "bagit-zip"),
        ("index", "pdf"),
    ]
    assert {e.actor_id for e in events} == {personas["specialist"].pk}
    assert all(e.target_id == str(case_file.pk) for e in events[:5])


@pytest.mark.parametrize("persona", ["unit_head", "leader", "admin"])
def test_those_who_see_the_file_download_it(
    scenario: Scenario, personas: dict[str, User], client_for: Client, persona: str
) -> None:
    web = client_for(personas[persona])
    answer = web.get(f"/ho-so/{scenario.case_file.pk}/tai-ve.xml")
    assert answer.status_code == 200
    body(answer)
    assert exports()[0].actor_id == personas[persona].pk


@pytest.mark.parametrize("persona", ["clerk", "outsider"])
def test_whoever_does_not_see_the_file_gets_404_for_every_download(
    scenario: Scenario, personas: dict[str, User], client_for: Client, persona: str
) -> None:
    web = client_for(personas[persona])
    for suffix in PER_FILE:
        answer = web.get(f"/ho-so/{scenario.case_file.pk}/{suffix}")
        assert answer.status_code == 404, suffix
    # and the index of files does not list it
    answer = web.get("/ho-so/muc-luc.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(body(answer))).active
    assert sheet is not None
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert scenario.case_file.code not in values
    # and nothing of the file was journaled as taken
    assert [e.data["what"] for e in exports()] == ["index"]


def test_anonymous_visitors_are_sent_to_log_in(scenario: Scenario) -> None:
    from django.test import Client as WebClient

    answer = WebClient().get(f"/ho-so/{scenario.case_file.pk}/tai-ve.pdf")
    assert answer.status_code == 302 and "next=" in answer["Location"]
    assert not exports()


def test_unknown_formats_are_not_found(
    scenario: Scenario, personas: dict[str, User], client_for: Client
) -> None:
    web = client_for(personas["specialist"])
    assert web.get(f"/ho-so/{scenario.case_file.pk}/muc-luc.docx").status_code == 404
    assert web.get("/ho-so/muc-luc.csv").status_code == 404
    assert web.post(f"/ho-so/{scenario.case_file.pk}/tai-ve.xml").status_code == 405
    assert not exports()


def test_the_index_of_files_is_filtered_like_the_files_page(
    scenario: Scenario, personas: dict[str, User], client_for: Client
) -> None:
    older = case_file_open(
        actor=personas["specialist"],
        data=FileInput(title="Hồ sơ năm trước", notation="05.DD", retention=Retention(True)),
        year=2025,
    )
    web = client_for(personas["specialist"])
    answer = web.get("/ho-so/muc-luc.xlsx", {"nam": 2025, "trang_thai": "OPEN"})
    sheet = load_workbook(io.BytesIO(body(answer))).active
    assert sheet is not None
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert older.code in values and scenario.case_file.code not in values
    assert "Năm: 2025 · Trạng thái: Đang lập hồ sơ" in values
    assert exports()[0].data["filters"] == {"Năm": "2025", "Trạng thái": "Đang lập hồ sơ"}


def test_the_api_exports_check_access_and_journal_the_call(
    scenario: Scenario, personas: dict[str, User]
) -> None:
    from django.test import RequestFactory

    from govdoc.api.routers import records_exports as api
    from govdoc.core.errors import NotFound

    def call(user: User) -> Any:
        request = RequestFactory().get("/api/records/")
        request.auth = user  # type: ignore[attr-defined]
        return request

    pk = scenario.case_file.pk
    # the owner's program takes the XML, the package and the index of files
    answer = api.records_file_export(
        call(personas["specialist"]), pk, api.FileExportQuery(format="xml")
    )
    assert answer["Content-Type"] == "application/xml"
    assert etree.fromstring(b"".join(answer.streaming_content)).tag == "CaseFileExport"
    package = b"".join(api.records_file_package(call(personas["specialist"]), pk).streaming_content)
    assert verify_package(io.BytesIO(package)).ok
    answer = api.records_file_index_export(
        call(personas["specialist"]),
        api.FileIndexQuery(format="xlsx", year=2026, mine=True, status="", q=""),
    )
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    assert sheet is not None
    assert scenario.case_file.code in {c.value for row in sheet.iter_rows() for c in row}
    events = exports()
    assert [e.data["what"] for e in events] == ["file", "package", "index"]
    assert all(e.data["via"] == "api" for e in events)
    assert events[2].data["filters"] == {"Hồ sơ": "của tôi", "Năm": "2026"}
    # someone who does not see the file: not found, for each export
    for user in (personas["clerk"], personas["outsider"]):
        with pytest.raises(NotFound):
            api.records_file_export(call(user), pk, api.FileExportQuery(format="pdf"))
        with pytest.raises(NotFound):
            api.records_file_items_export(call(user), pk, api.IndexQuery(format="pdf"))
        with pytest.raises(NotFound):
            api.records_file_package(call(user), pk)
    assert len(exports()) == 3


def test_a_file_damaged_in_storage_is_reported_on_the_files_page(
    scenario: Scenario, personas: dict[str, User], client_for: Client
) -> None:
    from django.core.files.storage import default_storage

    from govdoc.documents.models import DocumentFile

    stored = DocumentFile.objects.get(name="phu-luc-a.pdf").stored
    with open(default_storage.path(stored.storage_name), "ab") as handle:
        handle.write(b"damage")
    web = client_for(personas["specialist"])
    answer = web.get(f"/ho-so/{scenario.case_file.pk}/goi-luu-tru.zip", follow=True)
    assert answer.redirect_chain[0][0] == f"/ho-so/{scenario.case_file.pk}/"
    assert "sai mã băm" in answer.content.decode()
    assert not exports()
