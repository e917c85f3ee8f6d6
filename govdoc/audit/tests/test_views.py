"""The journal screen: who reads which events, the filters, and the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.audit.services import audit_record
from govdoc.conftest import make_person
from govdoc.core.request_context import reset_client_ip, set_client_ip
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _record(
    time_machine: Any, when: dt.datetime, ip: str | None = None, **kwargs: Any
) -> AuditEvent:
    time_machine.move_to(when, tick=False)
    token = set_client_ip(ip)
    try:
        return audit_record(**kwargs)
    finally:
        reset_client_ip(token)


@pytest.fixture
def events(
    personas: dict[str, User], ministry: Agency, other_agency: Agency, time_machine: Any
) -> dict[str, AuditEvent]:
    """One event of each kind the scope rules distinguish, on different days and addresses."""
    admin, clerk, outsider = personas["admin"], personas["clerk"], personas["outsider"]
    made = {
        "clerk_in_ministry": _record(
            time_machine,
            dt.datetime(2026, 1, 5, 8, 30, tzinfo=HANOI),
            ip="10.0.0.5",
            actor=clerk,
            action="incoming.register",
            target_type="incoming.incomingdocument",
            target_id="41",
            target_label='=HYPERLINK("http://x")',
            agency_id=ministry.pk,
        ),
        "admin_in_ministry": _record(
            time_machine,
            dt.datetime(2026, 1, 6, 9, 0, tzinfo=HANOI),
            ip="10.0.0.9",
            actor=admin,
            action="register.create",
            target_label="Sổ đăng ký văn bản đi 2026",
            agency_id=ministry.pk,
            data={"ghi chú": "mở sổ"},
        ),
        "admin_elsewhere": _record(
            time_machine,
            dt.datetime(2026, 1, 7, 23, 59, tzinfo=HANOI),
            ip="192.168.1.20",
            actor=admin,
            action="file.view",
            target_label="Tệp dùng chung",
            agency_id=other_agency.pk,
        ),
        "outsider": _record(
            time_machine,
            dt.datetime(2026, 1, 8, 0, 1, tzinfo=HANOI),
            ip="10.0.0.5",
            actor=outsider,
            action="incoming.view",
            target_label="Văn bản tỉnh",
            agency_id=other_agency.pk,
        ),
        "system": _record(
            time_machine,
            dt.datetime(2026, 1, 9, 12, 0, tzinfo=HANOI),
            actor=None,
            action="import.run",
            target_label="Danh bạ",
        ),
    }
    time_machine.move_to(dt.datetime(2026, 1, 10, 10, 0, tzinfo=HANOI), tick=False)
    return made


def _shown(response: Any, events: dict[str, AuditEvent]) -> list[str]:
    """Names of the fixture's events on the page, in page order."""
    ids = {e.pk: name for name, e in events.items()}
    return [ids[event.pk] for event, _ in response.context["rows"] if event.pk in ids]


# --- who reads what ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_non_administrators_get_404(
    personas: dict[str, User], client_for: Any, events: Any, persona: str
) -> None:
    client = client_for(personas[persona])
    assert client.get(reverse("audit:journal")).status_code == 404
    assert client.get(reverse("audit:journal_export")).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_agency_admin_sees_the_agency_and_their_own_events_newest_first(
    personas: dict[str, User], client_for: Any, events: dict[str, AuditEvent]
) -> None:
    response = client_for(personas["admin"]).get(reverse("audit:journal"))
    assert response.status_code == 200
    # (the sign-in of client_for is journaled too: leave it out)
    assert _shown(response, events) == ["admin_elsewhere", "admin_in_ministry", "clerk_in_ministry"]
    body = response.content.decode()
    assert "Đăng ký văn bản đến" in body and "Tạo sổ" in body  # Vietnamese labels
    assert '05/01/2026</span> <span class="text-nowrap">08:30:00' in body


def test_superuser_sees_everything(
    ministry: Agency, client_for: Any, events: dict[str, AuditEvent]
) -> None:
    root = make_person("root", agency=ministry, roles=[], superuser=True)
    response = client_for(root).get(reverse("audit:journal"))
    assert _shown(response, events) == [
        "system",
        "outsider",
        "admin_elsewhere",
        "admin_in_ministry",
        "clerk_in_ministry",
    ]


def test_admin_of_another_agency_sees_only_theirs(
    other_agency: Agency, client_for: Any, events: dict[str, AuditEvent]
) -> None:
    other_admin = make_person("qt-tinh", agency=other_agency, roles=[Role.ADMIN])
    response = client_for(other_admin).get(reverse("audit:journal"))
    assert _shown(response, events) == ["outsider", "admin_elsewhere"]


def test_pages_need_login(client: Any) -> None:
    response = client.get(reverse("audit:journal"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {"date_from": "06/01/2026", "date_to": "07/01/2026"},
            ["admin_elsewhere", "admin_in_ministry"],
        ),
        ({"date_to": "05/01/2026"}, ["clerk_in_ministry"]),
        ({"actor": "vanthu"}, ["clerk_in_ministry"]),
        ({"actor": "Quản Trị"}, ["admin_elsewhere", "admin_in_ministry"]),
        ({"action": "register.create"}, ["admin_in_ministry"]),
        ({"target_type": "incoming.IncomingDocument", "target_id": "41"}, ["clerk_in_ministry"]),
        ({"target_id": "42"}, []),
        ({"ip": "10.0.0.5"}, ["clerk_in_ministry"]),
        ({"ip": "10.0."}, ["admin_in_ministry", "clerk_in_ministry"]),
        ({"ip": "192.168.1.20"}, ["admin_elsewhere"]),
    ],
)
def test_filters(
    personas: dict[str, User],
    client_for: Any,
    events: dict[str, AuditEvent],
    query: dict[str, str],
    expected: list[str],
) -> None:
    response = client_for(personas["admin"]).get(reverse("audit:journal"), query)
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert _shown(response, events) == expected


def test_bad_filters_show_vietnamese_errors(
    personas: dict[str, User], client_for: Any, events: Any
) -> None:
    client = client_for(personas["admin"])
    body = client.get(
        reverse("audit:journal"),
        {"date_from": "32/01/2026", "ip": "10.0.0.5; drop", "action": "khong.co"},
    ).content.decode()
    assert "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy." in body
    assert "Địa chỉ IP chỉ gồm chữ số" in body
    assert "Hành động không có trong danh mục." in body
    reversed_range = client.get(
        reverse("audit:journal"), {"date_from": "07/01/2026", "date_to": "06/01/2026"}
    ).content.decode()
    assert "“Đến ngày” phải sau hoặc bằng “Từ ngày”." in reversed_range


def test_pages(
    personas: dict[str, User], client_for: Any, ministry: Agency, time_machine: Any
) -> None:
    admin = personas["admin"]
    for day in range(1, 61):
        _record(
            time_machine,
            dt.datetime(2026, 2, 1, 8, 0, tzinfo=HANOI) + dt.timedelta(minutes=day),
            actor=admin,
            action="incoming.view",
            target_id=str(day),
            agency_id=ministry.pk,
        )
    client = client_for(admin)
    first = client.get(reverse("audit:journal"), {"action": "incoming.view"})
    assert first.context["page"].paginator.count == 60
    assert [e.target_id for e, _ in first.context["rows"]][:2] == ["60", "59"]
    second = client.get(reverse("audit:journal"), {"action": "incoming.view", "trang": "2"})
    assert [e.target_id for e, _ in second.context["rows"]] == [str(n) for n in range(10, 0, -1)]


# --- CSV export ----------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    content: Iterator[bytes] = response.streaming_content  # type: ignore[assignment]
    text = b"".join(content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_export_gives_the_filtered_events_as_csv_and_is_journaled(
    personas: dict[str, User], client_for: Any, events: dict[str, AuditEvent]
) -> None:
    # given the ministry's administrator filtering on an address prefix
    client = client_for(personas["admin"])
    # when they export
    response = client.get(reverse("audit:journal_export"), {"ip": "10.0.", "date_to": "09/01/2026"})
    # then the file holds exactly the filtered events, newest first, in Vietnamese
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="nhat-ky-')
    rows = _csv(response)
    assert rows[0][:5] == ["Thời điểm", "Người thực hiện", "Tên đăng nhập", "Thay mặt", "Hành động"]
    assert [r[5] for r in rows[1:]] == ["register.create", "incoming.register"]
    newest = rows[1]
    assert newest[0] == "06/01/2026 09:00:00"
    assert newest[1:5] == ["Hoàng Quản Trị", "quantri", "", "Tạo sổ"]
    assert newest[10] == "10.0.0.9" and "mở sổ" in newest[11]
    # and a label that looks like a formula is neutralised
    assert rows[2][8] == '\'=HYPERLINK("http://x")'
    # and the export itself is journaled with its filters
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor_id == personas["admin"].pk
    assert export.data == {"filters": {"date_to": "09/01/2026", "ip": "10.0."}, "count": 2}


def test_export_stays_in_the_admins_scope(
    personas: dict[str, User], client_for: Any, events: dict[str, AuditEvent]
) -> None:
    rows = _csv(client_for(personas["admin"]).get(reverse("audit:journal_export")))
    labels = {r[8] for r in rows[1:]}
    assert "Văn bản tỉnh" not in labels and "Danh bạ" not in labels


def test_export_with_a_bad_filter_exports_nothing(
    personas: dict[str, User], client_for: Any, events: Any
) -> None:
    response = client_for(personas["admin"]).get(
        reverse("audit:journal_export"), {"date_from": "99/99/2026"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("audit:journal"))
    assert not AuditEvent.objects.filter(action="audit.export").exists()
