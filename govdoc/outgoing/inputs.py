"""The input of drafting, as frozen dataclasses at the service boundary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RecipientInput:
    """One recipient: `kind` UNIT (unit_id), AGENCY (agency_id) or OTHER (name, and an
    e-mail or a postal address). `method` empty: chosen from the recipient (a unit
    internally, a hosted agency on this installation, another through the interconnection,
    others by e-mail when an address is given, else by post)."""

    kind: str
    unit_id: int | None = None
    agency_id: int | None = None
    name: str = ""
    email: str = ""
    address: str = ""
    method: str = ""
    is_addressee: bool = True


@dataclass(frozen=True)
class DraftInput:
    document_type_id: int | None
    subject: str
    signer_id: int | None
    priority: int = 0
    drafting_unit_id: int | None = None
    signing_authority: str = ""
    authority_title: str = ""
    signer_position: str = ""
    reply_to_id: int | None = None
    due_date: dt.date | None = None
    copies: int = 1
    complete_reply: bool = True
    description: str = ""
    recipients: tuple[RecipientInput, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class StepInput:
    """An ad hoc step the drafter adds: who (a person, or the clerks' pool) and which kind."""

    kind: str
    stage: int
    assignee_id: int | None = None
    assignee_role: str = ""
