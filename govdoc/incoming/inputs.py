"""The input of an incoming registration, as a frozen dataclass at the service boundary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from govdoc.documents.storage import Upload


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
