"""The inputs of the incoming services (a registration, an electronic document received from
another agency), as frozen dataclasses at the service boundary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from govdoc.documents.storage import Upload
from govdoc.organizations.models import Agency


@dataclass(frozen=True)
class IncomingInput:
    document_type_id: int | None
    subject: str
    issued_date: dt.date | None
    issuer_id: int | None = None
    issuer_name: str = ""
    code_number: str = ""
    code_notation: str = ""
    signer_name: str = ""
    signer_position: str = ""
    priority: int = 0
    confidentiality: str = ""
    page_count: int | None = None
    due_date: dt.date | None = None
    receiving_unit_id: int | None = None
    receiving_person_id: int | None = None
    to_places: str = ""
    notes: str = ""
    medium: str = "ELECTRONIC"
    document_identifier: str = ""
    language: str = "Tiếng Việt"
    main_file: Upload | None = None
    attachments: tuple[Upload, ...] = field(default_factory=tuple)
    duplicate_reason: str = ""


@dataclass(frozen=True)
class ReceivedInput:
    """The metadata of an electronic document as its sender sent it (edXML MessageHeader, or
    the sender's outgoing document on the same installation). The type is matched by id,
    else by name (senders disagree on type codes: DOMAIN §5.2)."""

    subject: str
    issued_date: dt.date | None = None
    code_number: str = ""
    code_notation: str = ""
    document_type_id: int | None = None
    document_type_name: str = ""
    signer_name: str = ""
    signer_position: str = ""
    priority: int = 0
    confidentiality: str = ""
    due_date: dt.date | None = None
    document_identifier: str = ""
    page_count: int | None = None
    to_places: str = ""
    description: str = ""


@dataclass(frozen=True)
class ReceivedSender:
    """Who sent it, when the sender is not (or not only) an agency of the directory: its
    identifier code and name as the packet gives them."""

    agency: Agency | None = None
    organ_id: str = ""
    name: str = ""
