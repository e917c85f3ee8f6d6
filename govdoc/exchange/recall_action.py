""" "Yêu cầu lấy lại" on a delivery to another agency, offered on the issued document's page
and in the API (outgoing.dispatch_actions): a 13 status packet to the recipient."""

from __future__ import annotations

from typing import Any

from govdoc.organizations.access import has_role
from govdoc.organizations.roles import Role
from govdoc.outgoing.dispatch_actions import DispatchAction
from govdoc.outgoing.models import Dispatch
from govdoc.outgoing.workflow import DispatchStatus, Method

KEY = "lay-lai"
# Once there, and not yet answered for good: not refused, withdrawn or failed.
ASKABLE = frozenset(
    {
        DispatchStatus.SENT,
        DispatchStatus.ARRIVED,
        DispatchStatus.ACCEPTED,
        DispatchStatus.ASSIGNED,
        DispatchStatus.IN_PROGRESS,
        DispatchStatus.COMPLETED,
    }
)


def _applies(actor: Any, dispatch: Dispatch) -> bool:
    return (
        dispatch.method in (Method.LOCAL, Method.INTERCONNECT)
        and dispatch.status in ASKABLE
        and has_role(actor, dispatch.outgoing.agency_id, Role.CLERK, Role.AGENCY_LEADER)
    )


def _run(dispatch: Dispatch, actor: Any, reason: str) -> object:
    from govdoc.exchange.services.sending import dispatch_recall_request

    return dispatch_recall_request(dispatch=dispatch, actor=actor, reason=reason)


RECALL = DispatchAction(
    key=KEY,
    label="Yêu cầu lấy lại văn bản",
    success="Đã gửi yêu cầu lấy lại văn bản",
    applies=_applies,
    run=_run,
    reason_label="Lý do lấy lại",
)
