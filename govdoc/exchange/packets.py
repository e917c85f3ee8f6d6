"""edXML packets made from govdoc's records: an issued outgoing document for one recipient
(new, revoked, updated, replaced), and a status answer for a document received through the
interconnection (DOMAIN §5.2–5.3)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from govdoc.documents.storage import open_stored
from govdoc.exchange.edxml.model import (
    Attachment,
    Bussiness,
    BussinessDocType,
    Code,
    DocumentPacket,
    DocumentType,
    Organization,
    OtherInfo,
    PromulgationInfo,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusPacket,
    TraceHeader,
)
from govdoc.incoming.models import ReceivedDocument
from govdoc.organizations.models import Agency
from govdoc.outgoing.models import Dispatch, OutgoingChange, OutgoingDocument
from govdoc.outgoing.workflow import ChangeKind

CHANGE_TYPES = {
    ChangeKind.REVOKE: BussinessDocType.REVOKE,
    ChangeKind.UPDATE: BussinessDocType.UPDATE,
    ChangeKind.REPLACE: BussinessDocType.REPLACE,
}
DEFAULT_PLACE = "Hà Nội"


def organization(agency: Agency) -> Organization:
    return Organization(
        organ_id=agency.organ_id,
        organization_in_charge=agency.parent.name if agency.parent_id and agency.parent else "",
        organ_name=agency.name,
        organ_add=agency.address,
        email=agency.email,
        telephone=agency.phone,
    )


def _recipient(dispatch: Dispatch) -> Organization:
    target = dispatch.recipient.agency
    assert target is not None  # only deliveries to agencies travel as packets
    return organization(target)


def document_packet_for(
    outgoing: OutgoingDocument,
    dispatch: Dispatch | None,
    *,
    change: OutgoingChange | None = None,
) -> DocumentPacket:
    """The packet carrying `outgoing` to the recipient of `dispatch` (without one: to every
    agency it was sent to; with `change`: its revocation, update or replacement)."""
    document = outgoing.document
    draft = outgoing.draft
    agency = outgoing.agency
    files = [
        Attachment(
            content_id=f"cid:{index + 1}",
            name=item.name,
            data=open_stored(item.stored),
            content_type=item.stored.content_type,
        )
        for index, item in enumerate(
            document.files.select_related("stored").order_by("position", "pk")
        )
    ]
    bussiness = Bussiness(document_id=document.document_identifier)
    if change is not None:
        replacement: tuple[ReplacementInfo, ...] = ()
        if change.replacement is not None:
            replacement = (
                ReplacementInfo(document_id=change.replacement.document.document_identifier),
            )
        bussiness = Bussiness(
            doc_type=CHANGE_TYPES[ChangeKind(change.kind)],
            doc_reason=change.reason,
            document_id=document.document_identifier,
            staff_info=StaffInfo(staff=_name(change.actor)),
            replacement_info=replacement,
        )
    response_for: tuple[ResponseFor, ...] = ()
    if draft.reply_to is not None and draft.reply_to.document.issuer is not None:
        answered = draft.reply_to.document
        issuer = answered.issuer
        assert issuer is not None
        response_for = (
            ResponseFor(
                organ_id=issuer.organ_id,
                code=answered.code,
                promulgation_date=answered.issued_date,
                document_id=answered.document_identifier,
            ),
        )
    if dispatch is not None:
        recipients: tuple[Organization, ...] = (_recipient(dispatch),)
    else:
        recipients = tuple(
            organization(r.agency)
            for r in draft.recipients.select_related("agency")
            if r.agency is not None
        )
    return DocumentPacket(
        sender=organization(agency),
        recipients=recipients,
        document_id=document.document_identifier,
        code=Code(code_number=document.code_number, code_notation=document.code_notation),
        promulgation_info=PromulgationInfo(
            place=(draft.template_values or {}).get("place", "") or DEFAULT_PLACE,
            promulgation_date=document.issued_date,
        ),
        document_type=DocumentType(type_name=document.document_type.name),
        subject=document.subject,
        signer_info=SignerInfo(
            competence=draft.get_signing_authority_display() if draft.signing_authority else "",
            position=document.signer_position,
            full_name=document.signer_name,
        ),
        due_date=document.due_date,
        other_info=OtherInfo(
            priority=int(document.priority),
            promulgation_amount=draft.copies,
            page_amount=document.page_count,
        ),
        to_places=tuple(r.name for r in draft.recipients.all() if r.is_addressee),
        response_for=response_for,
        trace_headers=(TraceHeader(organ_id=agency.organ_id, timestamp=_now()),),
        bussiness=bussiness,
        attachments=tuple(files),
    )


EVENT_CODES: dict[str, StatusCode] = {
    "arrived": StatusCode.ARRIVED,
    "accepted": StatusCode.ACCEPTED,
    "refused": StatusCode.REFUSED,
    "assigned": StatusCode.ASSIGNED,
    "in_progress": StatusCode.IN_PROGRESS,
    "completed": StatusCode.COMPLETED,
    # The sender's revocation applied: "accept the revocation" (DOMAIN §5.3).
    "withdrawn_confirmed": StatusCode.ACCEPTED,
    "recall_accepted": StatusCode.RECALL_ACCEPTED,
    "recall_refused": StatusCode.RECALL_REFUSED,
    # An update (BussinessDocType 2) applied or recorded here (15), or impossible (16).
    "update_accepted": StatusCode.RECALL_ACCEPTED,
    "update_refused": StatusCode.RECALL_REFUSED,
}


def status_packet_for(
    received: ReceivedDocument, *, code: StatusCode, description: str = "", staff: str = ""
) -> StatusPacket:
    """Our answer to the sender of `received` (a document that came by the interconnection)."""
    code_text = (
        f"{received.code_number}/{received.code_notation}"
        if received.code_number
        else received.code_notation
    )
    return StatusPacket(
        response_for=ResponseFor(
            organ_id=received.sender_organ_id,
            code=code_text,
            promulgation_date=received.issued_date,
            document_id=received.document_identifier,
        ),
        sender=organization(received.agency),
        status_code=code,
        timestamp=_now(),
        description=description or code.label,
        staff_info=StaffInfo(staff=staff) if staff else None,
    )


def _now() -> dt.datetime:
    return timezone.localtime(timezone.now()).replace(microsecond=0)


def _name(person: object) -> str:
    return str(getattr(person, "full_name", "") or getattr(person, "username", ""))
