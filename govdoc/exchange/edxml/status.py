"""Status messages (DOMAIN §5.3): the answer of a receiver to a document packet.

govdoc writes the wrapper element `MessageStatus` (`model.STATUS_WRAPPER`) and reads
`MessageStatus` and `Status`; status code 14 is read as 15. Why `MessageStatus`: it is the
name of the official SDK's class and element for this message (the `edXMLHeader` holds the
`MessageStatus` element itself), while `Status` comes from older SOAP-era producers; see
docs/edxml.md.
"""

from __future__ import annotations

import datetime as dt

from govdoc.exchange.edxml.model import (
    STATUS_LABELS,
    STATUS_WRAPPER,
    STATUS_WRAPPERS,
    DocumentPacket,
    Organization,
    ResponseFor,
    StaffInfo,
    StatusCode,
    StatusPacket,
)
from govdoc.exchange.edxml.values import format_document_id

__all__ = [
    "STATUS_LABELS",
    "STATUS_WRAPPER",
    "STATUS_WRAPPERS",
    "StatusCode",
    "response_for",
    "status_for",
]


def response_for(document: DocumentPacket) -> ResponseFor:
    """The `ResponseFor` that designates `document` (in a status message or a reply)."""
    document_id = document.document_id
    date = document.promulgation_info.promulgation_date
    if not document_id and date is not None:
        document_id = format_document_id(document.sender.organ_id, date, document.code)
    return ResponseFor(
        organ_id=document.sender.organ_id,
        code=document.code.text,
        promulgation_date=date,
        document_id=document_id,
    )


def status_for(
    document: DocumentPacket,
    *,
    sender: Organization,
    status_code: StatusCode,
    timestamp: dt.datetime,
    description: str = "",
    staff_info: StaffInfo | None = None,
) -> StatusPacket:
    """The status message by which `sender` (the receiving agency) answers `document`.
    Without a description, the code's label is used ("Đã tiếp nhận"…)."""
    return StatusPacket(
        response_for=response_for(document),
        sender=sender,
        status_code=status_code,
        timestamp=timestamp,
        description=description or status_code.label,
        staff_info=staff_info,
    )
