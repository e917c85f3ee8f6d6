"""Fixtures of the API tests: a raw key per person, clients that send it, a registration
form, and a snapshot of everything a registration writes (to show a refusal wrote nothing)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govdoc.api.tokens import token_create
from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_pdf
from govdoc.documents.models import Document, DocumentFile, DocumentType, StoredFile
from govdoc.incoming.models import IncomingDocument, IncomingHistory
from govdoc.organizations.models import User
from govdoc.registers.models import RegisterEntry

API = "/api/incoming"


@pytest.fixture
def key_for(db: None) -> Callable[[User], str]:
    def _key(user: User) -> str:
        return token_create(user=user, name="Phần mềm thử", actor=user)[1]

    return _key


@pytest.fixture
def api_client(key_for: Callable[[User], str]) -> Callable[[User], Client]:
    """A client that calls as a program: bearer token, no session, no CSRF exemption."""

    def _client(user: User) -> Client:
        return Client(
            enforce_csrf_checks=True, headers={"authorization": f"Bearer {key_for(user)}"}
        )

    return _client


def form(doc_type: DocumentType, **overrides: Any) -> dict[str, Any]:
    """A valid multipart registration; an override of None drops the field."""
    issued = dt.date.today() - dt.timedelta(days=3)
    data: dict[str, Any] = {
        "document_type_id": str(doc_type.pk),
        "subject": "Về việc thẩm định hồ sơ giao đất đai",
        "issued_date": issued.strftime("%d/%m/%Y"),
        "issuer_name": "Sở Tài nguyên và Môi trường tỉnh Nghệ An",
        "code_number": "215",
        "code_notation": "STNMT-ĐĐ",
        "signer_name": "Nguyễn Văn B",
        "signer_position": "Phó Giám đốc",
        "priority": "1",
        "main_file": SimpleUploadedFile("cv-215.pdf", make_pdf(), content_type="application/pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _stored_files() -> int:
    location = settings.STORAGES["default"]["OPTIONS"]["location"]
    return sum(len(files) for _, _, files in os.walk(location))


def snapshot() -> dict[str, int]:
    return {
        "incoming": IncomingDocument.objects.count(),
        "documents": Document.objects.count(),
        "document_files": DocumentFile.objects.count(),
        "stored": StoredFile.objects.count(),
        "entries": RegisterEntry.objects.count(),
        "history": IncomingHistory.objects.count(),
        "register_events": AuditEvent.objects.filter(action="incoming.register").count(),
        "bytes_on_disk": _stored_files(),
    }
