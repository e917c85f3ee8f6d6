"""The agency's signature: after the competent person's, with the seal over the signer's
image; on attachments and electronic copies, a stamp at the top right of page 1."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from govdoc.conftest import make_pdf
from govdoc.signatures import layout
from govdoc.signatures.agency_signing import NOT_SIGNED_BY_PERSON, sign_as_agency
from govdoc.signatures.pades import Appearance, Box, PdfSigningError, sign_pdf
from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.signatures.testing_pki import TestPki
from govdoc.signatures.verify import verify_pdf

PERSON_BOX = Box(0, 300, 100, 450, 170)


def signed_by_person(pki: TestPki, signature_png: bytes) -> bytes:
    return sign_pdf(
        pdf=make_pdf(),
        signer=Pkcs12Signer(pki.person.pkcs12, pki.password),
        field_name="NguoiKy",
        reason="Ký ban hành",
        location="Hà Nội",
        appearance=Appearance(box=PERSON_BOX, image_png=signature_png),
    )


def rects(pdf: bytes) -> dict[str, list[float]]:
    reader = PdfFileReader(io.BytesIO(pdf))
    return {
        str(e.field_name): [float(v) for v in e.sig_field["/Rect"]]
        for e in reader.embedded_signatures
    }


def test_person_then_agency_with_the_seal_both_valid(
    pki: TestPki, signature_png: bytes, seal_png: bytes
) -> None:
    # given a PDF signed by the competent person with the signature image
    pdf = signed_by_person(pki, signature_png)
    # when the clerk applies the agency's signature, box taken from the person's field
    signed = sign_as_agency(
        pdf=pdf,
        signer=Pkcs12Signer(pki.agency.pkcs12, pki.password),
        seal_png=seal_png,
        signer_box=None,
        number_symbol="12/QĐ-BKHCN",
        attachment=False,
    )
    # then both signatures validate against the test root
    report = verify_pdf(signed, roots=[pki.root.asn1])
    assert [s.field_name for s in report.signatures] == ["NguoiKy", "ChuKyCoQuan"]
    assert report.all_valid
    # and the seal is at real size (300 px at 250 dpi = 86.4 pt), over the left third
    x1, y1, x2, y2 = rects(signed)["ChuKyCoQuan"]
    assert x2 - x1 == pytest.approx(86.4, abs=1)
    assert x2 == pytest.approx(PERSON_BOX.x1 + 50, abs=1)
    assert (y1 + y2) / 2 == pytest.approx(135, abs=1)


def test_agency_before_person_is_refused(pki: TestPki, seal_png: bytes) -> None:
    # given an unsigned PDF, when the agency signs, then it is refused in Vietnamese
    with pytest.raises(PdfSigningError) as error:
        sign_as_agency(
            pdf=make_pdf(),
            signer=Pkcs12Signer(pki.agency.pkcs12, pki.password),
            seal_png=seal_png,
            signer_box=PERSON_BOX,
            number_symbol="12/QĐ-BKHCN",
            attachment=False,
        )
    assert str(error.value) == NOT_SIGNED_BY_PERSON


def test_a_pdf_signed_only_by_the_agency_is_still_refused(pki: TestPki, seal_png: bytes) -> None:
    # given a PDF carrying only the agency's own signature (an attachment stamp)
    agency = Pkcs12Signer(pki.agency.pkcs12, pki.password)
    stamped = sign_as_agency(
        pdf=make_pdf(),
        signer=agency,
        seal_png=None,
        signer_box=None,
        number_symbol="12/QĐ-BKHCN",
        attachment=True,
    )
    # when the agency signs it as the main document, then it is refused
    with pytest.raises(PdfSigningError, match="chưa có chữ ký của người có thẩm quyền"):
        sign_as_agency(
            pdf=stamped,
            signer=agency,
            seal_png=seal_png,
            signer_box=PERSON_BOX,
            number_symbol="12/QĐ-BKHCN",
            attachment=False,
        )


def test_attachment_gets_the_stamp_top_right_of_page_one(
    pki: TestPki, signature_png: bytes
) -> None:
    # given a document signed by the person (an electronic copy of it)
    pdf = signed_by_person(pki, signature_png)
    # when the agency signs it as an attachment / electronic copy
    signed = sign_as_agency(
        pdf=pdf,
        signer=Pkcs12Signer(pki.agency.pkcs12, pki.password),
        seal_png=None,
        signer_box=None,
        number_symbol="12/QĐ-BKHCN",
        attachment=True,
        signed_at=dt.datetime(2025, 3, 5, 9, tzinfo=layout.VIETNAM),
    )
    # then a second signature field sits at the top right of page 1, inside the margins
    fields = rects(signed)
    assert set(fields) == {"NguoiKy", "ChuKyCoQuan"}
    expected = layout.attachment_box(page_width=595, page_height=842)
    x1, y1, x2, y2 = fields["ChuKyCoQuan"]
    assert [x1, y1, x2, y2] == [
        round(expected.x1),
        round(expected.y1),
        round(expected.x2),
        round(expected.y2),
    ]
    assert x1 > 595 / 2 and y2 > 842 - layout.mm_to_pt(26)
    reader = PdfFileReader(io.BytesIO(signed))
    assert reader.embedded_signatures[1].sig_field["/P"] == reader.root["/Pages"]["/Kids"][0]
    # and both signatures validate
    assert verify_pdf(signed, roots=[pki.root.asn1]).all_valid
