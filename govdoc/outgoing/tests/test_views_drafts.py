"""Drafting through the web pages: a new draft with an uploaded body (or from a template),
a reply prefilled from the incoming document, the edit with its stale-version answer (409),
a new version, attachments, comments (also through htmx), the comparison of versions, and
the incoming page's "Văn bản trả lời" section. A refused form shows each error on its field
and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govdoc.assignments.services import AssigneeInput, incoming_assign
from govdoc.assignments.workflow import HandlingRole
from govdoc.conftest import incoming_input, make_pdf
from govdoc.documents.models import DocumentType
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_present, incoming_register
from govdoc.organizations.models import Agency, Unit, User
from govdoc.outgoing.drafting.pdf_convert import soffice_available
from govdoc.outgoing.models import Draft, DraftAttachment, DraftComment, DraftVersion
from govdoc.outgoing.tests.conftest import make_draft_pdf
from govdoc.outgoing.tests.issuing_helpers import approved, submitted
from govdoc.outgoing.workflow import DraftStatus, Method

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Any]
CREATE = "outgoing:draft_create"


def _pdf(name: str = "du-thao.pdf", subject: str = "Ve viec bao cao") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_draft_pdf(subject), content_type="application/pdf")


def _form(
    doc_type: DocumentType, personas: dict[str, User], units: dict[str, Unit], **extra: Any
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "document_type": doc_type.pk,
        "subject": "Về việc báo cáo kết quả kiểm kê đất đai",
        "priority": "1",
        "drafting_unit": units["DD"].pk,
        "signer": personas["leader"].pk,
        "signing_authority": "KT",
        "authority_title": "Bộ trưởng",
        "signer_position": "Thứ trưởng",
        "copies": "3",
        "body_source": "tai-len",
        "body": _pdf(),
        "r0-kind": "UNIT",
        "r0-unit": units["VP"].pk,
        "r0-role": "kg",
        "r1-kind": "OTHER",
        "r1-name": "Công ty Cổ phần Đo đạc",
        "r1-email": "lienhe@dodac.example",
        "r1-role": "nn",
        "r2-kind": "",
    }
    values.update(extra)
    return values


def test_the_new_draft_form_renders_with_signers_leaders_first(
    personas: dict[str, User], client_for: ClientFor
) -> None:
    response = client_for(personas["specialist"]).get(reverse(CREATE))
    page = response.content.decode()
    assert response.status_code == 200
    # the signer list puts the agency's leaders first, then the units' leaders
    assert (
        page.index("Lãnh đạo cơ quan")
        < page.index("Trần Văn Lãnh Đạo")
        < page.index("Lãnh đạo đơn vị")
    )
    assert page.index("Lãnh đạo đơn vị") < page.index("Lê Văn Trưởng")
    # and the subject has the focus, the template list is there
    assert "autofocus" in page and "Quyết định" in page
    # and an outsider of every agency role may not draft here: the administrator gets 404
    assert client_for(personas["admin"]).get(reverse(CREATE)).status_code == 404


def test_a_new_draft_with_an_uploaded_pdf_is_created_with_its_recipients(
    personas: dict[str, User],
    units: dict[str, Unit],
    doc_type: DocumentType,
    client_for: ClientFor,
) -> None:
    # when the specialist fills the form and uploads the PDF
    response = client_for(personas["specialist"]).post(
        reverse(CREATE), _form(doc_type, personas, units)
    )
    # then the draft exists with version 1 and both recipients, and the page opens on it
    draft = Draft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outgoing:draft_detail", args=[draft.pk])
    assert draft.drafter == personas["specialist"] and draft.priority == 1
    assert draft.signing_authority == "KT" and draft.authority_title == "BỘ TRƯỞNG"
    assert draft.copies == 3
    assert draft.versions.get().source == DraftVersion.Source.UPLOAD
    recipients = list(draft.recipients.all())
    assert [(r.kind, r.method, r.is_addressee) for r in recipients] == [
        ("UNIT", Method.INTERNAL, True),
        ("OTHER", Method.EMAIL, False),
    ]
    assert draft.history.filter(action="create").exists()


def test_a_bad_form_shows_each_error_on_its_field_and_writes_nothing(
    personas: dict[str, User],
    units: dict[str, Unit],
    doc_type: DocumentType,
    client_for: ClientFor,
) -> None:
    # when the subject is missing, the signer is not chosen and a recipient has no name
    response = client_for(personas["specialist"]).post(
        reverse(CREATE),
        _form(doc_type, personas, units, subject="", signer="", **{"r1-name": ""}),
    )
    page = response.content.decode()
    # then the form comes back (400) with the recipient row's error, and nothing is written
    assert response.status_code == 400
    assert "Nơi nhận thứ 2: ghi tên nơi nhận." in page
    assert not Draft.objects.exists() and not DraftVersion.objects.exists()
    # when only the service can tell (subject and signer missing)
    response = client_for(personas["specialist"]).post(
        reverse(CREATE), _form(doc_type, personas, units, subject="", signer="")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-field="subject">Vui lòng nhập trích yếu.' in page
    assert 'data-field="signer">Vui lòng chọn người ký trong cơ quan.' in page
    # and the rows typed are kept
    assert "Công ty Cổ phần Đo đạc" in page
    assert not Draft.objects.exists()


def test_a_body_that_is_not_docx_or_pdf_is_refused_on_its_field(
    personas: dict[str, User],
    units: dict[str, Unit],
    doc_type: DocumentType,
    client_for: ClientFor,
) -> None:
    text = SimpleUploadedFile("ghi-chu.txt", b"khong phai van ban", content_type="text/plain")
    response = client_for(personas["specialist"]).post(
        reverse(CREATE), _form(doc_type, personas, units, body=text)
    )
    assert response.status_code == 400
    assert 'data-field="body"' in response.content.decode()
    assert not Draft.objects.exists()


def test_choosing_a_template_without_one_is_refused(
    personas: dict[str, User],
    units: dict[str, Unit],
    doc_type: DocumentType,
    client_for: ClientFor,
) -> None:
    response = client_for(personas["specialist"]).post(
        reverse(CREATE), _form(doc_type, personas, units, body_source="mau", template_code="")
    )
    assert response.status_code == 400
    assert 'data-field="template_code">Vui lòng chọn mẫu văn bản.' in response.content.decode()
    assert not Draft.objects.exists()


def test_the_template_fields_come_from_the_registry(
    personas: dict[str, User], client_for: ClientFor
) -> None:
    client = client_for(personas["specialist"])
    page = client.get(
        reverse("outgoing:template_fields"), {"template_code": "giay_moi"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    # the content fields with their Vietnamese labels; the metadata's are not asked again
    assert (
        "Thành phần được mời" in page and "Địa điểm" in page and 'name="mau-meeting_time"' in page
    )
    assert 'name="mau-signer_name"' not in page and 'name="mau-subject"' not in page
    # and no template: nothing
    empty = client.get(reverse("outgoing:template_fields")).content.decode()
    assert "template-fields" not in empty


@pytest.mark.skipif(not soffice_available(), reason="LibreOffice không có")
def test_a_draft_made_from_a_template(
    personas: dict[str, User],
    units: dict[str, Unit],
    doc_type: DocumentType,
    client_for: ClientFor,
) -> None:
    # given the form with the "Quyết định" template and its content
    values = _form(
        doc_type,
        personas,
        units,
        body_source="mau",
        template_code="quyet_dinh",
        **{
            "mau-issuing_authority": "Bộ trưởng Bộ Tài nguyên và Môi trường",
            "mau-legal_bases": "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;",
            "mau-body": "Điều 1. Phê duyệt kế hoạch.\nĐiều 2. Quyết định có hiệu lực từ ngày ký.",
        },
    )
    del values["body"]
    # when it is sent with a required content field missing
    missing = dict(values)
    missing["mau-body"] = ""
    response = client_for(personas["specialist"]).post(reverse(CREATE), missing)
    # then the field's error is shown and nothing is written
    assert response.status_code == 400
    assert 'data-field="body">Vui lòng nhập nội dung văn bản.' in response.content.decode()
    assert not Draft.objects.exists()
    # when it is complete
    response = client_for(personas["specialist"]).post(reverse(CREATE), values)
    # then the draft has its generated DOCX and PDF, and remembers the template
    assert response.status_code == 302
    draft = Draft.objects.get()
    version = draft.versions.get()
    assert draft.template_code == "quyet_dinh" and version.source == DraftVersion.Source.TEMPLATE
    assert version.body.kind == "docx" and version.pdf is not None


@pytest.fixture
def incoming_to_answer(
    personas: dict[str, User], ministry: Agency, other_agency: Agency, doc_type: DocumentType
) -> IncomingDocument:
    """A document from the other agency, assigned to the specialist to handle (lead)."""
    incoming = incoming_register(
        agency=ministry,
        data=incoming_input(
            doc_type,
            issuer_id=other_agency.pk,
            issuer_name=other_agency.name,
            due_date=dt.date.today() + dt.timedelta(days=10),
        ),
        actor=personas["clerk"],
    )
    incoming_present(incoming=incoming, leader=personas["leader"], actor=personas["clerk"])
    incoming_assign(
        incoming=incoming,
        instruction="Giao đồng chí Chuyên chủ trì trả lời.",
        assignees=[
            AssigneeInput(
                role=HandlingRole.LEAD,
                person_id=personas["specialist"].pk,
                due_date=dt.date.today() + dt.timedelta(days=14),
            )
        ],
        actor=personas["leader"],
    )
    incoming.refresh_from_db()
    return incoming


def test_a_reply_is_prefilled_from_the_incoming_document(
    personas: dict[str, User],
    other_agency: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
    incoming_to_answer: IncomingDocument,
    client_for: ClientFor,
) -> None:
    client = client_for(personas["specialist"])
    # when the handler opens the incoming document's page
    page = client.get(reverse("incoming:detail", args=[incoming_to_answer.pk])).content.decode()
    # then the "Văn bản trả lời" section offers to draft a reply
    assert 'data-testid="replies"' in page and "Soạn văn bản trả lời" in page
    # when they follow it
    url = reverse(CREATE) + f"?tra_loi={incoming_to_answer.pk}"
    page = client.get(url).content.decode()
    # then the subject, the due date, the recipient (the issuer, in the directory) are filled
    assert "V/v trả lời" in page and "15/QĐ-STNMT" in page
    assert f'value="{other_agency.pk}" selected' in page
    due = incoming_to_answer.document.due_date
    assert due is not None and due.strftime("%d/%m/%Y") in page
    assert 'name="complete_reply"' in page
    # when they save it
    values = _form(
        doc_type,
        personas,
        units,
        reply_to=incoming_to_answer.pk,
        complete_reply="on",
        **{"r0-kind": "AGENCY", "r0-agency": other_agency.pk},
    )
    for key in ("r1-kind", "r1-name", "r1-email", "r1-role"):
        del values[key]
    response = client.post(reverse(CREATE), values)
    # then the draft answers the incoming document
    assert response.status_code == 302
    draft = Draft.objects.get()
    assert draft.reply_to == incoming_to_answer and draft.complete_reply
    # and the incoming page lists it
    page = client.get(reverse("incoming:detail", args=[incoming_to_answer.pk])).content.decode()
    assert f'data-reply="{draft.pk}"' in page
    # and someone who does not handle the document gets no button, nor the draft
    page = (
        client_for(personas["clerk"])
        .get(reverse("incoming:detail", args=[incoming_to_answer.pk]))
        .content.decode()
    )
    assert 'data-testid="reply-button"' not in page and f'data-reply="{draft.pk}"' not in page


def test_replying_to_a_document_one_cannot_see_is_404(
    personas: dict[str, User], incoming_to_answer: IncomingDocument, client_for: ClientFor
) -> None:
    url = reverse(CREATE) + f"?tra_loi={incoming_to_answer.pk}"
    assert client_for(personas["outsider"]).get(url).status_code == 404
    assert client_for(personas["specialist"]).get(reverse(CREATE) + "?tra_loi=x").status_code == 404


def _edit_values(draft: Draft, units: dict[str, Unit], **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "document_type": draft.document_type_id,
        "subject": "Về việc báo cáo đã sửa",
        "priority": "0",
        "drafting_unit": draft.drafting_unit_id,
        "signer": draft.signer_id,
        "signing_authority": "",
        "copies": "1",
        "version": draft.version,
        "r0-kind": "UNIT",
        "r0-unit": units["TCCB"].pk,
    }
    values.update(extra)
    return values


def test_the_edit_saves_and_a_stale_form_answers_409(
    personas: dict[str, User],
    units: dict[str, Unit],
    make_draft: Callable[..., Draft],
    client_for: ClientFor,
) -> None:
    draft = make_draft()
    client = client_for(personas["specialist"])
    url = reverse("outgoing:draft_edit", args=[draft.pk])
    # the form shows the draft as it is
    page = client.get(url).content.decode()
    assert draft.subject in page and f'name="version" value="{draft.version}"' in page
    stale = _edit_values(draft, units)
    # when it is saved
    response = client.post(url, _edit_values(draft, units))
    # then the draft changed, with its history row
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.subject == "Về việc báo cáo đã sửa"
    assert [r.unit_id for r in draft.recipients.all()] == [units["TCCB"].pk]
    # when a form read before that change is sent
    stale["subject"] = "Một thay đổi cũ"
    response = client.post(url, stale)
    # then 409 with the message, and nothing changed
    assert response.status_code == 409
    assert "vừa được người khác thay đổi" in response.content.decode()
    draft.refresh_from_db()
    assert draft.subject == "Về việc báo cáo đã sửa"
    # and someone who may not edit gets 404
    assert client_for(personas["leader"]).get(url).status_code == 404
    assert client_for(personas["outsider"]).post(url, _edit_values(draft, units)).status_code == 404


def test_a_new_version_is_uploaded_and_compared_with_the_previous(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = make_draft()
    client = client_for(personas["specialist"])
    url = reverse("outgoing:draft_body", args=[draft.pk])
    assert client.get(url).status_code == 200
    # when a new PDF is uploaded
    response = client.post(
        url,
        {
            "source": "tai-len",
            "body": _pdf("du-thao-2.pdf", "Ve viec bao cao sua doi"),
            "note": "Sửa trích yếu",
            "version": draft.version,
        },
    )
    # then version 2 exists
    assert response.status_code == 302
    assert list(draft.versions.values_list("number", flat=True)) == [1, 2]
    # and the comparison marks the changed paragraph
    compare = reverse("outgoing:draft_compare", args=[draft.pk])
    page = client.get(compare, {"cu": 1, "moi": 2}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="compare"' in page and 'data-line="changed"' in page
    assert "<ins" in page and "<del" in page
    # and the full page works without htmx; a missing version is 404
    assert client.get(compare, {"cu": 1, "moi": 2}).status_code == 200
    assert client.get(compare, {"cu": 1, "moi": 7}).status_code == 404
    # when the upload is missing
    response = client.post(url, {"source": "tai-len", "version": draft.version})
    assert response.status_code == 400 and 'data-field="body"' in response.content.decode()
    # when the form was read before another change (stale)
    response = client.post(url, {"source": "tai-len", "body": _pdf(), "version": 1})
    assert response.status_code == 409
    assert draft.versions.count() == 2


def test_attachments_are_added_and_taken_off_by_the_editor(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = make_draft()
    client = client_for(personas["specialist"])
    # when an attachment is added
    upload = SimpleUploadedFile("phu-luc.pdf", make_pdf("Phu luc"), content_type="application/pdf")
    response = client.post(
        reverse("outgoing:draft_attach", args=[draft.pk]), {"attachments": upload}
    )
    assert response.status_code == 302
    attachment = DraftAttachment.objects.get()
    # then it is served to the draft's viewers
    file_url = reverse("outgoing:draft_attachment_file", args=[draft.pk, attachment.pk])
    assert client.get(file_url).status_code == 200
    assert client_for(personas["outsider"]).get(file_url).status_code == 404
    # when nothing is chosen, the error shows and nothing is added
    response = client.post(reverse("outgoing:draft_attach", args=[draft.pk]), {})
    assert response.status_code == 400
    assert "Vui lòng chọn ít nhất một tệp." in response.content.decode()
    # when it is taken off
    detach = reverse("outgoing:draft_detach", args=[draft.pk, attachment.pk])
    assert client_for(personas["leader"]).post(detach).status_code == 404
    assert client.post(detach).status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is not None


def test_comments_are_added_per_version_also_through_htmx(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = submitted(make_draft(), personas)
    url = reverse("outgoing:draft_comment", args=[draft.pk])
    # when the unit leader comments with htmx
    response = client_for(personas["unit_head"]).post(
        url, {"text": "Đề nghị bổ sung số liệu."}, HTTP_HX_REQUEST="true"
    )
    # then only the section comes back, with the comment on version 1
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert "Đề nghị bổ sung số liệu." in page and "phiên bản 1" in page
    assert DraftComment.objects.get().draft_version == draft.versions.get()
    # when an empty comment is sent (plain form), the error shows and nothing is added
    response = client_for(personas["unit_head"]).post(url, {"text": "  "})
    assert response.status_code == 400
    assert "Vui lòng nhập ý kiến." in response.content.decode()
    assert DraftComment.objects.count() == 1
    # and the outsider cannot comment
    assert client_for(personas["outsider"]).post(url, {"text": "x"}).status_code == 404


def test_the_agency_search_finds_the_directory_by_name_or_code(
    personas: dict[str, User], other_agency: Agency, client_for: ClientFor
) -> None:
    client = client_for(personas["specialist"])
    url = reverse("outgoing:agency_search")
    page = client.get(url, {"q": "Nghệ"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{other_agency.pk}"' in page
    assert f'value="{other_agency.pk}"' in client.get(url, {"q": "H41"}).content.decode()
    assert "Không tìm thấy" in client.get(url, {"q": "khong-co"}).content.decode()
    # the own agency is not a recipient
    assert "Bộ Tài nguyên" not in client.get(url, {"q": "Bộ"}).content.decode()


def test_an_approved_draft_edited_goes_back_to_the_signer(
    personas: dict[str, User],
    units: dict[str, Unit],
    make_draft: Callable[..., Draft],
    client_for: ClientFor,
) -> None:
    draft = approved(make_draft(), personas)
    assert draft.status == DraftStatus.APPROVED
    response = client_for(personas["specialist"]).post(
        reverse("outgoing:draft_edit", args=[draft.pk]), _edit_values(draft, units)
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW
