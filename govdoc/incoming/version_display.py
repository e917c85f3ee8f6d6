"""Edits of registered metadata as people read them: field labels, names instead of ids,
dates as dd/mm/yyyy, urgency by its name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from govdoc.documents.models import Document, DocumentType, MetadataVersion, Priority
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.workflow import Medium
from govdoc.organizations.models import Agency, Unit, User

LABELS: dict[str, str] = {
    "document_type": "Loại văn bản",
    "issuer": "Cơ quan ban hành (danh bạ)",
    "issuer_name": "Cơ quan ban hành",
    "code_number": "Số",
    "code_notation": "Ký hiệu",
    "issued_date": "Ngày văn bản",
    "subject": "Trích yếu",
    "signer_name": "Người ký",
    "signer_position": "Chức vụ người ký",
    "priority": "Độ khẩn",
    "page_count": "Số trang",
    "due_date": "Hạn giải quyết",
    "document_identifier": "Mã văn bản",
    "receiving_unit": "Đơn vị nhận",
    "receiving_person": "Người nhận",
    "to_places": "Nơi nhận",
    "notes": "Ghi chú",
    "medium": "Hình thức",
}
DATES = {"issued_date", "due_date"}
# Fields kept as ids in the diff, and where their names come from.
REFERENCES: dict[str, Any] = {
    "document_type": DocumentType,
    "issuer": Agency,
    "receiving_unit": Unit,
    "receiving_person": User,
}


@dataclass(frozen=True)
class ChangeLine:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class VersionView:
    version: MetadataVersion
    lines: list[ChangeLine]


def _names(versions: list[MetadataVersion]) -> dict[str, dict[Any, str]]:
    wanted: dict[str, set[Any]] = {field: set() for field in REFERENCES}
    for version in versions:
        for field, values in version.changes.items():
            if field in wanted:
                wanted[field].update(v for v in values if v is not None)
    names: dict[str, dict[Any, str]] = {}
    for field, ids in wanted.items():
        model = REFERENCES[field]
        names[field] = (
            {
                obj.pk: str(getattr(obj, "full_name", "") or obj)
                for obj in model.objects.filter(pk__in=ids)
            }
            if ids
            else {}
        )
    return names


def _show(field: str, value: Any, names: dict[str, dict[Any, str]]) -> str:
    if value in (None, ""):
        return "—"
    if field in REFERENCES:
        return names[field].get(value, f"#{value}")
    if field in DATES:
        try:
            return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if field == "priority":
        return str(dict(Priority.choices).get(value, value))
    if field == "medium":
        return str(dict(Medium.choices).get(value, value))
    return str(value)


def versions_for(document: Document, incoming: IncomingDocument) -> list[VersionView]:
    versions = list(
        MetadataVersion.objects.filter(document=document)
        .select_related("changed_by")
        .order_by("version")
    )
    names = _names(versions)
    return [
        VersionView(
            version=version,
            lines=[
                ChangeLine(
                    label=LABELS.get(field, field),
                    old=_show(field, values[0], names),
                    new=_show(field, values[1], names),
                )
                for field, values in version.changes.items()
            ],
        )
        for version in versions
    ]
