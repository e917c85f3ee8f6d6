"""The body of a draft: a new version (an upload, or made again from its template with the
values typed), the attachments added or taken off, and the comparison of two versions
(paragraphs added, removed or changed, with the words changed marked)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from govdoc.core.errors import Conflict, DomainError, ValidationFailed
from govdoc.documents.storage import open_stored
from govdoc.incoming.forms import to_upload
from govdoc.outgoing.bodies import PreparedBody, prepare_upload
from govdoc.outgoing.forms.action_forms import AttachForm, VersionForm, place_errors
from govdoc.outgoing.forms.draft_forms import TEMPLATE, UPLOAD, input_of, template_choices
from govdoc.outgoing.forms.template_forms import TemplateValuesForm, template_of
from govdoc.outgoing.models import Draft, DraftVersion
from govdoc.outgoing.services.drafts import (
    can_edit,
    draft_add_version,
    draft_attach,
    draft_detach,
)
from govdoc.outgoing.views.common import draft_or_404, is_htmx
from govdoc.outgoing.views.draft_form_pages import prepare_template_body
from govdoc.outgoing.views.draft_pages import draft_page

CHOOSE_TEMPLATE = "Vui lòng chọn mẫu văn bản."


def _editable(request: HttpRequest, pk: int) -> Draft:
    draft = draft_or_404(request, pk)
    if not can_edit(draft, request.user):
        raise Http404()
    return draft


def _template_initial(draft: Draft) -> dict[str, Any]:
    values = draft.template_values if isinstance(draft.template_values, dict) else {}
    return {
        key: "\n".join(str(v) for v in value) if isinstance(value, list) else value
        for key, value in values.items()
    }


@login_required
def draft_body_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form of a new version; POST: store it (the draft's version read with the
    form must still be current: otherwise 409 and nothing is stored)."""
    draft = _editable(request, pk)
    actor = request.user
    status = 200
    source = UPLOAD
    code = draft.template_code
    top: list[str] = []
    if request.method == "POST":
        form = VersionForm(request.POST, request.FILES)
        source = TEMPLATE if request.POST.get("source") == TEMPLATE else UPLOAD
        code = str(request.POST.get("template_code") or "")
        template = template_of(code)
        template_form = (
            TemplateValuesForm(request.POST, template=template) if template is not None else None
        )
        if source == TEMPLATE:
            form.fields["body"].required = False
        valid = form.is_valid() if source == UPLOAD else (form.is_valid() or _only_body(form))
        if source == TEMPLATE and template_form is None:
            top.append(CHOOSE_TEMPLATE)
            valid = False
        if valid:
            expected = form.cleaned_data.get("version") if hasattr(form, "cleaned_data") else None
            try:
                if source == TEMPLATE and template_form is not None:
                    template_form.is_valid()
                    body: PreparedBody = prepare_template_body(
                        agency=draft.agency,
                        data=input_of(draft),
                        template_form=template_form,
                        actor=actor,
                    )
                else:
                    upload = to_upload(form.cleaned_data.get("body"))
                    if upload is None:  # pragma: no cover - the form requires it
                        raise ValidationFailed(CHOOSE_TEMPLATE)
                    body = prepare_upload(upload, field_name="body")
                version = draft_add_version(
                    draft=draft,
                    body=body,
                    actor=actor,
                    note=str(form.data.get("note", "")),
                    expected_version=int(expected) if expected else None,
                )
            except DomainError as error:
                status = error.status
                if isinstance(error, Conflict):
                    top.append(error.message)
                else:
                    _place(error, form=form, template_form=template_form, top=top)
            else:
                messages.success(request, f"Đã thêm phiên bản {version.number}.")
                if body.conversion_error:
                    messages.warning(
                        request,
                        f"Chưa chuyển được tệp DOCX sang PDF: {body.conversion_error} "
                        "Hãy tải lên bản PDF trước khi trình.",
                    )
                return redirect("outgoing:draft_detail", pk=draft.pk)
        else:
            status = 400
    else:
        form = VersionForm(initial={"version": draft.version})
        template = template_of(code)
        template_form = (
            TemplateValuesForm(template=template, initial=_template_initial(draft))
            if template is not None
            else None
        )
        source = TEMPLATE if template is not None else UPLOAD
    return render(
        request,
        "outgoing/draft_body.html",
        {
            "draft": draft,
            "form": form,
            "template_form": template_form,
            "template_code": code,
            "template_choices": template_choices(),
            "source": source,
            "source_upload": UPLOAD,
            "source_template": TEMPLATE,
            "top_errors": top,
            "stale": status == 409,
        },
        status=status,
    )


def _only_body(form: VersionForm) -> bool:
    """The version form is valid but for the missing file (the template path has none)."""
    return set(form.errors) <= {"body"}


def _place(
    error: DomainError,
    *,
    form: VersionForm,
    template_form: TemplateValuesForm | None,
    top: list[str],
) -> None:
    for name, message in error.fields.items():
        if template_form is not None and name in template_form.fields:
            template_form.add_error(name, message)
        elif name in form.fields and name != "version":
            form.add_error(name, message)
        else:
            top.append(message)
    if error.message not in top:
        top.insert(0, error.message)


@login_required
@require_POST
def draft_attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _editable(request, pk)
    form = AttachForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationFailed(
                "Chưa thêm được tệp đính kèm.",
                fields={k: str(v[0]) for k, v in form.errors.items()},
            )
        uploads = [u for u in (to_upload(f) for f in form.cleaned_data["attachments"]) if u]
        draft_attach(draft=draft, uploads=uploads, actor=request.user)
    except DomainError as error:
        place_errors(form, error.fields, error.message)
        return draft_page(
            request, draft_or_404(request, pk), failed={"attach": form}, status=error.status
        )
    messages.success(request, "Đã thêm tệp đính kèm.")
    return redirect("outgoing:draft_detail", pk=draft.pk)


@login_required
@require_POST
def draft_detach_view(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    draft = _editable(request, pk)
    try:
        draft_detach(draft=draft, attachment_id=attachment_pk, actor=request.user)
    except DomainError as error:
        return draft_page(
            request, draft_or_404(request, pk), message=error.message, status=error.status
        )
    messages.success(request, "Đã gỡ tệp đính kèm (tệp và dấu vết vẫn được lưu).")
    return redirect("outgoing:draft_detail", pk=draft.pk)


def _number(raw: Any) -> int:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() else 0


def _text_of(version: DraftVersion) -> tuple[bytes, str]:
    """What a version is compared by: its body (the DOCX or PDF drafted)."""
    stored = version.body
    if stored.kind not in ("docx", "pdf") and version.pdf is not None:
        stored = version.pdf
    return open_stored(stored), stored.kind


@login_required
@require_GET
def draft_compare_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions side by side, paragraph by paragraph (?cu=<number>&moi=<number>); with
    htmx only the comparison."""
    from govdoc.outgoing.drafting.compare import CompareError, compare_versions

    draft = draft_or_404(request, pk)
    versions = DraftVersion.objects.select_related("body", "pdf")
    old = get_object_or_404(versions, draft=draft, number=_number(request.GET.get("cu")))
    new = get_object_or_404(versions, draft=draft, number=_number(request.GET.get("moi")))
    lines: list[Any] = []
    error = ""
    try:
        old_data, old_kind = _text_of(old)
        new_data, new_kind = _text_of(new)
        lines = compare_versions(
            old_data,
            new_data,
            old_kind=old_kind,  # type: ignore[arg-type]
            new_kind=new_kind,  # type: ignore[arg-type]
        )
    except CompareError as failure:
        error = str(failure)
    changed = sum(1 for line in lines if line.kind != "same")
    context = {
        "draft": draft,
        "old": old,
        "new": new,
        "lines": lines,
        "changed": changed,
        "error": error,
    }
    template = "outgoing/_compare.html" if is_htmx(request) else "outgoing/draft_compare.html"
    return render(request, template, context)
