"""Downloads of work files (NĐ 30 Phụ lục VI F4.g, F5.c): a whole file as PDF or XML, the
index of one file's documents and the index of the files one may see ("Mục lục hồ sơ",
filtered like the /ho-so/ page) as PDF or Excel, and a file's archival package (BagIt ZIP).

Every download fetches the file through `govdoc.records.access` (404 for whoever may not see
it), is journaled by the export services, and streams from a temporary file."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from govdoc.core.errors import DomainError, NotFound, ValidationFailed
from govdoc.records.access import case_file_for, visible_case_files
from govdoc.records.models import CaseFile
from govdoc.records.services.archival_package import archival_package_export
from govdoc.records.services.file_export import (
    Export,
    case_file_export,
    file_index_export,
    file_items_export,
)
from govdoc.records.views.file_filters import filter_labels, filtered_case_files


def _agency_id(request: HttpRequest) -> int | None:
    return getattr(request.user, "agency_id", None)


def _file_or_404(request: HttpRequest, pk: int) -> CaseFile:
    try:
        return case_file_for(request.user, _agency_id(request), pk)
    except NotFound as error:
        raise Http404() from error


def serve(export: Export) -> FileResponse:
    """The export as an attachment, streamed from its temporary file (closed, hence removed,
    when the response is)."""
    response = FileResponse(
        export.stream,
        content_type=export.content_type,
        as_attachment=True,
        filename=export.name,
    )
    response["Content-Length"] = str(export.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _download(
    request: HttpRequest, pk: int, make: Callable[[CaseFile], Export]
) -> HttpResponseBase:
    """The export of a file the person sees; a refusal (a stored file found damaged) is
    shown on the file's page."""
    case_file = _file_or_404(request, pk)
    try:
        export = make(case_file)
    except ValidationFailed as error:
        raise Http404() from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("records:file_detail", pk=case_file.pk)
    return serve(export)


@login_required
@require_GET
def file_export_pdf_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The whole file as one PDF: cover, index of documents, the documents in order."""
    return _download(
        request, pk, lambda f: case_file_export(case_file=f, kind="pdf", actor=request.user)
    )


@login_required
@require_GET
def file_export_xml_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file's and its documents' metadata as XML (docs/records-export.md)."""
    return _download(
        request, pk, lambda f: case_file_export(case_file=f, kind="xml", actor=request.user)
    )


@login_required
@require_GET
def file_items_export_view(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    """ "Mục lục văn bản trong hồ sơ" as PDF or Excel."""
    if kind not in {"pdf", "xlsx"}:
        raise Http404()
    return _download(
        request, pk, lambda f: file_items_export(case_file=f, kind=kind, actor=request.user)
    )


@login_required
@require_GET
def file_index_export_view(request: HttpRequest, kind: str) -> FileResponse:
    """ "Mục lục hồ sơ": the files the person may see, with the filters of /ho-so/ (nam,
    trang_thai, q), as PDF or Excel."""
    if kind not in {"pdf", "xlsx"}:
        raise Http404()
    agency_id = _agency_id(request)
    form, files = filtered_case_files(request, visible_case_files(request.user, agency_id))
    export = file_index_export(
        files=files,
        agency_id=agency_id,
        kind=kind,
        actor=request.user,
        filters=filter_labels(form),
    )
    return serve(export)


@login_required
@require_GET
def file_package_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The archival package (BagIt in a ZIP) for a historical archive."""
    return _download(
        request, pk, lambda f: archival_package_export(case_file=f, actor=request.user)
    )
