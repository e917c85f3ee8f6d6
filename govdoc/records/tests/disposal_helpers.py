"""Scenarios for the hold and disposal tests: closed files whose documents carry their own
bytes (so the purge can be seen in the storage), the archive, and a decision brought to
approval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from django.core.files.storage import default_storage

from govdoc.conftest import make_pdf, make_person
from govdoc.documents.models import DocumentFile, StoredFile
from govdoc.documents.storage import Upload
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role
from govdoc.records.models import CaseFile, DisposalDecision
from govdoc.records.services.disposal import (
    ProposalInput,
    disposal_decide,
    disposal_propose,
    disposal_vote,
)
from govdoc.records.services.files import (
    ClosingReview,
    FileInput,
    OtherDocumentInput,
    Retention,
    case_file_add_documents,
    case_file_close,
    case_file_open,
    case_file_upload,
)

ENDED = dt.date(2019, 6, 30)


@pytest.fixture
def archivist(ministry: Agency) -> User:
    return make_person("luutru", agency=ministry, roles=[Role.ARCHIVIST], full_name="Đỗ Lưu Trữ")


def open_file(
    owner: User,
    *,
    notation: str,
    retention: Retention | None = None,
    texts: Sequence[str] = (),
    shared: Sequence[int] = (),
) -> CaseFile:
    """An open file of `owner` with one uploaded document per text (distinct bytes each) and
    the documents `shared` (already in another file of theirs)."""
    case_file = case_file_open(
        actor=owner,
        data=FileInput(
            title=f"Hồ sơ {notation}",
            notation=notation,
            retention=retention or Retention(False, 2),
        ),
    )
    for index, text in enumerate(texts, start=1):
        case_file_upload(
            case_file=case_file,
            actor=owner,
            upload=Upload(name=f"{notation}-{index}.pdf", data=make_pdf(f"{notation} {text}")),
            metadata=OtherDocumentInput(
                subject=f"Tài liệu {text}",
                issued_date=dt.date(2019, 3, index),
                code_number=str(index),
                code_notation=f"BC-{notation}",
                page_count=2,
            ),
        )
    if shared:
        case_file_add_documents(case_file=case_file, document_ids=list(shared), actor=owner)
    case_file.refresh_from_db()
    return case_file


def closed_file(
    owner: User,
    *,
    notation: str,
    retention: Retention | None = None,
    texts: Sequence[str] = ("bao cao",),
    shared: Sequence[int] = (),
    ended: dt.date = ENDED,
) -> CaseFile:
    """A closed file whose work ended on `ended` (2 years' retention by default: due)."""
    case_file = open_file(owner, notation=notation, retention=retention, texts=texts, shared=shared)
    return case_file_close(
        case_file=case_file,
        actor=owner,
        review=ClosingReview(version=case_file.version, work_ended_on=ended),
    )


def document_ids(case_file: CaseFile) -> list[int]:
    return list(case_file.items.order_by("ordinal").values_list("document_id", flat=True))


def stored_of(document_id: int) -> list[StoredFile]:
    return [row.stored for row in DocumentFile.objects.filter(document_id=document_id)]


def on_disk(stored: StoredFile) -> bool:
    return bool(default_storage.exists(stored.storage_name))


def propose(
    archivist: User, files: Sequence[CaseFile], members: Sequence[User]
) -> DisposalDecision:
    return disposal_propose(
        actor=archivist,
        data=ProposalInput(
            title="Hủy tài liệu hết giá trị",
            reason="Hết thời hạn bảo quản theo danh mục",
            case_file_ids=[f.pk for f in files],
            member_ids=[m.pk for m in members],
        ),
    )


def approved(
    archivist: User, leader: User, files: Sequence[CaseFile], members: Sequence[User]
) -> DisposalDecision:
    """A decision proposed, agreed by every member and approved by the head."""
    decision = propose(archivist, files, members)
    for member in members:
        disposal_vote(decision=decision, actor=member, agree=True)
    disposal_decide(decision=decision, actor=leader, approve=True)
    decision.refresh_from_db()
    return decision
