"""The body of a draft version, prepared before any transaction: an upload checked and, when
it is a DOCX, converted to PDF by LibreOffice (the PDF is what is read, signed and sent)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from govdoc.core.errors import ValidationFailed
from govdoc.documents.sniffing import DOCX, PDF, FileKind
from govdoc.documents.storage import Upload, check_upload

ONLY_DOCX_PDF = "Dự thảo phải là tệp DOCX hoặc PDF."


@dataclass(frozen=True)
class PreparedBody:
    name: str
    data: bytes
    kind: FileKind
    pdf: bytes | None
    source: str
    """DraftVersion.Source value."""
    pdf_kind: FileKind = PDF
    conversion_error: str = ""
    template_code: str = ""
    template_values: Mapping[str, Any] = field(default_factory=dict)


def prepare_upload(upload: Upload, *, field_name: str = "body") -> PreparedBody:
    """Check an uploaded body and give its PDF (itself, or the DOCX converted)."""
    kind = check_upload(upload, field=field_name)
    if kind.key == PDF.key:
        _refuse_encrypted(upload.data, field_name=field_name)
        return PreparedBody(
            name=upload.name,
            data=upload.data,
            kind=kind,
            pdf=with_number_fields(upload.data),
            source="UPLOAD",
        )
    if kind.key != DOCX.key:
        raise ValidationFailed(ONLY_DOCX_PDF, fields={field_name: ONLY_DOCX_PDF})
    pdf, error = _convert(upload.data)
    return PreparedBody(
        name=upload.name,
        data=upload.data,
        kind=kind,
        pdf=pdf,
        source="UPLOAD",
        conversion_error=error,
    )


def _convert(data: bytes) -> tuple[bytes | None, str]:
    from govdoc.outgoing.drafting.pdf_convert import ConversionError, docx_to_pdf

    try:
        return with_number_fields(docx_to_pdf(data)), ""
    except ConversionError as error:
        return None, str(error)


def with_number_fields(pdf: bytes) -> bytes:
    """The PDF with empty fields over its `[SO]` and `[NGAY_BAN_HANH]` places, so that the
    number and date can be written after signing without breaking the signature. A PDF
    without those places, or already signed, is kept as it is."""
    from govdoc.outgoing.drafting.number_fields import NumberFieldsError, prepare_number_fields

    try:
        return prepare_number_fields(pdf).pdf
    except NumberFieldsError:
        return pdf


def _refuse_encrypted(data: bytes, *, field_name: str) -> None:
    import io

    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        if not encrypted:
            len(reader.pages)
    except Exception:
        message = "Tệp PDF bị hỏng, không đọc được."
        raise ValidationFailed(message, fields={field_name: message}) from None
    if encrypted:
        message = "Tệp PDF có mật khẩu: hãy gỡ mật khẩu trước khi tải lên."
        raise ValidationFailed(message, fields={field_name: message})


URGENCY_MARKS = {0: "", 1: "Khẩn", 2: "Thượng khẩn", 3: "Hỏa tốc", 4: "Hỏa tốc"}
AUTHORITY_PREFIX = {"": "", "TM": "TM.", "KT": "KT.", "TL": "TL.", "TUQ": "TUQ.", "Q": "Q."}
DEFAULT_PLACE = "Hà Nội"


def template_values(
    *,
    agency: Any,
    data: Any,
    template_code: str,
    values: Mapping[str, Any],
    drafter: Any,
) -> dict[str, Any]:
    """The template's fields: what the draft already says (agency, unit, subject, signer,
    urgency, copies, recipients) filled in, then the drafter's own values (body, legal
    bases, meeting…) — the draft's metadata wins, so the document and its record agree."""
    from govdoc.documents.models import DocumentType
    from govdoc.organizations.models import Unit, User

    unit_id = data.drafting_unit_id or getattr(drafter, "unit_id", None)
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    signer = User.objects.filter(pk=data.signer_id).first() if data.signer_id else None
    document_type = DocumentType.objects.filter(pk=data.document_type_id).first()
    addressees = [r.name for r in _recipient_names(data.recipients, addressee=True)]
    everyone = [r.name for r in _recipient_names(data.recipients, addressee=None)]
    merged: dict[str, Any] = dict(values)
    merged.setdefault("place", DEFAULT_PLACE)
    merged.setdefault("parent_agency", agency.parent.name if agency.parent_id else "")
    if addressees and not merged.get("kinh_gui"):
        merged["kinh_gui"] = addressees
    if not merged.get("recipients"):
        merged["recipients"] = (["Như trên"] if addressees else []) + [
            name for name in everyone if name not in addressees
        ]
    merged |= {
        "agency_name": agency.name,
        "agency_abbreviation": agency.abbreviation,
        "unit_abbreviation": unit.abbreviation if unit else "",
        "subject": data.subject,
        "signer_name": (getattr(signer, "full_name", "") or "") if signer else "",
        "signer_position": data.signer_position
        or (signer.position.name if signer and signer.position else ""),
        "signing_authority": AUTHORITY_PREFIX.get(data.signing_authority, ""),
        "authority_title": data.authority_title,
        "urgency": URGENCY_MARKS.get(data.priority, ""),
        "copies": str(data.copies) if data.copies else "",
    }
    _check_type(template_code, document_type)
    return merged


def _recipient_names(recipients: Any, *, addressee: bool | None) -> list[Any]:
    from govdoc.organizations.models import Agency, Unit

    @dataclass(frozen=True)
    class Named:
        name: str

    names: list[Any] = []
    for item in recipients:
        if addressee is not None and item.is_addressee != addressee:
            continue
        name = item.name
        if item.kind == "UNIT" and item.unit_id:
            name = Unit.objects.filter(pk=item.unit_id).values_list("name", flat=True).first() or ""
        elif item.kind == "AGENCY" and item.agency_id:
            name = (
                Agency.objects.filter(pk=item.agency_id).values_list("name", flat=True).first()
                or ""
            )
        if name:
            names.append(Named(name=name))
    return names


def _check_type(template_code: str, document_type: Any) -> None:
    from govdoc.outgoing.drafting.templates import get_template

    template = get_template(template_code)
    if document_type is not None and template.type_code != document_type.abbreviation:
        message = f"Mẫu “{template.name}” không dùng cho loại “{document_type.name}”."
        raise ValidationFailed(message, fields={"template": message})


def prepare_template(
    *,
    agency: Any,
    data: Any,
    template_code: str,
    values: Mapping[str, Any],
    drafter: Any,
) -> PreparedBody:
    """A body generated from an NĐ 30 template: the DOCX with its layout and its PDF."""
    from govdoc.outgoing.drafting.docx_render import render_docx
    from govdoc.outgoing.drafting.templates import content_from_values

    merged = template_values(
        agency=agency, data=data, template_code=template_code, values=values, drafter=drafter
    )
    content = content_from_values(template_code, merged)
    docx = render_docx(template_code, content)
    pdf, error = _convert(docx)
    kept = {k: v for k, v in values.items() if isinstance(v, str | list | tuple)}
    return PreparedBody(
        name=f"{template_code}.docx",
        data=docx,
        kind=DOCX,
        pdf=pdf,
        source="TEMPLATE",
        conversion_error=error,
        template_code=template_code,
        template_values={k: list(v) if isinstance(v, tuple) else v for k, v in kept.items()},
    )
