"""The default review circuits, for the agency's administrators (/van-ban-di/quy-trinh/):
the list per document type (and the default for every type without its own), and the form
of one circuit: its steps (stage, kind, who takes it), saved by circuit_template_save."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from govdoc.core.errors import DomainError
from govdoc.documents.models import DocumentType
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role
from govdoc.outgoing.forms.circuit_forms import (
    KIND_CHOICES,
    RULE_CHOICES,
    StepRows,
    built_in_rows,
    parse_steps,
    rows_of,
)
from govdoc.outgoing.models import CircuitTemplate
from govdoc.outgoing.services.circuits import circuit_template_save
from govdoc.outgoing.views.common import agency_of

DEFAULT_NAME = "Quy trình mặc định"


def _admin_agency(request: HttpRequest) -> Agency:
    agency = agency_of(request)
    if not has_role(request.user, agency.pk, Role.ADMIN):
        raise Http404()
    return agency


@dataclass(frozen=True)
class CircuitRow:
    document_type: DocumentType | None
    template: CircuitTemplate | None
    steps: int


@login_required
def circuits_view(request: HttpRequest) -> HttpResponse:
    agency = _admin_agency(request)
    templates = {
        t.document_type_id: t
        for t in CircuitTemplate.objects.filter(agency=agency).annotate(step_count=Count("steps"))
    }
    rows = [
        CircuitRow(
            document_type=None,
            template=templates.get(None),
            steps=getattr(templates.get(None), "step_count", 0),
        )
    ]
    for document_type in DocumentType.objects.filter(is_active=True).order_by("rank", "name"):
        template = templates.get(document_type.pk)
        rows.append(
            CircuitRow(
                document_type=document_type,
                template=template,
                steps=getattr(template, "step_count", 0),
            )
        )
    return render(request, "outgoing/circuits.html", {"rows": rows})


def _options(agency: Agency) -> dict[str, Any]:
    return {
        "people": list(
            User.objects.filter(agency=agency, is_active=True)
            .order_by("full_name", "username")
            .values_list("pk", "full_name")
        ),
        "units": list(
            Unit.objects.filter(agency=agency, is_active=True)
            .order_by("name")
            .values_list("pk", "name")
        ),
        "kind_choices": KIND_CHOICES,
        "rule_choices": RULE_CHOICES,
    }


@login_required
def circuit_edit_view(request: HttpRequest, type_pk: int | None = None) -> HttpResponse:
    agency = _admin_agency(request)
    document_type = get_object_or_404(DocumentType, pk=type_pk) if type_pk is not None else None
    template = CircuitTemplate.objects.filter(agency=agency, document_type=document_type).first()
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        name = str(request.POST.get("name", ""))
        rows: StepRows = parse_steps(request.POST)
        if rows.errors:
            errors = rows.errors
            status = 400
        else:
            try:
                circuit_template_save(
                    agency=agency,
                    document_type_id=document_type.pk if document_type else None,
                    name=name,
                    steps=rows.inputs(),
                    actor=request.user,
                )
            except DomainError as error:
                errors = [error.message, *(m for m in error.fields.values() if m != error.message)]
                status = error.status
            else:
                messages.success(request, "Đã lưu quy trình duyệt.")
                return redirect("outgoing:circuits")
    else:
        name = (
            template.name
            if template
            else (f"Quy trình {document_type.name.lower()}" if document_type else DEFAULT_NAME)
        )
        rows = rows_of(template.steps.order_by("stage", "pk")) if template else built_in_rows()
    context = {
        "document_type": document_type,
        "template": template,
        "name": name,
        "rows": rows.with_blanks(),
        "errors": errors,
        "blank_row": {"index": "__i__"},
        **_options(agency),
    }
    return render(request, "outgoing/circuit_form.html", context, status=status)
