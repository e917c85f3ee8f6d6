"""The draft's form: a new draft (also as the reply to an incoming document, prefilled from
it) with its body uploaded or made from a template and its attachments; the edit of the
metadata and recipients (with the version it was read at: a stale form answers 409). Also
the two fragments the form asks for while typing (htmx): the fields of a template and the
agencies of the directory matching a search. A refused form shows every error on its field
and nothing is written."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from govdoc.core.dates import vn_date
from govdoc.core.errors import Conflict, DomainError
from govdoc.documents.models import DocumentType
from govdoc.incoming.access import visible_incoming
from govdoc.incoming.forms import to_upload
from govdoc.incoming.models import IncomingDocument
from govdoc.organizations.models import Agency
from govdoc.outgoing.access import can_draft
from govdoc.outgoing.bodies import PreparedBody, prepare_template, prepare_upload
from govdoc.outgoing.forms.draft_forms import TEMPLATE, UPLOAD, DraftForm, initial_of
from govdoc.outgoing.forms.recipient_rows import (
    KIND_CHOICES,
    METHOD_CHOICES,
    RecipientRows,
    parse_rows,
    reply_row,
    rows_of,
    unit_options,
)
from govdoc.outgoing.forms.template_forms import TemplateValuesForm, template_of
from govdoc.outgoing.inputs import DraftInput
from govdoc.outgoing.services.drafts import can_edit, draft_create, draft_update
from govdoc.outgoing.views.common import agency_of, draft_or_404

DIRECTORY_PRELOAD = 300
SEARCH_LIMIT = 30
# The body's preparation names the template "template"; the form calls it "template_code".
ALIASES = {"template": "template_code"}


class FormErrors:
    """A service's refusal spread over the forms of the page: each field's message on the
    form that has the field; the recipients' above their rows; the rest on top."""

    def __init__(self) -> None:
        self.top: list[str] = []

    def place(
        self, error: DomainError, *, forms_: list[forms.Form | None], rows: RecipientRows
    ) -> None:
        for field_name, message in error.fields.items():
            name = ALIASES.get(field_name, field_name)
            if name == "recipients":
                rows.errors.append(message)
                continue
            for form in forms_:
                if form is not None and name in form.fields:
                    form.add_error(name, message)
                    break
            else:
                self.top.append(message)
        if error.message not in self.top:
            self.top.insert(0, error.message)


def _directory(agency: Agency, chosen: set[int]) -> list[tuple[int, str]]:
    """The agencies offered in each row's list before any search: the chosen ones and the
    first of the directory by name (the search fetches the others)."""
    rows = (
        Agency.objects.filter(Q(is_active=True) | Q(pk__in=chosen))
        .exclude(pk=agency.pk)
        .order_by("name")
        .values_list("pk", "name", "organ_id")
    )
    preload = list(rows[:DIRECTORY_PRELOAD])
    missing = chosen - {pk for pk, _n, _o in preload}
    if missing:
        preload += list(rows.filter(pk__in=missing))
    return [(pk, f"{name} ({organ_id})" if organ_id else name) for pk, name, organ_id in preload]


def _form_context(
    request: HttpRequest,
    *,
    agency: Agency,
    form: DraftForm,
    rows: RecipientRows,
    template_form: TemplateValuesForm | None,
    errors: FormErrors,
    reply: IncomingDocument | None,
    draft: Any = None,
) -> dict[str, Any]:
    chosen = {row.agency_id for row in rows.rows if row.agency_id}
    return {
        "form": form,
        "rows": rows.with_blanks(),
        "row_errors": rows.errors,
        "template_form": template_form,
        "top_errors": errors.top,
        "reply": reply,
        "draft": draft,
        "creating": draft is None,
        "units": unit_options(agency.pk),
        "directory": _directory(agency, chosen),
        "kind_choices": KIND_CHOICES,
        "method_choices": METHOD_CHOICES,
        "source_upload": UPLOAD,
        "source_template": TEMPLATE,
        "blank_row": {"index": "__i__", "is_addressee": True},
    }


def _reply_to(request: HttpRequest, agency: Agency, raw: Any) -> IncomingDocument | None:
    text = str(raw or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise Http404()
    incoming = (
        visible_incoming(request.user, agency.pk)
        .select_related("document", "document__issuer", "document__document_type")
        .filter(pk=int(text))
        .first()
    )
    if incoming is None:
        raise Http404()
    return incoming


def reply_subject(incoming: IncomingDocument) -> str:
    document = incoming.document
    parts = ["V/v trả lời", document.document_type.name.split(" (")[0].lower()]
    if document.code:
        parts.append(f"số {document.code}")
    if document.issued_date:
        parts.append(f"ngày {vn_date(document.issued_date)}")
    if document.issuer_name:
        parts.append(f"của {document.issuer_name}")
    return " ".join(parts)[:500]


def _reply_initial(agency: Agency, incoming: IncomingDocument) -> tuple[dict[str, Any], Any]:
    document = incoming.document
    letter = (
        DocumentType.objects.filter(is_active=True, abbreviation="", name__startswith="Công văn")
        .order_by("rank")
        .first()
    )
    initial = {
        "subject": reply_subject(incoming),
        "due_date": document.due_date,
        "priority": document.priority,
        "reply_to": incoming.pk,
        "complete_reply": True,
        "document_type": letter.pk if letter else None,
    }
    issuer = document.issuer
    in_directory = issuer is not None and issuer.is_active and issuer.pk != agency.pk
    return initial, issuer if in_directory else None


def prepare_template_body(
    *,
    agency: Agency,
    data: DraftInput,
    template_form: TemplateValuesForm,
    actor: Any,
) -> PreparedBody:
    """The body made from the template with the typed values, the draft's metadata filling
    the rest (govdoc.outgoing.bodies.prepare_template)."""
    return prepare_template(
        agency=agency,
        data=data,
        template_code=template_form.template.code,
        values=template_form.typed_values(),
        drafter=actor,
    )


@login_required
def draft_create_view(request: HttpRequest) -> HttpResponse:
    agency = agency_of(request)
    actor = request.user
    if not can_draft(actor, agency.pk):
        raise Http404()
    reply = _reply_to(request, agency, request.POST.get("reply_to") or request.GET.get("tra_loi"))
    errors = FormErrors()
    template_form: TemplateValuesForm | None = None
    status = 200
    if request.method == "POST":
        form = DraftForm(request.POST, request.FILES, agency=agency)
        rows = parse_rows(request.POST)
        template = template_of(str(request.POST.get("template_code") or ""))
        if template is not None:
            template_form = TemplateValuesForm(request.POST, template=template)
        valid = form.is_valid() and not rows.errors
        uses_template = valid and form.body_source == TEMPLATE
        if template_form is not None and not template_form.is_valid():
            valid = False
        if valid:
            data = form.to_input(rows.inputs())
            try:
                body: PreparedBody | None = None
                if form.body_source == UPLOAD:
                    upload = to_upload(form.cleaned_data.get("body"))
                    body = prepare_upload(upload, field_name="body") if upload else None
                elif uses_template and template_form is not None:
                    body = prepare_template_body(
                        agency=agency, data=data, template_form=template_form, actor=actor
                    )
                attachments = [
                    u
                    for u in (to_upload(f) for f in form.cleaned_data.get("attachments") or [])
                    if u is not None
                ]
                draft = draft_create(
                    agency=agency, data=data, actor=actor, body=body, attachments=attachments
                )
            except DomainError as error:
                errors.place(error, forms_=[form, template_form], rows=rows)
                status = error.status
            else:
                messages.success(request, "Đã tạo dự thảo.")
                if body is None:
                    messages.info(
                        request, "Dự thảo chưa có nội dung: hãy thêm nội dung trước khi trình."
                    )
                elif body.conversion_error:
                    messages.warning(
                        request,
                        "Chưa chuyển được tệp DOCX sang PDF: "
                        f"{body.conversion_error} Hãy tải lên bản PDF trước khi trình.",
                    )
                return redirect("outgoing:draft_detail", pk=draft.pk)
        else:
            status = 400
    else:
        initial: dict[str, Any] = {"drafting_unit": getattr(actor, "unit_id", None)}
        issuer = None
        if reply is not None:
            reply_values, issuer = _reply_initial(agency, reply)
            initial.update(reply_values)
        form = DraftForm(initial=initial, agency=agency)
        rows = reply_row(issuer) if reply is not None else RecipientRows()
    context = _form_context(
        request,
        agency=agency,
        form=form,
        rows=rows,
        template_form=template_form,
        errors=errors,
        reply=reply,
    )
    return render(request, "outgoing/draft_form.html", context, status=status)


@login_required
def draft_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    actor = request.user
    if not can_edit(draft, actor):
        raise Http404()
    agency = draft.agency
    errors = FormErrors()
    status = 200
    if request.method == "POST":
        form = DraftForm(request.POST, agency=agency, editing=True)
        rows = parse_rows(request.POST)
        if form.is_valid() and not rows.errors:
            try:
                draft_update(
                    draft=draft,
                    data=form.to_input(rows.inputs()),
                    expected_version=int(form.cleaned_data["version"]),
                    actor=actor,
                )
            except DomainError as error:
                errors.place(error, forms_=[form], rows=rows)
                status = error.status
                if isinstance(error, Conflict):
                    errors.top = [error.message]
            else:
                messages.success(request, "Đã lưu thông tin dự thảo.")
                return redirect("outgoing:draft_detail", pk=draft.pk)
        else:
            status = 400
    else:
        form = DraftForm(initial=initial_of(draft), agency=agency, editing=True)
        rows = rows_of(draft.recipients.select_related("agency"))
    context = _form_context(
        request,
        agency=agency,
        form=form,
        rows=rows,
        template_form=None,
        errors=errors,
        reply=draft.reply_to,
        draft=draft,
    )
    context["stale"] = status == 409
    return render(request, "outgoing/draft_form.html", context, status=status)


@login_required
@require_GET
def template_fields_view(request: HttpRequest) -> HttpResponse:
    """The fields of the template chosen (?template_code=…): the form's htmx swap when the
    template changes; nothing for no template."""
    if not can_draft(request.user, getattr(request.user, "agency_id", None)):
        raise Http404()
    template = template_of(str(request.GET.get("template_code") or ""))
    form = TemplateValuesForm(template=template) if template is not None else None
    return render(request, "outgoing/_template_fields.html", {"template_form": form})


@login_required
@require_GET
def agency_search_view(request: HttpRequest) -> HttpResponse:
    """The directory's agencies whose name, abbreviation or code contains the search (the
    options of a recipient row's list)."""
    agency = agency_of(request)
    if not can_draft(request.user, agency.pk):
        raise Http404()
    q = " ".join(str(request.GET.get("q", "")).split())[:100]
    rows = Agency.objects.filter(is_active=True).exclude(pk=agency.pk)
    for token in q.split():
        rows = rows.filter(
            Q(name__icontains=token)
            | Q(abbreviation__icontains=token)
            | Q(organ_id__icontains=token)
        )
    found = [
        (pk, f"{name} ({organ_id})" if organ_id else name)
        for pk, name, organ_id in rows.order_by("name").values_list("pk", "name", "organ_id")[
            :SEARCH_LIMIT
        ]
    ]
    return render(request, "outgoing/_agency_options.html", {"found": found, "q": q})
