"""Why a packet is refused: a reason code, a Vietnamese message, and where it was found.

Every refusal of the edXML library is a `PacketError` carrying one `Reason`. It is a
`ValidationFailed` (a `DomainError`), so views and the API show it like any other refusal;
`code` is the reason's value ("too_large", "dtd_forbidden"…), stable for programs and logs.
"""

from __future__ import annotations

import enum

from govdoc.core.errors import ValidationFailed


class Reason(enum.StrEnum):
    """Why a packet was refused. The values are stable: programs and logs rely on them."""

    TOO_LARGE = "too_large"
    DTD_FORBIDDEN = "dtd_forbidden"
    MALFORMED = "malformed"
    TOO_DEEP = "too_deep"
    TOO_MANY_ELEMENTS = "too_many_elements"
    WRONG_NAMESPACE = "wrong_namespace"
    BAD_STRUCTURE = "bad_structure"
    MISSING_ELEMENT = "missing_element"
    DUPLICATE_ELEMENT = "duplicate_element"
    BAD_VALUE = "bad_value"
    UNKNOWN_STATUS_CODE = "unknown_status_code"
    MISSING_ATTACHMENT = "missing_attachment"
    UNKNOWN_ATTACHMENT = "unknown_attachment"
    DUPLICATE_ATTACHMENT = "duplicate_attachment"
    BAD_ENCODING = "bad_encoding"
    BAD_ARCHIVE = "bad_archive"
    ATTACHMENT_TOO_LARGE = "attachment_too_large"

    @property
    def message(self) -> str:
        return MESSAGES[self]


MESSAGES: dict[Reason, str] = {
    Reason.TOO_LARGE: "Gói tin quá lớn",
    Reason.DTD_FORBIDDEN: "Gói tin có khai báo DOCTYPE/thực thể (DTD), không được chấp nhận",
    Reason.MALFORMED: "Gói tin không phải XML hợp lệ (hỏng hoặc bị cắt cụt)",
    Reason.TOO_DEEP: "Gói tin lồng phần tử quá sâu",
    Reason.TOO_MANY_ELEMENTS: "Gói tin có quá nhiều phần tử",
    Reason.WRONG_NAMESPACE: "Gói tin không thuộc không gian tên edXML (QCVN 102:2016)",
    Reason.BAD_STRUCTURE: "Gói tin không đúng cấu trúc edXML",
    Reason.MISSING_ELEMENT: "Gói tin thiếu phần tử bắt buộc",
    Reason.DUPLICATE_ELEMENT: "Gói tin có phần tử chỉ được xuất hiện một lần nhưng bị lặp",
    Reason.BAD_VALUE: "Giá trị trong gói tin không đúng định dạng",
    Reason.UNKNOWN_STATUS_CODE: "Mã trạng thái không có trong danh mục",
    Reason.MISSING_ATTACHMENT: "Danh mục tệp đính kèm ghi một tệp mà gói tin không chứa",
    Reason.UNKNOWN_ATTACHMENT: "Gói tin chứa tệp đính kèm không có trong danh mục",
    Reason.DUPLICATE_ATTACHMENT: "Hai tệp đính kèm trùng mã ContentId",
    Reason.BAD_ENCODING: "Nội dung tệp đính kèm không phải base64 hợp lệ",
    Reason.BAD_ARCHIVE: "Tệp nén (zip) đính kèm bị hỏng hoặc không đọc được",
    Reason.ATTACHMENT_TOO_LARGE: "Tệp đính kèm sau khi giải nén vượt giới hạn cho phép",
}


class PacketError(ValidationFailed):
    """A packet that cannot be accepted. `reason` says why; `detail` adds the particulars
    (which element, which attachment, which limit); `where` is the element path if known."""

    def __init__(self, reason: Reason, detail: str = "", *, where: str = "") -> None:
        message = reason.message
        if detail:
            message = f"{message}: {detail}"
        if where:
            message = f"{message} (tại {where})"
        super().__init__(message)
        self.reason = reason
        self.code = reason.value
        self.detail = detail
        self.where = where

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "reason": self.reason.value, "where": self.where}
