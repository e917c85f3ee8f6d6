"""The bell in the top navigation (govdoc/web/context.py puts one in every page's context)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import cached_property

from govdoc.notifications.selectors import UNREAD_COUNT_CAP, unread_count


class UnreadBadge:
    """The person's unread count, counted by one query the first time a template shows it
    (pages and fragments that do not show it cost nothing)."""

    def __init__(self, user: Any) -> None:
        self._user = user

    @cached_property
    def count(self) -> int:
        return unread_count(actor=self._user)

    @property
    def label(self) -> str:
        """ "" when none, "99+" beyond the cap."""
        count = self.count
        if not count:
            return ""
        return f"{UNREAD_COUNT_CAP}+" if count > UNREAD_COUNT_CAP else str(count)
