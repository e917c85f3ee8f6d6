"""The OpenAPI description and its page."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_openapi_json_loads_in_vietnamese() -> None:
    # when a client fetches the description
    response = Client().get("/api/openapi.json")
    # then it lists every operation, with Vietnamese titles and both ways to authenticate
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"].startswith("govdoc API")
    assert "Xác thực" in schema["info"]["description"]
    paths = schema["paths"]
    assert set(paths) >= {
        "/api/incoming",
        "/api/incoming/{incoming_id}",
        "/api/incoming/{incoming_id}/files/{file_id}",
        "/api/document-types",
        "/api/agencies",
    }
    assert paths["/api/incoming"]["post"]["summary"] == "Vào sổ văn bản đến"
    form = paths["/api/incoming"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert set(form["schema"]["required"]) == {
        "document_type_id",
        "subject",
        "issued_date",
        "main_file",
    }
    descriptions = {
        response["description"]
        for operations in paths.values()
        for operation in operations.values()
        for response in operation["responses"].values()
    }
    assert descriptions.isdisjoint({"OK", "Bad Request", "Unauthorized", "Not Found"})
    assert "Không tìm thấy hoặc không có quyền" in descriptions
    assert set(schema["components"]["securitySchemes"]) == {
        "BearerTokenAuth",
        "BrowserSessionAuth",
    }


def test_docs_page_renders() -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert "govdoc API" in response.content.decode()
