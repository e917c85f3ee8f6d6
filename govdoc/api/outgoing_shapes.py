"""How the outgoing API shows drafts, issued documents, deliveries, changes and copies: plain
dicts in the shapes of `outgoing_schemas`, each read in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from govdoc.api.handling_shapes import local_time, person_out
from govdoc.documents.models import DocumentFile, Priority
from govdoc.organizations.access import acting_for_ids, has_role
from govdoc.organizations.roles import Role
from govdoc.outgoing.access import is_clerk, pending_steps_for
from govdoc.outgoing.dispatch_actions import actions_for
from govdoc.outgoing.models import (
    ApprovalStep,
    Dispatch,
    DispatchEvent,
    DocumentCopy,
    Draft,
    DraftAttachment,
    DraftComment,
    DraftHistory,
    DraftRecipient,
    DraftVersion,
    OutgoingChange,
    OutgoingDocument,
)
from govdoc.outgoing.workflow import (
    EDITABLE,
    FROZEN_OUTGOING,
    TO_ISSUE,
    ChangeKind,
    CopyKind,
    DispatchStatus,
    DraftStatus,
    Method,
    OutgoingStatus,
    StepKind,
    StepStatus,
)

# Select these with a draft to show it in a list.
DRAFT_RELATED = ("document_type", "drafting_unit", "drafter", "signer", "outgoing__document")
OUTGOING_RELATED = ("document", "document__document_type", "keeping_unit", "draft")
CANCELLABLE = (DraftStatus.DRAFTING, DraftStatus.RETURNED, DraftStatus.IN_REVIEW)
STEPS_OPEN = (DraftStatus.DRAFTING, DraftStatus.RETURNED, DraftStatus.IN_REVIEW)


def _url(request: HttpRequest, name: str, keys: dict[str, int], query: str = "") -> str:
    return request.build_absolute_uri(reverse(f"api:{name}", kwargs=keys) + query)


def outgoing_of(draft: Draft) -> OutgoingDocument | None:
    try:
        return draft.outgoing
    except OutgoingDocument.DoesNotExist:
        return None


def issue_late(draft: Draft) -> bool:
    """Signed but not issued by the day it was due (the next working day after signing)."""
    due = draft.issue_due
    return draft.status in TO_ISSUE and due is not None and timezone.localdate() > due


# --- drafts -------------------------------------------------------------------------------


def draft_out(draft: Draft) -> dict[str, Any]:
    outgoing = outgoing_of(draft)
    return {
        "id": draft.pk,
        "subject": draft.subject,
        "status": draft.status,
        "status_label": DraftStatus(draft.status).label,
        "priority": draft.priority,
        "priority_label": Priority(draft.priority).label,
        "document_type": {"id": draft.document_type_id, "name": draft.document_type.name},
        "drafting_unit": {"id": draft.drafting_unit_id, "name": draft.drafting_unit.name},
        "drafter": person_out(draft.drafter),
        "signer": person_out(draft.signer),
        "reply_to_id": draft.reply_to_id,
        "created_at": local_time(draft.created_at),
        "updated_at": local_time(draft.updated_at),
        "submitted_at": local_time(draft.submitted_at),
        "signed_at": local_time(draft.signed_at),
        "issue_due": draft.issue_due,
        "issue_late": issue_late(draft),
        "outgoing_id": outgoing.pk if outgoing is not None else None,
        "code": outgoing.document.code if outgoing is not None else "",
        "version": draft.version,
    }


def draft_actions(actor: Any, draft: Draft, pending: list[ApprovalStep]) -> list[str]:
    """What the actor may do on the draft now (the services decide in the end)."""
    status = draft.status
    drafter = draft.drafter_id == getattr(actor, "pk", None)
    actions: list[str] = []
    if status in EDITABLE and (drafter or (status == DraftStatus.IN_REVIEW and pending)):
        actions.append("edit")
    if drafter and status in (DraftStatus.DRAFTING, DraftStatus.RETURNED):
        actions.append("submit")
    if drafter and status in STEPS_OPEN:
        actions.append("add_step")
    if pending and status == DraftStatus.IN_REVIEW:
        actions.extend(["approve", "return"])
    if status == DraftStatus.APPROVED:
        if draft.signer_id == getattr(actor, "pk", None):
            actions.append("sign")
        if draft.signer_id in acting_for_ids(actor, draft.agency_id):
            actions.append("return_to_drafter")
    if status in TO_ISSUE and is_clerk(actor, draft.agency_id):
        actions.append("issue")
    if drafter and status in CANCELLABLE:
        actions.append("cancel")
    if status not in (DraftStatus.ISSUED, DraftStatus.CANCELLED):
        actions.append("comment")
    return actions


def _recipient_out(recipient: DraftRecipient) -> dict[str, Any]:
    return {
        "id": recipient.pk,
        "kind": recipient.kind,
        "unit_id": recipient.unit_id,
        "agency_id": recipient.agency_id,
        "name": recipient.name,
        "email": recipient.email,
        "address": recipient.address,
        "method": recipient.method,
        "method_label": Method(recipient.method).label,
        "is_addressee": recipient.is_addressee,
    }


def _version_out(request: HttpRequest, draft: Draft, version: DraftVersion) -> dict[str, Any]:
    keys = {"draft_id": draft.pk, "number": version.number}
    return {
        "number": version.number,
        "source": version.source,
        "source_label": DraftVersion.Source(version.source).label,
        "body_name": version.body_name,
        "size": version.body.size,
        "sha256": version.body.sha256,
        "content_type": version.body.content_type,
        "has_pdf": version.pdf_id is not None,
        "note": version.note,
        "created_at": local_time(version.created_at),
        "created_by": person_out(version.created_by),
        "download_url": _url(request, "outgoing_version_file", keys),
        "pdf_url": (
            _url(request, "outgoing_version_file", keys, "?pdf=true")
            if version.pdf_id is not None
            else ""
        ),
    }


def _attachment_out(
    request: HttpRequest, draft: Draft, attachment: DraftAttachment
) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.stored.size,
        "sha256": attachment.stored.sha256,
        "content_type": attachment.stored.content_type,
        "added_at": local_time(attachment.added_at),
        "added_by": person_out(attachment.added_by),
        "download_url": _url(
            request,
            "outgoing_attachment_file",
            {"draft_id": draft.pk, "attachment_id": attachment.pk},
        ),
    }


def step_out(step: ApprovalStep) -> dict[str, Any]:
    return {
        "id": step.pk,
        "stage": step.stage,
        "kind": step.kind,
        "kind_label": StepKind(step.kind).label,
        "assignee": person_out(step.assignee),
        "assignee_role": step.assignee_role,
        "status": step.status,
        "status_label": StepStatus(step.status).label,
        "is_ad_hoc": step.is_ad_hoc,
        "decided_by": person_out(step.decided_by),
        "on_behalf_of": person_out(step.on_behalf_of),
        "decided_at": local_time(step.decided_at),
        "decided_version": step.decided_version,
        "note": step.note,
    }


def comment_out(comment: DraftComment) -> dict[str, Any]:
    version = comment.draft_version
    return {
        "id": comment.pk,
        "author": person_out(comment.author),
        "text": comment.text,
        "created_at": local_time(comment.created_at),
        "version": version.number if version is not None else None,
    }


def _history_out(row: DraftHistory) -> dict[str, Any]:
    return {
        "at": local_time(row.at),
        "action": row.action,
        "actor": person_out(row.actor),
        "on_behalf_of": person_out(row.on_behalf_of),
        "from_status": row.from_status,
        "to_status": row.to_status,
        "note": row.note,
        "data": row.data,
    }


def draft_detail(request: HttpRequest, actor: Any, draft: Draft) -> dict[str, Any]:
    """The whole draft as the actor may act on it (one query per part)."""
    fresh = (
        Draft.objects.select_related(*DRAFT_RELATED)
        .prefetch_related(
            "recipients",
            Prefetch(
                "versions",
                queryset=DraftVersion.objects.select_related("body", "created_by").order_by(
                    "number"
                ),
            ),
            Prefetch(
                "attachments",
                queryset=DraftAttachment.objects.filter(removed_at__isnull=True).select_related(
                    "stored", "added_by"
                ),
            ),
            Prefetch(
                "steps",
                queryset=ApprovalStep.objects.select_related(
                    "assignee", "decided_by", "on_behalf_of"
                ).order_by("stage", "pk"),
            ),
            Prefetch(
                "comments",
                queryset=DraftComment.objects.select_related("author", "draft_version"),
            ),
            Prefetch(
                "history", queryset=DraftHistory.objects.select_related("actor", "on_behalf_of")
            ),
        )
        .get(pk=draft.pk)
    )
    pending = pending_steps_for(actor, fresh)
    return {
        **draft_out(fresh),
        "signing_authority": fresh.signing_authority,
        "authority_title": fresh.authority_title,
        "signer_position": fresh.signer_position,
        "due_date": fresh.due_date,
        "copies": fresh.copies,
        "complete_reply": fresh.complete_reply,
        "description": fresh.description,
        "template_code": fresh.template_code,
        "template_values": fresh.template_values,
        "recipients": [_recipient_out(r) for r in fresh.recipients.all()],
        "versions": [_version_out(request, fresh, v) for v in fresh.versions.all()],
        "attachments": [_attachment_out(request, fresh, a) for a in fresh.attachments.all()],
        "steps": [step_out(s) for s in fresh.steps.all()],
        "comments": [comment_out(c) for c in fresh.comments.all()],
        "history": [_history_out(h) for h in fresh.history.all()],
        "pending_step_ids": [s.pk for s in pending],
        "actions": draft_actions(actor, fresh, pending),
    }


# --- issued documents ---------------------------------------------------------------------


def outgoing_out(outgoing: OutgoingDocument) -> dict[str, Any]:
    document = outgoing.document
    unit = outgoing.keeping_unit
    return {
        "id": outgoing.pk,
        "draft_id": outgoing.draft_id,
        "code": document.code,
        "code_number": document.code_number,
        "code_notation": document.code_notation,
        "number": outgoing.number,
        "year": outgoing.year,
        "issued_date": document.issued_date,
        "numbered_at": local_time(outgoing.numbered_at),
        "issued_at": local_time(outgoing.issued_at),
        "document_type": {"id": document.document_type_id, "name": document.document_type.name},
        "subject": document.subject,
        "priority": document.priority,
        "priority_label": Priority(document.priority).label,
        "signer_name": document.signer_name,
        "signer_position": document.signer_position,
        "status": outgoing.status,
        "status_label": OutgoingStatus(outgoing.status).label,
        "keeping_unit": {"id": unit.pk, "name": unit.name} if unit is not None else None,
    }


def dispatch_actions(actor: Any, dispatch: Dispatch, agency_id: int) -> list[str]:
    # Offered by the apps above outgoing (POST /outgoing/dispatches/{id}/actions/{key}).
    offered = [action.key for action in actions_for(actor, dispatch)]
    if not is_clerk(actor, agency_id):
        return offered
    if dispatch.method == Method.POST and dispatch.status == DispatchStatus.QUEUED:
        return ["post", *offered]
    if dispatch.method == Method.EMAIL and dispatch.status == DispatchStatus.FAILED:
        return ["retry", *offered]
    return offered


def dispatch_out(actor: Any, dispatch: Dispatch, agency_id: int) -> dict[str, Any]:
    """`dispatch` with its recipient selected and its events prefetched."""
    recipient = dispatch.recipient
    return {
        "id": dispatch.pk,
        "recipient_id": recipient.pk,
        "recipient_name": recipient.name,
        "is_addressee": recipient.is_addressee,
        "method": dispatch.method,
        "method_label": Method(dispatch.method).label,
        "status": dispatch.status,
        "status_label": DispatchStatus(dispatch.status).label,
        "status_at": local_time(dispatch.status_at),
        "reason": dispatch.reason,
        "sent_at": local_time(dispatch.sent_at),
        "postal_receipt": dispatch.postal_receipt,
        "postage": dispatch.postage,
        "events": [
            {
                "at": local_time(event.at),
                "status": event.status,
                "status_label": DispatchStatus(event.status).label,
                "reason": event.reason,
                "by_name": event.by_name,
            }
            for event in dispatch.events.all()
        ],
        "actions": dispatch_actions(actor, dispatch, agency_id),
    }


def dispatches_of(outgoing_id: int) -> list[Dispatch]:
    return list(
        Dispatch.objects.filter(outgoing_id=outgoing_id)
        .select_related("recipient")
        .prefetch_related(Prefetch("events", queryset=DispatchEvent.objects.order_by("at", "pk")))
        .order_by("pk")
    )


def change_out(change: OutgoingChange) -> dict[str, Any]:
    replacement = change.replacement
    return {
        "id": change.pk,
        "kind": change.kind,
        "kind_label": ChangeKind(change.kind).label,
        "reason": change.reason,
        "replacement_id": change.replacement_id,
        "replacement_code": replacement.document.code if replacement is not None else "",
        "at": local_time(change.at),
        "actor": person_out(change.actor),
    }


def outgoing_detail(request: HttpRequest, actor: Any, outgoing_id: int) -> dict[str, Any]:
    outgoing = OutgoingDocument.objects.select_related(*OUTGOING_RELATED).get(pk=outgoing_id)
    files = (
        DocumentFile.objects.filter(document_id=outgoing.document_id)
        .select_related("stored")
        .order_by("position", "pk")
    )
    changes = OutgoingChange.objects.filter(outgoing=outgoing).select_related(
        "actor", "replacement__document"
    )
    agency_id = outgoing.agency_id
    issued = outgoing.issued_at is not None and outgoing.status not in FROZEN_OUTGOING
    actions: list[str] = []
    if issued and has_role(actor, agency_id, Role.CLERK, Role.AGENCY_LEADER):
        actions.append("change")
    if issued and is_clerk(actor, agency_id):
        actions.append("copy")
    return {
        **outgoing_out(outgoing),
        "document_identifier": outgoing.document.document_identifier,
        "page_count": outgoing.document.page_count,
        "issue_notes": outgoing.issue_notes,
        "reply_to_id": outgoing.draft.reply_to_id,
        "files": [
            {
                "id": item.pk,
                "name": item.name,
                "role": item.role,
                "size": item.stored.size,
                "sha256": item.stored.sha256,
                "content_type": item.stored.content_type,
                "download_url": _url(
                    request, "outgoing_file", {"outgoing_id": outgoing.pk, "file_id": item.pk}
                ),
            }
            for item in files
        ],
        "dispatches": [dispatch_out(actor, d, agency_id) for d in dispatches_of(outgoing.pk)],
        "changes": [change_out(c) for c in changes],
        "actions": actions,
    }


def copy_out(request: HttpRequest, copy: DocumentCopy, outgoing_id: int) -> dict[str, Any]:
    return {
        "id": copy.pk,
        "kind": copy.kind,
        "kind_label": CopyKind(copy.kind).label,
        "code": copy.code,
        "number": copy.number,
        "year": copy.year,
        "pages": copy.pages,
        "recipients": copy.recipients,
        "signed": copy.signed_id is not None,
        "signed_at": local_time(copy.signed_at),
        "created_at": local_time(copy.created_at),
        "created_by": person_out(copy.created_by),
        "download_url": (
            _url(request, "outgoing_copy_file", {"outgoing_id": outgoing_id, "copy_id": copy.pk})
            if copy.signed_id is not None
            else ""
        ),
    }
