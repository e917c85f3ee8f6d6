"""Work-file pages: the index of files one may see (Mục lục hồ sơ), "my files", opening a
file (from the plan or ad hoc), one file with its metadata (NĐ 30 Phụ lục VI) and its
documents in order — adding, uploading, removing, correcting, closing after a review,
reopening — the documents waiting to be filed, and filing one document."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from govdoc.audit.services import audit_record
from govdoc.core.capped_pagination import capped_page
from govdoc.core.errors import DomainError, NotFound
from govdoc.core.text import fold
from govdoc.documents.storage import Upload
from govdoc.records.access import case_file_for, is_owner, leads_owner, visible_case_files
from govdoc.records.forms.file_forms import (
    CloseFileForm,
    EditFileForm,
    OpenFileForm,
    ReasonForm,
    UploadForm,
    retention_of,
    retention_value,
)
from govdoc.records.models import CaseFile, CaseFileItem, PlannedFile
from govdoc.records.selectors import (
    filing_suggestions,
    my_files,
    readable_documents,
    unfiled_documents,
)
from govdoc.records.services.files import (
    ClosingReview,
    OtherDocumentInput,
    case_file_add_documents,
    case_file_close,
    case_file_open,
    case_file_remove_documents,
    case_file_reopen,
    case_file_update,
    case_file_upload,
)
from govdoc.records.views.file_filters import filtered_case_files
from govdoc.records.views.file_rows import list_rows
from govdoc.records.workflow import EDITABLE_FILE, FileStatus, PlanStatus

PER_PAGE = 50
STATUS_CSS: dict[str, str] = {
    FileStatus.OPEN: "text-bg-primary",
    FileStatus.CLOSED: "text-bg-secondary",
    FileStatus.SUBMITTED: "text-bg-warning",
    FileStatus.ARCHIVED: "text-bg-success",
    FileStatus.DESTROYED: "text-bg-dark",
}


def _agency_id(request: HttpRequest) -> int | None:
    return getattr(request.user, "agency_id", None)


def _place_errors(form: Any, error: DomainError) -> None:
    if not form.is_bound:
        form = form.__class__(data={})
    form.is_valid()
    for field, message in error.fields.items():
        if field in form.fields:
            form.add_error(field, message)
        else:
            form.add_error(None, message)
    if not error.fields:
        form.add_error(None, error.message)


def _list(request: HttpRequest, files: QuerySet[CaseFile], *, title: str, mine: bool) -> Any:
    form, files = filtered_case_files(request, files)
    order = ("-year", "notation", "pk")
    # The page's ids first, then its rows by key: the ids of a deep page come from the lists'
    # covering index alone (no row read for the rows skipped), and the rows read are the
    # page's 50 with their owners joined.
    ids = capped_page(
        files.order_by(*order).only("pk"), number=request.GET.get("trang"), per_page=PER_PAGE
    )
    rows = CaseFile.objects.filter(pk__in=[f.pk for f in ids.rows]).order_by(*order)
    if not mine:
        rows = rows.select_related("owner")
    page = dataclasses.replace(ids, rows=list(rows))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "records/file_list.html",
        {
            "title": title,
            "mine": mine,
            "form": form,
            "page": page,
            "rows": list_rows(page.rows, css=STATUS_CSS, with_owner=not mine),
            "query": query.urlencode(),
            # The navigation's count (same request, same object): counted once.
            "unfiled": unfiled_badge(request) if mine else None,
        },
    )


def _file_or_404(request: HttpRequest, pk: int) -> CaseFile:
    try:
        return case_file_for(request.user, _agency_id(request), pk)
    except NotFound as error:
        raise Http404() from error


class UnfiledBadge:
    """How many documents the person handled and has not filed, counted the first time a
    template asks (calling it) and then kept: the navigation and the "my files" page of the
    same request share one count."""

    def __init__(self, person_id: int, agency_id: int) -> None:
        self._person_id = person_id
        self._agency_id = agency_id
        self._count: int | None = None

    def __call__(self) -> int:
        if self._count is None:
            self._count = unfiled_documents(self._person_id, self._agency_id).count()
        return self._count


def unfiled_badge(request: HttpRequest) -> UnfiledBadge | None:
    """The request's unfiled counter (one per request), or None for an anonymous person or
    one without an agency (no query at all)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return None
    badge: UnfiledBadge | None = getattr(request, "_govdoc_unfiled_badge", None)
    if badge is None:
        badge = UnfiledBadge(int(user.pk or 0), agency_id)
        request._govdoc_unfiled_badge = badge  # type: ignore[attr-defined]
    return badge


@login_required
def file_index_view(request: HttpRequest) -> HttpResponse:
    """Mục lục hồ sơ: every file the person may see."""
    files = visible_case_files(request.user, _agency_id(request))
    return _list(request, files, title="Mục lục hồ sơ", mine=False)  # type: ignore[no-any-return]


@login_required
def my_files_view(request: HttpRequest) -> HttpResponse:
    files = my_files(request.user, _agency_id(request))
    return _list(request, files, title="Hồ sơ của tôi", mine=True)  # type: ignore[no-any-return]


def _planned_choices(request: HttpRequest) -> list[tuple[int, str]]:
    agency_id = _agency_id(request) or 0
    _mine, planned = filing_suggestions(request.user, agency_id)
    others = PlannedFile.objects.filter(
        plan__agency_id=agency_id,
        plan__status=PlanStatus.APPROVED,
        case_files__isnull=True,
    ).exclude(pk__in=[p.pk for p in planned])
    chosen = planned + list(others.order_by("-plan__year", "position")[:200])
    return [(p.pk, f"{p.notation} — {p.title[:120]} ({p.retention})") for p in chosen]


@login_required
def file_open_view(request: HttpRequest) -> HttpResponse:
    if _agency_id(request) is None:
        raise Http404()
    choices = _planned_choices(request)
    form = OpenFileForm(
        request.POST or None,
        planned_choices=choices,
        initial={"planned": request.GET.get("danh_muc") or None},
    )
    document_id = request.POST.get("document") or request.GET.get("van_ban") or ""
    if request.method == "POST":
        raw = str(request.POST.get("planned", ""))
        planned = None
        if raw.isdigit():
            planned = PlannedFile.objects.filter(
                pk=int(raw), plan__agency_id=_agency_id(request) or 0
            ).first()
        try:
            with transaction.atomic():
                case_file = case_file_open(
                    actor=request.user,
                    planned=planned,
                    data=form.to_input() if planned is None else None,
                )
                if document_id.isdigit():
                    case_file_add_documents(
                        case_file=case_file, document_ids=[int(document_id)], actor=request.user
                    )
        except DomainError as error:
            _place_errors(form, error)
            return render(
                request,
                "records/file_open.html",
                {"form": form, "document_id": document_id},
                status=error.status,
            )
        messages.success(request, f"Đã lập hồ sơ {case_file.code}.")
        return redirect("records:file_detail", pk=case_file.pk)
    return render(request, "records/file_open.html", {"form": form, "document_id": document_id})


def _items(case_file: CaseFile) -> list[CaseFileItem]:
    return list(
        CaseFileItem.objects.filter(case_file=case_file)
        .select_related("document", "document__document_type")
        .order_by("ordinal", "pk")
    )


def _detail(
    request: HttpRequest,
    case_file: CaseFile,
    *,
    failed: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    case_file = CaseFile.objects.select_related("owner", "unit", "planned", "agency").get(
        pk=case_file.pk
    )
    owner = is_owner(request.user, case_file)
    editable = owner and case_file.status in EDITABLE_FILE and not case_file.on_hold
    q = " ".join(request.GET.get("tim", "").split())
    candidates: list[Any] = []
    if editable and q:
        folded = fold(q)
        candidates = list(
            readable_documents(request.user, case_file.agency_id)
            .filter(Q(search_text__contains=folded) | Q(code_notation__icontains=q))
            .exclude(pk__in=CaseFileItem.objects.filter(case_file=case_file).values("document_id"))
            .select_related("document_type")
            .order_by("-issued_date", "-pk")[:30]
        )
    forms_: dict[str, Any] = {
        "edit": EditFileForm(
            initial={
                "version": case_file.version,
                "title": case_file.title,
                "retention": retention_value(case_file.permanent, case_file.retention_years),
                "rights": case_file.rights,
                "language": case_file.language,
                "start_date": case_file.start_date,
                "description": case_file.description,
                "capital_construction": case_file.capital_construction,
                "final_settlement_on": case_file.final_settlement_on,
            }
        ),
        "close": CloseFileForm(
            initial={
                "version": case_file.version,
                "retention": retention_value(case_file.permanent, case_file.retention_years),
                "final_settlement_on": case_file.final_settlement_on,
                "description": case_file.description,
            }
        ),
        "reopen": ReasonForm(),
        "upload": UploadForm(),
    }
    forms_ |= failed or {}
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="records.view",
            target=case_file,
            agency_id=case_file.agency_id,
        )
    return render(
        request,
        "records/file_detail.html",
        {
            "file": case_file,
            "status_css": STATUS_CSS.get(case_file.status, ""),
            "items": _items(case_file),
            "history": list(case_file.history.select_related("actor").order_by("-at", "-pk")[:100]),
            "owner": owner,
            "editable": editable,
            "may_reopen": case_file.status == FileStatus.CLOSED
            and leads_owner(request.user, case_file),
            "may_close": owner and case_file.status == FileStatus.OPEN,
            "q": q,
            "candidates": candidates,
            "forms": forms_,
            "failed": failed or {},
        },
        status=status,
    )


@login_required
def file_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _file_or_404(request, pk))


def _act(
    request: HttpRequest,
    case_file: CaseFile,
    *,
    key: str,
    form: Any,
    step: Any,
    success: str,
) -> HttpResponse:
    try:
        step()
    except DomainError as error:
        _place_errors(form, error)
        return _detail(request, case_file, failed={key: form}, status=error.status)
    messages.success(request, success)
    return redirect("records:file_detail", pk=case_file.pk)


@login_required
@require_POST
def file_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    case_file = _file_or_404(request, pk)
    ids = [int(v) for v in request.POST.getlist("document") if v.isdigit()]
    return _act(
        request,
        case_file,
        key="add",
        form=ReasonForm(request.POST),
        step=lambda: case_file_add_documents(
            case_file=case_file, document_ids=ids, actor=request.user
        ),
        success="Đã thêm văn bản vào hồ sơ.",
    )


@login_required
@require_POST
def file_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    case_file = _file_or_404(request, pk)
    ids = [int(v) for v in request.POST.getlist("document") if v.isdigit()]
    return _act(
        request,
        case_file,
        key="remove",
        form=ReasonForm(request.POST),
        step=lambda: case_file_remove_documents(
            case_file=case_file,
            document_ids=ids,
            actor=request.user,
            reason=str(request.POST.get("reason", "")),
        ),
        success="Đã bớt văn bản khỏi hồ sơ.",
    )


@login_required
@require_POST
def file_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    case_file = _file_or_404(request, pk)
    form = UploadForm(request.POST, request.FILES)
    given = request.FILES.get("file")
    upload = Upload(name=given.name or "", data=given.read()) if given else Upload("", b"")
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    raw_pages = str(request.POST.get("page_count", "")).strip()
    metadata = OtherDocumentInput(
        subject=str(request.POST.get("subject", "")),
        issued_date=data.get("issued_date"),
        type_name=str(request.POST.get("type_name", "")),
        code_number=str(request.POST.get("code_number", "")),
        code_notation=str(request.POST.get("code_notation", "")),
        page_count=int(raw_pages) if raw_pages.isdigit() else None,
    )
    return _act(
        request,
        case_file,
        key="upload",
        form=form,
        step=lambda: case_file_upload(
            case_file=case_file, actor=request.user, upload=upload, metadata=metadata
        ),
        success="Đã đưa tài liệu vào hồ sơ.",
    )


@login_required
@require_POST
def file_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    case_file = _file_or_404(request, pk)
    form = EditFileForm(request.POST)
    raw = str(request.POST.get("version", ""))
    return _act(
        request,
        case_file,
        key="edit",
        form=form,
        step=lambda: case_file_update(
            case_file=case_file,
            actor=request.user,
            version=int(raw) if raw.isdigit() else 0,
            data=form.to_input(),
        ),
        success="Đã lưu thông tin hồ sơ.",
    )


@login_required
@require_POST
def file_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    case_file = _file_or_404(request, pk)
    form = CloseFileForm(request.POST)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    raw = str(request.POST.get("version", ""))
    review = ClosingReview(
        version=int(raw) if raw.isdigit() else 0,
        remove_ids=tuple(int(v) for v in request.POST.getlist("remove") if v.isdigit()),
        retention=retention_of(str(request.POST.get("retention", ""))),
        work_ended_on=data.get("work_ended_on"),
        final_settlement_on=data.get("final_settlement_on"),
        description=str(request.POST.get("description", "")),
    )
    return _act(
        request,
        case_file,
        key="close",
        form=form,
        step=lambda: case_file_close(case_file=case_file, actor=request.user, review=review),
        success=f"Đã kết thúc hồ sơ {case_file.code}.",
    )


@login_required
@require_POST
def file_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    case_file = _file_or_404(request, pk)
    form = ReasonForm(request.POST)
    return _act(
        request,
        case_file,
        key="reopen",
        form=form,
        step=lambda: case_file_reopen(
            case_file=case_file, actor=request.user, reason=str(request.POST.get("reason", ""))
        ),
        success=f"Đã mở lại hồ sơ {case_file.code}.",
    )


@login_required
def unfiled_view(request: HttpRequest) -> HttpResponse:
    """What the person handled and has not filed yet, each with where it may go."""
    agency_id = _agency_id(request)
    if agency_id is None:
        raise Http404()
    documents = unfiled_documents(int(request.user.pk or 0), agency_id).select_related(
        "document_type"
    )
    page = capped_page(
        documents.order_by("-issued_date", "-pk"), number=request.GET.get("trang"), per_page=50
    )
    mine, planned = filing_suggestions(request.user, agency_id)
    return render(
        request,
        "records/file_unfiled.html",
        {"page": page, "mine": mine, "planned": planned, "query": ""},
    )


@login_required
@require_POST
def file_document_view(request: HttpRequest, document_id: int) -> HttpResponse:
    """File one document into one of the person's open files (from the unfiled list or a
    document's page)."""
    agency_id = _agency_id(request)
    target = str(request.POST.get("case_file", ""))
    back = request.POST.get("next") or reverse("records:unfiled")
    if not str(back).startswith("/"):
        back = reverse("records:unfiled")
    if target.startswith("plan-") and target[5:].isdigit():
        return redirect(
            f"{reverse('records:file_open')}?danh_muc={target[5:]}&van_ban={document_id}"
        )
    if not target.isdigit():
        messages.error(request, "Vui lòng chọn hồ sơ để lưu văn bản.")
        return redirect(back)
    case_file = get_object_or_404(my_files(request.user, agency_id), pk=int(target))
    try:
        case_file_add_documents(case_file=case_file, document_ids=[document_id], actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(request, f"Đã lưu văn bản vào hồ sơ {case_file.code}.")
    return redirect(back)
