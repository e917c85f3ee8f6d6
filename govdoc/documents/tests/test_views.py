"""The document-type screens: administrators only, Vietnamese errors, nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_person
from govdoc.documents.models import DocumentType
from govdoc.documents.seed_types import seed_document_types

pytestmark = pytest.mark.django_db


@pytest.fixture
def types() -> list[DocumentType]:
    seed_document_types(DocumentType)
    return list(DocumentType.objects.all())


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Giấy xác nhận",
        "abbreviation": "GXN",
        "is_active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_only_administrators_reach_the_screens(
    personas: dict[str, Any], client_for: Any, types: list[DocumentType], persona: str
) -> None:
    # given someone who is not an administrator
    client = client_for(personas[persona])
    memo = DocumentType.objects.get(name="Thông báo")
    # when they try every page and action
    responses = [
        client.get(reverse("documents:types")),
        client.get(reverse("documents:type_create")),
        client.post(reverse("documents:type_create"), _form()),
        client.get(reverse("documents:type_edit", args=[memo.pk])),
        client.post(reverse("documents:type_edit", args=[memo.pk]), _form(name="Khác")),
        client.post(reverse("documents:type_deactivate", args=[memo.pk])),
    ]
    # then every answer is 404 and nothing changed
    assert [r.status_code for r in responses] == [404] * 6
    memo.refresh_from_db()
    assert (memo.name, memo.is_active) == ("Thông báo", True)
    assert DocumentType.objects.count() == len(types)
    assert not AuditEvent.objects.filter(action__startswith="doctype.").exists()


def test_admin_sees_the_list(
    personas: dict[str, Any], client_for: Any, types: list[DocumentType]
) -> None:
    response = client_for(personas["admin"]).get(reverse("documents:types"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Quyết định (cá biệt)" in body and "QĐ" in body
    assert "Thông tư" in body and "Có" in body  # legal
    assert body.count("Đang dùng") >= len(types)


def test_admin_adds_a_type(personas: dict[str, Any], client_for: Any, types: Any) -> None:
    client = client_for(personas["admin"])
    response = client.post(
        reverse("documents:type_create"), _form(name="  Giấy   xác nhận ", abbreviation=" GXN ")
    )
    assert response.status_code == 302 and response["Location"] == reverse("documents:types")
    created = DocumentType.objects.get(name="Giấy xác nhận")
    assert (created.abbreviation, created.is_legal, created.is_active) == ("GXN", False, True)
    event = AuditEvent.objects.get(action="doctype.create")
    assert event.target_id == str(created.pk) and event.actor_id == personas["admin"].pk


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (_form(name=""), "Vui lòng nhập tên loại văn bản."),
        (_form(name="   "), "Vui lòng nhập tên loại văn bản."),
        (_form(name="thông báo"), "Loại văn bản này đã có."),
        (_form(name="T" * 101), "Tên loại văn bản tối đa 100 ký tự."),
        (_form(abbreviation="ABCDEFGHIJK"), "Chữ viết tắt tối đa 10 ký tự."),
        (_form(abbreviation="G XN"), "Chữ viết tắt không được có dấu cách"),
        (_form(abbreviation="G/XN"), "Chữ viết tắt không được có dấu cách"),
        (_form(abbreviation="", is_legal="on"), "Văn bản quy phạm pháp luật phải có chữ viết tắt."),
    ],
)
def test_bad_input_shows_vietnamese_errors_and_writes_nothing(
    personas: dict[str, Any],
    client_for: Any,
    types: list[DocumentType],
    form: dict[str, Any],
    message: str,
) -> None:
    response = client_for(personas["admin"]).post(reverse("documents:type_create"), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert DocumentType.objects.count() == len(types)
    assert not AuditEvent.objects.filter(action__startswith="doctype.").exists()


def test_admin_edits_a_type_and_the_change_is_journaled(
    personas: dict[str, Any], client_for: Any, types: Any
) -> None:
    client = client_for(personas["admin"])
    memo = DocumentType.objects.get(name="Thông báo")
    page = client.get(reverse("documents:type_edit", args=[memo.pk]))
    assert 'value="Thông báo"' in page.content.decode()
    response = client.post(
        reverse("documents:type_edit", args=[memo.pk]),
        _form(name="Thông báo", abbreviation="TBáo"),
    )
    assert response.status_code == 302
    memo.refresh_from_db()
    assert memo.abbreviation == "TBáo"
    event = AuditEvent.objects.get(action="doctype.update")
    assert event.data == {"changes": {"abbreviation": ["TB", "TBáo"]}}


def test_saving_without_change_writes_nothing(
    personas: dict[str, Any], client_for: Any, types: Any
) -> None:
    memo = DocumentType.objects.get(name="Thông báo")
    client_for(personas["admin"]).post(
        reverse("documents:type_edit", args=[memo.pk]), _form(name="Thông báo", abbreviation="TB")
    )
    assert not AuditEvent.objects.filter(action="doctype.update").exists()


def test_renaming_onto_another_type_is_refused(
    personas: dict[str, Any], client_for: Any, types: Any
) -> None:
    memo = DocumentType.objects.get(name="Thông báo")
    response = client_for(personas["admin"]).post(
        reverse("documents:type_edit", args=[memo.pk]), _form(name="Công văn", abbreviation="")
    )
    assert "Loại văn bản này đã có." in response.content.decode()
    memo.refresh_from_db()
    assert memo.name == "Thông báo"


def test_admin_deactivates_and_reactivates(
    personas: dict[str, Any], client_for: Any, types: Any
) -> None:
    client = client_for(personas["admin"])
    memo = DocumentType.objects.get(name="Thông báo")
    assert client.get(reverse("documents:type_deactivate", args=[memo.pk])).status_code == 405
    page = client.post(reverse("documents:type_deactivate", args=[memo.pk]), follow=True)
    assert "Đã ngừng dùng loại “Thông báo”" in page.content.decode()
    memo.refresh_from_db()
    assert not memo.is_active
    client.post(reverse("documents:type_activate", args=[memo.pk]))
    memo.refresh_from_db()
    assert memo.is_active
    changes = [
        e.data["changes"] for e in AuditEvent.objects.filter(action="doctype.update").order_by("id")
    ]
    assert changes == [{"is_active": [True, False]}, {"is_active": [False, True]}]


def test_superuser_without_an_agency_manages_types(client_for: Any, ministry: Any) -> None:
    root = make_person("root", agency=ministry, roles=[], superuser=True)
    root.agency = None
    root.save()
    client = client_for(root)
    assert client.get(reverse("documents:types")).status_code == 200
    response = client.post(reverse("documents:type_create"), _form())
    assert response.status_code == 302
    assert DocumentType.objects.filter(name="Giấy xác nhận").exists()
