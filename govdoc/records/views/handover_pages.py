"""The administrator's hand-over page: choose who leaves and who takes over, see what will
move, confirm with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govdoc.core.errors import DomainError
from govdoc.organizations.access import administered_agencies
from govdoc.organizations.models import User
from govdoc.records.services.handover import handover, handover_preview


def _person(people: list[User], raw: str) -> User | None:
    return next((p for p in people if str(p.pk) == raw), None)


@login_required
def handover_view(request: HttpRequest) -> HttpResponse:
    agency_id = getattr(request.user, "agency_id", None)
    if agency_id is None or not administered_agencies(request.user).filter(pk=agency_id).exists():
        raise Http404()
    people = list(User.objects.filter(agency_id=agency_id).order_by("full_name", "username"))
    source = request.POST if request.method == "POST" else request.GET
    from_person = _person(people, str(source.get("tu", "")))
    to_person = _person(people, str(source.get("cho", "")))
    error = ""
    fields: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if from_person is None or to_person is None:
            error = "Vui lòng chọn người bàn giao và người nhận bàn giao."
            status = 400
        else:
            try:
                counts = handover(
                    actor=request.user,
                    from_person=from_person,
                    to_person=to_person,
                    reason=str(request.POST.get("reason", "")),
                )
            except DomainError as failure:
                error, fields, status = failure.message, failure.fields, failure.status
            else:
                messages.success(
                    request,
                    f"Đã bàn giao cho {to_person.full_name or to_person.username}: "
                    f"{counts.files} hồ sơ, {counts.assignments} việc xử lý, "
                    f"{counts.drafts} dự thảo, {counts.steps} bước duyệt.",
                )
                return redirect("records:handover")
    return render(
        request,
        "records/handover.html",
        {
            "people": people,
            "from_person": from_person,
            "to_person": to_person,
            "preview": handover_preview(from_person) if from_person else None,
            "error": error,
            "fields": fields,
            "reason": request.POST.get("reason", ""),
        },
        status=status,
    )
