"""Actions the apps above outgoing offer on one delivery (outgoing.dispatch_actions), over
the API: listed in each delivery's `actions`, run here with a reason."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from govdoc.api.calls import WRITE, actor_of
from govdoc.api.outgoing_calls import refusals
from govdoc.api.outgoing_schemas import DispatchOut, ReasonIn
from govdoc.api.routers.outgoing_issued import dispatch_fresh, dispatch_visible
from govdoc.core.errors import NotFound
from govdoc.outgoing.dispatch_actions import action_named

router = Router(tags=["Văn bản đi: đã phát hành"])


@router.post(
    "/dispatches/{dispatch_id}/actions/{key}",
    response={200: DispatchOut, **WRITE},
    summary="Thao tác khác trên một nơi nhận",
    description=(
        "Các thao tác được liệt kê trong `actions` của nơi nhận, ngoài `post` và `retry`: "
        "`lay-lai` — văn thư hoặc lãnh đạo cơ quan yêu cầu nơi nhận (cơ quan khác, gửi điện "
        "tử) trả lại văn bản (trạng thái 13): nơi nhận đồng ý (15) khi văn bản còn chờ văn "
        "thư, từ chối (16) khi đã vào sổ. Cần `reason`. Thao tác không áp dụng trả 404; trạng "
        "thái không cho phép trả 409."
    ),
    url_name="outgoing_dispatch_action",
)
def outgoing_dispatch_action(
    request: HttpRequest, dispatch_id: int, key: str, payload: ReasonIn
) -> Any:
    actor = actor_of(request)
    dispatch = dispatch_visible(actor, dispatch_id)
    action = action_named(key)
    if action is None or not action.applies(actor, dispatch):
        raise NotFound()
    with refusals():
        action.run(dispatch, actor, payload.reason)
    return dispatch_fresh(actor, dispatch)
