"""The demo installation: what `manage.py demo` creates, and that a second run changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import random
import zoneinfo
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from govdoc.audit.models import AuditEvent
from govdoc.documents.models import DocumentFile, DocumentType, StoredFile
from govdoc.documents.pdf_info import pdf_page_count
from govdoc.documents.seed_types import seed_document_types
from govdoc.documents.sniffing import sniff
from govdoc.incoming.models import IncomingDocument
from govdoc.organizations.models import Agency, Position, RoleAssignment, Unit, User
from govdoc.organizations.roles import Role
from govdoc.registers.models import BookKind, RegisterBook
from govdoc.signatures.models import SigningCredential, TrustAnchor
from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.web.demo import SESSIONS, arrival_times, make_demo_pdf
from govdoc.web.demo_data import ACCOUNTS, DIRECTORY, MINISTRY, PASSWORD
from govdoc.web.demo_signing import DEMO_P12_PASSWORD, DIRECTORY_NAME

pytestmark = pytest.mark.django_db

EXPECTED_ROLES = {
    "admin": Role.ADMIN,
    "vanthu": Role.CLERK,
    "lanhdao": Role.AGENCY_LEADER,
    "truongphong": Role.UNIT_LEADER,
    "chuyenvien": Role.SPECIALIST,
}


@pytest.fixture(autouse=True)
def _types() -> None:
    # Seeded by a migration; re-seeded because transactional tests elsewhere flush tables.
    seed_document_types(DocumentType)


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, int]:
    models: list[Any] = [
        Agency,
        Unit,
        Position,
        User,
        RoleAssignment,
        IncomingDocument,
        DocumentFile,
        StoredFile,
        RegisterBook,
        AuditEvent,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_demo_creates_the_organisation_accounts_and_documents() -> None:
    # given an empty installation
    assert not Agency.objects.exists()

    # when the demo is seeded with 20 documents
    output = run_demo("--documents", "20")

    # then the ministry, its general department and the directory exist
    ministry = Agency.objects.get(organ_id=MINISTRY.organ_id)
    assert ministry.name == "Bộ Tài nguyên và Môi trường"
    assert ministry.abbreviation == "BTNMT" and ministry.is_hosted
    general = Agency.objects.get(parent=ministry)
    assert general.is_hosted and general.name == "Tổng cục Quản lý đất đai"
    directory = Agency.objects.filter(is_hosted=False)
    assert directory.count() == len(DIRECTORY) >= 30
    assert directory.filter(name="Ủy ban nhân dân tỉnh Nghệ An").exists()
    assert {"VP", "TCCB", "KHTC", "PC", "TNN"} <= set(
        Unit.objects.filter(agency=ministry).values_list("abbreviation", flat=True)
    )
    assert {"Bộ trưởng", "Thứ trưởng", "Chánh Văn phòng", "Vụ trưởng", "Văn thư"} <= set(
        Position.objects.filter(agency=ministry).values_list("name", flat=True)
    )

    # and each account has its role in the ministry, a Vietnamese name, and can sign in
    for username, role in EXPECTED_ROLES.items():
        person = User.objects.get(username=username)
        assert person.agency == ministry
        assert " " in person.full_name
        assert set(
            RoleAssignment.objects.filter(user=person, agency=ministry).values_list(
                "role", flat=True
            )
        ) == {role}
        assert Client().login(username=username, password=PASSWORD), username
        assert username in output
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="vanthu").is_superuser
    lead = RoleAssignment.objects.get(user__username="truongphong", role=Role.UNIT_LEADER)
    assert lead.unit == User.objects.get(username="chuyenvien").unit
    assert User.objects.get(username="lanhdao").position.name == "Thứ trưởng"  # type: ignore[union-attr]
    assert PASSWORD in output

    # and 20 documents were registered in arrival order: numbers 1..20, this year, up to now
    # (the general department registers some of the ministry's outgoing documents too)
    rows = list(
        IncomingDocument.objects.filter(agency=ministry)
        .order_by("arrival_date")
        .select_related("document")
    )
    assert [row.arrival_number for row in rows] == list(range(1, 21))
    now = timezone.now()
    assert all(row.arrival_year == timezone.localdate().year for row in rows)
    assert all(row.arrival_date <= now for row in rows)
    assert all(row.document.issued_date <= row.arrival_date.date() for row in rows)  # type: ignore[operator]
    assert all(row.registered_by.username == "vanthu" for row in rows)
    book = RegisterBook.objects.get(agency=ministry, kind=BookKind.INCOMING)
    assert book.last_number == 20
    assert (
        AuditEvent.objects.filter(action="incoming.register", agency_id=ministry.pk).count() == 20
    )
    # every document has a readable PDF as its main file
    mains = DocumentFile.objects.filter(role="MAIN", document__incoming__in=rows)
    assert mains.count() == 20
    assert set(mains.values_list("stored__kind", flat=True)) == {"pdf"}

    # and the clerk sees them in the list
    client = Client()
    client.force_login(User.objects.get(username="vanthu"))
    page = client.get(reverse("incoming:list")).content.decode()
    assert rows[-1].document.subject.split()[0] in page


def test_second_run_changes_nothing() -> None:
    # given a seeded demo
    run_demo("--documents", "5")
    before = snapshot()

    # when it is run again
    output = run_demo("--documents", "5")

    # then nothing was written and the accounts are shown again
    assert snapshot() == before
    assert "không thay đổi gì" in output
    assert all(account.username in output for account in ACCOUNTS)


def test_no_documents_option_builds_only_the_organisation() -> None:
    # when the demo is seeded without documents
    run_demo("--documents", "0")

    # then the accounts exist but no document
    assert User.objects.filter(username__in=EXPECTED_ROLES).count() == 5
    assert not IncomingDocument.objects.exists()


def test_an_existing_installation_is_left_alone() -> None:
    # given an installation that already has an agency with the demo ministry's code
    Agency.objects.create(organ_id=MINISTRY.organ_id, name="Cơ quan thật", is_hosted=True)
    before = snapshot()

    # when the demo is asked for
    output = run_demo("--documents", "3")

    # then it refuses politely and writes nothing
    assert snapshot() == before
    assert "không phải dữ liệu mẫu" in output


def test_a_taken_demo_username_is_left_alone() -> None:
    # given an installation whose administrator is already called "admin"
    User.objects.create_superuser(username="admin", password="another-pass-123")
    before = snapshot()

    # when the demo is asked for
    output = run_demo("--documents", "3")

    # then nothing is written and the reason is given
    assert snapshot() == before
    assert "admin" in output and "không tạo dữ liệu mẫu" in output
    assert not Agency.objects.exists()


def test_arrival_times_are_working_hours_in_order() -> None:
    # given a moment in the middle of a year
    zone = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    now = dt.datetime(2026, 3, 18, 10, 0, tzinfo=zone)

    # when 200 arrival times are drawn twice with the same seed
    first = arrival_times(200, now=now, rng=random.Random(7))
    second = arrival_times(200, now=now, rng=random.Random(7))

    # then they are the same, distinct, increasing, this year, before now, on weekdays in
    # office hours
    assert first == second
    assert first == sorted(set(first)) and len(first) == 200
    for moment in first:
        local = moment.astimezone(zone)
        assert local.year == 2026 and moment < now
        assert local.weekday() < 5 and (local.month, local.day) != (1, 1)
        minute = local.hour * 60 + local.minute
        assert any(start <= minute < end for start, end in SESSIONS)


def test_arrival_times_on_new_year_night() -> None:
    # given the first minutes of the year (no working hours yet)
    zone = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    now = dt.datetime(2027, 1, 1, 0, 5, tzinfo=zone)

    # when arrival times are drawn
    moments = arrival_times(10, now=now, rng=random.Random(1))

    # then there are still 10 distinct instants of the new year before now
    assert len(set(moments)) == 10 and moments == sorted(moments)
    assert all(m.astimezone(zone).year == 2027 and m < now for m in moments)


def test_demo_pdf_is_a_real_pdf() -> None:
    # when a three-page demo PDF is made with Vietnamese text
    data = make_demo_pdf(["Về việc giao đất (đợt 1)", "Số: 15/QĐ-UBND"], pages=3)

    # then it is recognised as a PDF and its pages are counted
    assert sniff(data) is not None and sniff(data).key == "pdf"  # type: ignore[union-attr]
    assert pdf_page_count(data) == 3


def test_demo_registers_the_signing_credentials_and_trusts_its_root(settings: Any) -> None:
    # given a fresh installation, when the demo is seeded without documents
    run_demo("--documents", "0")
    ministry = Agency.objects.get(organ_id=MINISTRY.organ_id)
    # then the demo root is the one trusted anchor
    (anchor,) = TrustAnchor.objects.filter(is_active=True)
    assert "CA gốc thử nghiệm govdoc" in anchor.subject
    # and the leader and the ministry each have an active PKCS#12 credential
    leader = SigningCredential.objects.get(owner_person__username="lanhdao", is_active=True)
    seal = SigningCredential.objects.get(owner_agency=ministry, is_active=True)
    # with their images: the leader's signature and the ministry's seal, as PNG
    assert bytes(leader.image or b"")[:8] == bytes(seal.image or b"")[:8] == b"\x89PNG\r\n\x1a\n"
    assert leader.agency == ministry and seal.agency == ministry
    # and their images and files are under the data directory, opening with the demo password
    directory = settings.DATA_DIR / DIRECTORY_NAME
    assert (directory / "chu-ky-lanhdao.png").read_bytes().startswith(b"\x89PNG")
    assert (directory / f"con-dau-{ministry.organ_id}.png").read_bytes().startswith(b"\x89PNG")
    signer = Pkcs12Signer((directory / "lanhdao.p12").read_bytes(), DEMO_P12_PASSWORD)
    assert signer.certificate.sha256.hex() == leader.fingerprint
