"""The agent of one installation in the end-to-end test: a process started with that
installation's environment (GOVDOC_DATA_DIR, GOVDOC_DATABASE_URL, GOVDOC_HUB_URL…) that sets
Django up once and then runs the people's steps through the services, as the web pages
would: one JSON request a line on stdin, one answer a line on stdout, marked with PROMPT
(anything else a library prints is not an answer).

    python -m govdoc.exchange.tests.e2e.actions          # the agent
    python -m govdoc.exchange.tests.e2e.actions NAME '{"kwarg": …}'   # one step, then exit

Each action takes JSON keyword arguments and returns a JSON-serialisable dict. The queued
work (packets to build, sign and send, status answers) is left to the installation's worker,
which the services enqueue it for after each commit."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROMPT = "E2E> "
MINISTRY = "000.00.00.G12"
PROVINCE = "000.00.00.H40"

Action = Callable[..., dict[str, Any]]
ACTIONS: dict[str, Action] = {}


def action(function: Action) -> Action:
    ACTIONS[function.__name__] = function
    return function


# --- set-up ------------------------------------------------------------------------------------


def _png(colour: tuple[int, int, int, int], size: tuple[int, int]) -> bytes:
    """A signature's or a seal's image (a coloured rectangle)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _trust(actor: Any, pem_paths: list[str]) -> None:
    from govdoc.signatures.services import trust_anchor_add

    for path in pem_paths:
        trust_anchor_add(actor=actor, data=Path(path).read_bytes())


@action
def setup_ministry(
    *, trust: list[str], leader_p12: str, seal_p12: str, pdf_password: str
) -> dict[str, Any]:
    """Bộ Tài nguyên và Môi trường, hosted here: its Văn phòng and Vụ Đất đai, a clerk, the
    leader who signs, the head of Vụ Đất đai, a specialist who drafts, an administrator and
    the installation's superuser; the leader's and the ministry's PDF signing credentials;
    the roots of the PDF and packet PKIs in the trust store; an API key of the clerk."""
    from govdoc.api.tokens import token_create
    from govdoc.conftest import PASSWORD, make_person
    from govdoc.organizations.models import Agency, Unit
    from govdoc.organizations.roles import Role
    from govdoc.signatures import services as signature_services

    ministry = Agency.objects.create(
        organ_id=MINISTRY, name="Bộ Tài nguyên và Môi trường", abbreviation="BTNMT", is_hosted=True
    )
    office = Unit.objects.create(agency=ministry, name="Văn phòng", abbreviation="VP")
    land = Unit.objects.create(agency=ministry, name="Vụ Đất đai", abbreviation="ĐĐ")
    clerk = make_person(
        "vanthu", agency=ministry, roles=[Role.CLERK], unit=office, full_name="Nguyễn Thị Văn Thư"
    )
    leader = make_person(
        "lanhdao", agency=ministry, roles=[Role.AGENCY_LEADER], full_name="Trần Văn Lãnh Đạo"
    )
    make_person(
        "truongphong",
        agency=ministry,
        roles=[Role.UNIT_LEADER],
        unit=land,
        full_name="Lê Văn Trưởng",
    )
    make_person(
        "chuyenvien",
        agency=ministry,
        roles=[Role.SPECIALIST],
        unit=land,
        full_name="Phạm Thị Chuyên",
    )
    admin = make_person("quantri", agency=ministry, roles=[Role.ADMIN], full_name="Hoàng Quản Trị")
    superuser = make_person("quantrihethong", agency=ministry, roles=[], superuser=True)
    _trust(superuser, trust)
    signature = signature_services.credential_register_pkcs12(
        actor=admin,
        p12_bytes=Path(leader_p12).read_bytes(),
        password=pdf_password,
        owner_person=leader,
    )
    signature_services.credential_set_image(
        actor=admin, credential=signature, png=_png((20, 40, 200, 160), (300, 150))
    )
    seal = signature_services.credential_register_pkcs12(
        actor=admin,
        p12_bytes=Path(seal_p12).read_bytes(),
        password=pdf_password,
        owner_agency=ministry,
    )
    signature_services.credential_set_image(
        actor=admin, credential=seal, png=_png((220, 20, 20, 160), (200, 200))
    )
    _token, raw_key = token_create(user=clerk, name="Kiểm thử liên thông", actor=clerk)
    return {"clerk": clerk.username, "password": PASSWORD, "api_key": raw_key}


@action
def setup_province(*, trust: list[str]) -> dict[str, Any]:
    """Ủy ban nhân dân tỉnh Nghệ An, hosted on its own installation: its clerk, its leader, a
    specialist, the installation's superuser; the same roots in its trust store."""
    from govdoc.conftest import make_person
    from govdoc.organizations.models import Agency, Unit
    from govdoc.organizations.roles import Role

    province = Agency.objects.create(
        organ_id=PROVINCE, name="Ủy ban nhân dân tỉnh Nghệ An", abbreviation="UBND", is_hosted=True
    )
    office = Unit.objects.create(agency=province, name="Văn phòng UBND tỉnh", abbreviation="VP")
    make_person(
        "vanthu.nghean",
        agency=province,
        roles=[Role.CLERK],
        unit=office,
        full_name="Hồ Thị Văn Thư",
    )
    make_person(
        "chutich", agency=province, roles=[Role.AGENCY_LEADER], full_name="Nguyễn Văn Chủ Tịch"
    )
    make_person(
        "chuyenvien.nghean",
        agency=province,
        roles=[Role.SPECIALIST],
        unit=office,
        full_name="Đặng Văn Chuyên Viên",
    )
    superuser = make_person("quantri.nghean", agency=province, roles=[], superuser=True)
    _trust(superuser, trust)
    return {}


# --- the sender: Bộ Tài nguyên và Môi trường -------------------------------------------------


def _person(username: str) -> Any:
    from govdoc.organizations.models import User

    return User.objects.get(username=username)


@action
def issue(*, subject: str, pdf_password: str) -> dict[str, Any]:
    """The specialist drafts a Công văn to the province; the head of unit, the clerk and the
    leader approve it; the leader signs it; the clerk numbers, seals and issues it."""
    from govdoc.documents.models import DocumentType
    from govdoc.organizations.models import Agency
    from govdoc.outgoing.access import pending_steps_for
    from govdoc.outgoing.inputs import RecipientInput
    from govdoc.outgoing.services.circuits import draft_submit, step_approve
    from govdoc.outgoing.services.drafts import draft_create
    from govdoc.outgoing.services.issuing import draft_issue
    from govdoc.outgoing.services.signing import draft_sign
    from govdoc.outgoing.tests.conftest import draft_input, pdf_body
    from govdoc.outgoing.workflow import DraftStatus, Method, RecipientKind

    ministry = Agency.objects.get(organ_id=MINISTRY)
    province = Agency.objects.get(organ_id=PROVINCE, is_hosted=False)
    specialist, clerk = _person("chuyenvien"), _person("vanthu")
    leader, unit_head = _person("lanhdao"), _person("truongphong")
    cong_van = DocumentType.objects.get(abbreviation="", name__startswith="Công văn")
    draft = draft_create(
        agency=ministry,
        data=draft_input(
            document_type=cong_van,
            signer=leader,
            recipients=(RecipientInput(kind=RecipientKind.AGENCY, agency_id=province.pk),),
            subject=subject,
        ),
        actor=specialist,
        body=pdf_body(),
    )
    assert draft.recipients.get().method == Method.INTERCONNECT
    draft_submit(draft=draft, actor=specialist)
    for _round in range(6):
        draft.refresh_from_db()
        if draft.status == DraftStatus.APPROVED:
            break
        for person in (unit_head, clerk, leader):
            for step in pending_steps_for(person, draft):
                step_approve(step=step, actor=person)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED, draft.status
    draft_sign(draft=draft, actor=leader, password=pdf_password)
    draft.refresh_from_db()
    outgoing = draft_issue(draft=draft, actor=clerk, password=pdf_password).outgoing
    (dispatch,) = outgoing.dispatches.all()
    return {
        "outgoing_id": outgoing.pk,
        "dispatch_id": dispatch.pk,
        "document_identifier": outgoing.document.document_identifier,
        "code": outgoing.document.code,
    }


@action
def revoke(*, outgoing_id: int, reason: str) -> dict[str, Any]:
    from govdoc.outgoing.models import OutgoingDocument
    from govdoc.outgoing.services.changes import outgoing_change
    from govdoc.outgoing.workflow import ChangeKind

    outgoing = OutgoingDocument.objects.get(pk=outgoing_id)
    change = outgoing_change(
        outgoing=outgoing, kind=ChangeKind.REVOKE, reason=reason, actor=_person("vanthu")
    )
    return {"change_id": change.pk}


@action
def outbox_packet(*, document_identifier: str) -> dict[str, Any]:
    """The bytes of the document packet queued for `document_identifier`, as they were sent."""
    from govdoc.documents.storage import open_stored
    from govdoc.exchange.models import OutboxPacket
    from govdoc.exchange.workflow import PacketKind

    row = OutboxPacket.objects.select_related("packet").get(
        kind=PacketKind.EDOC,
        document_identifier=document_identifier,
        subject_ref__regex=r"^outgoing-dispatch:[0-9]+$",
    )
    data = open_stored(row.packet)
    return {
        "id": row.pk,
        "external_id": row.external_id,
        "data": base64.b64encode(data).decode(),
    }


# --- the receiver: Ủy ban nhân dân tỉnh Nghệ An ------------------------------------------------


def _received(document_identifier: str) -> Any:
    from govdoc.incoming.models import ReceivedDocument

    return ReceivedDocument.objects.get(
        agency__organ_id=PROVINCE, external_ref=f"edxml:{MINISTRY}:{document_identifier}"
    )


def _incoming(document_identifier: str) -> Any:
    from govdoc.incoming.models import IncomingDocument

    received = _received(document_identifier)
    return IncomingDocument.objects.select_related("document").get(pk=received.incoming_id)


@action
def register(*, document_identifier: str) -> dict[str, Any]:
    from govdoc.incoming.received_services import received_register

    incoming = received_register(
        received=_received(document_identifier), actor=_person("vanthu.nghean")
    )
    return {"incoming_id": incoming.pk, "arrival_number": incoming.arrival_number}


@action
def refuse(*, document_identifier: str, reason: str) -> dict[str, Any]:
    from govdoc.incoming.received_services import received_refuse

    received = received_refuse(
        received=_received(document_identifier), reason=reason, actor=_person("vanthu.nghean")
    )
    return {"received_id": received.pk}


@action
def present_and_assign(*, document_identifier: str) -> dict[str, Any]:
    """The clerk presents it to the chairman, who gives it to the specialist to handle."""
    from govdoc.assignments.services.assigning import incoming_assign
    from govdoc.assignments.services.common import AssigneeInput
    from govdoc.assignments.workflow import HandlingRole
    from govdoc.core.calendar import add_working_days
    from govdoc.core.dates import today
    from govdoc.incoming.services import incoming_present

    leader = _person("chutich")
    incoming = incoming_present(
        incoming=_incoming(document_identifier), leader=leader, actor=_person("vanthu.nghean")
    )
    (assignment,) = incoming_assign(
        incoming=incoming,
        instruction="Giao chuyên viên tham mưu, báo cáo kết quả.",
        assignees=[
            AssigneeInput(
                role=HandlingRole.LEAD,
                person_id=_person("chuyenvien.nghean").pk,
                due_date=add_working_days(today(), 5),
            )
        ],
        actor=leader,
    )
    return {"assignment_id": assignment.pk}


def _assignment(document_identifier: str) -> Any:
    from govdoc.assignments.models import Assignment

    return Assignment.objects.get(incoming=_incoming(document_identifier), parent__isnull=True)


@action
def progress(*, document_identifier: str) -> dict[str, Any]:
    from govdoc.assignments.services.handling import assignment_progress

    note = assignment_progress(
        assignment=_assignment(document_identifier),
        text="Đã rà soát số liệu sử dụng đất, đang tổng hợp.",
        actor=_person("chuyenvien.nghean"),
    )
    return {"note_id": note.pk}


@action
def complete(*, document_identifier: str) -> dict[str, Any]:
    from govdoc.assignments.services.handling import assignment_complete

    assignment = assignment_complete(
        assignment=_assignment(document_identifier),
        result="Đã gửi báo cáo tình hình sử dụng đất năm 2026.",
        actor=_person("chuyenvien.nghean"),
    )
    return {"assignment_id": assignment.pk}


@action
def signed_status(*, document_identifier: str, code: int, description: str) -> dict[str, Any]:
    """A status packet of this agency (signed with its own packet key) answering the
    ministry's `document_identifier`, not queued: the bytes, for someone else to post."""
    from govdoc.exchange.edxml.build import build_status_packet
    from govdoc.exchange.edxml.model import ResponseFor, StatusCode, StatusPacket
    from govdoc.exchange.packets import _now, organization
    from govdoc.exchange.services.sending import signed
    from govdoc.organizations.models import Agency

    province = Agency.objects.get(organ_id=PROVINCE)
    received = _received(document_identifier)
    status = StatusPacket(
        response_for=ResponseFor(
            organ_id=MINISTRY,
            code=f"{received.code_number}/{received.code_notation}",
            promulgation_date=received.issued_date,
            document_id=document_identifier,
        ),
        sender=organization(province),
        status_code=StatusCode(code),
        timestamp=_now(),
        description=description,
    )
    data = signed(province, "hub", build_status_packet(status))
    assert data is not None, "no packet key"
    return {"data": base64.b64encode(data).decode()}


# --- running -----------------------------------------------------------------------------------


def run(name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    from django.db import close_old_connections

    close_old_connections()
    try:
        return ACTIONS[name](**kwargs)
    finally:
        close_old_connections()


def _answer(payload: dict[str, Any]) -> None:
    sys.stdout.write(PROMPT + json.dumps(payload, default=_json_default) + "\n")
    sys.stdout.flush()


def _json_default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if argv:
        _answer({"ok": True, "result": run(argv[0], json.loads(argv[1]) if argv[1:] else {})})
        return 0
    _answer({"ok": True, "result": {"ready": True, "pid": os.getpid()}})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            _answer({"ok": True, "result": run(request["action"], request.get("kwargs", {}))})
        except Exception as error:
            _answer(
                {
                    "ok": False,
                    "error": f"{type(error).__name__}: {error}",
                    "traceback": traceback.format_exc(),
                }
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
