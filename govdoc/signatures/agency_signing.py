"""The agency's digital signature (NĐ 30 Điều 5, Phụ lục I): applied by the clerk after
numbering, as an incremental PAdES signature that keeps the competent person's valid.

* Main document (`attachment=False`): only on a PDF the competent person has already signed;
  the red seal image at real size covers one third of the person's signature image, on its
  left.
* Attachment in a separate file or electronic copy (`attachment=True`): no seal image; the
  number and symbol and the signing time at the top right of the first page.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import TimeStamper
from pypdf import PdfReader

from govdoc.signatures import layout
from govdoc.signatures.pades import Appearance, Box, PdfSigningError, sign_pdf
from govdoc.signatures.revocation import Revocation
from govdoc.signatures.signer import Signer

AGENCY_FIELD = "ChuKyCoQuan"
NOT_SIGNED_BY_PERSON = (
    "Văn bản chưa có chữ ký của người có thẩm quyền, không ký số của cơ quan được."
)
NO_SEAL = "Chưa có ảnh con dấu của cơ quan để ký số văn bản."
NO_SIGNER_IMAGE = "Không tìm thấy vị trí chữ ký của người có thẩm quyền trên văn bản."
NOT_PDF = "Tệp không phải PDF hợp lệ hoặc đã bị hỏng."
REASON_MAIN = "Ký số của cơ quan, tổ chức ban hành văn bản"
REASON_ATTACHMENT = "Ký số của cơ quan, tổ chức trên phụ lục, bản sao điện tử"


def sign_as_agency(
    *,
    pdf: bytes,
    signer: Signer,
    seal_png: bytes | None,
    signer_box: Box | None,
    number_symbol: str,
    attachment: bool,
    agency_name: str = "",
    signed_at: dt.datetime | None = None,
    timestamp_url: str | None = None,
    timestamper: TimeStamper | None = None,
    revocation: Revocation | None = None,
) -> bytes:
    """`pdf` with the agency's signature appended.

    For the main document `signer_box` is the person's signature image box; when None it
    is taken from the person's signature field. `signed_at` (default now) is the time printed
    on an attachment's stamp. `timestamper` and `revocation` go to `sign_pdf`."""
    if attachment:
        when = signed_at or dt.datetime.now(layout.VIETNAM)
        width, height = _first_page_size(pdf)
        appearance = Appearance(
            box=layout.attachment_box(page_width=width, page_height=height),
            image_png=layout.attachment_stamp_png(number_symbol, when, agency=agency_name),
        )
        reason = REASON_ATTACHMENT
    else:
        person_box = _person_signature_box(pdf, signer)
        if seal_png is None:
            raise PdfSigningError(NO_SEAL)
        box = signer_box or person_box
        if box is None:
            raise PdfSigningError(NO_SIGNER_IMAGE)
        appearance = Appearance(
            box=layout.seal_box(box, layout.png_real_size(seal_png)), image_png=seal_png
        )
        reason = REASON_MAIN
    return sign_pdf(
        pdf=pdf,
        signer=signer,
        field_name=_free_field_name(pdf),
        reason=reason,
        location="",
        appearance=appearance,
        timestamp_url=timestamp_url,
        timestamper=timestamper,
        revocation=revocation,
    )


def _embedded(pdf: bytes) -> list[Any]:
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        return list(reader.embedded_signatures)
    except Exception as error:
        raise PdfSigningError(NOT_PDF) from error


def _person_signature_box(pdf: bytes, signer: Signer) -> Box | None:
    """The box of a signature made by someone other than the agency (the competent person);
    refuses a PDF without one. None when that signature is invisible."""
    own = signer.certificate.sha256
    for embedded in _embedded(pdf):
        certificate = embedded.signer_cert
        if certificate is None or certificate.sha256 == own:
            continue
        return _widget_box(pdf, str(embedded.field_name))
    raise PdfSigningError(NOT_SIGNED_BY_PERSON)


def _widget_box(pdf: bytes, field_name: str) -> Box | None:
    reader = PdfReader(io.BytesIO(pdf))
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            field = widget.get("/Parent", widget).get_object() if "/T" not in widget else widget
            if str(field.get("/T", "")) != field_name or "/Rect" not in widget:
                continue
            a, b, c, d = (float(v) for v in widget["/Rect"])
            box = Box(index, min(a, c), min(b, d), max(a, c), max(b, d))
            if box.x2 - box.x1 <= 0 or box.y2 - box.y1 <= 0:
                return None
            return box
    return None


def _first_page_size(pdf: bytes) -> tuple[float, float]:
    try:
        page = PdfReader(io.BytesIO(pdf)).pages[0]
    except Exception as error:
        raise PdfSigningError(NOT_PDF) from error
    return float(page.mediabox.width), float(page.mediabox.height)


def _free_field_name(pdf: bytes) -> str:
    taken = {str(e.field_name) for e in _embedded(pdf)}
    name, counter = AGENCY_FIELD, 1
    while name in taken:
        counter += 1
        name = f"{AGENCY_FIELD}{counter}"
    return name
