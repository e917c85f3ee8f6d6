"""Calendar screens: only administrators, the year's list, forms in dd/mm/yyyy with
Vietnamese errors, the weekend setting and the deadline calculator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.core import calendar as cal
from govdoc.core.models import CalendarDay, CalendarDayKind, WorkWeek
from govdoc.organizations.models import User

pytestmark = pytest.mark.django_db

D = dt.date
LIST = reverse("organizations:calendar")


@pytest.fixture(autouse=True)
def _fresh_copy() -> Iterator[None]:
    cal.reset_cache()
    yield
    cal.reset_cache()


def _state() -> tuple[Any, ...]:
    return (
        list(CalendarDay.objects.order_by("pk").values()),
        list(WorkWeek.objects.values()),
        AuditEvent.objects.filter(action__startswith="calendar_day.").count()
        + AuditEvent.objects.filter(action__startswith="work_week.").count(),
    )


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_only_administrators_reach_the_screens(
    personas: dict[str, User], client_for: Any, persona: str
) -> None:
    # given someone who is not an administrator, and a seeded day
    client = client_for(personas[persona])
    day = CalendarDay.objects.get(date=D(2026, 1, 1))
    before = _state()
    form = {"date": "04/03/2026", "kind": "HOLIDAY", "name": "Nghỉ"}
    # when they try every page and action
    responses = [
        client.get(LIST),
        client.get(f"{LIST}?tu-ngay=13/02/2026&so-ngay=5"),
        client.get(reverse("organizations:calendar_day_create")),
        client.post(reverse("organizations:calendar_day_create"), form),
        client.get(reverse("organizations:calendar_day_edit", args=[day.pk])),
        client.post(reverse("organizations:calendar_day_edit", args=[day.pk]), form),
        client.get(reverse("organizations:calendar_day_delete", args=[day.pk])),
        client.post(reverse("organizations:calendar_day_delete", args=[day.pk])),
        client.post(reverse("organizations:calendar_weekend"), {"weekend_days": ["7"]}),
    ]
    # then every answer is 404 and nothing changed
    assert [r.status_code for r in responses] == [404] * len(responses)
    assert _state() == before


def test_the_admin_menu_links_to_the_calendar(personas: dict[str, User], client_for: Any) -> None:
    body = client_for(personas["admin"]).get(reverse("organizations:people")).content.decode()
    assert f'href="{LIST}"' in body and "Lịch làm việc" in body
    clerk_body = client_for(personas["clerk"]).get(reverse("incoming:list")).content.decode()
    assert f'href="{LIST}"' not in clerk_body


def test_admin_sees_the_years_holidays(personas: dict[str, User], client_for: Any) -> None:
    # when the administrator opens 2026
    response = client_for(personas["admin"]).get(f"{LIST}?nam=2026")
    body = response.content.decode()
    # then the year's days show in dd/mm/yyyy with their weekday, and the year switcher
    assert response.status_code == 200
    assert "Lịch làm việc năm 2026" in body
    assert "17/02/2026" in body and "Tết Nguyên đán (Mùng 1)" in body and "Thứ Ba" in body
    assert "27/04/2026" in body and "Nghỉ bù Giỗ Tổ Hùng Vương" in body
    assert "03/05/2027" not in body
    assert "?nam=2025" in body and "?nam=2027" in body
    assert "<strong>250</strong> ngày làm việc" in body
    # and 2027 lists its own
    body_2027 = client_for(personas["admin"]).get(f"{LIST}?nam=2027").content.decode()
    assert "03/05/2027" in body_2027 and "17/02/2026" not in body_2027


def test_admin_adds_a_day_with_a_vietnamese_date(
    personas: dict[str, User], client_for: Any
) -> None:
    client = client_for(personas["admin"])
    # when they add Saturday 07/03/2026 as a compensatory working day
    response = client.post(
        reverse("organizations:calendar_day_create"),
        {"date": "07/03/2026", "kind": "WORKDAY", "name": "Làm bù cho ngày 04/03"},
    )
    # then they return to the year's list, and the day is in the calendar
    assert response.status_code == 302 and response["Location"] == f"{LIST}?nam=2026"
    day = CalendarDay.objects.get(date=D(2026, 3, 7))
    assert day.kind == CalendarDayKind.WORKDAY
    assert AuditEvent.objects.filter(action="calendar_day.create", target_id=str(day.pk)).exists()
    assert cal.is_working_day(D(2026, 3, 7))


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"date": "31/02/2026", "kind": "HOLIDAY", "name": "Nghỉ"}, "dạng dd/mm/yyyy"),
        ({"date": "", "kind": "HOLIDAY", "name": "Nghỉ"}, "Vui lòng nhập ngày"),
        ({"date": "04/03/2026", "kind": "HOLIDAY", "name": ""}, "Vui lòng nhập tên"),
        ({"date": "03/03/2026", "kind": "WORKDAY", "name": "Làm bù"}, "vốn là ngày làm việc"),
        ({"date": "01/01/2026", "kind": "HOLIDAY", "name": "Năm mới"}, "đã có trong lịch"),
    ],
)
def test_bad_input_shows_on_the_form(
    personas: dict[str, User], client_for: Any, form: dict[str, str], message: str
) -> None:
    before = _state()
    response = client_for(personas["admin"]).post(
        reverse("organizations:calendar_day_create"), form
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and 'data-field="' in body
    assert _state() == before


def test_the_edit_form_shows_the_date_in_vietnamese_style(
    personas: dict[str, User], client_for: Any
) -> None:
    day = CalendarDay.objects.get(date=D(2026, 9, 1))
    client = client_for(personas["admin"])
    body = client.get(reverse("organizations:calendar_day_edit", args=[day.pk])).content.decode()
    assert 'value="01/09/2026"' in body
    # when the date is moved
    response = client.post(
        reverse("organizations:calendar_day_edit", args=[day.pk]),
        {"date": "03/09/2026", "kind": "HOLIDAY", "name": day.name},
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.date == D(2026, 9, 3)


def test_admin_removes_a_day_after_confirming(personas: dict[str, User], client_for: Any) -> None:
    day = CalendarDay.objects.get(date=D(2026, 4, 27))
    client = client_for(personas["admin"])
    url = reverse("organizations:calendar_day_delete", args=[day.pk])
    # the confirmation page names the day and changes nothing
    page = client.get(url)
    assert page.status_code == 200 and "27/04/2026" in page.content.decode()
    assert CalendarDay.objects.filter(pk=day.pk).exists()
    # confirming removes it
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == f"{LIST}?nam=2026"
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert AuditEvent.objects.filter(action="calendar_day.delete").count() == 1


def test_an_unknown_day_is_404(personas: dict[str, User], client_for: Any) -> None:
    client = client_for(personas["admin"])
    assert client.get(reverse("organizations:calendar_day_edit", args=[999999])).status_code == 404
    assert client.post(reverse("organizations:calendar_day_delete", args=[999999])).status_code == (
        404
    )


def test_admin_sets_the_weekend_days(personas: dict[str, User], client_for: Any) -> None:
    client = client_for(personas["admin"])
    response = client.post(
        f"{reverse('organizations:calendar_weekend')}?nam=2027", {"weekend_days": ["7"]}
    )
    assert response.status_code == 302 and response["Location"] == f"{LIST}?nam=2027"
    assert WorkWeek.objects.get(pk=1).weekend_days == "7"
    # a week without a working day is refused on the page
    before = _state()
    refused = client.post(
        reverse("organizations:calendar_weekend"),
        {"weekend_days": [str(d) for d in range(1, 8)]},
    )
    assert refused.status_code == 200
    assert "Phải còn ít nhất một ngày làm việc trong tuần." in refused.content.decode()
    assert _state() == before


def test_the_calculator_counts_working_days(personas: dict[str, User], client_for: Any) -> None:
    client = client_for(personas["admin"])
    # when the administrator checks 5 working days from Friday 13/02/2026
    body = client.get(f"{LIST}?nam=2026&tu-ngay=13/02/2026&so-ngay=5").content.decode()
    # then the answer is Friday 27/02/2026, skipping the days of Tết
    assert "Thứ Sáu 27/02/2026" in body
    assert "Thứ Hai 16/02/2026: Tết Nguyên đán" in body and "(14 ngày theo lịch)" in body
    # and bad input gets a Vietnamese message
    bad = client.get(f"{LIST}?tu-ngay=32/01/2026&so-ngay=-1").content.decode()
    assert "dạng dd/mm/yyyy" in bad and "không được âm" in bad
    assert 'data-testid="calculator-result"' not in bad
