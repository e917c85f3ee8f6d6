"""Signed documents must be sent the day they are signed, at the latest the next working day
(NĐ 30 Điều 16; urgent ones at once): those still waiting past their day are flagged in the
clerk's queue and the clerks are reminded each morning."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.urls import reverse

from govdoc.notifications.services import Notice, notify_many
from govdoc.organizations.models import User
from govdoc.outgoing.models import Draft
from govdoc.outgoing.selectors import agency_clerks
from govdoc.outgoing.workflow import TO_ISSUE


def late_to_issue(*, day: dt.date) -> QuerySet[Draft]:
    return Draft.objects.filter(status__in=list(TO_ISSUE), issue_due__lt=day)


def late_issue_remind(*, day: dt.date) -> int:
    """Notify each agency's clerks of its late documents; a document is told once a day."""
    drafts = list(late_to_issue(day=day).select_related("agency"))
    clerks: dict[int, list[User]] = {}
    notices: list[Notice] = []
    for draft in drafts:
        if draft.agency_id not in clerks:
            clerks[draft.agency_id] = list(agency_clerks(draft.agency_id))
        signed = f"{draft.signed_at:%d/%m/%Y}" if draft.signed_at else ""
        due = f"{draft.issue_due:%d/%m/%Y}" if draft.issue_due else ""
        notices.append(
            Notice(
                recipients=clerks[draft.agency_id],
                kind="outgoing.late_issue",
                title=f"Quá hạn phát hành: {draft.subject[:150]}",
                body=f"Ký ngày {signed}; phải phát hành chậm nhất ngày {due}.",
                url=reverse("outgoing:draft_detail", args=[draft.pk]),
                agency_id=draft.agency_id,
                dedupe_key=f"outgoing-late:{draft.pk}:{day.isoformat()}",
            )
        )
    return len(notify_many(notices))
