"""Work files: opened from the plan or ad hoc, filled with documents in date order (one
document in the files of several people, never copied), closed after a review, reopened by
the owner's leader; refusals leave nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_pdf
from govdoc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from govdoc.documents.models import Document, DocumentType
from govdoc.documents.storage import Upload
from govdoc.organizations.models import Agency, Unit, User
from govdoc.records.models import CaseFile, CaseFileHistory, CaseFileItem
from govdoc.records.selectors import filing_suggestions, unfiled_documents
from govdoc.records.services.files import (
    ClosingReview,
    FileInput,
    OtherDocumentInput,
    Retention,
    case_file_add_documents,
    case_file_close,
    case_file_open,
    case_file_remove_documents,
    case_file_reopen,
    case_file_update,
    case_file_upload,
    transfer_due_of,
)
from govdoc.records.tests.file_helpers import approved_plan, handled
from govdoc.records.workflow import FileStatus

pytestmark = pytest.mark.django_db


def _ad_hoc(**overrides: object) -> FileInput:
    values: dict[str, object] = {
        "title": "Hồ sơ về việc giao đất dự án khu dân cư Bắc Sơn",
        "notation": "05.DD",
        "retention": Retention(permanent=False, years=10),
    }
    values.update(overrides)
    return FileInput(**values)  # type: ignore[arg-type]


def test_a_file_opened_from_the_plan_takes_its_notation_title_and_retention(
    personas: dict[str, User], ministry: Agency, units: dict[str, Unit]
) -> None:
    # given this year's approved plan with a file for Vụ Đất đai
    plan = approved_plan(ministry, personas, units["DD"])
    planned = plan.files.get(notation="01.DD")
    # when the specialist opens it
    case_file = case_file_open(actor=personas["specialist"], planned=planned)
    # then it carries the plan's data and the file code OrganId.Year.Notation
    assert case_file.code == f"000.00.00.G12.{plan.year}.01.DD"
    assert (case_file.title, case_file.retention) == ("Hồ sơ giao đất năm nay", "20 năm")
    assert case_file.owner == personas["specialist"] and case_file.unit == units["DD"]
    assert case_file.status == FileStatus.OPEN and case_file.planned == planned
    assert CaseFileHistory.objects.filter(case_file=case_file, action="open").count() == 1
    assert AuditEvent.objects.filter(action="records.open").count() == 1
    # and the same planned file cannot be opened twice
    with pytest.raises(ValidationFailed) as error:
        case_file_open(actor=personas["unit_head"], planned=planned)
    assert "đã được lập" in error.value.fields["notation"]
    assert CaseFile.objects.count() == 1


def test_an_ad_hoc_file_needs_a_title_notation_and_retention(
    personas: dict[str, User], ministry: Agency
) -> None:
    with pytest.raises(ValidationFailed) as error:
        case_file_open(
            actor=personas["specialist"], data=FileInput(title="", notation="có dấu cách")
        )
    assert set(error.value.fields) == {"title", "notation", "retention"}
    with pytest.raises(ValidationFailed) as error:
        case_file_open(
            actor=personas["specialist"], data=_ad_hoc(retention=Retention(False, years=0))
        )
    assert "Vĩnh viễn" in error.value.fields["retention"]
    assert not CaseFile.objects.exists()
    case_file = case_file_open(actor=personas["specialist"], data=_ad_hoc())
    assert case_file.code.endswith(".05.DD") and case_file.retention == "10 năm"


def test_documents_are_kept_in_date_order_with_their_totals_and_shared_without_copy(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    # given two documents the specialist handled, the later one registered first
    later = handled(personas, ministry, doc_type, issued=dt.date(2026, 5, 4), number="20")
    earlier = handled(personas, ministry, doc_type, issued=dt.date(2026, 2, 1), number="3")
    Document.objects.filter(pk=later.document_id).update(page_count=3)
    Document.objects.filter(pk=earlier.document_id).update(page_count=2)
    case_file = case_file_open(actor=personas["specialist"], data=_ad_hoc())
    # when both are added
    case_file_add_documents(
        case_file=case_file,
        document_ids=[later.document_id, earlier.document_id],
        actor=personas["specialist"],
    )
    # then they are numbered in date order, with the totals and the time span
    items = list(case_file.items.order_by("ordinal"))
    assert [(i.ordinal, i.document_id) for i in items] == [
        (1, earlier.document_id),
        (2, later.document_id),
    ]
    case_file.refresh_from_db()
    assert (case_file.doc_total, case_file.page_total) == (2, 5)
    assert (case_file.start_date, case_file.end_date) == (dt.date(2026, 2, 1), dt.date(2026, 5, 4))
    # and the leader's own file holds the same document, linked, not copied
    leaders = case_file_open(actor=personas["leader"], data=_ad_hoc(notation="01.LD"))
    case_file_add_documents(
        case_file=leaders, document_ids=[earlier.document_id], actor=personas["leader"]
    )
    assert CaseFileItem.objects.filter(document_id=earlier.document_id).count() == 2
    assert Document.objects.filter(pk=earlier.document_id).count() == 1
    # and adding a document already there changes nothing
    assert (
        case_file_add_documents(
            case_file=case_file, document_ids=[earlier.document_id], actor=personas["specialist"]
        )
        == []
    )


def test_a_document_one_may_not_read_is_refused_and_nothing_is_added(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    # given a document handled by the unit head, which the specialist does not see
    theirs = handled(personas, ministry, doc_type, handler="unit_head", number="9")
    mine = handled(personas, ministry, doc_type, number="10")
    case_file = case_file_open(actor=personas["specialist"], data=_ad_hoc())
    with pytest.raises(ValidationFailed) as error:
        case_file_add_documents(
            case_file=case_file,
            document_ids=[mine.document_id, theirs.document_id],
            actor=personas["specialist"],
        )
    assert "không được xem" in error.value.fields["documents"]
    assert not case_file.items.exists()
    # and someone else may not fill the specialist's file
    with pytest.raises(Forbidden):
        case_file_add_documents(
            case_file=case_file, document_ids=[mine.document_id], actor=personas["leader"]
        )


def test_closing_needs_documents_reviews_them_and_sets_the_transfer_due_date(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    case_file = case_file_open(actor=personas["specialist"], data=_ad_hoc())
    # closing an empty file is refused, nothing changes
    with pytest.raises(ValidationFailed) as error:
        case_file_close(
            case_file=case_file,
            actor=personas["specialist"],
            review=ClosingReview(version=case_file.version),
        )
    assert "chưa có văn bản" in error.value.message
    case_file.refresh_from_db()
    assert case_file.status == FileStatus.OPEN and case_file.closed_at is None
    # given two documents, one of them a duplicate to take out at the review
    keep = handled(personas, ministry, doc_type, number="1")
    duplicate = handled(personas, ministry, doc_type, number="2")
    case_file_add_documents(
        case_file=case_file,
        document_ids=[keep.document_id, duplicate.document_id],
        actor=personas["specialist"],
    )
    case_file.refresh_from_db()
    # when the owner closes it, re-assessing the retention as permanent
    closed = case_file_close(
        case_file=case_file,
        actor=personas["specialist"],
        review=ClosingReview(
            version=case_file.version,
            remove_ids=(duplicate.document_id,),
            retention=Retention(permanent=True),
            work_ended_on=dt.date(2026, 11, 20),
        ),
    )
    # then it is closed with one document, permanent, due at the archive a year later
    assert closed.status == FileStatus.CLOSED and closed.doc_total == 1
    assert closed.retention == "Vĩnh viễn" and closed.transfer_due == dt.date(2027, 11, 20)
    assert CaseFileHistory.objects.filter(case_file=closed, action="close").exists()
    # and a closed file takes no more documents
    with pytest.raises(InvalidTransition):
        case_file_add_documents(
            case_file=closed, document_ids=[duplicate.document_id], actor=personas["specialist"]
        )


def test_reopening_is_for_the_owners_leader_with_a_reason(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType, units: dict[str, Unit]
) -> None:
    document = handled(personas, ministry, doc_type)
    case_file = case_file_open(actor=personas["specialist"], data=_ad_hoc())
    case_file_add_documents(
        case_file=case_file, document_ids=[document.document_id], actor=personas["specialist"]
    )
    case_file.refresh_from_db()
    closed = case_file_close(
        case_file=case_file,
        actor=personas["specialist"],
        review=ClosingReview(version=case_file.version),
    )
    # the owner may not reopen it, nor the clerk
    for who in ("specialist", "clerk"):
        with pytest.raises(Forbidden):
            case_file_reopen(case_file=closed, actor=personas[who], reason="Bổ sung")
    # the unit head must give a reason
    with pytest.raises(ValidationFailed):
        case_file_reopen(case_file=closed, actor=personas["unit_head"], reason="  ")
    reopened = case_file_reopen(
        case_file=closed, actor=personas["unit_head"], reason="Bổ sung văn bản còn thiếu"
    )
    assert reopened.status == FileStatus.OPEN and reopened.transfer_due is None
    history = CaseFileHistory.objects.get(case_file=reopened, action="reopen")
    assert history.note == "Bổ sung văn bản còn thiếu" and history.actor == personas["unit_head"]


def test_a_stale_edit_is_refused(personas: dict[str, User], ministry: Agency) -> None:
    case_file = case_file_open(actor=personas["specialist"], data=_ad_hoc())
    case_file_update(
        case_file=case_file,
        actor=personas["specialist"],
        version=case_file.version,
        data=_ad_hoc(title="Hồ sơ giao đất (sửa)"),
    )
    with pytest.raises(Conflict):
        case_file_update(
            case_file=case_file,
            actor=personas["specialist"],
            version=1,
            data=_ad_hoc(title="Hồ sơ cũ"),
        )
    case_file.refresh_from_db()
    assert case_file.title == "Hồ sơ giao đất (sửa)"


def test_other_material_is_uploaded_into_the_file(
    personas: dict[str, User], ministry: Agency
) -> None:
    case_file = case_file_open(actor=personas["specialist"], data=_ad_hoc())
    with pytest.raises(ValidationFailed) as error:
        case_file_upload(
            case_file=case_file,
            actor=personas["specialist"],
            upload=Upload(name="bien-ban.pdf", data=b""),
            metadata=OtherDocumentInput(subject=""),
        )
    assert {"subject", "file"} <= set(error.value.fields)
    assert not case_file.items.exists()
    item = case_file_upload(
        case_file=case_file,
        actor=personas["specialist"],
        upload=Upload(name="bien-ban.pdf", data=make_pdf()),
        metadata=OtherDocumentInput(
            subject="Biên bản họp xét giao đất", issued_date=dt.date(2026, 4, 1), page_count=2
        ),
    )
    assert item.document.direction == "OTHER" and item.ordinal == 1
    case_file.refresh_from_db()
    assert (case_file.doc_total, case_file.page_total) == (1, 2)


def test_removing_a_document_renumbers_the_rest(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    first = handled(personas, ministry, doc_type, issued=dt.date(2026, 1, 5), number="1")
    second = handled(personas, ministry, doc_type, issued=dt.date(2026, 2, 5), number="2")
    case_file = case_file_open(actor=personas["specialist"], data=_ad_hoc())
    case_file_add_documents(
        case_file=case_file,
        document_ids=[first.document_id, second.document_id],
        actor=personas["specialist"],
    )
    assert (
        case_file_remove_documents(
            case_file=case_file,
            document_ids=[first.document_id],
            actor=personas["specialist"],
            reason="Không thuộc hồ sơ",
        )
        == 1
    )
    assert [(i.ordinal, i.document_id) for i in case_file.items.all()] == [(1, second.document_id)]


def test_unfiled_documents_and_suggestions(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType, units: dict[str, Unit]
) -> None:
    # given a completed document and one still being handled
    done = handled(personas, ministry, doc_type, number="1")
    handled(personas, ministry, doc_type, number="2", complete=False)
    specialist = personas["specialist"]
    # then only the completed one waits to be filed
    assert list(unfiled_documents(specialist.pk, ministry.pk)) == [done.document]
    # and the suggestions are the plan's files for the unit, then once opened, the open file
    approved_plan(ministry, personas, units["DD"])
    mine, planned = filing_suggestions(specialist, ministry.pk)
    assert mine == [] and [p.notation for p in planned] == ["01.DD", "02.DD"]
    opened = case_file_open(actor=specialist, planned=planned[0])
    mine, planned = filing_suggestions(specialist, ministry.pk)
    assert mine == [opened] and [p.notation for p in planned] == ["02.DD"]
    # when it is filed, it no longer waits
    case_file_add_documents(case_file=opened, document_ids=[done.document_id], actor=specialist)
    assert not unfiled_documents(specialist.pk, ministry.pk).exists()


def test_transfer_due_follows_retention_and_capital_construction() -> None:
    short = CaseFile(permanent=False, retention_years=3, work_ended_on=dt.date(2026, 1, 31))
    assert transfer_due_of(short) is None
    long = CaseFile(permanent=False, retention_years=10, work_ended_on=dt.date(2024, 2, 29))
    assert transfer_due_of(long) == dt.date(2025, 2, 28)
    building = CaseFile(
        permanent=True,
        capital_construction=True,
        final_settlement_on=dt.date(2026, 11, 30),
        work_ended_on=dt.date(2026, 1, 1),
    )
    assert transfer_due_of(building) == dt.date(2027, 2, 28)
