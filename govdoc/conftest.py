"""Shared test fixtures: a hosted ministry with units and one person per role (personas),
an outsider from another agency, and files of each accepted kind."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from govdoc.core.calendar import reset_cache
from govdoc.documents.models import DocumentType
from govdoc.documents.seed_types import seed_document_types
from govdoc.documents.storage import Upload
from govdoc.incoming.inputs import IncomingInput
from govdoc.organizations.models import Agency, Position, RoleAssignment, Unit, User
from govdoc.organizations.roles import Role

PASSWORD = "govdoc-test-pass"


@pytest.fixture(autouse=True)
def _isolated_storage(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = False
    # Counters counted on every page (tests of the kept counters turn it on themselves).
    settings.GOVDOC_NAV_COUNTS_SECONDS = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The working calendar is cached per process: each test reads its own database's.
    reset_cache()
    yield
    reset_cache()


def make_pdf(text: str = "Van ban thu nghiem") -> bytes:
    """A small valid one-page PDF."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def make_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def make_png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def pdf_upload() -> Upload:
    return Upload(name="van-ban.pdf", data=make_pdf())


@pytest.fixture
def ministry(db: None) -> Agency:
    return Agency.objects.create(
        organ_id="000.00.00.G12",
        name="Bộ Tài nguyên và Môi trường",
        abbreviation="BTNMT",
        is_hosted=True,
    )


@pytest.fixture
def other_agency(db: None) -> Agency:
    return Agency.objects.create(
        organ_id="000.00.00.H41",
        name="Ủy ban nhân dân tỉnh Nghệ An",
        abbreviation="UBND",
        is_hosted=True,
    )


@pytest.fixture
def units(ministry: Agency) -> dict[str, Unit]:
    office = Unit.objects.create(agency=ministry, name="Văn phòng", abbreviation="VP")
    personnel = Unit.objects.create(agency=ministry, name="Vụ Tổ chức cán bộ", abbreviation="TCCB")
    land = Unit.objects.create(agency=ministry, name="Vụ Đất đai", abbreviation="ĐĐ")
    return {"VP": office, "TCCB": personnel, "DD": land}


def make_person(
    username: str,
    *,
    agency: Agency,
    roles: list[str],
    unit: Unit | None = None,
    full_name: str = "",
    superuser: bool = False,
) -> User:
    position = Position.objects.get_or_create(agency=agency, name="Chuyên viên")[0]
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        full_name=full_name or username.title(),
        agency=agency,
        unit=unit,
        position=position,
        is_superuser=superuser,
    )
    for role in roles:
        RoleAssignment.objects.create(
            user=user, agency=agency, role=role, unit=unit if role == Role.UNIT_LEADER else None
        )
    return user


@pytest.fixture
def personas(ministry: Agency, units: dict[str, Unit], other_agency: Agency) -> dict[str, User]:
    """clerk, leader, unit_head (of Vụ Đất đai), specialist (in Vụ Đất đai), admin, outsider."""
    return {
        "clerk": make_person(
            "vanthu",
            agency=ministry,
            roles=[Role.CLERK],
            unit=units["VP"],
            full_name="Nguyễn Thị Văn Thư",
        ),
        "leader": make_person(
            "lanhdao", agency=ministry, roles=[Role.AGENCY_LEADER], full_name="Trần Văn Lãnh Đạo"
        ),
        "unit_head": make_person(
            "truongphong",
            agency=ministry,
            roles=[Role.UNIT_LEADER],
            unit=units["DD"],
            full_name="Lê Văn Trưởng",
        ),
        "specialist": make_person(
            "chuyenvien",
            agency=ministry,
            roles=[Role.SPECIALIST],
            unit=units["DD"],
            full_name="Phạm Thị Chuyên",
        ),
        "admin": make_person(
            "quantri", agency=ministry, roles=[Role.ADMIN], full_name="Hoàng Quản Trị"
        ),
        "outsider": make_person(
            "ngoai", agency=other_agency, roles=[Role.CLERK], full_name="Người Ngoài"
        ),
    }


@pytest.fixture
def superuser(ministry: Agency) -> User:
    """The installation's administrator (manages the trust store, every agency)."""
    return make_person("quantrihethong", agency=ministry, roles=[], superuser=True)


@pytest.fixture
def doc_type(db: None) -> DocumentType:
    # Seeded by a migration; re-seeded here because transactional tests flush tables.
    seed_document_types(DocumentType)
    return DocumentType.objects.get(name="Quyết định (cá biệt)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests are reported as skipped on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (GOVDOC_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def incoming_input(doc_type: DocumentType, **overrides: Any) -> IncomingInput:
    values: dict[str, Any] = {
        "document_type_id": doc_type.pk,
        "subject": "Về việc giao đất đai cho dự án khu dân cư",
        "issued_date": dt.date.today() - dt.timedelta(days=2),
        "issuer_name": "Sở Tài nguyên và Môi trường Hà Nội",
        "code_number": "15",
        "code_notation": "QĐ-STNMT",
        "signer_name": "Nguyễn Văn A",
        "signer_position": "Giám đốc",
        "main_file": Upload(name="qd-15.pdf", data=make_pdf()),
    }
    values.update(overrides)
    return IncomingInput(**values)


@pytest.fixture
def client_for() -> Any:
    def _client(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _client


_trigger_migration = importlib.import_module("govdoc.audit.migrations.0003_append_only_trigger")


@pytest.fixture
def committed_db(transactional_db: None) -> Iterator[None]:
    """A database whose writes commit. At the end the journal is emptied with its trigger
    lifted for a moment: the test database is flushed after each such test, and on SQLite
    the flush is a DELETE, which an append-only trigger would refuse (PostgreSQL truncates).
    Harmless while audit/migrations/0003 installs the trigger on PostgreSQL only."""
    yield
    if connection.vendor != "sqlite":
        return
    with connection.schema_editor() as editor:
        _trigger_migration.drop(None, editor)
        editor.execute("DELETE FROM audit_auditevent")
        _trigger_migration.create(None, editor)
