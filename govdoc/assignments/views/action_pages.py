"""The handling actions of the web UI: each a POST that fetches its object through the access
rules (someone who may not take the action gets 404 and nothing changes), calls one
service, and returns to the document's or task's page with the outcome. A refusal is shown
there with the values typed, so nothing has to be typed again. Also the download of a
progress note's attachment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from govdoc.assignments.access import (
    assignment_for,
    extension_for,
    opinion_for,
    visible_assignments,
)
from govdoc.assignments.forms.action_forms import (
    AssignForm,
    ChaseForm,
    CompleteForm,
    ExtensionDecideForm,
    ExtensionRequestForm,
    OpinionAnswerForm,
    OpinionAskForm,
    ProgressForm,
    ReasonForm,
    ReopenForm,
    first_errors,
    parse_assignee_rows,
)
from govdoc.assignments.models import Assignment, ProgressAttachment, Task
from govdoc.assignments.panels import RETRY_KEY, subject_key
from govdoc.assignments.services import (
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
)
from govdoc.assignments.services.common import subject_of, subject_url
from govdoc.audit.services import audit_record
from govdoc.core.errors import DomainError, NotFound
from govdoc.documents.storage import stream_stored
from govdoc.incoming.access import incoming_for
from govdoc.incoming.forms import to_upload
from govdoc.incoming.models import IncomingDocument
from govdoc.organizations.access import has_role, led_unit_ids
from govdoc.organizations.roles import Role

# Values never kept for the retry (the token; files cannot be kept).
NOT_KEPT = frozenset({"csrfmiddlewaretoken", "attachments"})


def _assignment(request: HttpRequest, pk: int, action: str) -> Assignment:
    try:
        return assignment_for(request.user, pk, action=action)
    except NotFound:
        raise Http404() from None


def _back(subject: IncomingDocument | Task) -> HttpResponse:
    return redirect(subject_url(subject))


def _refused(
    request: HttpRequest,
    error: DomainError,
    *,
    subject: IncomingDocument | Task,
    form: str,
    pk: int,
) -> None:
    """Show the refusal, and keep what was typed for the page to fill the form again."""
    details = [m for m in error.fields.values() if m and m != error.message]
    messages.error(request, " ".join([error.message, *details]).strip())
    request.session[RETRY_KEY] = {
        "subject": subject_key(subject),
        "form": form,
        "pk": pk,
        "values": {k: v for k, v in request.POST.items() if k not in NOT_KEPT},
        "errors": dict(error.fields),
        "message": error.message,
    }


def _run(
    request: HttpRequest,
    *,
    subject: IncomingDocument | Task,
    form: str,
    pk: int,
    step: Callable[[], Any],
    success: str,
) -> HttpResponse:
    try:
        step()
    except DomainError as error:
        _refused(request, error, subject=subject, form=form, pk=pk)
    else:
        messages.success(request, success)
    return _back(subject)


def _valid(form: Any) -> Any:
    """The cleaned data, or the form's errors raised as a service would raise them."""
    if not form.is_valid():
        raise first_errors(form)
    return form.cleaned_data


# The leader ----------------------------------------------------------------------------


@login_required
@require_POST
def incoming_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The agency leader's instruction and assignment (or their delegate's)."""
    try:
        incoming = incoming_for(request.user, pk)
    except NotFound:
        raise Http404() from None
    if not has_role(request.user, incoming.agency_id, Role.AGENCY_LEADER):
        raise Http404()

    def step() -> None:
        data = _valid(AssignForm(request.POST))
        incoming_assign(
            incoming=incoming,
            instruction=data.get("instruction") or "",
            assignees=parse_assignee_rows(request.POST),
            actor=request.user,
            follow_up_id=data.get("follow_up"),
        )

    return _run(
        request,
        subject=incoming,
        form="assign",
        pk=incoming.pk,
        step=step,
        success="Đã ghi ý kiến chỉ đạo và phân công xử lý.",
    )


@login_required
@require_POST
def assignment_sub_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit leader assigns the unit's work to people of the unit."""
    assignment = _assignment(request, pk, "handle")
    if assignment.assignee_unit_id not in led_unit_ids(request.user, assignment.agency_id):
        raise Http404()
    return _run(
        request,
        subject=subject_of(assignment),
        form="sub_assign",
        pk=assignment.pk,
        step=lambda: assignment_sub_assign(
            assignment=assignment,
            assignees=parse_assignee_rows(request.POST),
            actor=request.user,
        ),
        success="Đã giao việc trong đơn vị.",
    )


# The handler ---------------------------------------------------------------------------


@login_required
@require_POST
def assignment_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, "handle")

    def step() -> None:
        data = _valid(ProgressForm(request.POST, request.FILES))
        uploads = [u for u in (to_upload(f) for f in data.get("attachments") or []) if u]
        assignment_progress(
            assignment=assignment,
            text=data.get("text") or "",
            actor=request.user,
            attachments=uploads,
        )

    return _run(
        request,
        subject=subject_of(assignment),
        form="progress",
        pk=assignment.pk,
        step=step,
        success="Đã ghi tiến độ xử lý.",
    )


@login_required
@require_POST
def assignment_ask_opinion_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, "handle")

    def step() -> None:
        data = _valid(OpinionAskForm(request.POST))
        opinion_ask(
            assignment=assignment,
            asked_of_id=data.get("asked_of"),
            question=data.get("question") or "",
            actor=request.user,
        )

    return _run(
        request,
        subject=subject_of(assignment),
        form="ask_opinion",
        pk=assignment.pk,
        step=step,
        success="Đã gửi xin ý kiến.",
    )


@login_required
@require_POST
def assignment_request_extension_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, "handle")

    def step() -> None:
        data = _valid(ExtensionRequestForm(request.POST))
        extension_request(
            assignment=assignment,
            requested_due=data.get("requested_due"),
            reason=data.get("reason") or "",
            actor=request.user,
        )

    return _run(
        request,
        subject=subject_of(assignment),
        form="request_extension",
        pk=assignment.pk,
        step=step,
        success="Đã gửi đề nghị gia hạn tới người giao việc.",
    )


@login_required
@require_POST
def assignment_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, "handle")

    def step() -> None:
        data = _valid(ReasonForm(request.POST))
        assignment_return(
            assignment=assignment, reason=data.get("reason") or "", actor=request.user
        )

    return _run(
        request,
        subject=subject_of(assignment),
        form="return",
        pk=assignment.pk,
        step=step,
        success="Đã trả lại người giao việc.",
    )


@login_required
@require_POST
def assignment_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, "handle")

    def step() -> None:
        data = _valid(CompleteForm(request.POST))
        assignment_complete(
            assignment=assignment, result=data.get("result") or "", actor=request.user
        )

    return _run(
        request,
        subject=subject_of(assignment),
        form="complete",
        pk=assignment.pk,
        step=step,
        success="Đã hoàn thành xử lý.",
    )


# The reader, the person asked, the assigner, the follow-up person -------------------------


@login_required
@require_POST
def assignment_mark_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, "read")
    return _run(
        request,
        subject=subject_of(assignment),
        form="read",
        pk=assignment.pk,
        step=lambda: assignment_mark_read(assignment=assignment, actor=request.user),
        success="Đã đánh dấu đã đọc.",
    )


@login_required
@require_POST
def opinion_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        opinion = opinion_for(request.user, pk)
    except NotFound:
        raise Http404() from None
    # The access fetch joins the assignment only; its subject is needed for the way back.
    assignment = Assignment.objects.select_related("incoming__document", "task").get(
        pk=opinion.assignment_id
    )
    opinion.assignment = assignment

    def step() -> None:
        data = _valid(OpinionAnswerForm(request.POST))
        opinion_answer(opinion=opinion, answer=data.get("answer") or "", actor=request.user)

    return _run(
        request,
        subject=subject_of(assignment),
        form="answer",
        pk=opinion.pk,
        step=step,
        success="Đã gửi ý kiến.",
    )


@login_required
@require_POST
def extension_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        extension = extension_for(request.user, pk)
    except NotFound:
        raise Http404() from None
    assignment = Assignment.objects.select_related(
        "incoming__document", "task", "assignee_person", "assignee_unit"
    ).get(pk=extension.assignment_id)
    extension.assignment = assignment
    approve = request.POST.get("decision") == "approve"

    def step() -> None:
        data = _valid(ExtensionDecideForm(request.POST))
        extension_decide(
            extension=extension,
            approve=data["decision"] == "approve",
            actor=request.user,
            note=data.get("note") or "",
        )

    return _run(
        request,
        subject=subject_of(assignment),
        form="decide_extension",
        pk=assignment.pk,
        step=step,
        success="Đã đồng ý gia hạn." if approve else "Đã từ chối đề nghị gia hạn.",
    )


@login_required
@require_POST
def assignment_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, "assigner")

    def step() -> None:
        data = _valid(ReasonForm(request.POST))
        assignment_cancel(
            assignment=assignment, reason=data.get("reason") or "", actor=request.user
        )

    return _run(
        request,
        subject=subject_of(assignment),
        form="cancel",
        pk=assignment.pk,
        step=step,
        success="Đã thu hồi việc đã giao.",
    )


@login_required
@require_POST
def assignment_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, "assigner")

    def step() -> None:
        data = _valid(ReopenForm(request.POST))
        assignment_reopen(
            assignment=assignment,
            actor=request.user,
            due_date=data.get("due_date"),
            note=data.get("note") or "",
        )

    return _run(
        request,
        subject=subject_of(assignment),
        form="reopen",
        pk=assignment.pk,
        step=step,
        success="Đã giao lại việc.",
    )


@login_required
@require_POST
def assignment_chase_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, "chase")

    def step() -> None:
        data = _valid(ChaseForm(request.POST))
        chase_send(assignment=assignment, text=data.get("text") or "", actor=request.user)

    return _run(
        request,
        subject=subject_of(assignment),
        form="chase",
        pk=assignment.pk,
        step=step,
        success="Đã gửi đôn đốc.",
    )


# Files of progress notes ---------------------------------------------------------------


@login_required
def attachment_view(request: HttpRequest, pk: int) -> FileResponse:
    """A progress note's attachment, for whoever sees the note's assignment (journaled)."""
    agency_id = getattr(request.user, "agency_id", None)
    item = (
        ProgressAttachment.objects.select_related("stored", "note")
        .filter(pk=pk, note__assignment__in=visible_assignments(request.user, agency_id))
        .first()
    )
    if item is None:
        raise Http404()
    download = request.GET.get("tai") == "1" or item.stored.kind != "pdf"
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="file.download" if download else "file.view",
            target=item,
            target_label=f"{item.name} — tiến độ xử lý",
            agency_id=agency_id,
            data={
                "sha256": item.stored.sha256,
                "assignment": item.note.assignment_id,
                "note": item.note_id,
            },
        )
    response = FileResponse(
        stream_stored(item.stored),
        content_type=item.stored.content_type,
        as_attachment=download,
        filename=item.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


urlpatterns: list[URLPattern] = [
    path("van-ban/<int:pk>/phan-cong/", incoming_assign_view, name="incoming_assign"),
    path(
        "phan-cong/<int:pk>/giao-trong-don-vi/",
        assignment_sub_assign_view,
        name="assignment_sub_assign",
    ),
    path("phan-cong/<int:pk>/tien-do/", assignment_progress_view, name="assignment_progress"),
    path(
        "phan-cong/<int:pk>/xin-y-kien/",
        assignment_ask_opinion_view,
        name="assignment_ask_opinion",
    ),
    path(
        "phan-cong/<int:pk>/xin-gia-han/",
        assignment_request_extension_view,
        name="assignment_request_extension",
    ),
    path("phan-cong/<int:pk>/tra-lai/", assignment_return_view, name="assignment_return"),
    path("phan-cong/<int:pk>/hoan-thanh/", assignment_complete_view, name="assignment_complete"),
    path("phan-cong/<int:pk>/da-doc/", assignment_mark_read_view, name="assignment_mark_read"),
    path("phan-cong/<int:pk>/thu-hoi/", assignment_cancel_view, name="assignment_cancel"),
    path("phan-cong/<int:pk>/giao-lai/", assignment_reopen_view, name="assignment_reopen"),
    path("phan-cong/<int:pk>/don-doc/", assignment_chase_view, name="assignment_chase"),
    path("y-kien/<int:pk>/tra-loi/", opinion_answer_view, name="opinion_answer"),
    path("gia-han/<int:pk>/quyet-dinh/", extension_decide_view, name="extension_decide"),
    path("tep/<int:pk>/", attachment_view, name="progress_attachment"),
]
