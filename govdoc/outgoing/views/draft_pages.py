"""The draft's page (/van-ban-di/du-thao/<pk>/): its metadata, status and recipients, the
current version's PDF in a frame, the versions with their downloads and the comparison of
two, the comments per version, the circuit with both approvals (content, form), the
history, and the actions the person looking may take now. Also the files of the draft
(each view or download journaled). A bounded number of queries whatever the number of
versions, steps or comments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from govdoc.audit.services import audit_record
from govdoc.organizations.access import acting_for_ids
from govdoc.organizations.models import User
from govdoc.outgoing.access import is_clerk, pending_steps_for
from govdoc.outgoing.forms.action_forms import (
    AttachForm,
    CommentForm,
    IssueForm,
    NoteForm,
    ReasonForm,
    SignForm,
    StepAddForm,
    VersionForm,
    secret_label,
)
from govdoc.outgoing.forms.recipient_rows import unit_options
from govdoc.outgoing.models import ApprovalStep, Draft, DraftAttachment, DraftVersion
from govdoc.outgoing.selectors import agency_credential_kind, is_late, personal_credential_kind
from govdoc.outgoing.services.drafts import can_edit
from govdoc.outgoing.views.common import (
    DRAFT_STATUS_CSS,
    STEP_STATUS_CSS,
    draft_or_404,
    history_label,
    serve_stored,
)
from govdoc.outgoing.workflow import TO_ISSUE, DraftStatus, StepKind

BEFORE_APPROVAL = (DraftStatus.DRAFTING, DraftStatus.RETURNED, DraftStatus.IN_REVIEW)


@dataclass(frozen=True)
class Actions:
    """What the person looking may do on the draft now."""

    edit: bool
    add_step: bool
    submit: bool
    steps: list[ApprovalStep]
    approve_and_sign: ApprovalStep | None
    sign: bool
    signer_return: bool
    issue: bool
    cancel: bool
    comment: bool

    @property
    def any(self) -> bool:
        return any(
            (
                self.edit,
                self.add_step,
                self.submit,
                self.steps,
                self.sign,
                self.signer_return,
                self.issue,
                self.cancel,
            )
        )


def actions_for(draft: Draft, actor: Any) -> Actions:
    drafter = draft.drafter_id == actor.pk
    pending = pending_steps_for(actor, draft) if draft.status == DraftStatus.IN_REVIEW else []
    signer_step = next(
        (
            s
            for s in pending
            if s.kind == StepKind.SIGNER and s.assignee_id == actor.pk == draft.signer_id
        ),
        None,
    )
    approved = draft.status == DraftStatus.APPROVED
    return Actions(
        edit=can_edit(draft, actor),
        add_step=drafter and draft.status in BEFORE_APPROVAL,
        submit=drafter and draft.status in (DraftStatus.DRAFTING, DraftStatus.RETURNED),
        steps=pending,
        approve_and_sign=signer_step,
        sign=approved and draft.signer_id == actor.pk,
        signer_return=approved and draft.signer_id in acting_for_ids(actor, draft.agency_id),
        issue=draft.status in TO_ISSUE and is_clerk(actor, draft.agency_id),
        cancel=drafter and draft.status in BEFORE_APPROVAL,
        comment=draft.status not in (DraftStatus.ISSUED, DraftStatus.CANCELLED),
    )


@dataclass(frozen=True)
class StepView:
    step: ApprovalStep
    who: str
    status_css: str
    version_stale: bool


def _who(step: ApprovalStep) -> str:
    if step.assignee is not None:
        return step.assignee.display_name
    return "Văn thư cơ quan" if step.assignee_role == "CLERK" else step.assignee_role


def people_of_agency(draft: Draft) -> list[tuple[int, str]]:
    return [
        (pk, full_name or username)
        for pk, full_name, username in User.objects.filter(
            agency_id=draft.agency_id, is_active=True
        )
        .exclude(pk=draft.drafter_id)
        .order_by("full_name", "username")
        .values_list("pk", "full_name", "username")
    ]


def _default_forms(draft: Draft, actions: Actions) -> dict[str, forms.Form]:
    built: dict[str, forms.Form] = {
        "comment": CommentForm(),
        "cancel": ReasonForm(prefix="huy"),
        "signer_return": ReasonForm(prefix="nguoi-ky"),
        "version": VersionForm(initial={"version": draft.version}),
        "attach": AttachForm(),
        "submit": NoteForm(prefix="trinh"),
        "sign": SignForm(),
    }
    if actions.add_step:
        current = max((s.stage for s in draft.steps.all() if s.status == "PENDING"), default=1)
        built["add_step"] = StepAddForm(people=people_of_agency(draft), initial={"stage": current})
    if actions.issue:
        built["issue"] = IssueForm(
            units=unit_options(draft.agency_id), initial={"keeping_unit": draft.drafting_unit_id}
        )
    return built


def draft_page(
    request: HttpRequest,
    draft: Draft,
    *,
    failed: dict[str, forms.Form] | None = None,
    failed_step: int | None = None,
    message: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render the draft's page; `failed` holds the bound form of a refused action (its
    errors shown next to it), `failed_step` the step whose decision was refused."""
    actor = request.user
    actions = actions_for(draft, actor)
    versions = list(draft.versions.select_related("created_by", "body", "pdf").order_by("number"))
    current = versions[-1] if versions else None
    steps = list(
        draft.steps.select_related("assignee", "decided_by", "on_behalf_of").order_by("stage", "pk")
    )
    latest = current.number if current else 0
    step_views = [
        StepView(
            step=s,
            who=_who(s),
            status_css=STEP_STATUS_CSS.get(s.status, ""),
            version_stale=bool(
                s.status == "APPROVED" and s.decided_version and s.decided_version < latest
            ),
        )
        for s in steps
    ]
    # Both approvals NĐ 30 Điều 10 asks to keep: the content (unit leader) and the form.
    approvals = {
        kind: next((v for v in step_views if v.step.kind == kind), None)
        for kind in (StepKind.CONTENT, StepKind.FORM, StepKind.SIGNER)
    }
    comments = list(draft.comments.select_related("author", "draft_version"))
    history = [
        (h, history_label(h.action, issued="to" in h.data and h.action == "update"))
        for h in draft.history.select_related("actor", "on_behalf_of")
    ]
    returned = (
        next((h for h, _label in reversed(history) if h.action == "return"), None)
        if draft.status == DraftStatus.RETURNED
        else None
    )
    outgoing = None
    if draft.status in (DraftStatus.NUMBERED, DraftStatus.ISSUED):
        outgoing = getattr(draft, "outgoing", None)
    forms_ = _default_forms(draft, actions) | (failed or {})
    secret_kinds = {
        "sign": personal_credential_kind(actor)
        if (actions.sign or actions.approve_and_sign)
        else "",
        "issue": agency_credential_kind(draft.agency_id) if actions.issue else "",
    }
    context = {
        "draft": draft,
        "status_css": DRAFT_STATUS_CSS.get(draft.status, ""),
        "recipients": list(draft.recipients.select_related("unit", "agency")),
        "versions": versions,
        "current": current,
        "attachments": list(
            draft.attachments.filter(removed_at__isnull=True).select_related("stored", "added_by")
        ),
        "steps": step_views,
        "approvals": approvals,
        "comments": comments,
        "history": history,
        "actions": actions,
        "forms": forms_,
        "failed_step": failed_step,
        "action_message": message,
        "outgoing": outgoing,
        "returned": returned,
        "late": is_late(draft),
        "sign_label": secret_label(secret_kinds["sign"]),
        "issue_label": secret_label(secret_kinds["issue"], agency=True),
        "sign_credential": secret_kinds["sign"],
        "issue_credential": secret_kinds["issue"],
        "reply_to": draft.reply_to if draft.reply_to_id else None,
    }
    return render(request, "outgoing/draft_detail.html", context, status=status)


@login_required
def draft_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    with transaction.atomic():
        audit_record(
            actor=request.user, action="outgoing.view", target=draft, agency_id=draft.agency_id
        )
    return draft_page(request, draft)


@login_required
@xframe_options_sameorigin  # the draft's page shows the PDF in a frame of its own
def version_file_view(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    """A version's PDF (inline); ?goc=1 its original body (the DOCX); ?tai=1 downloads."""
    draft = draft_or_404(request, pk)
    version = get_object_or_404(
        DraftVersion.objects.select_related("body", "pdf"), draft=draft, number=number
    )
    original = request.GET.get("goc") == "1"
    stored = version.body if original or version.pdf is None else version.pdf
    name = version.body_name
    if not original and version.pdf is not None and version.pdf_id != version.body_id:
        name = name.rsplit(".", 1)[0] + ".pdf"
    return serve_stored(
        request,
        stored,
        name=name,
        target=version,
        agency_id=draft.agency_id,
        label=str(draft),
    )


@login_required
@xframe_options_sameorigin
def attachment_file_view(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    draft = draft_or_404(request, pk)
    attachment = get_object_or_404(
        DraftAttachment.objects.select_related("stored"), pk=attachment_pk, draft=draft
    )
    if attachment.removed_at is not None and not can_edit(draft, request.user):
        raise Http404()
    return serve_stored(
        request,
        attachment.stored,
        name=attachment.name,
        target=attachment,
        agency_id=draft.agency_id,
        label=str(draft),
    )
