"""Who may do what with a work file: a persona × action matrix over the services (the owner
is the specialist of Vụ Đất đai; the unit head leads that unit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from govdoc.conftest import make_person
from govdoc.core.errors import DomainError, Forbidden, NotFound
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role
from govdoc.records.access import case_file_for
from govdoc.records.models import CaseFile
from govdoc.records.services.files import (
    ClosingReview,
    FileInput,
    Retention,
    case_file_add_documents,
    case_file_close,
    case_file_open,
    case_file_reopen,
    case_file_update,
)
from govdoc.records.services.handover import handover
from govdoc.records.services.transfer import transfer_accept, transfer_submit
from govdoc.records.tests.file_helpers import handled

pytestmark = pytest.mark.django_db

PERSONAS = ("specialist", "unit_head", "leader", "clerk", "admin", "archivist", "outsider")


@pytest.fixture
def people(personas: dict[str, User], ministry: Agency) -> dict[str, User]:
    archivist = make_person("luutru", agency=ministry, roles=[Role.ARCHIVIST])
    return {**personas, "archivist": archivist}


def _allowed(step: Callable[..., Any], **kwargs: Any) -> bool:
    try:
        step(**kwargs)
    except (Forbidden, NotFound):
        return False
    except DomainError:
        return True  # allowed, refused for another reason
    return True


def _open_file(people: dict[str, User], notation: str) -> CaseFile:
    return case_file_open(
        actor=people["specialist"],
        data=FileInput(title=f"Hồ sơ {notation}", notation=notation, retention=Retention(True)),
    )


def test_reading_a_file(people: dict[str, User]) -> None:
    case_file = _open_file(people, "01.DD")
    seen = {
        name: _allowed(
            case_file_for,
            actor=people[name],
            agency_id=people[name].agency_id,
            file_id=case_file.pk,
        )
        for name in PERSONAS
    }
    assert seen == {
        "specialist": True,
        "unit_head": True,
        "leader": True,
        "clerk": False,
        "admin": True,
        "archivist": False,
        "outsider": False,
    }


def test_changing_closing_reopening(
    people: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    document = handled(people, ministry, doc_type)
    results: dict[str, dict[str, bool]] = {}
    for index, name in enumerate(PERSONAS):
        person = people[name]
        case_file = _open_file(people, f"{index + 10:02d}.DD")
        add = _allowed(
            case_file_add_documents,
            case_file=case_file,
            document_ids=[document.document_id],
            actor=person,
        )
        update = _allowed(
            case_file_update,
            case_file=case_file,
            actor=person,
            version=CaseFile.objects.get(pk=case_file.pk).version,
            data=FileInput(title="Sửa", retention=Retention(True)),
        )
        case_file_add_documents(
            case_file=case_file, document_ids=[document.document_id], actor=people["specialist"]
        )
        close = _allowed(
            case_file_close,
            case_file=case_file,
            actor=person,
            review=ClosingReview(version=CaseFile.objects.get(pk=case_file.pk).version),
        )
        if CaseFile.objects.get(pk=case_file.pk).status == "OPEN":
            case_file_close(
                case_file=case_file,
                actor=people["specialist"],
                review=ClosingReview(
                    version=CaseFile.objects.get(pk=case_file.pk).version,
                    work_ended_on=dt.date(2026, 1, 5),
                ),
            )
        reopen = _allowed(
            case_file_reopen,
            case_file=CaseFile.objects.get(pk=case_file.pk),
            actor=person,
            reason="Bổ sung",
        )
        if CaseFile.objects.get(pk=case_file.pk).status == "OPEN":
            case_file_close(
                case_file=case_file,
                actor=people["specialist"],
                review=ClosingReview(version=CaseFile.objects.get(pk=case_file.pk).version),
            )
        submit = _allowed(transfer_submit, actor=person, case_file_ids=[case_file.pk])
        results[name] = {
            "add": add,
            "update": update,
            "close": close,
            "reopen": reopen,
            "submit": submit,
        }
    owner_only = {"add": True, "update": True, "close": True, "reopen": False, "submit": True}
    leader = {"add": False, "update": False, "close": False, "reopen": True, "submit": True}
    nobody = dict.fromkeys(owner_only, False)
    assert results == {
        "specialist": owner_only,
        "unit_head": leader,
        "leader": leader,
        "clerk": nobody,
        "admin": nobody,
        "archivist": nobody,
        "outsider": nobody,
    }


def test_accepting_and_handing_over(
    people: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    document = handled(people, ministry, doc_type)
    case_file = _open_file(people, "30.DD")
    case_file_add_documents(
        case_file=case_file, document_ids=[document.document_id], actor=people["specialist"]
    )
    case_file_close(
        case_file=case_file,
        actor=people["specialist"],
        review=ClosingReview(version=CaseFile.objects.get(pk=case_file.pk).version),
    )
    batch = transfer_submit(actor=people["specialist"], case_file_ids=[case_file.pk])
    (item,) = batch.items.all()
    accept = {
        name: _allowed(transfer_accept, item=item, actor=people[name])
        for name in ("specialist", "unit_head", "leader", "clerk", "admin", "outsider")
    }
    assert not any(accept.values())
    assert _allowed(transfer_accept, item=item, actor=people["archivist"])
    successor = make_person("kethua", agency=ministry, roles=[Role.SPECIALIST])
    hand = {
        name: _allowed(
            handover,
            actor=people[name],
            from_person=people["unit_head"],
            to_person=successor,
            reason="Chuyển",
        )
        for name in PERSONAS
    }
    assert hand == {name: name == "admin" for name in PERSONAS}
