"""The file plan's pages: the plans of the agency by year (create one, or copy last year's),
one plan with its headings and files in order and the forms to change them in place while it
is a draft, the head's approval and reopening, the Excel import with its per-row report, and
the PDF and Excel exports.

Every change is a POST that calls one service, then returns to the plan (at the row changed);
a refusal shows the page again with the form and its errors where they were typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from govdoc.core.errors import DomainError, Forbidden, NotFound
from govdoc.organizations.models import Agency
from govdoc.records.access import may_approve_plan, may_edit_plan, plan_for, visible_plans
from govdoc.records.forms.approval_forms import ApproveForm
from govdoc.records.forms.plan_forms import (
    RETENTION_HINTS,
    CopyForm,
    HeadingForm,
    ImportForm,
    MoveForm,
    PlannedFileForm,
    ReasonForm,
    VersionMixin,
    YearForm,
    file_initial,
    place_errors,
)
from govdoc.records.models import FilePlan, PlanHeading, PlannedFile
from govdoc.records.services.plan_export import KINDS, plan_export
from govdoc.records.services.plan_import import (
    COLUMNS as IMPORT_COLUMNS,
)
from govdoc.records.services.plan_import import (
    MAX_BYTES,
    XLSX_TYPE,
    PlanImportReport,
    plan_import,
    plan_import_template,
)
from govdoc.records.services.plans import (
    PlannedFileInput,
    heading_add,
    heading_delete,
    heading_move,
    heading_update,
    owner_label,
    plan_approve,
    plan_copy,
    plan_create,
    plan_outline,
    plan_reopen,
    planned_file_add,
    planned_file_delete,
    planned_file_move,
    planned_file_update,
)
from govdoc.records.workflow import PlanStatus

STATUS_CSS: dict[str, str] = {
    PlanStatus.DRAFT: "text-bg-warning",
    PlanStatus.APPROVED: "text-bg-success",
}


def _agency_id(request: HttpRequest) -> int:
    agency_id: int | None = getattr(request.user, "agency_id", None)
    if agency_id is None:
        raise Http404("Tài khoản chưa thuộc cơ quan nào.")
    return agency_id


def _plan(request: HttpRequest, pk: int) -> FilePlan:
    try:
        plan = plan_for(request.user, _agency_id(request), pk)
    except NotFound:
        raise Http404() from None
    return FilePlan.objects.select_related(
        "agency", "approved_by", "created_by", "copied_from"
    ).get(pk=plan.pk)


def _version(form: forms.Form) -> int | None:
    raw = form.data.get("version")
    try:
        return int(str(raw)) if raw not in (None, "") else None
    except ValueError:
        return None


# --- the list -----------------------------------------------------------------------------


@login_required
def plan_list_view(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


def _list_page(
    request: HttpRequest,
    *,
    create_form: YearForm | None = None,
    copy_failed: tuple[int, CopyForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    agency_id = _agency_id(request)
    plans = list(
        visible_plans(request.user, agency_id)
        .select_related("approved_by", "copied_from")
        .order_by("-year")
    )
    editor = may_edit_plan(request.user, agency_id)
    years = {p.year for p in plans}
    rows = []
    for plan in plans:
        form = None
        if editor:
            if copy_failed and copy_failed[0] == plan.pk:
                form = copy_failed[1]
            elif plan.year + 1 not in years:
                form = CopyForm(initial={"year": plan.year + 1, "source": plan.pk})
        rows.append(
            {
                "plan": plan,
                "files": plan.files.count(),
                "css": STATUS_CSS.get(plan.status, ""),
                "copy_form": form,
            }
        )
    next_year = max(years) + 1 if years else None
    return render(
        request,
        "records/plan_list.html",
        {
            "rows": rows,
            "editor": editor,
            "create_form": create_form
            or (YearForm(initial={"year": next_year}) if editor else None),
        },
        status=status,
    )


@login_required
@require_POST
def plan_create_view(request: HttpRequest) -> HttpResponse:
    agency: Agency | None = getattr(request.user, "agency", None)
    if agency is None:
        raise Http404("Tài khoản chưa thuộc cơ quan nào.")
    form = YearForm(request.POST)
    if not form.is_valid():
        return _list_page(request, create_form=form, status=400)
    try:
        plan = plan_create(
            agency=agency,
            year=form.cleaned_data["year"],
            actor=request.user,
        )
    except DomainError as error:
        place_errors(form, error.fields, error.message)
        return _list_page(request, create_form=form, status=error.status)
    messages.success(request, f"Đã lập danh mục hồ sơ năm {plan.year} (đang dự thảo).")
    return redirect("records:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    source = _plan(request, pk)
    form = CopyForm(request.POST, initial={"source": source.pk})
    if not form.is_valid():
        return _list_page(request, copy_failed=(source.pk, form), status=400)
    try:
        plan = plan_copy(source=source, year=form.cleaned_data["year"], actor=request.user)
    except DomainError as error:
        place_errors(form, error.fields, error.message)
        return _list_page(request, copy_failed=(source.pk, form), status=error.status)
    messages.success(
        request, f"Đã lập danh mục hồ sơ năm {plan.year} từ danh mục năm {source.year}."
    )
    return redirect("records:plan_detail", pk=plan.pk)


# --- one plan -----------------------------------------------------------------------------


@dataclass
class FileRow:
    file: PlannedFile
    owner: str
    form: PlannedFileForm | None = None
    move_form: MoveForm | None = None


@dataclass
class HeadingBlock:
    heading: PlanHeading
    files: list[FileRow]
    children: list[HeadingBlock] = field(default_factory=list)
    edit_form: HeadingForm | None = None
    sub_form: HeadingForm | None = None


@dataclass
class Failed:
    """The form that was refused, and where it sits on the page."""

    key: str
    form: forms.Form


def _detail_page(
    request: HttpRequest, plan: FilePlan, *, failed: Failed | None = None, status: int = 200
) -> HttpResponse:
    outline = plan_outline(plan)
    editor = may_edit_plan(request.user, plan.agency_id)
    approver = may_approve_plan(request.user, plan.agency_id)
    editable = editor and plan.status == PlanStatus.DRAFT
    editing = request.GET.get("sua", "") if failed is None else failed.key
    adding_to = request.GET.get("them", "")
    version = plan.version

    def failed_form(key: str) -> Any:
        return failed.form if failed is not None and failed.key == key else None

    blocks: list[HeadingBlock] = []
    for top in outline.headings:
        children = [
            HeadingBlock(
                heading=child.heading,
                files=[
                    _file_row(f, editable, editing, plan, version, failed_form) for f in child.files
                ],
                edit_form=_heading_edit_form(
                    child.heading, editable, editing, version, failed_form
                ),
            )
            for child in top.children
        ]
        sub_key = f"sub-{top.heading.pk}"
        blocks.append(
            HeadingBlock(
                heading=top.heading,
                files=[
                    _file_row(f, editable, editing, plan, version, failed_form) for f in top.files
                ],
                children=children,
                edit_form=_heading_edit_form(top.heading, editable, editing, version, failed_form),
                sub_form=(
                    failed_form(sub_key)
                    or HeadingForm(
                        initial={"parent": top.heading.pk, "version": version},
                        auto_id=f"id_{sub_key}_%s",
                    )
                )
                if editable
                else None,
            )
        )
    add_file = None
    add_heading = None
    if editable:
        add_heading = failed_form("heading-new") or HeadingForm(
            initial={"version": version}, auto_id="id_heading_%s"
        )
        if outline.headings:
            initial: dict[str, Any] = {"version": version}
            if adding_to.isdigit():
                initial["heading"] = int(adding_to)
            add_file = failed_form("file-new") or PlannedFileForm(
                plan=plan, initial=initial, auto_id="id_new_%s"
            )
    context = {
        "plan": plan,
        "outline": outline,
        "blocks": blocks,
        "css": STATUS_CSS.get(plan.status, ""),
        "editor": editor,
        "approver": approver,
        "editable": editable,
        "add_heading": add_heading,
        "add_file": add_file,
        "adding_file": (failed is not None and failed.key == "file-new") or adding_to != "",
        "approve_form": failed_form("approve")
        or (ApproveForm(initial={"version": version}) if approver else None),
        "history": list(plan.history.select_related("actor").order_by("-at", "-pk")[:200]),
        "reopen_form": failed_form("reopen")
        or (ReasonForm(initial={"version": version}) if approver else None),
        "page_error": failed_form("page"),
        "retention_hints": RETENTION_HINTS,
    }
    return render(request, "records/plan_detail.html", context, status=status)


def _heading_edit_form(
    heading: PlanHeading,
    editable: bool,
    editing: str,
    version: int,
    failed_form: Callable[[str], Any],
) -> HeadingForm | None:
    key = f"heading-{heading.pk}"
    if not editable or editing != key:
        return None
    form: HeadingForm = failed_form(key) or HeadingForm(
        initial={"title": heading.title, "version": version}, auto_id=f"id_{key}_%s"
    )
    return form


def _file_row(
    planned: PlannedFile,
    editable: bool,
    editing: str,
    plan: FilePlan,
    version: int,
    failed_form: Callable[[str], Any],
) -> FileRow:
    key = f"file-{planned.pk}"
    form = None
    if editable and editing == key:
        form = failed_form(key) or PlannedFileForm(
            plan=plan, initial=file_initial(planned, version), auto_id=f"id_{key}_%s"
        )
    return FileRow(file=planned, owner=owner_label(planned), form=form)


@login_required
def plan_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _plan(request, pk))


def _run(
    request: HttpRequest,
    plan: FilePlan,
    *,
    key: str,
    form: forms.Form,
    step: Callable[[], Any],
    success: str,
    anchor: str = "",
) -> HttpResponse:
    """Call one service; back to the plan on success, the page with the refusal otherwise."""
    try:
        step()
    except DomainError as error:
        if not form.is_bound or not hasattr(form, "cleaned_data"):
            form.is_valid()
        place_errors(form, error.fields, error.message)
        if isinstance(error, Forbidden):
            key = "page"  # their form is not on their page: the reason goes on top
        # The page shows the plan as it is now (another person's change included).
        plan.refresh_from_db()
        return _detail_page(request, plan, failed=Failed(key=key, form=form), status=error.status)
    messages.success(request, success)
    url = reverse("records:plan_detail", kwargs={"pk": plan.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _heading(plan: FilePlan, ids: dict[str, int]) -> PlanHeading:
    return get_object_or_404(
        PlanHeading.objects.select_related("plan"), pk=ids["heading_pk"], plan=plan
    )


def _planned(plan: FilePlan, ids: dict[str, int]) -> PlannedFile:
    return get_object_or_404(
        PlannedFile.objects.select_related("plan"), pk=ids["file_pk"], plan=plan
    )


def _the_plan(plan: FilePlan, ids: dict[str, int]) -> FilePlan:
    return plan


def _file_input(form: PlannedFileForm, call: Callable[[PlannedFileInput], Any]) -> Any:
    """The service call with the form's input; a retention typed wrong keeps its message."""
    form.is_valid()
    data, retention_error = form.to_input()
    try:
        return call(data)
    except DomainError as error:
        if retention_error and "retention" in error.fields:
            error.fields["retention"] = retention_error
        raise


class _Typed(dict[str, str]):
    """What was typed in the form, for a message: a field not sent reads "" ."""

    def __missing__(self, key: str) -> str:
        return ""


def _fill(template: str, form: forms.Form, row: Any) -> str:
    """A message, key or anchor of ACTIONS, with the row (`{row.…}`) and what was typed
    (`{typed[…]}`)."""
    typed = _Typed({name: str(form.data.get(name, "")) for name in form.data})
    return template.format(row=row, typed=typed)


@dataclass(frozen=True)
class PlanAction:
    """One change made on the plan's page, as a POST: the row of the URL it acts on (the
    plan, a heading or a planned file), the form it reads, the service it calls; then, as
    templates filled with the row and what was typed (`_fill`): the message on success, the
    anchor of the plan's page it returns to, and where a refused form goes back on the page
    (`key`: a template, or a function of the form and the row)."""

    row: Callable[[FilePlan, dict[str, int]], Any]
    form: Callable[[HttpRequest, FilePlan, Any], forms.Form]
    call: Callable[[HttpRequest, Any, Any], Any]
    success: str
    anchor: str = ""
    key: str | Callable[[Any, Any], str] = "page"

    def key_for(self, form: forms.Form, row: Any) -> str:
        return self.key(form, row) if callable(self.key) else _fill(self.key, form, row)


def _bound(form_class: type[forms.Form]) -> Callable[[HttpRequest, FilePlan, Any], forms.Form]:
    def make(request: HttpRequest, plan: FilePlan, row: Any) -> forms.Form:
        form = form_class(request.POST)
        form.is_valid()
        return form

    return make


def _file_form(key: str) -> Callable[[HttpRequest, FilePlan, Any], forms.Form]:
    """The planned file's form; its ids start with `key` (a template of the row)."""

    def make(request: HttpRequest, plan: FilePlan, row: Any) -> forms.Form:
        prefix = key.format(row=row)
        return PlannedFileForm(request.POST, plan=plan, auto_id=f"id_{prefix}_%s")

    return make


def _sub_key(form: Any, row: Any) -> str:
    parent_id = form.cleaned_data.get("parent")
    return f"sub-{parent_id}" if parent_id else "heading-new"


def _direction(form: Any) -> str:
    return str(form.data.get("direction", ""))


def _moved_to(form: Any) -> Any:
    return form.cleaned_data.get("heading") if hasattr(form, "cleaned_data") else None


def _approve(request: HttpRequest, form: Any, plan: FilePlan) -> FilePlan:
    number, day = form.decision()
    return plan_approve(
        plan=plan,
        actor=request.user,
        decision_number=number,
        decision_date=day,
        expected_version=_version(form),
    )


# Where a change returns on the plan's page.
IN_PLAN = "danh-muc"
AT_HEADING = "de-muc-{row.pk}"
AT_FILE = "ho-so-{row.pk}"

# The changes of the plan's page, by the name of their URL (plan_urls.py).
ACTIONS: dict[str, PlanAction] = {
    "plan_heading_add": PlanAction(
        row=_the_plan,
        form=_bound(HeadingForm),
        key=_sub_key,
        call=lambda request, form, plan: heading_add(
            plan=plan,
            title=form.cleaned_data.get("title") or "",
            parent_id=form.cleaned_data.get("parent"),
            actor=request.user,
            expected_version=_version(form),
        ),
        success="Đã thêm đề mục.",
        anchor=IN_PLAN,
    ),
    "plan_heading_edit": PlanAction(
        row=_heading,
        form=_bound(HeadingForm),
        key="heading-{row.pk}",
        call=lambda request, form, heading: heading_update(
            heading=heading,
            title=form.cleaned_data.get("title") or "",
            actor=request.user,
            expected_version=_version(form),
        ),
        success="Đã sửa đề mục {row.number}.",
        anchor=AT_HEADING,
    ),
    "plan_heading_move": PlanAction(
        row=_heading,
        form=_bound(MoveForm),
        call=lambda request, form, heading: heading_move(
            heading=heading,
            direction=_direction(form),
            actor=request.user,
            expected_version=_version(form),
        ),
        success="Đã chuyển đề mục.",
        anchor=AT_HEADING,
    ),
    "plan_heading_delete": PlanAction(
        row=_heading,
        form=_bound(VersionMixin),
        call=lambda request, form, heading: heading_delete(
            heading=heading, actor=request.user, expected_version=_version(form)
        ),
        success="Đã xóa đề mục “{row.title}”.",
        anchor=IN_PLAN,
    ),
    "plan_file_add": PlanAction(
        row=_the_plan,
        form=_file_form("new"),
        key="file-new",
        call=lambda request, form, plan: _file_input(
            form,
            lambda data: planned_file_add(
                plan=plan, data=data, actor=request.user, expected_version=_version(form)
            ),
        ),
        success="Đã thêm hồ sơ {typed[notation]}.",
        anchor=IN_PLAN,
    ),
    "plan_file_edit": PlanAction(
        row=_planned,
        form=_file_form("file-{row.pk}"),
        key="file-{row.pk}",
        call=lambda request, form, planned: _file_input(
            form,
            lambda data: planned_file_update(
                planned=planned, data=data, actor=request.user, expected_version=_version(form)
            ),
        ),
        success="Đã sửa hồ sơ {row.notation}.",
        anchor=AT_FILE,
    ),
    "plan_file_move": PlanAction(
        row=_planned,
        form=_bound(MoveForm),
        call=lambda request, form, planned: planned_file_move(
            planned=planned,
            direction=_direction(form),
            heading_id=_moved_to(form),
            actor=request.user,
            expected_version=_version(form),
        ),
        success="Đã chuyển hồ sơ {row.notation}.",
        anchor=AT_FILE,
    ),
    "plan_file_delete": PlanAction(
        row=_planned,
        form=_bound(VersionMixin),
        call=lambda request, form, planned: planned_file_delete(
            planned=planned, actor=request.user, expected_version=_version(form)
        ),
        success="Đã xóa hồ sơ {row.notation} khỏi danh mục.",
        anchor=IN_PLAN,
    ),
    "plan_approve": PlanAction(
        row=_the_plan,
        form=_bound(ApproveForm),
        key="approve",
        call=_approve,
        success="Đã phê duyệt danh mục hồ sơ năm {row.year}.",
    ),
    "plan_reopen": PlanAction(
        row=_the_plan,
        form=_bound(ReasonForm),
        key="reopen",
        call=lambda request, form, plan: plan_reopen(
            plan=plan,
            reason=str(form.data.get("reason", "")),
            actor=request.user,
            expected_version=_version(form),
        ),
        success="Đã mở lại danh mục hồ sơ năm {row.year} để sửa.",
    ),
}


@login_required
@require_POST
def plan_action_view(request: HttpRequest, pk: int, action: str, **ids: int) -> HttpResponse:
    """One change of ACTIONS (`action`, given by the URL) on the plan `pk` and the heading
    or planned file of `ids`."""
    step = ACTIONS[action]
    plan = _plan(request, pk)
    row = step.row(plan, ids)
    form = step.form(request, plan, row)
    return _run(
        request,
        plan,
        key=step.key_for(form, row),
        form=form,
        step=lambda: step.call(request, form, row),
        success=_fill(step.success, form, row),
        anchor=_fill(step.anchor, form, row),
    )


# --- import and export --------------------------------------------------------------------


@login_required
def plan_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not may_edit_plan(request.user, plan.agency_id):
        raise Http404()
    report: PlanImportReport | None = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        upload = form.cleaned_data["file"] if form.is_valid() else None
        if upload is not None and (upload.size or 0) > MAX_BYTES:
            # Refused before its bytes are read into memory.
            form.add_error("file", f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
            status = 400
        elif upload is not None:
            try:
                report = plan_import(
                    plan=plan,
                    name=upload.name or "",
                    data=upload.read(),
                    actor=request.user,
                    expected_version=_version(form),
                )
            except DomainError as error:
                place_errors(form, error.fields, error.message)
                status = error.status
            else:
                if report.committed:
                    messages.success(
                        request,
                        f"Đã nhập {report.headings} đề mục, {report.subheadings} đề mục con và "
                        f"{report.files} hồ sơ vào danh mục năm {plan.year}.",
                    )
                    return redirect("records:plan_detail", pk=plan.pk)
                status = 400
        else:
            status = 400
        plan.refresh_from_db()
    else:
        form = ImportForm(initial={"version": plan.version})
    return render(
        request,
        "records/plan_import.html",
        {
            "plan": plan,
            "form": form,
            "report": report,
            "version": plan.version,
            "columns": IMPORT_COLUMNS,
            "max_mb": MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


@login_required
def plan_import_template_view(request: HttpRequest) -> HttpResponse:
    _agency_id(request)
    response = HttpResponse(plan_import_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-danh-muc-ho-so.xlsx"'
    return response


@login_required
def plan_export_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    plan = _plan(request, pk)
    if kind not in KINDS:
        raise Http404()
    export = plan_export(plan=plan, kind=kind, actor=request.user)
    response = HttpResponse(export.data, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
