"""Import screen and template files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from govdoc.core.errors import DomainError
from govdoc.organizations.forms import ImportForm
from govdoc.organizations.imports import COLUMNS, MAX_BYTES, Kind, import_run, template_csv
from govdoc.organizations.views.form_input import apply_errors
from govdoc.organizations.views.scoping import require_any_admin


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    require_any_admin(request)
    report = None  # the page shows the outcome and the per-row report below the form
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        upload = form.cleaned_data["file"] if form.is_valid() else None
        if upload is not None and (upload.size or 0) > MAX_BYTES:
            # Refused before reading it into memory.
            form.add_error("file", f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
        elif upload is not None:
            try:
                report = import_run(
                    kind=form.cleaned_data["kind"],
                    name=upload.name or "",
                    data=upload.read(),
                    actor=request.user,
                    dry_run=bool(form.cleaned_data.get("dry_run")),
                )
            except DomainError as error:
                apply_errors(form, error)
    else:
        form = ImportForm(initial={"kind": request.GET.get("loai") or Kind.AGENCIES})
    return render(
        request,
        "organizations/import.html",
        {
            "form": form,
            "report": report,
            "kinds": [(kind, label, COLUMNS[kind]) for kind, label in Kind.choices],
        },
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    require_any_admin(request)
    if kind not in Kind.values:
        raise Http404()
    response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.csv"'
    return response
