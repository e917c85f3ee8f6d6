"""Helpers of the electronic inbox's tests (also used by the API's): the files and metadata
another agency sends, a delivery, a recorder of receipt events, a snapshot of every table a
step writes (to show a refusal wrote nothing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_docx, make_pdf
from govdoc.documents.models import Document, DocumentFile, DocumentType, StoredFile
from govdoc.documents.sniffing import sniff
from govdoc.documents.storage import store_bytes
from govdoc.incoming.inputs import ReceivedInput
from govdoc.incoming.models import (
    IncomingDocument,
    IncomingHistory,
    ReceivedDocument,
    ReceivedFile,
    ReceivedHistory,
)
from govdoc.incoming.receipt_events import (
    ReceiptEvent,
    register_receipt_listener,
    unregister_receipt_listener,
)
from govdoc.incoming.received_services import received_deliver
from govdoc.incoming.received_workflow import Channel
from govdoc.notifications.models import Notification
from govdoc.organizations.models import Agency
from govdoc.registers.models import RegisterEntry

SUBJECT = "Về việc góp ý dự thảo quy hoạch sử dụng đất tỉnh Nghệ An"


def stored(data: bytes) -> StoredFile:
    kind = sniff(data)
    assert kind is not None
    return store_bytes(data=data, kind=kind)


def sent_files(text: str = "Cong van 45") -> list[tuple[StoredFile, str, str]]:
    """What the sender stored: a main PDF and a DOCX attachment (attachment listed first,
    to show the main file is put first)."""
    return [
        (stored(make_docx()), "ATTACHMENT", "phu-luc.docx"),
        (stored(make_pdf(text)), "MAIN", "cv-45-ubnd.pdf"),
    ]


def metadata(doc_type: DocumentType | None = None, **overrides: Any) -> ReceivedInput:
    values: dict[str, Any] = {
        "subject": SUBJECT,
        "issued_date": dt.date.today() - dt.timedelta(days=1),
        "code_number": "45",
        "code_notation": "UBND-NN",
        "document_type_name": doc_type.name if doc_type is not None else "Công văn",
        "signer_name": "Lê Văn Ký",
        "signer_position": "Phó Chủ tịch",
        "priority": 1,
        "document_identifier": f"000.00.00.H41,{dt.date.today():%Y/%m/%d},45/UBND-NN",
        "to_places": "Bộ Tài nguyên và Môi trường",
        "description": "Đề nghị góp ý trước ngày 30.",
    }
    values.update(overrides)
    return ReceivedInput(**values)


def deliver(
    agency: Agency,
    sender: Agency,
    doc_type: DocumentType | None = None,
    *,
    ref: str = "outgoing-dispatch:1",
    files: list[tuple[StoredFile, str, str]] | None = None,
    channel: str = Channel.LOCAL,
    **overrides: Any,
) -> ReceivedDocument:
    return received_deliver(
        agency=agency,
        channel=channel,
        sender=sender,
        metadata=metadata(doc_type, **overrides),
        files=files if files is not None else sent_files(),
        external_ref=ref,
    )


class EventRecorder:
    """A receipt listener that keeps what it heard."""

    def __init__(self) -> None:
        self.events: list[ReceiptEvent] = []

    def __call__(self, event: ReceiptEvent) -> None:
        self.events.append(event)

    @property
    def names(self) -> list[str]:
        return [e.event for e in self.events]


@contextmanager
def listening() -> Iterator[EventRecorder]:
    recorder = EventRecorder()
    register_receipt_listener(recorder)
    try:
        yield recorder
    finally:
        unregister_receipt_listener(recorder)


def snapshot() -> dict[str, Any]:
    """Every row a step of the inbox or a registration writes, and the statuses."""
    return {
        "received": list(
            ReceivedDocument.objects.order_by("pk").values_list(
                "pk", "status", "incoming_id", "refusal_reason", "withdrawal_reason"
            )
        ),
        "received_files": ReceivedFile.objects.count(),
        "received_history": ReceivedHistory.objects.count(),
        "incoming": list(
            IncomingDocument.objects.order_by("pk").values_list("pk", "status", "withdrawal_reason")
        ),
        "incoming_history": IncomingHistory.objects.count(),
        "documents": Document.objects.count(),
        "document_files": DocumentFile.objects.count(),
        "stored": StoredFile.objects.count(),
        "entries": RegisterEntry.objects.count(),
        # Journal rows of changes (not of pages read or sign-ins).
        "audit": list(
            AuditEvent.objects.exclude(action__endswith=".view")
            .exclude(action__startswith="auth.")
            .order_by("pk")
            .values_list("action", flat=True)
        ),
        "notifications": Notification.objects.count(),
    }
