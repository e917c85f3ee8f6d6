"""What every API endpoint shares for a call's journal ("via" a token) and for handing out a
stored file (journaled, as an attachment, never sniffed by the browser)."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.http import FileResponse, HttpRequest

from govdoc.audit.services import audit_record
from govdoc.documents.models import StoredFile
from govdoc.documents.storage import stream_stored

# OpenAPI: the 200 answer of a download is the file's bytes.
BINARY_RESPONSE: dict[str, Any] = {
    "responses": {
        "200": {
            "description": "Nội dung tệp",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    }
}


def via(request: HttpRequest) -> dict[str, Any]:
    """How the call came, for the journal: which token, if a program called."""
    token = getattr(request, "api_token", None)
    return {"via": "api", "token": token.prefix if token is not None else None}


def journaled_download(
    request: HttpRequest,
    *,
    actor: Any,
    item: models.Model,
    name: str,
    stored: StoredFile,
    label: str,
    agency_id: int | None,
) -> FileResponse:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="file.download",
            target=item,
            target_label=label,
            agency_id=agency_id,
            data={"sha256": stored.sha256, **via(request)},
        )
    response = FileResponse(
        stream_stored(stored),
        content_type=stored.content_type,
        as_attachment=True,
        filename=name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
