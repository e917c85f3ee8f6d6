"""Handling over the API: presenting and refusing incoming documents, the leader's
assignment, the handlers' steps on an assignment, opinions and requests for more time, the
work queues and tasks (giao việc).

Every write calls a service of the incoming or assignments app; every object is fetched for
the caller through their access rules first. "Not allowed" answers 404, like "not found".
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import FileResponse, HttpRequest
from ninja import FileEx, Form, P, Query, Router
from ninja import Status as Respond
from ninja.files import UploadedFile

from govdoc.api.calls import (
    ERRORS,
    FOUND,
    WRITE,
    actor_of,
    agency_id_of,
    capped_page_out,
    refusals,
    to_upload,
)
from govdoc.api.downloads import BINARY_RESPONSE, journaled_download, via
from govdoc.api.handling_schemas import (
    AssignedOut,
    AssigneeIn,
    AssignIn,
    AssignmentDetailOut,
    ChaseIn,
    ChaseOut,
    ExtensionDecideIn,
    ExtensionIn,
    ExtensionOut,
    HandlingOut,
    IncomingBriefOut,
    OpinionAnswerIn,
    OpinionAskIn,
    OpinionOut,
    PresentIn,
    ProgressIn,
    ProgressOut,
    QueueCountOut,
    QueuePage,
    QueueQuery,
    ReasonIn,
    ReopenIn,
    ResultIn,
    SubAssignIn,
    TaskDetailOut,
    TaskIn,
    TaskPage,
    TaskQuery,
)
from govdoc.api.handling_shapes import (
    assignment_detail,
    assignment_out,
    chase_out,
    extension_out,
    files_by_note,
    history_out,
    incoming_brief,
    incoming_subject,
    local_time,
    opinion_out,
    person_out,
    progress_out,
    subject_out,
    task_detail,
    task_out,
)
from govdoc.api.schemas import ErrorOut
from govdoc.assignments.access import (
    assignment_for,
    extension_for,
    opinion_for,
    task_for,
    visible_tasks,
)
from govdoc.assignments.models import (
    Assignment,
    ChaseMessage,
    ExtensionRequest,
    HandlingHistory,
    Instruction,
    OpinionRequest,
    ProgressAttachment,
    ProgressNote,
)
from govdoc.assignments.selectors import (
    QUEUES,
    QueueFilters,
    assignments_of_incoming,
    extensions_to_decide,
    opinions_asked_of_me,
    presented_to_me,
    queue,
    queue_counts,
)
from govdoc.assignments.services import (
    AssigneeInput,
    assignment_cancel,
    assignment_complete,
    assignment_mark_read,
    assignment_progress,
    assignment_reopen,
    assignment_return,
    assignment_sub_assign,
    chase_send,
    extension_decide,
    extension_request,
    incoming_assign,
    opinion_answer,
    opinion_ask,
    task_create,
)
from govdoc.audit.services import audit_record
from govdoc.core.capped_pagination import DEFAULT_COUNT_CAP
from govdoc.core.errors import NotFound, ValidationFailed
from govdoc.incoming.access import can_register, incoming_for
from govdoc.incoming.models import IncomingHistory
from govdoc.incoming.selectors import presentable_leaders
from govdoc.incoming.services import incoming_present, incoming_refuse
from govdoc.incoming.workflow import next_status
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency
from govdoc.organizations.roles import Role

router = Router(tags=["Xử lý văn bản, giao việc"])

MAX_LIMIT = 200

# The counters beyond the assignment queues (see queue_counts).
EXTRA_QUEUES: dict[str, str] = {
    "trinh": "Văn bản trình xin ý kiến",
    "xin-y-kien": "Được xin ý kiến",
    "gia-han": "Đề nghị gia hạn chờ quyết định",
}

FILES_HELP = "Tệp kèm theo (PDF, DOCX, ảnh…), không bắt buộc, gửi được nhiều tệp."


# --- calling the services -----------------------------------------------------------------


def _lines(assignees: list[AssigneeIn]) -> list[AssigneeInput]:
    return [
        AssigneeInput(
            role=line.role,
            unit_id=line.unit_id,
            person_id=line.person_id,
            due_date=line.due_date,
            note=line.note,
        )
        for line in assignees
    ]


def _fresh(actor: Any, pk: int) -> Assignment:
    return assignment_for(actor, pk, action="view")


# --- the incoming document: present, refuse, assign, its handling -------------------------


@router.post(
    "/incoming/{incoming_id}/present",
    response={200: IncomingBriefOut, **WRITE},
    summary="Trình văn bản đến cho lãnh đạo",
    description=(
        "Văn thư trình văn bản đã vào sổ cho một lãnh đạo cơ quan (trình lại cho lãnh đạo "
        "khác nếu cần). Văn bản khẩn được đánh dấu để lãnh đạo xem trước."
    ),
    url_name="incoming_present",
)
def present_incoming(request: HttpRequest, incoming_id: int, payload: PresentIn) -> dict[str, Any]:
    actor = actor_of(request)
    incoming = incoming_for(actor, incoming_id, action="present")
    leader = presentable_leaders(incoming.agency).filter(pk=payload.leader_id).first()
    with refusals({"leader": "leader_id"}):
        incoming_present(incoming=incoming, leader=leader, actor=actor, note=payload.note)
    return incoming_brief(incoming_for(actor, incoming_id))


@router.post(
    "/incoming/{incoming_id}/refuse",
    response={200: IncomingBriefOut, **WRITE},
    summary="Trả lại văn bản đến cho nơi gửi",
    description="Văn thư trả lại văn bản (sai nơi nhận, không hợp lệ) kèm lý do.",
    url_name="incoming_refuse",
)
def refuse_incoming(request: HttpRequest, incoming_id: int, payload: ReasonIn) -> dict[str, Any]:
    actor = actor_of(request)
    incoming = incoming_for(actor, incoming_id, action="refuse")
    with refusals():
        incoming_refuse(incoming=incoming, reason=payload.reason, actor=actor)
    return incoming_brief(incoming_for(actor, incoming_id))


@router.post(
    "/incoming/{incoming_id}/assign",
    response={201: AssignedOut, **WRITE},
    summary="Cho ý kiến chỉ đạo và phân công xử lý",
    description=(
        "Lãnh đạo cơ quan (hoặc người được ủy quyền) ghi ý kiến chỉ đạo và giao một đơn vị "
        "hoặc cá nhân chủ trì, các đơn vị phối hợp, nhận để biết, mỗi dòng có hạn xử lý. "
        "Giao thêm sau đó chỉ được phối hợp hoặc nhận để biết khi chủ trì còn đang xử lý."
    ),
    url_name="incoming_assign",
)
def assign_incoming(
    request: HttpRequest, incoming_id: int, payload: AssignIn
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    incoming = incoming_for(actor, incoming_id)
    with refusals({"follow_up": "follow_up_id"}):
        created = incoming_assign(
            incoming=incoming,
            instruction=payload.instruction,
            assignees=_lines(payload.assignees),
            actor=actor,
            follow_up_id=payload.follow_up_id,
        )
    rows = [_fresh(actor, a.pk) for a in created]
    return Respond(201, {"assignments": [assignment_out(a) for a in rows]})


@router.get(
    "/incoming/{incoming_id}/handling",
    response={200: HandlingOut, **FOUND},
    summary="Quá trình xử lý một văn bản đến",
    description=(
        "Ý kiến chỉ đạo, cây phân công, tiến độ, ý kiến, đề nghị gia hạn và lịch sử các bước; "
        "lượt xem được ghi nhật ký."
    ),
    url_name="incoming_handling",
)
def incoming_handling(request: HttpRequest, incoming_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    incoming = incoming_for(actor, incoming_id)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="incoming.view",
            target=incoming,
            agency_id=incoming.agency_id,
            data={**via(request), "part": "handling"},
        )
    subject = incoming_subject(incoming)
    tree = assignments_of_incoming(incoming)
    # What the selector leaves to load one row at a time, in one query each.
    prefetch_related_objects(tree, "follow_up", "opinions__asked_by")
    notes = [note for a in tree for note in a.progress.all()]
    files = files_by_note(notes)
    opinions = [o for a in tree for o in a.opinions.all()]
    extensions = ExtensionRequest.objects.filter(assignment__incoming=incoming).select_related(
        "requested_by", "decided_by"
    )
    instructions = Instruction.objects.filter(incoming=incoming).select_related(
        "given_by", "on_behalf_of"
    )
    steps: list[HandlingHistory | IncomingHistory] = [
        *IncomingHistory.objects.filter(incoming=incoming).select_related("actor"),
        *HandlingHistory.objects.filter(incoming=incoming).select_related("actor", "on_behalf_of"),
    ]
    steps.sort(key=lambda row: (row.at, isinstance(row, HandlingHistory), row.pk))
    agency_id = incoming.agency_id
    actions = [
        action
        for action in ("present", "refuse")
        if can_register(actor, agency_id) and next_status(incoming.status, action)
    ]
    if has_role(actor, agency_id, Role.AGENCY_LEADER) and next_status(incoming.status, "assign"):
        actions.append("assign")
    return {
        "incoming": incoming_brief(incoming),
        "actions": actions,
        "instructions": [
            {
                "id": i.pk,
                "text": i.text,
                "given_by": person_out(i.given_by),
                "on_behalf_of": person_out(i.on_behalf_of),
                "given_at": local_time(i.given_at),
            }
            for i in instructions
        ],
        "assignments": [assignment_out(a, subject=subject) for a in tree],
        "progress": [
            progress_out(request, n, files.get(n.pk, []))
            for n in sorted(notes, key=lambda n: (n.at, n.pk))
        ],
        "opinions": [opinion_out(o) for o in sorted(opinions, key=lambda o: (o.asked_at, o.pk))],
        "extensions": [extension_out(e) for e in extensions],
        "history": [history_out(row) for row in steps],
    }


# --- one assignment -----------------------------------------------------------------------


@router.get(
    "/assignments/{assignment_id}",
    response={200: AssignmentDetailOut, **FOUND},
    summary="Xem một phân công",
    description=(
        "Phân công, các phân công con, tiến độ, ý kiến, gia hạn, đôn đốc, lịch sử, và các thao "
        "tác người gọi được làm (actions)."
    ),
    url_name="assignment_detail",
)
def get_assignment(request: HttpRequest, assignment_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    return assignment_detail(request, actor, _fresh(actor, assignment_id))


@router.get(
    "/assignments/{assignment_id}/files/{file_id}",
    response={404: ErrorOut, **ERRORS},
    summary="Tải một tệp báo cáo tiến độ",
    description="Trả nội dung tệp; lượt tải được ghi nhật ký.",
    url_name="assignment_file",
    openapi_extra=BINARY_RESPONSE,
)
def download_progress_file(request: HttpRequest, assignment_id: int, file_id: int) -> FileResponse:
    actor = actor_of(request)
    assignment = _fresh(actor, assignment_id)
    item = (
        ProgressAttachment.objects.select_related("stored")
        .filter(pk=file_id, note__assignment=assignment)
        .first()
    )
    if item is None:
        raise NotFound()
    return journaled_download(
        request,
        actor=actor,
        item=item,
        name=item.name,
        stored=item.stored,
        label=f"{item.name} — {assignment}",
        agency_id=assignment.agency_id,
    )


@router.post(
    "/assignments/{assignment_id}/sub-assign",
    response={201: AssignedOut, **WRITE},
    summary="Phân công trong đơn vị",
    description=(
        "Lãnh đạo đơn vị giao việc của đơn vị cho chuyên viên: một người chủ trì, phối hợp, "
        "nhận để biết, với hạn không sau hạn của đơn vị."
    ),
    url_name="assignment_sub_assign",
)
def sub_assign(
    request: HttpRequest, assignment_id: int, payload: SubAssignIn
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    assignment = assignment_for(actor, assignment_id, action="handle")
    with refusals():
        created = assignment_sub_assign(
            assignment=assignment, assignees=_lines(payload.assignees), actor=actor
        )
    rows = [_fresh(actor, a.pk) for a in created]
    return Respond(201, {"assignments": [assignment_out(a) for a in rows]})


@router.post(
    "/assignments/{assignment_id}/progress",
    response={201: ProgressOut, **WRITE},
    summary="Báo cáo tiến độ",
    description=(
        "Người xử lý báo cáo tiến độ (multipart/form-data: text và các tệp files). "
        "Lần báo cáo đầu chuyển phân công sang đang xử lý."
    ),
    url_name="assignment_progress",
)
def report_progress(
    request: HttpRequest,
    assignment_id: int,
    payload: Form[ProgressIn],
    files: FileEx[
        list[UploadedFile] | None, P(title="Tệp kèm theo", description=FILES_HELP)
    ] = None,
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    assignment = assignment_for(actor, assignment_id, action="handle")
    with refusals({"attachments": "files"}):
        uploads = [to_upload(f, field="files") for f in files or []]
        note = assignment_progress(
            assignment=assignment, text=payload.text, actor=actor, attachments=uploads
        )
    note = ProgressNote.objects.select_related("author").get(pk=note.pk)
    return Respond(201, progress_out(request, note, files_by_note([note]).get(note.pk, [])))


@router.post(
    "/assignments/{assignment_id}/complete",
    response={200: AssignmentDetailOut, **WRITE},
    summary="Hoàn thành",
    description=(
        "Người xử lý hoàn thành với kết quả. Chủ trì trong đơn vị hoàn thành thì việc của đơn vị "
        "hoàn thành; chủ trì cấp cơ quan hoàn thành thì văn bản hoàn thành. Hoàn thành lần hai "
        "trả 409."
    ),
    url_name="assignment_complete",
)
def complete(request: HttpRequest, assignment_id: int, payload: ResultIn) -> dict[str, Any]:
    actor = actor_of(request)
    assignment = assignment_for(actor, assignment_id, action="handle")
    with refusals():
        assignment_complete(assignment=assignment, result=payload.result, actor=actor)
    return assignment_detail(request, actor, _fresh(actor, assignment_id))


@router.post(
    "/assignments/{assignment_id}/return",
    response={200: AssignmentDetailOut, **WRITE},
    summary="Trả lại người giao",
    description="Chủ trì trả lại việc cho người giao, kèm lý do (không đúng chức năng…).",
    url_name="assignment_return",
)
def return_assignment(
    request: HttpRequest, assignment_id: int, payload: ReasonIn
) -> dict[str, Any]:
    actor = actor_of(request)
    assignment = assignment_for(actor, assignment_id, action="handle")
    with refusals():
        assignment_return(assignment=assignment, reason=payload.reason, actor=actor)
    return assignment_detail(request, actor, _fresh(actor, assignment_id))


@router.post(
    "/assignments/{assignment_id}/read",
    response={200: AssignmentDetailOut, **WRITE},
    summary="Đánh dấu đã đọc",
    description="Người nhận để biết đánh dấu đã đọc (một lần; gọi lại không đổi gì).",
    url_name="assignment_read",
)
def mark_read(request: HttpRequest, assignment_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    assignment = assignment_for(actor, assignment_id, action="read")
    with refusals():
        assignment_mark_read(assignment=assignment, actor=actor)
    return assignment_detail(request, actor, _fresh(actor, assignment_id))


@router.post(
    "/assignments/{assignment_id}/opinions",
    response={201: OpinionOut, **WRITE},
    summary="Xin ý kiến",
    description="Người xử lý xin ý kiến một người trong cơ quan.",
    url_name="assignment_ask_opinion",
)
def ask_opinion(
    request: HttpRequest, assignment_id: int, payload: OpinionAskIn
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    assignment = assignment_for(actor, assignment_id, action="handle")
    with refusals({"asked_of": "asked_of_id"}):
        opinion = opinion_ask(
            assignment=assignment,
            asked_of_id=payload.asked_of_id,
            question=payload.question,
            actor=actor,
        )
    opinion = OpinionRequest.objects.select_related("asked_by", "asked_of").get(pk=opinion.pk)
    return Respond(201, opinion_out(opinion))


@router.post(
    "/assignments/{assignment_id}/extensions",
    response={201: ExtensionOut, **WRITE},
    summary="Xin gia hạn",
    description=(
        "Người xử lý xin gia hạn, kèm lý do; người giao quyết định. Mỗi lúc chỉ một đề nghị "
        "chờ quyết định (đề nghị thứ hai trả 409)."
    ),
    url_name="assignment_request_extension",
)
def request_extension(
    request: HttpRequest, assignment_id: int, payload: ExtensionIn
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    assignment = assignment_for(actor, assignment_id, action="handle")
    with refusals():
        extension = extension_request(
            assignment=assignment,
            requested_due=payload.requested_due,
            reason=payload.reason,
            actor=actor,
        )
    extension = ExtensionRequest.objects.select_related("requested_by", "decided_by").get(
        pk=extension.pk
    )
    return Respond(201, extension_out(extension))


@router.post(
    "/assignments/{assignment_id}/chase",
    response={201: ChaseOut, **WRITE},
    summary="Đôn đốc",
    description="Người giao hoặc người theo dõi đôn đốc người xử lý việc đang mở.",
    url_name="assignment_chase",
)
def chase(request: HttpRequest, assignment_id: int, payload: ChaseIn) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    assignment = assignment_for(actor, assignment_id, action="chase")
    with refusals():
        message = chase_send(assignment=assignment, text=payload.text, actor=actor)
    message = ChaseMessage.objects.select_related("sent_by").get(pk=message.pk)
    return Respond(201, chase_out(message))


@router.post(
    "/assignments/{assignment_id}/cancel",
    response={200: AssignmentDetailOut, **WRITE},
    summary="Thu hồi việc đã giao",
    description="Người giao thu hồi việc (để giao người khác), kèm lý do.",
    url_name="assignment_cancel",
)
def cancel(request: HttpRequest, assignment_id: int, payload: ReasonIn) -> dict[str, Any]:
    actor = actor_of(request)
    assignment = assignment_for(actor, assignment_id, action="assigner")
    with refusals():
        assignment_cancel(assignment=assignment, reason=payload.reason, actor=actor)
    return assignment_detail(request, actor, _fresh(actor, assignment_id))


@router.post(
    "/assignments/{assignment_id}/reopen",
    response={200: AssignmentDetailOut, **WRITE},
    summary="Giao lại việc bị trả lại",
    description="Người giao giao lại việc bị trả lại cho chính người đó, có thể với hạn mới.",
    url_name="assignment_reopen",
)
def reopen(
    request: HttpRequest, assignment_id: int, payload: ReopenIn | None = None
) -> dict[str, Any]:
    actor = actor_of(request)
    assignment = assignment_for(actor, assignment_id, action="assigner")
    data = payload or ReopenIn(due_date=None, note="")
    with refusals():
        assignment_reopen(
            assignment=assignment, actor=actor, due_date=data.due_date, note=data.note
        )
    return assignment_detail(request, actor, _fresh(actor, assignment_id))


# --- answering requests -------------------------------------------------------------------


@router.post(
    "/opinions/{opinion_id}/answer",
    response={200: OpinionOut, **WRITE},
    summary="Cho ý kiến",
    description="Người được xin ý kiến trả lời (một lần; trả lời lần hai trả 409).",
    url_name="opinion_answer",
)
def answer_opinion(
    request: HttpRequest, opinion_id: int, payload: OpinionAnswerIn
) -> dict[str, Any]:
    actor = actor_of(request)
    opinion = opinion_for(actor, opinion_id)
    with refusals():
        opinion_answer(opinion=opinion, answer=payload.answer, actor=actor)
    fresh = OpinionRequest.objects.select_related("asked_by", "asked_of").get(pk=opinion.pk)
    return opinion_out(fresh)


@router.post(
    "/extensions/{extension_id}/decide",
    response={200: ExtensionOut, **WRITE},
    summary="Quyết định đề nghị gia hạn",
    description=(
        "Người giao đồng ý (hạn xử lý chuyển sang hạn đề nghị) hoặc không đồng ý (ghi lý do)."
    ),
    url_name="extension_decide",
)
def decide_extension(
    request: HttpRequest, extension_id: int, payload: ExtensionDecideIn
) -> dict[str, Any]:
    actor = actor_of(request)
    extension = extension_for(actor, extension_id)
    with refusals():
        extension_decide(
            extension=extension, approve=payload.approve, actor=actor, note=payload.note
        )
    fresh = ExtensionRequest.objects.select_related("requested_by", "decided_by").get(
        pk=extension.pk
    )
    return extension_out(fresh)


# --- queues -------------------------------------------------------------------------------


def _queue_label(name: str) -> str | None:
    return QUEUES.get(name) or EXTRA_QUEUES.get(name)


@router.get(
    "/queues",
    response={200: list[QueueCountOut], **ERRORS},
    summary="Số việc trong từng hàng đợi",
    description=(
        "Các hàng đợi xử lý của người gọi và số mục (nhận để biết: số chưa đọc), kể cả văn bản "
        "trình tôi, ý kiến chờ tôi trả lời và đề nghị gia hạn chờ tôi quyết định."
    ),
    url_name="queue_counts",
)
def list_queues(request: HttpRequest) -> list[dict[str, Any]]:
    actor = actor_of(request)
    counts = queue_counts(actor, agency_id_of(actor))
    names = [*QUEUES, *EXTRA_QUEUES]
    return [
        {"name": name, "label": _queue_label(name), "count": counts.get(name, 0)} for name in names
    ]


def _queue_rows(actor: Any, name: str, params: QueueQuery) -> Any:
    agency_id = agency_id_of(actor)
    if name == "trinh":
        return presented_to_me(actor, agency_id)
    if name == "xin-y-kien":
        return opinions_asked_of_me(actor, agency_id, answered=False).select_related("asked_of")
    if name == "gia-han":
        return extensions_to_decide(actor, agency_id).select_related("decided_by")
    filters = QueueFilters(q=params.q, role=params.role, sort=params.sort, kind=params.kind)
    return queue(actor=actor, agency_id=agency_id, name=name, filters=filters).select_related(
        "on_behalf_of", "follow_up"
    )


def _queue_item(name: str, row: Any) -> dict[str, Any]:
    if name == "trinh":
        return {
            "kind": "presented",
            "subject": incoming_subject(row),
            "incoming": incoming_brief(row),
        }
    if name in {"xin-y-kien", "gia-han"}:
        kind, out = (
            ("opinion", opinion_out)
            if name == "xin-y-kien"
            else (
                "extension",
                extension_out,
            )
        )
        return {"kind": kind, "subject": subject_out(row.assignment), kind: out(row)}
    return {"kind": "assignment", "subject": subject_out(row), "assignment": assignment_out(row)}


@router.get(
    "/queues/{name}",
    response={200: QueuePage, **FOUND},
    summary="Các mục của một hàng đợi",
    description=(
        "Hàng đợi: cho-xu-ly, dang-xu-ly, qua-han, sap-den-han, de-biet, da-xu-ly, toi-giao, "
        "tra-lai, don-vi (phân công), trinh (văn bản trình tôi), xin-y-kien (ý kiến chờ tôi), "
        "gia-han (đề nghị chờ tôi quyết định). Lọc q, role, kind và sắp xếp sort áp dụng cho "
        "hàng đợi phân công. limit tối đa 200."
    ),
    url_name="queue_items",
)
def queue_items(request: HttpRequest, name: str, params: Query[QueueQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    label = _queue_label(name)
    if label is None:
        raise NotFound()
    limit = min(params.limit, MAX_LIMIT)
    queryset = _queue_rows(actor, name, params)
    counted = queryset.order_by()[: DEFAULT_COUNT_CAP + 1].count()
    rows = list(queryset[params.offset : params.offset + limit + 1])
    return {
        "name": name,
        "label": label,
        "count": min(counted, DEFAULT_COUNT_CAP),
        "count_capped": counted > DEFAULT_COUNT_CAP,
        "limit": limit,
        "offset": params.offset,
        "has_more": len(rows) > limit,
        "items": [_queue_item(name, row) for row in rows[:limit]],
    }


# --- tasks --------------------------------------------------------------------------------


@router.post(
    "/tasks",
    response={201: TaskDetailOut, **WRITE},
    summary="Giao việc",
    description=(
        "Lãnh đạo giao một công việc không kèm văn bản cho đơn vị, cá nhân (lãnh đạo đơn vị: "
        "trong đơn vị mình). Người không phải lãnh đạo nhận 403."
    ),
    url_name="task_create",
)
def create_task(request: HttpRequest, payload: TaskIn) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    agency: Agency | None = getattr(actor, "agency", None)
    if agency is None:
        raise ValidationFailed("Tài khoản chưa thuộc cơ quan nào, không giao việc được.")
    # No object to hide here: a non-leader is told why (403), like a non-clerk registering.
    with refusals({"follow_up": "follow_up_id"}, hide_forbidden=False):
        task = task_create(
            agency=agency,
            title=payload.title,
            description=payload.description,
            assignees=_lines(payload.assignees),
            actor=actor,
            priority=payload.priority,
            due_date=payload.due_date,
            follow_up_id=payload.follow_up_id,
        )
    return Respond(201, task_detail(actor, task_for(actor, task.pk)))


@router.get(
    "/tasks",
    response={200: TaskPage, **ERRORS},
    summary="Danh sách công việc",
    description="Công việc người gọi được xem (đã giao, được giao, lãnh đạo: cả cơ quan).",
    url_name="task_list",
)
def list_tasks(request: HttpRequest, params: Query[TaskQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    queryset = visible_tasks(actor, agency_id_of(actor))
    queryset = queryset.select_related("created_by", "on_behalf_of")
    if params.status:
        queryset = queryset.filter(status=params.status)
    return capped_page_out(
        queryset.order_by("-created_at", "-id"),
        page=params.page,
        page_size=params.page_size,
        item=task_out,
    )


@router.get(
    "/tasks/{task_id}",
    response={200: TaskDetailOut, **FOUND},
    summary="Xem một công việc",
    description="Công việc, cây phân công và lịch sử các bước.",
    url_name="task_detail",
)
def get_task(request: HttpRequest, task_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    return task_detail(actor, task_for(actor, task_id))
