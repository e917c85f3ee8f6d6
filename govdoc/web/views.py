"""The home page: what needs attention today, for the signed-in person."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from govdoc.incoming.access import can_register, visible_incoming
from govdoc.incoming.selectors import start_of_day
from govdoc.incoming.workflow import Status
from govdoc.records.selectors import unfiled_by_person
from govdoc.reports.handling_report import handling_dashboard


@login_required
def home(request: HttpRequest) -> HttpResponse:
    agency_id = getattr(request.user, "agency_id", None)
    today = timezone.localdate()
    visible = visible_incoming(request.user, agency_id).exclude(status=Status.ANNULLED)
    counts = visible.aggregate(
        today=Count("pk", filter=Q(arrival_date__gte=start_of_day(today))),
        year=Count("pk", filter=Q(arrival_year=today.year)),
        urgent=Count("pk", filter=Q(document__priority__gt=0, arrival_year=today.year)),
        due_soon=Count(
            "pk",
            filter=Q(
                document__due_date__gte=today,
                document__due_date__lte=today + dt.timedelta(days=3),
            ),
        ),
    )
    recent = visible.select_related("document", "document__document_type").order_by(
        "-arrival_date", "-arrival_number"
    )[:10]
    return render(
        request,
        "web/home.html",
        {
            "counts": counts,
            "recent": recent,
            "can_register": can_register(request.user, agency_id),
            # Leaders: this month's handling per unit and the overdue work (None for others).
            "handling": handling_dashboard(
                actor=request.user, agency=getattr(request.user, "agency", None)
            ),
            # Leaders: who has handled documents not yet filed (None for others).
            "unfiled_people": unfiled_by_person(request.user, agency_id),
        },
    )
