"""Actions other apps offer on one delivery of an issued document (the exchange app: ask the
recipient to give the document back). The issued document's page shows each action that
applies to the person looking, as a form with a reason; posting it calls `run`, a service
of the app that registered it (its DomainError is shown on the page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from govdoc.outgoing.models import Dispatch


@dataclass(frozen=True)
class DispatchAction:
    key: str
    """In the URL: /van-ban-di/<pk>/noi-nhan/<dispatch>/thao-tac/<key>/."""
    label: str
    success: str
    applies: Callable[[Any, Dispatch], bool]
    run: Callable[[Dispatch, Any, str], object]
    """(dispatch, actor, reason)."""
    reason_label: str = "Lý do"


_actions: dict[str, DispatchAction] = {}


def register_dispatch_action(action: DispatchAction) -> None:
    _actions[action.key] = action


def action_named(key: str) -> DispatchAction | None:
    return _actions.get(key)


def actions_for(actor: Any, dispatch: Dispatch) -> list[DispatchAction]:
    return [action for action in _actions.values() if action.applies(actor, dispatch)]
