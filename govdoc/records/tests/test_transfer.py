"""Transfer to the agency archive: submitting closed files, the archivist accepting or
returning each, the forms, the 30-day notices, keeping a file longer; refusals leave nothing
written."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from govdoc.conftest import make_person
from govdoc.core.errors import Forbidden, InvalidTransition, ValidationFailed
from govdoc.documents.models import DocumentType
from govdoc.notifications.models import Notification
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role
from govdoc.records.models import CaseFile, TransferBatch
from govdoc.records.services.files import (
    ClosingReview,
    FileInput,
    Retention,
    case_file_add_documents,
    case_file_close,
    case_file_open,
)
from govdoc.records.services.transfer import (
    keep_decide,
    keep_request,
    transfer_accept,
    transfer_notices,
    transfer_return,
    transfer_submit,
)
from govdoc.records.tests.file_helpers import handled
from govdoc.records.workflow import BatchStatus, FileStatus, KeepStatus

pytestmark = pytest.mark.django_db


def _closed(
    personas: dict[str, User],
    ministry: Agency,
    doc_type: DocumentType,
    *,
    notation: str,
    retention: Retention,
    ended: dt.date = dt.date(2025, 10, 1),
) -> CaseFile:
    incoming = handled(personas, ministry, doc_type, number=notation[:2])
    case_file = case_file_open(
        actor=personas["specialist"],
        data=FileInput(title=f"Hồ sơ {notation}", notation=notation, retention=retention),
    )
    case_file_add_documents(
        case_file=case_file, document_ids=[incoming.document_id], actor=personas["specialist"]
    )
    case_file.refresh_from_db()
    return case_file_close(
        case_file=case_file,
        actor=personas["specialist"],
        review=ClosingReview(version=case_file.version, work_ended_on=ended),
    )


@pytest.fixture
def archivist(ministry: Agency) -> User:
    return make_person("luutru", agency=ministry, roles=[Role.ARCHIVIST], full_name="Đỗ Lưu Trữ")


def test_closed_files_go_to_the_archive_which_accepts_or_returns_each(
    personas: dict[str, User],
    ministry: Agency,
    doc_type: DocumentType,
    archivist: User,
    client_for: Callable[[User], Any],
) -> None:
    first = _closed(personas, ministry, doc_type, notation="01.DD", retention=Retention(True))
    second = _closed(personas, ministry, doc_type, notation="02.DD", retention=Retention(False, 10))
    # when the specialist submits both
    batch = transfer_submit(actor=personas["specialist"], case_file_ids=[first.pk, second.pk])
    # then they wait for the archive, numbered 1 this year, and the archivist is told
    assert (batch.number, batch.status) == (1, BatchStatus.SUBMITTED)
    assert set(CaseFile.objects.values_list("status", flat=True)) == {FileStatus.SUBMITTED}
    assert Notification.objects.filter(recipient=archivist, kind="records.transfer").exists()
    # only the archivist decides
    item_one, item_two = batch.items.order_by("position")
    with pytest.raises(Forbidden):
        transfer_accept(item=item_one, actor=personas["leader"])
    with pytest.raises(ValidationFailed):
        transfer_return(item=item_two, actor=archivist, reason=" ")
    transfer_accept(item=item_one, actor=archivist)
    transfer_return(item=item_two, actor=archivist, reason="Thiếu văn bản kết thúc công việc")
    # then the first is archived and frozen, the second back with its owner, the batch closed
    first.refresh_from_db()
    second.refresh_from_db()
    batch.refresh_from_db()
    assert first.status == FileStatus.ARCHIVED and first.archived_at is not None
    assert second.status == FileStatus.CLOSED
    assert second.history.filter(action="return", note__contains="Thiếu văn bản").exists()
    assert batch.status == BatchStatus.CLOSED and batch.received_by == archivist
    with pytest.raises(InvalidTransition):
        case_file_add_documents(case_file=first, document_ids=[1], actor=personas["specialist"])
    with pytest.raises(InvalidTransition):
        transfer_accept(item=item_one, actor=archivist)
    # and the forms: the list of files handed over and the record with its totals
    web = client_for(archivist)
    listing = web.get(reverse("records:transfer_form", args=[batch.pk, "muc-luc"]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(listing.content)).pages)
    assert "MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU" in text and "01.DD" in text and "02.DD" not in text
    record = web.get(reverse("records:transfer_form", args=[batch.pk, "bien-ban"]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(record.content)).pages)
    assert "Tổng số hồ sơ giao nộp: 2 hồ sơ; đã tiếp nhận: 1 hồ sơ" in text
    assert "Tổng số tệp tin" in text


def test_open_short_or_foreign_files_cannot_be_submitted(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    open_file = case_file_open(
        actor=personas["specialist"],
        data=FileInput(title="Đang lập", notation="03.DD", retention=Retention(True)),
    )
    short = _closed(personas, ministry, doc_type, notation="04.DD", retention=Retention(False, 3))
    with pytest.raises(ValidationFailed) as error:
        transfer_submit(actor=personas["specialist"], case_file_ids=[open_file.pk, short.pk])
    assert "chưa kết thúc" in error.value.message and "dưới 5 năm" in error.value.message
    assert not TransferBatch.objects.exists()
    assert CaseFile.objects.get(pk=short.pk).status == FileStatus.CLOSED
    with pytest.raises(Forbidden):
        transfer_submit(actor=personas["clerk"], case_file_ids=[short.pk])


def test_owners_are_told_30_days_before_once(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    case_file = _closed(
        personas,
        ministry,
        doc_type,
        notation="05.DD",
        retention=Retention(False, 10),
        ended=dt.date(2025, 12, 20),
    )
    assert case_file.transfer_due == dt.date(2026, 12, 20)
    # 31 days before: nothing; 30 days before: one notice; the next day: no second one
    assert transfer_notices(today=dt.date(2026, 11, 19)) == 0
    assert transfer_notices(today=dt.date(2026, 11, 20)) == 1
    assert transfer_notices(today=dt.date(2026, 11, 21)) == 0
    notice = Notification.objects.get(kind="records.transfer_due")
    assert notice.recipient == personas["specialist"] and "20/12/2026" in notice.title


def test_keeping_a_file_longer_is_at_most_two_years_and_decided_by_the_leader(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    case_file = _closed(
        personas,
        ministry,
        doc_type,
        notation="06.DD",
        retention=Retention(True),
        ended=dt.date(2025, 6, 1),
    )
    assert case_file.transfer_due == dt.date(2026, 6, 1)
    with pytest.raises(ValidationFailed) as error:
        keep_request(
            case_file=case_file,
            actor=personas["specialist"],
            until=dt.date(2028, 6, 2),
            reason="Còn tra cứu",
        )
    assert "tối đa 2 năm" in error.value.fields["until"]
    request = keep_request(
        case_file=case_file,
        actor=personas["specialist"],
        until=dt.date(2027, 6, 1),
        reason="Còn phục vụ thanh tra",
    )
    with pytest.raises(Forbidden):
        keep_decide(request=request, actor=personas["unit_head"], approve=True)
    with pytest.raises(ValidationFailed):
        keep_decide(request=request, actor=personas["leader"], approve=False, note="")
    decided = keep_decide(request=request, actor=personas["leader"], approve=True)
    assert decided.status == KeepStatus.APPROVED
    case_file.refresh_from_db()
    assert case_file.kept_until == dt.date(2027, 6, 1)
    # the notice follows the new date
    assert transfer_notices(today=dt.date(2026, 5, 15)) == 0
    assert transfer_notices(today=dt.date(2027, 5, 10)) == 1


def test_the_transfer_pages(
    personas: dict[str, User],
    ministry: Agency,
    doc_type: DocumentType,
    archivist: User,
    client_for: Callable[[User], Any],
) -> None:
    case_file = _closed(personas, ministry, doc_type, notation="07.DD", retention=Retention(True))
    owner = client_for(personas["specialist"])
    page = owner.get(reverse("records:file_detail", args=[case_file.pk])).content.decode()
    assert 'data-testid="submit-transfer"' in page
    refused = owner.post(reverse("records:transfer_new"), {})
    assert refused.status_code == 400 and "Vui lòng chọn hồ sơ nộp lưu." in refused.content.decode()
    done = owner.post(reverse("records:transfer_new"), {"file": case_file.pk})
    assert done.status_code == 302
    batch = TransferBatch.objects.get()
    shelf = client_for(archivist)
    detail = shelf.get(reverse("records:transfer_detail", args=[batch.pk])).content.decode()
    assert "Hồ sơ ngoài danh mục" in detail and "Tiếp nhận" in detail
    (item,) = batch.items.all()
    accepted = shelf.post(
        reverse("records:transfer_decide", args=[batch.pk, item.pk]), {"decision": "accept"}
    )
    assert accepted.status_code == 302
    case_file.refresh_from_db()
    assert case_file.status == FileStatus.ARCHIVED
    # someone of another unit sees no batch
    other = make_person("cvkhac", agency=ministry, roles=[Role.SPECIALIST])
    assert (
        client_for(other).get(reverse("records:transfer_detail", args=[batch.pk])).status_code
        == 404
    )
