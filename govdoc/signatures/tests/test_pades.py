from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader, PdfWriter

from govdoc.conftest import make_pdf
from govdoc.signatures.pades import (
    Appearance,
    Box,
    PdfSigningError,
    find_text_box,
    sign_pdf,
)
from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.signatures.revocation import Revocation
from govdoc.signatures.testing_pki import TestPki
from govdoc.signatures.verify import verify_pdf


def person(pki: TestPki) -> Pkcs12Signer:
    return Pkcs12Signer(pki.person.pkcs12, pki.password)


def agency(pki: TestPki) -> Pkcs12Signer:
    return Pkcs12Signer(pki.agency.pkcs12, pki.password)


def test_signs_b_b_with_the_signature_image_in_an_explicit_box(
    pki: TestPki, signature_png: bytes
) -> None:
    # given a PDF and the person's signature image
    pdf = make_pdf()
    # when the person signs it in a box
    signed = sign_pdf(
        pdf=pdf,
        signer=person(pki),
        field_name="NguoiKy",
        reason="Ký ban hành văn bản",
        location="Hà Nội",
        appearance=Appearance(box=Box(0, 300, 100, 460, 170), image_png=signature_png),
    )
    # then the original bytes are kept (incremental update) and one PAdES signature is there
    assert signed.startswith(pdf)
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert embedded.field_name == "NguoiKy"
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.sig_object["/Reason"] == "Ký ban hành văn bản"
    widget = embedded.sig_field
    assert [float(v) for v in widget["/Rect"]] == [300, 100, 460, 170]
    assert "/AP" in widget
    # and it is a valid B-B signature without a timestamp
    (report,) = verify_pdf(signed, roots=[pki.root.asn1]).signatures
    assert report.valid and not report.timestamped
    assert report.signer_name == "Nguyễn Văn An"


def test_finds_the_box_from_a_placeholder(pki: TestPki, signature_png: bytes) -> None:
    # given a document whose template has a "[CHU_KY]" placeholder
    pdf = make_pdf("Noi dung van ban [CHU_KY]")
    # when the box is looked up, then it starts where the text is drawn (72, 720)
    box = find_text_box(pdf, "[CHU_KY]", width=100, height=40)
    assert box == Box(0, 72, 700, 172, 740)
    # and signing with only the placeholder places the field there
    signed = sign_pdf(
        pdf=pdf,
        signer=person(pki),
        field_name="NguoiKy",
        reason="",
        location="",
        appearance=Appearance(
            placeholder="[CHU_KY]", width=100, height=40, image_png=signature_png
        ),
    )
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert [float(v) for v in embedded.sig_field["/Rect"]] == [72, 700, 172, 740]


def test_missing_placeholder_is_an_error(pki: TestPki) -> None:
    with pytest.raises(PdfSigningError, match="Không tìm thấy vị trí"):
        sign_pdf(
            pdf=make_pdf("Khong co cho ky"),
            signer=person(pki),
            field_name="NguoiKy",
            reason="",
            location="",
            appearance=Appearance(placeholder="[CHU_KY]"),
        )


def test_without_an_image_a_text_stamp_is_drawn(pki: TestPki) -> None:
    signed = sign_pdf(
        pdf=make_pdf(),
        signer=person(pki),
        field_name="NguoiKy",
        reason="",
        location="",
        appearance=Appearance(box=Box(0, 300, 100, 500, 160), position="Cục trưởng"),
    )
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    appearance_stream = embedded.sig_field["/AP"]["/N"]
    x1, y1, x2, y2 = (float(v) for v in appearance_stream["/BBox"])
    assert (abs(x2 - x1), abs(y2 - y1)) == (200, 60)
    assert verify_pdf(signed, roots=[pki.root.asn1]).all_valid


def test_invisible_signature_without_appearance(pki: TestPki) -> None:
    signed = sign_pdf(
        pdf=make_pdf(),
        signer=person(pki),
        field_name="NguoiKy",
        reason="",
        location="",
        appearance=None,
    )
    assert verify_pdf(signed, roots=[pki.root.asn1]).all_valid


def test_signs_b_t_with_a_timestamp_service(pki: TestPki, tsa_url: str) -> None:
    signed = sign_pdf(
        pdf=make_pdf(),
        signer=person(pki),
        field_name="NguoiKy",
        reason="",
        location="",
        appearance=None,
        timestamp_url=tsa_url,
    )
    (report,) = verify_pdf(signed, roots=[pki.root.asn1]).signatures
    assert report.timestamped and report.valid
    assert report.signing_time is not None


def test_person_then_agency_both_stay_valid(pki: TestPki, signature_png: bytes) -> None:
    # given a document signed by the competent person (approval signature)
    by_person = sign_pdf(
        pdf=make_pdf(),
        signer=person(pki),
        field_name="NguoiKy",
        reason="Ký ban hành",
        location="Hà Nội",
        appearance=Appearance(box=Box(0, 320, 100, 480, 170), image_png=signature_png),
    )
    # when the clerk applies the agency's signature with the seal over its left third
    by_agency = sign_pdf(
        pdf=by_person,
        signer=agency(pki),
        field_name="CoQuan",
        reason="Phát hành",
        location="Hà Nội",
        appearance=Appearance(box=Box(0, 270, 90, 370, 180), image_png=signature_png),
    )
    # then both signatures validate: the person's covers its revision, later changes allowed
    person_report, agency_report = verify_pdf(by_agency, roots=[pki.root.asn1]).signatures
    assert person_report.signer_name == "Nguyễn Văn An"
    assert person_report.valid and not person_report.covers_whole_document
    assert person_report.later_changes_allowed
    assert agency_report.signer_name == "Bộ Tài nguyên và Môi trường"
    assert agency_report.valid and agency_report.covers_whole_document


def test_certified_by_the_person_with_a_reserved_agency_field(
    pki: TestPki, signature_png: bytes
) -> None:
    # given the person certifies (form filling and signing allowed) and reserves the agency
    # field: a certified PDF accepts no new visible field
    by_person = sign_pdf(
        pdf=make_pdf(),
        signer=person(pki),
        field_name="NguoiKy",
        reason="Ký ban hành",
        location="Hà Nội",
        appearance=Appearance(box=Box(0, 320, 100, 480, 170), image_png=signature_png),
        certify=True,
        reserve_fields=[("CoQuan", Box(0, 270, 90, 370, 180))],
    )
    # when the agency signs the reserved field
    by_agency = sign_pdf(
        pdf=by_person,
        signer=agency(pki),
        field_name="CoQuan",
        reason="Phát hành",
        location="Hà Nội",
        appearance=Appearance(image_png=signature_png),
    )
    # then both are valid
    report = verify_pdf(by_agency, roots=[pki.root.asn1])
    assert [s.field_name for s in report.signatures] == ["NguoiKy", "CoQuan"]
    assert report.all_valid
    # and the same field cannot be signed twice
    with pytest.raises(PdfSigningError, match="đã được ký"):
        sign_pdf(
            pdf=by_agency,
            signer=agency(pki),
            field_name="CoQuan",
            reason="",
            location="",
            appearance=None,
        )


def test_not_a_pdf_is_refused(pki: TestPki) -> None:
    with pytest.raises(PdfSigningError, match="không phải PDF"):
        sign_pdf(
            pdf=b"PK\x03\x04 not a pdf",
            signer=person(pki),
            field_name="NguoiKy",
            reason="",
            location="",
            appearance=None,
        )


def test_encrypted_pdf_is_refused(pki: TestPki) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(PdfSigningError, match="mã hóa"):
        sign_pdf(
            pdf=buffer.getvalue(),
            signer=person(pki),
            field_name="NguoiKy",
            reason="",
            location="",
            appearance=None,
        )


def test_with_revocation_data_the_chain_and_crl_are_embedded_b_lt(
    pki: TestPki, tsa_url: str
) -> None:
    # given the trust roots and the intermediate's CRL known when signing, and a TSA
    revocation = Revocation(roots=[pki.root.asn1], crls=[pki.asn1_crl])
    # when the person signs
    signed = sign_pdf(
        pdf=make_pdf(),
        signer=person(pki),
        field_name="NguoiKy",
        reason="",
        location="",
        appearance=None,
        timestamp_url=tsa_url,
        revocation=revocation,
    )
    # then the document carries a document security store with the CRL (B-LT) and still
    # validates, timestamped
    reader = PdfFileReader(io.BytesIO(signed))
    dss = reader.root["/DSS"]
    assert "/CRLs" in dss and len(dss["/CRLs"]) >= 1
    (report,) = verify_pdf(signed, roots=[pki.root.asn1]).signatures
    assert report.valid and report.timestamped
