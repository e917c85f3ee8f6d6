"""The edXML packet (QCVN 102:2016) as frozen dataclasses: what `build` writes and `parse` reads.

Names follow the edXML elements in snake case (`OrganizationInCharge` → `organization_in_charge`),
except `From`/`To`, which are `sender`/`recipients`. Text is stripped of surrounding white
space on input; an absent optional element reads as "" (text), None (number, date) or ()
(lists). Timestamps are aware datetimes in Vietnam time (UTC+07:00, as edXML writes them
without a zone); dates are `datetime.date`.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from dataclasses import dataclass, field

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PREFIX = "edXML"
XMLDSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"
VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")
ZIP_CONTENT_TYPE = "application/zip"
DEFAULT_CONTENT_TYPE = "application/octet-stream"
#: The element produced to wrap a status message inside edXMLHeader (see docs/edxml.md);
#: "Status" is accepted on input as well.
STATUS_WRAPPER = "MessageStatus"
STATUS_WRAPPERS = ("MessageStatus", "Status")


class SteeringType(enum.IntEnum):
    """SteeringType: is the document a steering (chỉ đạo) document."""

    NOT_STEERING = 0
    STEERING = 1
    STEERING_REPORT = 2

    @property
    def label(self) -> str:
        return {0: "Không phải văn bản chỉ đạo", 1: "Văn bản chỉ đạo", 2: "Báo cáo về chỉ đạo"}[
            self.value
        ]


class BussinessDocType(enum.IntEnum):
    """BussinessDocType (spelled as in the standard's SDKs)."""

    NEW = 0
    REVOKE = 1
    UPDATE = 2
    REPLACE = 3

    @property
    def label(self) -> str:
        return {0: "Văn bản mới", 1: "Thu hồi", 2: "Cập nhật", 3: "Thay thế"}[self.value]


class StatusCode(enum.IntEnum):
    """StatusCode of a status message (DOMAIN §5.3). Written with two digits ("01")."""

    ARRIVED = 1
    REFUSED = 2
    ACCEPTED = 3
    ASSIGNED = 4
    IN_PROGRESS = 5
    COMPLETED = 6
    RECALL_REQUESTED = 13
    RECALL_ACCEPTED = 15
    RECALL_REFUSED = 16

    @property
    def wire(self) -> str:
        return f"{self.value:02d}"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[StatusCode, str] = {
    StatusCode.ARRIVED: "Đã đến",
    StatusCode.REFUSED: "Từ chối",
    StatusCode.ACCEPTED: "Đã tiếp nhận",
    StatusCode.ASSIGNED: "Phân công",
    StatusCode.IN_PROGRESS: "Đang xử lý",
    StatusCode.COMPLETED: "Hoàn thành",
    StatusCode.RECALL_REQUESTED: "Yêu cầu lấy lại",
    StatusCode.RECALL_ACCEPTED: "Đồng ý lấy lại / cập nhật",
    StatusCode.RECALL_REFUSED: "Từ chối lấy lại / cập nhật",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class Organization:
    """From / To (and the From of a status message)."""

    organ_id: str
    organization_in_charge: str = ""
    organ_name: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class Code:
    """Number and symbol: CodeNumber "7816", CodeNotation "VPCP-TTĐT"."""

    code_number: str = ""
    code_notation: str = ""

    @property
    def text(self) -> str:
        """As printed and as in DocumentId: "7816/VPCP-TTĐT" (the notation alone if unnumbered)."""
        if not self.code_number:
            return self.code_notation
        return f"{self.code_number}/{self.code_notation}"


@dataclass(frozen=True, kw_only=True, slots=True)
class PromulgationInfo:
    place: str = ""
    promulgation_date: dt.date | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class DocumentType:
    """Type/TypeDetail codes differ between producers: rely on `type_name` (DOMAIN §5.2)."""

    type: int | None = None
    type_detail: int | None = None
    type_name: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class SignerInfo:
    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class OtherInfo:
    """`direction` is kept as written: its meaning is unknown (samples write "false")."""

    priority: int = 0
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    direction: str = "false"
    appendixes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class ResponseFor:
    """The document answered. `code` is the printed number and symbol ("7816/VPCP-TTĐT")."""

    organ_id: str
    code: str = ""
    promulgation_date: dt.date | None = None
    document_id: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class TraceHeader:
    organ_id: str
    timestamp: dt.datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class Receiver:
    """BussinessDocumentInfo/ReceiverList/Receiver; `receiver_type` kept as written."""

    receiver_type: str = ""
    organ_id: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class BussinessDocumentInfo:
    """What an update (BussinessDocType 2) changes; the codes are kept as written."""

    document_info: str = ""
    document_receiver: str = ""
    receivers: tuple[Receiver, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class ReplacementInfo:
    """A replaced document (BussinessDocType 3) and the agencies that received it."""

    document_id: str
    organ_ids: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Bussiness:
    """TraceHeaderList/Bussiness (spelling of the standard's SDKs)."""

    doc_type: BussinessDocType = BussinessDocType.NEW
    doc_reason: str = ""
    paper: bool = False
    document_id: str = ""
    staff_info: StaffInfo | None = None
    document_info: BussinessDocumentInfo | None = None
    replacement_info: tuple[ReplacementInfo, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Attachment:
    """One attached file, as the receiver stores it: `data` is decoded and unzipped.

    `content_type` is the file's own type (not the transfer's application/zip). `zipped`
    says how the file travelled; None when the attachment was not read from a packet.
    """

    content_id: str
    name: str
    data: bytes = field(repr=False)
    description: str = ""
    content_type: str = DEFAULT_CONTENT_TYPE
    zipped: bool | None = field(default=None, compare=False)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, kw_only=True, slots=True)
class DocumentPacket:
    """A document packet: MessageHeader, TraceHeaderList, manifest and attachments."""

    sender: Organization
    recipients: tuple[Organization, ...] = ()
    document_id: str = ""
    code: Code = Code()
    promulgation_info: PromulgationInfo = PromulgationInfo()
    document_type: DocumentType = DocumentType()
    subject: str = ""
    content: str = ""
    signer_info: SignerInfo = SignerInfo()
    due_date: dt.date | None = None
    other_info: OtherInfo = OtherInfo()
    steering_type: SteeringType = SteeringType.NOT_STEERING
    to_places: tuple[str, ...] = ()
    response_for: tuple[ResponseFor, ...] = ()
    trace_headers: tuple[TraceHeader, ...] = ()
    bussiness: Bussiness = Bussiness()
    attachments: tuple[Attachment, ...] = ()

    kind = "document"


@dataclass(frozen=True, kw_only=True, slots=True)
class StatusPacket:
    """A status message answering a received document (DOMAIN §5.3)."""

    response_for: ResponseFor
    sender: Organization
    status_code: StatusCode
    timestamp: dt.datetime
    description: str = ""
    staff_info: StaffInfo | None = None

    kind = "status"


Packet = DocumentPacket | StatusPacket
