"""Default deadlines: an agency's rules of handling time, by document type and urgency.

The most specific rule applies: type and urgency, then type (any urgency), then urgency
(any type), then the agency's default (any type, any urgency). The deadline is that many
working days after the start (core.calendar: weekends and holidays do not count). No rule,
no default deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from govdoc.core.calendar import WorkingCalendar, current_calendar
from govdoc.documents.models import DeadlineRule


def _specificity(rule: DeadlineRule) -> int:
    return (2 if rule.document_type_id is not None else 0) + (1 if rule.priority is not None else 0)


def pick_rule(
    rules: Iterable[DeadlineRule], *, document_type_id: int | None, priority: int | None
) -> DeadlineRule | None:
    """The most specific of an agency's rules that fits the type and urgency (pure)."""
    fitting = [
        rule
        for rule in rules
        if rule.document_type_id in (None, document_type_id) and rule.priority in (None, priority)
    ]
    return max(fitting, key=_specificity, default=None)


def deadline_rule_for(
    *, agency_id: int, document_type_id: int | None, priority: int | None
) -> DeadlineRule | None:
    """The rule that sets the default deadline (one query)."""
    type_match = Q(document_type__isnull=True)
    if document_type_id is not None:
        type_match |= Q(document_type_id=document_type_id)
    priority_match = Q(priority__isnull=True)
    if priority is not None:
        priority_match |= Q(priority=priority)
    rules = DeadlineRule.objects.filter(type_match, priority_match, agency_id=agency_id)
    return pick_rule(rules, document_type_id=document_type_id, priority=priority)


def default_due_date(
    *,
    agency_id: int,
    document_type_id: int | None,
    priority: int | None,
    start: dt.date,
    calendar: WorkingCalendar | None = None,
) -> dt.date | None:
    """The default deadline of a document arriving on `start`, or None if the agency has no
    rule that fits. `calendar`: a snapshot to count with (else this process's copy)."""
    rule = deadline_rule_for(
        agency_id=agency_id, document_type_id=document_type_id, priority=priority
    )
    if rule is None:
        return None
    return (calendar or current_calendar()).add_working_days(start, rule.working_days)
