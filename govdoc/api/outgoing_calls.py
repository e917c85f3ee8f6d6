"""What the outgoing routers share to call the services: refusals with the outgoing field
names, files sent as base64, the service inputs, bodies made from templates, the secret
of a signature, and the drafts of each box."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest

from govdoc.api.calls import refusals as api_refusals
from govdoc.api.calls import refuse_too_big
from govdoc.api.outgoing_schemas import DraftIn, SecretIn
from govdoc.api.outgoing_shapes import draft_detail
from govdoc.core.errors import NotFound, ValidationFailed
from govdoc.documents.storage import Upload
from govdoc.organizations.access import acting_for_ids, roles_in
from govdoc.organizations.models import Agency
from govdoc.outgoing.access import draft_for, is_clerk, visible_drafts
from govdoc.outgoing.bodies import PreparedBody, prepare_template
from govdoc.outgoing.inputs import DraftInput, RecipientInput
from govdoc.outgoing.models import ApprovalStep, Draft, DraftRecipient
from govdoc.outgoing.workflow import TO_ISSUE, DraftStatus, StepStatus

# The services name fields after the model; the API client sent them under these names.
_API_FIELDS = {
    "document_type": "document_type_id",
    "drafting_unit": "drafting_unit_id",
    "signer": "signer_id",
    "reply_to": "reply_to_id",
    "keeping_unit": "keeping_unit_id",
    "assignee": "assignee_id",
    "replacement": "replacement_id",
}


def refusals(
    renamed: Mapping[str, str] | None = None, *, hide_forbidden: bool = True
) -> AbstractContextManager[None]:
    """The API's refusals (see `calls.refusals`), with the services' field names as the
    outgoing client sent them."""
    return api_refusals({**_API_FIELDS, **(renamed or {})}, hide_forbidden=hide_forbidden)


def decoded(name: str, content: str, *, field: str) -> Upload:
    """A file sent inside JSON, as base64."""
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        message = "Nội dung tệp không phải base64 hợp lệ."
        raise ValidationFailed(message, fields={field: message}) from None
    if not name.strip():
        message = "Vui lòng ghi tên tệp (kèm phần mở rộng, vd: du-thao.pdf)."
        raise ValidationFailed(message, fields={field: message})
    refuse_too_big(name, len(data), field)
    return Upload(name=name.strip(), data=data)


def _recipient(r: Any) -> RecipientInput:
    return RecipientInput(
        kind=r.kind,
        unit_id=r.unit_id,
        agency_id=r.agency_id,
        name=r.name,
        email=r.email,
        address=r.address,
        method=r.method,
        is_addressee=r.is_addressee,
    )


def draft_input(payload: DraftIn) -> DraftInput:
    return DraftInput(
        document_type_id=payload.document_type_id,
        subject=payload.subject,
        signer_id=payload.signer_id,
        priority=payload.priority,
        drafting_unit_id=payload.drafting_unit_id,
        signing_authority=payload.signing_authority,
        authority_title=payload.authority_title,
        signer_position=payload.signer_position,
        reply_to_id=payload.reply_to_id,
        due_date=payload.due_date,
        copies=payload.copies,
        complete_reply=payload.complete_reply,
        description=payload.description,
        recipients=tuple(_recipient(r) for r in payload.recipients),
    )


def input_of(draft: Draft) -> DraftInput:
    """The draft's current metadata as a service input (to render a template with it)."""
    recipients: list[DraftRecipient] = list(draft.recipients.all())
    return DraftInput(
        document_type_id=draft.document_type_id,
        subject=draft.subject,
        signer_id=draft.signer_id,
        priority=int(draft.priority),
        drafting_unit_id=draft.drafting_unit_id,
        signing_authority=draft.signing_authority,
        authority_title=draft.authority_title,
        signer_position=draft.signer_position,
        reply_to_id=draft.reply_to_id,
        due_date=draft.due_date,
        copies=draft.copies,
        complete_reply=draft.complete_reply,
        description=draft.description,
        recipients=tuple(_recipient(r) for r in recipients),
    )


def from_template(
    *,
    agency: Agency,
    data: DraftInput,
    template_code: str,
    values: Mapping[str, Any],
    actor: Any,
    values_field: str = "template_values",
) -> PreparedBody:
    """The body made from an NĐ 30 template (slow: outside any transaction). A value the
    template refuses is named as sent: `template_values.<field>` (`template_code` for the
    template itself)."""
    try:
        return prepare_template(
            agency=agency, data=data, template_code=template_code, values=values, drafter=actor
        )
    except ValidationFailed as error:
        error.fields = {
            ("template_code" if k == "template" else f"{values_field}.{k}"): v
            for k, v in error.fields.items()
        }
        raise


def secret(payload: SecretIn) -> dict[str, str | None]:
    return {"password": payload.password or None, "pin": payload.pin or None}


def step_for(actor: Any, step_id: int) -> ApprovalStep:
    """A step of a draft the actor sees; otherwise NotFound."""
    agency_id = getattr(actor, "agency_id", None)
    step = (
        ApprovalStep.objects.filter(
            pk=step_id, draft__in=visible_drafts(actor, agency_id).values("pk")
        )
        .select_related("draft", "draft__agency")
        .first()
    )
    if step is None:
        raise NotFound()
    return step


def detail(request: HttpRequest, actor: Any, draft_id: int) -> dict[str, Any]:
    return draft_detail(request, actor, draft_for(actor, draft_id))


def draft_box(actor: Any, box: str) -> QuerySet[Draft]:
    """The drafts of one box, inside what the actor may see (conditions in SQL)."""
    agency_id = getattr(actor, "agency_id", None)
    drafts = visible_drafts(actor, agency_id)
    if agency_id is None:
        return drafts
    if box == "to_review":
        people = acting_for_ids(actor, agency_id)
        roles = list(roles_in(actor, agency_id))
        mine = ApprovalStep.objects.filter(draft_id=OuterRef("pk"), status=StepStatus.PENDING)
        mine = mine.filter(
            Q(assignee_id__in=people) | Q(assignee__isnull=True, assignee_role__in=roles)
        )
        return drafts.filter(Exists(mine), status=DraftStatus.IN_REVIEW).order_by(
            "-priority", "submitted_at", "pk"
        )
    if box == "to_sign":
        return drafts.filter(status=DraftStatus.APPROVED, signer_id=actor.pk).order_by(
            "-priority", "updated_at", "pk"
        )
    if box == "to_issue":
        if not is_clerk(actor, agency_id):
            return drafts.none()
        return drafts.filter(status__in=list(TO_ISSUE)).order_by("-priority", "signed_at", "pk")
    return drafts.filter(drafter_id=actor.pk).order_by("-updated_at", "-pk")
