"""Names of journaled actions and their Vietnamese labels."""

from __future__ import annotations

LABELS: dict[str, str] = {
    "auth.login": "Đăng nhập",
    "auth.logout": "Đăng xuất",
    "auth.login_failed": "Đăng nhập thất bại",
    "agency.create": "Tạo cơ quan",
    "agency.update": "Sửa cơ quan",
    "unit.create": "Tạo đơn vị",
    "unit.update": "Sửa đơn vị",
    "position.create": "Tạo chức vụ",
    "position.update": "Sửa chức vụ",
    "person.create": "Tạo người dùng",
    "person.update": "Sửa người dùng",
    "role.grant": "Cấp vai trò",
    "role.revoke": "Thu hồi vai trò",
    "delegation.create": "Ủy quyền",
    "delegation.revoke": "Hủy ủy quyền",
    "import.run": "Nhập dữ liệu",
    "register.create": "Tạo sổ",
    "register.update": "Sửa sổ",
    "register.number": "Cấp số",
    "register.annul": "Hủy số",
    "doctype.create": "Tạo loại văn bản",
    "doctype.update": "Sửa loại văn bản",
    "incoming.register": "Đăng ký văn bản đến",
    "incoming.update": "Sửa thông tin văn bản đến",
    "incoming.annul": "Hủy đăng ký văn bản đến",
    "incoming.view": "Xem văn bản đến",
    "incoming.export": "Xuất sổ văn bản đến",
    "file.download": "Tải tệp",
    "file.view": "Xem tệp",
    "audit.export": "Xuất nhật ký hệ thống",
    "api.token_create": "Tạo mã truy cập API",
    "api.token_revoke": "Thu hồi mã truy cập API",
}


def label(action: str) -> str:
    return LABELS.get(action, action)
