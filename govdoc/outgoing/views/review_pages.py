"""The circuit's actions on the draft's page, each a POST that fetches the draft through the
access rules (someone who may not see it gets 404), calls one service and returns to the
page: submit, approve or return a step, add a step, the signer's return, cancel, comment.
A refusal shows the draft's page again with the message next to the form (and the HTTP
status of the refusal); nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from govdoc.core.errors import DomainError, ValidationFailed
from govdoc.organizations.access import acting_for_ids
from govdoc.outgoing.access import pending_steps_for
from govdoc.outgoing.forms.action_forms import (
    CommentForm,
    NoteForm,
    ReasonForm,
    StepAddForm,
    place_errors,
)
from govdoc.outgoing.inputs import StepInput
from govdoc.outgoing.models import ApprovalStep, Draft
from govdoc.outgoing.services.circuits import (
    draft_return_by_signer,
    draft_submit,
    step_add,
    step_approve,
    step_return,
)
from govdoc.outgoing.services.drafts import draft_cancel, draft_comment
from govdoc.outgoing.views.common import draft_or_404, is_htmx
from govdoc.outgoing.views.draft_pages import actions_for, draft_page, people_of_agency
from govdoc.outgoing.workflow import DraftStatus


def run_action(
    request: HttpRequest,
    draft: Draft,
    *,
    key: str,
    form: forms.Form,
    step: Callable[[], Any],
    success: str,
    failed_step: int | None = None,
) -> HttpResponse:
    """Call the service; back to the page on success, the page with the form's errors on a
    refusal."""
    try:
        step()
    except DomainError as error:
        if not form.is_bound:  # pragma: no cover - every action form is bound
            raise
        form.is_valid()
        place_errors(form, error.fields, error.message)
        fresh = draft_or_404(request, draft.pk)
        return draft_page(
            request, fresh, failed={key: form}, failed_step=failed_step, status=error.status
        )
    messages.success(request, success)
    return redirect("outgoing:draft_detail", pk=draft.pk)


def my_step(request: HttpRequest, draft: Draft, step_pk: int) -> ApprovalStep:
    """The step, if it waits for the actor now; otherwise 404."""
    for step in pending_steps_for(request.user, draft):
        if step.pk == step_pk:
            step.draft = draft
            return step
    raise Http404()


@login_required
@require_POST
def draft_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    if draft.drafter_id != request.user.pk:
        raise Http404()
    form = NoteForm(request.POST, prefix="trinh")
    return run_action(
        request,
        draft,
        key="submit",
        form=form,
        step=lambda: draft_submit(
            draft=draft, actor=request.user, note=str(form.data.get("trinh-note", ""))
        ),
        success="Đã trình dự thảo.",
    )


@login_required
@require_POST
def step_approve_view(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    step = my_step(request, draft, step_pk)
    form = NoteForm(request.POST)
    return run_action(
        request,
        draft,
        key="step",
        form=form,
        step=lambda: step_approve(
            step=step, actor=request.user, note=str(form.data.get("note", ""))
        ),
        success=f"Đã duyệt: {step.get_kind_display().lower()}.",
        failed_step=step.pk,
    )


@login_required
@require_POST
def step_return_view(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    step = my_step(request, draft, step_pk)
    form = ReasonForm(request.POST)
    return run_action(
        request,
        draft,
        key="step",
        form=form,
        step=lambda: step_return(
            step=step, actor=request.user, reason=str(form.data.get("reason", ""))
        ),
        success="Đã trả lại dự thảo cho người soạn thảo.",
        failed_step=step.pk,
    )


@login_required
@require_POST
def step_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    if draft.drafter_id != request.user.pk:
        raise Http404()
    form = StepAddForm(request.POST, people=people_of_agency(draft))

    def add() -> None:
        if not form.is_valid():
            raise ValidationFailed(
                "Bước duyệt chưa hợp lệ.",
                fields={name: str(errors[0]) for name, errors in form.errors.items()},
            )
        step_add(draft=draft, data=StepInput(**form.to_arguments()), actor=request.user)

    return run_action(
        request, draft, key="add_step", form=form, step=add, success="Đã thêm bước duyệt."
    )


@login_required
@require_POST
def signer_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    # The service does not check the status: only an approved draft is the signer's to
    # send back (in review, the signer returns through their own step).
    if draft.status != DraftStatus.APPROVED or draft.signer_id not in acting_for_ids(
        request.user, draft.agency_id
    ):
        raise Http404()
    form = ReasonForm(request.POST, prefix="nguoi-ky")
    return run_action(
        request,
        draft,
        key="signer_return",
        form=form,
        step=lambda: draft_return_by_signer(
            draft=draft, actor=request.user, reason=str(form.data.get("nguoi-ky-reason", ""))
        ),
        success="Đã trả lại dự thảo cho người soạn thảo.",
    )


@login_required
@require_POST
def draft_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    if draft.drafter_id != request.user.pk:
        raise Http404()
    form = ReasonForm(request.POST, prefix="huy")
    return run_action(
        request,
        draft,
        key="cancel",
        form=form,
        step=lambda: draft_cancel(
            draft=draft, actor=request.user, reason=str(form.data.get("huy-reason", ""))
        ),
        success="Đã hủy dự thảo.",
    )


@login_required
@require_POST
def draft_comment_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment on the current version; with htmx only the comments section comes back."""
    draft = draft_or_404(request, pk)
    form = CommentForm(request.POST)
    if not is_htmx(request):
        return run_action(
            request,
            draft,
            key="comment",
            form=form,
            step=lambda: draft_comment(
                draft=draft, text=str(form.data.get("text", "")), actor=request.user
            ),
            success="Đã gửi ý kiến.",
        )
    # htmx swaps only successful answers: a refusal comes back as 200 with its message.
    try:
        draft_comment(draft=draft, text=str(form.data.get("text", "")), actor=request.user)
    except DomainError as error:
        form.is_valid()
        place_errors(form, error.fields, error.message)
    else:
        form = CommentForm()
    return render(
        request,
        "outgoing/_comments.html",
        {
            "draft": draft,
            "comments": list(draft.comments.select_related("author", "draft_version")),
            "actions": actions_for(draft, request.user),
            "forms": {"comment": form},
        },
    )
