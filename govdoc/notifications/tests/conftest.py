from __future__ import annotations

from typing import Any

import pytest

from govdoc.organizations.models import User


@pytest.fixture
def people(personas: dict[str, User]) -> dict[str, User]:
    """The personas; the specialist and the clerk have e-mail addresses, the leader none."""
    for key, address in (
        ("specialist", "chuyenvien@btnmt.gov.vn"),
        ("clerk", "vanthu@btnmt.gov.vn"),
    ):
        personas[key].email = address
        personas[key].save(update_fields=["email"])
    return personas


@pytest.fixture
def notify_kwargs() -> dict[str, Any]:
    return {
        "kind": "incoming.assigned",
        "title": "Văn bản đến số 15 được giao cho đồng chí xử lý",
        "body": "Quyết định 15/QĐ-STNMT về việc giao đất — hạn xử lý 20/03/2026.",
        "url": "/van-ban-den/15/",
    }
