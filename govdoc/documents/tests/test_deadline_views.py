"""The default-deadline screens: the agency's administrators only, Vietnamese errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_person
from govdoc.core import calendar as cal
from govdoc.documents.models import DeadlineRule, DocumentType, Priority
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role

pytestmark = pytest.mark.django_db

LIST = reverse("documents:deadline_rules")


@pytest.fixture(autouse=True)
def _fresh_copy() -> Iterator[None]:
    cal.reset_cache()
    yield
    cal.reset_cache()


def _state() -> tuple[Any, ...]:
    return (
        list(DeadlineRule.objects.order_by("pk").values()),
        AuditEvent.objects.filter(action__startswith="deadline_rule.").count(),
    )


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_only_administrators_reach_the_screens(
    personas: dict[str, User], client_for: Any, ministry: Agency, persona: str
) -> None:
    rule = DeadlineRule.objects.create(agency=ministry, working_days=10)
    client = client_for(personas[persona])
    before = _state()
    responses = [
        client.get(LIST),
        client.post(f"{LIST}?co-quan={ministry.pk}", {"working_days": "3"}),
        client.get(reverse("documents:deadline_rule_edit", args=[rule.pk])),
        client.post(reverse("documents:deadline_rule_edit", args=[rule.pk]), {"working_days": "1"}),
        client.post(reverse("documents:deadline_rule_delete", args=[rule.pk])),
    ]
    assert [r.status_code for r in responses] == [404] * len(responses)
    assert _state() == before


def test_another_agencys_administrator_cannot_reach_the_rules(
    client_for: Any, ministry: Agency, other_agency: Agency
) -> None:
    rule = DeadlineRule.objects.create(agency=ministry, working_days=10)
    foreign_admin = make_person("qtngoai", agency=other_agency, roles=[Role.ADMIN])
    client = client_for(foreign_admin)
    # their list is their own agency's, and the ministry's rule is out of reach
    body = client.get(f"{LIST}?co-quan={ministry.pk}").content.decode()
    assert other_agency.name in body and f'data-rule="{rule.pk}"' not in body
    assert client.get(reverse("documents:deadline_rule_edit", args=[rule.pk])).status_code == 404
    response = client.post(reverse("documents:deadline_rule_delete", args=[rule.pk]))
    assert response.status_code == 404
    assert DeadlineRule.objects.filter(pk=rule.pk).exists()


def test_admin_adds_rules_and_sees_them(
    personas: dict[str, User], client_for: Any, ministry: Agency, doc_type: DocumentType
) -> None:
    client = client_for(personas["admin"])
    # when the administrator adds a general rule and one for urgent decisions
    first = client.post(f"{LIST}?co-quan={ministry.pk}", {"working_days": "15"})
    second = client.post(
        f"{LIST}?co-quan={ministry.pk}",
        {"document_type": str(doc_type.pk), "priority": str(Priority.URGENT), "working_days": "3"},
    )
    # then both are stored and listed
    assert first.status_code == second.status_code == 302
    assert first["Location"] == f"{LIST}?co-quan={ministry.pk}"
    assert DeadlineRule.objects.filter(agency=ministry).count() == 2
    body = client.get(LIST).content.decode()
    assert "Mọi loại văn bản" in body and "Quyết định (cá biệt)" in body and "Khẩn" in body
    assert AuditEvent.objects.filter(action="deadline_rule.create").count() == 2


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"working_days": ""}, "Vui lòng nhập số ngày làm việc."),
        ({"working_days": "0"}, "Số ngày làm việc từ 1 đến 365"),
        ({"working_days": "ba"}, "Số ngày làm việc phải là số nguyên."),
        ({"working_days": "3", "priority": "9"}, "Độ khẩn không hợp lệ"),
    ],
)
def test_bad_input_shows_on_the_form(
    personas: dict[str, User],
    client_for: Any,
    ministry: Agency,
    form: dict[str, str],
    message: str,
) -> None:
    before = _state()
    response = client_for(personas["admin"]).post(f"{LIST}?co-quan={ministry.pk}", form)
    assert response.status_code == 200 and message in response.content.decode()
    assert _state() == before


def test_a_duplicate_rule_shows_the_conflict(
    personas: dict[str, User], client_for: Any, ministry: Agency
) -> None:
    DeadlineRule.objects.create(agency=ministry, working_days=10)
    before = _state()
    response = client_for(personas["admin"]).post(
        f"{LIST}?co-quan={ministry.pk}", {"working_days": "12"}
    )
    assert response.status_code == 200
    assert "Cơ quan đã có hạn xử lý mặc định cho mọi loại văn bản, mọi độ khẩn." in (
        response.content.decode()
    )
    assert _state() == before


def test_admin_edits_and_removes_a_rule(
    personas: dict[str, User], client_for: Any, ministry: Agency
) -> None:
    rule = DeadlineRule.objects.create(agency=ministry, working_days=10)
    client = client_for(personas["admin"])
    page = client.get(reverse("documents:deadline_rule_edit", args=[rule.pk]))
    assert page.status_code == 200 and 'value="10"' in page.content.decode()
    edited = client.post(
        reverse("documents:deadline_rule_edit", args=[rule.pk]),
        {"priority": str(Priority.FLASH), "working_days": "1"},
    )
    assert edited.status_code == 302
    rule.refresh_from_db()
    assert (rule.priority, rule.working_days) == (Priority.FLASH, 1)
    removed = client.post(reverse("documents:deadline_rule_delete", args=[rule.pk]))
    assert removed.status_code == 302 and not DeadlineRule.objects.filter(pk=rule.pk).exists()


def test_the_types_page_and_the_menu_link_to_the_rules(
    personas: dict[str, User], client_for: Any
) -> None:
    body = client_for(personas["admin"]).get(reverse("documents:types")).content.decode()
    assert body.count(f'href="{LIST}"') == 2  # the admin menu and the types page
