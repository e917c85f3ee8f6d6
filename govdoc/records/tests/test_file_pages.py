"""The work-file pages through the web: my files, opening from the plan, one file with its
documents, adding, closing and reopening, the unfiled list, the "Hồ sơ" section on a
completed incoming document's page, the leader's dashboard; and who may see what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from govdoc.conftest import make_person
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role
from govdoc.records.models import CaseFile, PlannedFile
from govdoc.records.services.files import FileInput, Retention, case_file_open
from govdoc.records.tests.file_helpers import approved_plan, handled
from govdoc.records.workflow import FileStatus

pytestmark = pytest.mark.django_db

Client = Callable[[User], Any]


def test_the_specialist_files_a_completed_document_from_its_page_and_closes_the_file(
    personas: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
    client_for: Client,
) -> None:
    # given this year's plan and a document the specialist completed
    approved_plan(ministry, personas, units["DD"])
    incoming = handled(personas, ministry, doc_type)
    web = client_for(personas["specialist"])
    # then the navigation counts it as unfiled, and its page asks where it goes
    home = web.get(reverse("web:home")).content.decode()
    assert 'data-testid="nav-unfiled-count">1<' in home
    page = web.get(reverse("incoming:detail", args=[incoming.pk])).content.decode()
    assert 'data-testid="filing-prompt"' in page and "01.DD" in page
    # when they choose the plan's file, the opening page comes with the document
    # (choosing nothing says so and files nothing)
    nothing = web.post(
        reverse("records:file_document", args=[incoming.document_id]),
        {"case_file": ""},
        follow=True,
    )
    assert "Vui lòng chọn hồ sơ để lưu văn bản." in nothing.content.decode()
    target = PlannedFile.objects.get(notation="01.DD")
    moved = web.post(
        reverse("records:file_document", args=[incoming.document_id]),
        {"case_file": f"plan-{target.pk}"},
    )
    assert moved["Location"].endswith(f"?danh_muc={target.pk}&van_ban={incoming.document_id}")
    opened = web.post(
        reverse("records:file_open"),
        {"planned": target.pk, "document": incoming.document_id, "rights": "Hạn chế"},
    )
    assert opened.status_code == 302
    case_file = CaseFile.objects.get()
    assert case_file.items.get().document_id == incoming.document_id
    # and the file's page shows its code, metadata and the document
    detail = web.get(reverse("records:file_detail", args=[case_file.pk])).content.decode()
    assert f"{ministry.organ_id}." in detail and "01.DD" in detail
    assert "Hồ sơ giao đất năm nay" in detail and "20 năm" in detail
    assert incoming.document.subject in detail
    # and nothing is left to file
    assert 'data-testid="nav-unfiled-count"' not in web.get(reverse("web:home")).content.decode()
    # when they close it
    closed = web.post(
        reverse("records:file_close", args=[case_file.pk]),
        {"version": case_file.version, "retention": "20", "work_ended_on": ""},
    )
    case_file.refresh_from_db()
    assert closed.status_code == 302 and case_file.status == FileStatus.CLOSED
    assert case_file.transfer_due is not None


def test_closing_an_empty_file_shows_why_and_changes_nothing(
    personas: dict[str, User], client_for: Client
) -> None:
    case_file = case_file_open(
        actor=personas["specialist"],
        data=FileInput(title="Hồ sơ trống", notation="09.DD", retention=Retention(False, 5)),
    )
    web = client_for(personas["specialist"])
    answer = web.post(
        reverse("records:file_close", args=[case_file.pk]), {"version": case_file.version}
    )
    assert answer.status_code == 400
    assert "Hồ sơ chưa có văn bản nào: không kết thúc được." in answer.content.decode()
    case_file.refresh_from_db()
    assert case_file.status == FileStatus.OPEN


def test_an_ad_hoc_file_with_bad_input_is_refused_with_field_messages(
    personas: dict[str, User], client_for: Client
) -> None:
    web = client_for(personas["specialist"])
    answer = web.post(
        reverse("records:file_open"),
        {
            "title": "",
            "notation": "",
            "retention": "",
            "rights": "Hạn chế",
            "language": "Tiếng Việt",
        },
    )
    assert answer.status_code == 400
    body = answer.content.decode()
    assert "Vui lòng nhập tiêu đề hồ sơ." in body and "Vui lòng chọn thời hạn bảo quản." in body
    assert not CaseFile.objects.exists()


def test_who_sees_a_file(
    personas: dict[str, User], ministry: Agency, units: dict[str, Unit], client_for: Client
) -> None:
    # given the specialist's open file in Vụ Đất đai
    case_file = case_file_open(
        actor=personas["specialist"],
        data=FileInput(title="Hồ sơ riêng", notation="07.DD", retention=Retention(True)),
    )
    archivist = make_person("luutru", agency=ministry, roles=[Role.ARCHIVIST])
    other_specialist = make_person(
        "cvkhac", agency=ministry, roles=[Role.SPECIALIST], unit=units["VP"]
    )
    url = reverse("records:file_detail", args=[case_file.pk])
    expected = {
        personas["specialist"]: 200,
        personas["unit_head"]: 200,
        personas["leader"]: 200,
        personas["admin"]: 200,
        personas["clerk"]: 404,
        other_specialist: 404,
        archivist: 404,  # still open: not the archive's yet
        personas["outsider"]: 404,
    }
    seen = {person: client_for(person).get(url).status_code for person in expected}
    assert seen == expected
    # and the index lists it only for those who see it
    assert (
        "Hồ sơ riêng"
        in client_for(personas["unit_head"]).get(reverse("records:file_index")).content.decode()
    )
    assert (
        "Hồ sơ riêng"
        not in client_for(other_specialist).get(reverse("records:file_index")).content.decode()
    )


def test_only_the_owner_changes_the_file_and_only_their_leader_reopens_it(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType, client_for: Client
) -> None:
    incoming = handled(personas, ministry, doc_type)
    case_file = case_file_open(
        actor=personas["specialist"],
        data=FileInput(title="Hồ sơ A", notation="08.DD", retention=Retention(False, 10)),
    )
    add = reverse("records:file_add", args=[case_file.pk])
    # the unit head sees the file but may not fill it
    refused = client_for(personas["unit_head"]).post(add, {"document": incoming.document_id})
    assert refused.status_code == 403
    assert not case_file.items.exists()
    owner = client_for(personas["specialist"])
    assert owner.post(add, {"document": incoming.document_id}).status_code == 302
    case_file.refresh_from_db()
    owner.post(reverse("records:file_close", args=[case_file.pk]), {"version": case_file.version})
    case_file.refresh_from_db()
    assert case_file.status == FileStatus.CLOSED
    reopen = reverse("records:file_reopen", args=[case_file.pk])
    assert owner.post(reopen, {"reason": "Bổ sung"}).status_code == 403
    page = client_for(personas["unit_head"]).get(
        reverse("records:file_detail", args=[case_file.pk])
    )
    assert 'data-testid="reopen-form"' in page.content.decode()
    assert client_for(personas["unit_head"]).post(reopen, {"reason": "Bổ sung"}).status_code == 302
    case_file.refresh_from_db()
    assert case_file.status == FileStatus.OPEN


def test_the_leaders_dashboard_counts_unfiled_documents_per_person(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType, client_for: Client
) -> None:
    handled(personas, ministry, doc_type, number="1")
    handled(personas, ministry, doc_type, number="2")
    home = client_for(personas["leader"]).get(reverse("web:home")).content.decode()
    assert 'data-testid="unfiled-dashboard"' in home
    assert 'data-testid="unfiled-chuyenvien">2<' in home
    # the specialist sees their own list, not the dashboard
    mine = client_for(personas["specialist"])
    assert 'data-testid="unfiled-dashboard"' not in mine.get(reverse("web:home")).content.decode()
    listing = mine.get(reverse("records:unfiled")).content.decode()
    assert listing.count("data-document=") == 2
