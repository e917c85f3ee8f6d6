"""Typed refusals of XML-DSig signing and verification, each with a Vietnamese message safe to
show a clerk or return from the API."""

from __future__ import annotations

import enum

from govdoc.core.errors import DomainError


class SignatureProblem(enum.StrEnum):
    """Why a received packet's signature is refused (`PacketSignatureError.reason`)."""

    MALFORMED = "malformed"
    UNSAFE_XML = "unsafe_xml"
    TOO_LARGE = "too_large"
    NO_SIGNATURE = "no_signature"
    MULTIPLE_SIGNATURES = "multiple_signatures"
    WRONG_REFERENCE = "wrong_reference"
    BAD_SIGNATURE = "bad_signature"
    NO_CERTIFICATE = "no_certificate"
    UNTRUSTED_CERTIFICATE = "untrusted_certificate"
    EXPIRED_CERTIFICATE = "expired_certificate"
    CERTIFICATE_NOT_YET_VALID = "certificate_not_yet_valid"
    WEAK_ALGORITHM = "weak_algorithm"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    SENDER_MISMATCH = "sender_mismatch"
    CERTIFICATE_ORGAN_MISMATCH = "certificate_organ_mismatch"


MESSAGES: dict[SignatureProblem, str] = {
    SignatureProblem.MALFORMED: "Gói tin không phải là tài liệu XML edXML hợp lệ.",
    SignatureProblem.UNSAFE_XML: (
        "Gói tin chứa khai báo DTD hoặc thực thể (entity) XML: bị từ chối vì lý do an toàn."
    ),
    SignatureProblem.TOO_LARGE: "Gói tin quá lớn hoặc lồng quá sâu để kiểm tra.",
    SignatureProblem.NO_SIGNATURE: "Gói tin không có chữ ký số.",
    SignatureProblem.MULTIPLE_SIGNATURES: "Gói tin có nhiều hơn một chữ ký số.",
    SignatureProblem.WRONG_REFERENCE: (
        "Chữ ký số không bao trùm toàn bộ gói tin hoặc đặt sai vị trí "
        "(có dấu hiệu gói tin bị sửa cấu trúc sau khi ký)."
    ),
    SignatureProblem.BAD_SIGNATURE: (
        "Chữ ký số không hợp lệ: nội dung gói tin (phong bì hoặc tệp đính kèm) đã bị thay đổi "
        "sau khi ký."
    ),
    SignatureProblem.NO_CERTIFICATE: "Chữ ký số không kèm chứng thư số X.509 của bên ký.",
    SignatureProblem.UNTRUSTED_CERTIFICATE: (
        "Chứng thư số của bên gửi không được cấp bởi tổ chức chứng thực nằm trong kho chứng thư "
        "gốc tin cậy của hệ thống."
    ),
    SignatureProblem.EXPIRED_CERTIFICATE: "Chứng thư số của bên gửi đã hết hạn.",
    SignatureProblem.CERTIFICATE_NOT_YET_VALID: "Chứng thư số của bên gửi chưa có hiệu lực.",
    SignatureProblem.WEAK_ALGORITHM: (
        "Chữ ký số dùng thuật toán SHA-1 không còn an toàn; hệ thống chưa được cấu hình để "
        "chấp nhận."
    ),
    SignatureProblem.UNSUPPORTED_ALGORITHM: "Chữ ký số dùng thuật toán không được hỗ trợ.",
    SignatureProblem.SENDER_MISMATCH: (
        "Cơ quan gửi ghi trong gói tin (From/OrganId) không phải cơ quan đã xác thực khi gửi."
    ),
    SignatureProblem.CERTIFICATE_ORGAN_MISMATCH: (
        "Mã định danh trong chứng thư số ký gói tin không khớp với cơ quan gửi đã xác thực."
    ),
}


class PacketSignatureError(DomainError):
    """A received packet refused on its signature: `reason` for programs, `message_vi` for
    people."""

    code = "packet_signature"

    def __init__(self, reason: SignatureProblem, message_vi: str | None = None) -> None:
        self.reason = reason
        self.message_vi = message_vi or MESSAGES[reason]
        super().__init__(self.message_vi)

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "reason": str(self.reason)}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.reason!s}, {self.message_vi!r})"


class PacketSenderError(PacketSignatureError):
    """The packet's sending agency is not the one authenticated on the transport."""

    code = "packet_sender"


class PacketSigningError(DomainError):
    """A packet could not be signed (bad packet, unusable key or certificate)."""

    code = "packet_signing"
