"""The JSON API for programs (bearer tokens) and the browser (session + CSRF), at /api/."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from govdoc.api.auth import BearerTokenAuth, BrowserSessionAuth
from govdoc.api.errors import install_handlers
from govdoc.api.routers.directory import router as directory_router
from govdoc.api.routers.handling import router as handling_router
from govdoc.api.routers.incoming import router as incoming_router
from govdoc.api.routers.outgoing_circuit import router as outgoing_circuit_router
from govdoc.api.routers.outgoing_dispatch_actions import router as outgoing_dispatch_actions_router
from govdoc.api.routers.outgoing_drafts import router as outgoing_drafts_router
from govdoc.api.routers.outgoing_issued import router as outgoing_issued_router
from govdoc.api.routers.received import router as received_router
from govdoc.api.routers.signatures import router as signatures_router

DESCRIPTION = """
API của govdoc cho các phần mềm khác (một cửa, phần mềm nghiệp vụ, máy quét).

**Xác thực**: gửi mã truy cập trong tiêu đề `Authorization: Bearer <mã>`. Mỗi người dùng tự
tạo mã của mình tại trang *Mã truy cập API* (/ma-truy-cap/); mã chỉ hiện một lần khi tạo.
Mã có quyền như chính người tạo. Trình duyệt đã đăng nhập cũng gọi được (lệnh ghi cần mã CSRF).

**Lỗi**: mọi lỗi trả về dạng `{"code": ..., "message": ..., "fields": {tên trường: thông báo}}`
bằng tiếng Việt: 400 dữ liệu chưa hợp lệ, 401 chưa xác thực, 404 không tìm thấy hoặc không có
quyền, 409 xung đột (vd: văn bản có thể trùng — code `duplicate`).

**Ngày** nhận dạng `yyyy-mm-dd` hoặc `dd/mm/yyyy`; ngày giờ trả về theo ISO 8601.
"""

RESPONSE_LABELS = {
    "200": "Thành công",
    "201": "Đã tạo",
    "400": "Dữ liệu chưa hợp lệ",
    "401": "Chưa xác thực (thiếu, sai, hết hạn hoặc đã thu hồi mã truy cập)",
    "403": "Bị từ chối (thiếu mã CSRF khi gọi từ trình duyệt)",
    "404": "Không tìm thấy hoặc không có quyền",
    "409": "Xung đột (vd: văn bản có thể trùng)",
}

# ninja's defaults, to be replaced.
_ENGLISH = {"Created", "Bad Request", "Unauthorized", "Forbidden", "Not Found", "Conflict"}


class GovdocAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI page speaks Vietnamese down to the response descriptions."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    label = RESPONSE_LABELS.get(str(status))
                    # Keep descriptions an operation set itself (e.g. "Nội dung tệp").
                    if label and response.get("description") in {None, "OK"} | _ENGLISH:
                        response["description"] = label
        return schema

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Short, stable names for generated clients (the view names are unique).
        return operation.view_func.__name__


api = GovdocAPI(
    title="govdoc API — Quản lý văn bản",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    auth=[BearerTokenAuth(), BrowserSessionAuth()],
)
install_handlers(api)
api.add_router("/incoming", incoming_router)
api.add_router("/received", received_router)
api.add_router("", directory_router)
api.add_router("", handling_router)
api.add_router("", signatures_router)
api.add_router("/outgoing", outgoing_drafts_router)
api.add_router("/outgoing", outgoing_circuit_router)
api.add_router("/outgoing", outgoing_issued_router)
api.add_router("/outgoing", outgoing_dispatch_actions_router)
api.add_router("/records", "govdoc.api.routers.records_plans.router")
api.add_router("/records", "govdoc.api.routers.records_files.router")
api.add_router("/records", "govdoc.api.routers.records_transfer.router")
api.add_router("/records", "govdoc.api.routers.records_disposal.router")
api.add_router("/records", "govdoc.api.routers.records_exports.router")
