"""Check a packet against the project's XSD (schema/edxml.xsd) and the rules the schema
cannot express: `validate_packet(data) -> list[Problem]` (empty: valid).

The parser is tolerant; validation is strict: it reports what a conforming producer would
not write (another date layout, status code 14, an element out of the namespace…), and
every problem it finds rather than the first.

Rules besides the schema:
- `DocumentId` is `{OrganId},{yyyy/MM/dd},{CodeNumber}/{CodeNotation}` and agrees with
  From/OrganId, PromulgationDate and Code (a status message: with its ResponseFor);
- `CodeNumber`, when present, is a number;
- the same agency is not listed twice in `To`;
- `DueDate` is not before `PromulgationDate`;
- a replacement (BussinessDocType 3) lists the replaced documents (ReplacementInfoList);
- every manifest reference has its attachment and the reverse; the base64 decodes; a
  zipped attachment unzips within the caps.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xmlschema

from govdoc.exchange.edxml.errors import PacketError, Reason
from govdoc.exchange.edxml.hardened import Limits, parse_xml
from govdoc.exchange.edxml.model import BussinessDocType, DocumentPacket, StatusPacket
from govdoc.exchange.edxml.parse import Node, decode_pair, pair_attachments, read_tree, root_node
from govdoc.exchange.edxml.values import DOCUMENT_ID_RE, format_date

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "edxml.xsd"
MAX_SCHEMA_PROBLEMS = 100
_ATTACHMENT_REASONS = frozenset(
    {
        Reason.MISSING_ATTACHMENT,
        Reason.UNKNOWN_ATTACHMENT,
        Reason.DUPLICATE_ATTACHMENT,
        Reason.BAD_ENCODING,
        Reason.BAD_ARCHIVE,
        Reason.ATTACHMENT_TOO_LARGE,
    }
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a packet. `code` is a `Reason` value, "schema", or a rule name."""

    code: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        return f"{self.message} (tại {self.where})" if self.where else self.message


@functools.cache
def schema() -> xmlschema.XMLSchema11:
    return xmlschema.XMLSchema11(str(SCHEMA_PATH))


def _from_error(error: PacketError) -> Problem:
    message = error.reason.message + (f": {error.detail}" if error.detail else "")
    return Problem(error.reason.value, message, error.where)


def validate_packet(data: bytes, *, limits: Limits | None = None) -> list[Problem]:
    """Every problem of an untrusted packet; an empty list when it is valid."""
    limits = limits or Limits.from_settings()
    try:
        root = parse_xml(data, limits)
    except PacketError as error:
        return [_from_error(error)]
    return validate_tree(root, limits=limits)


def validate_tree(root: Any, *, limits: Limits | None = None) -> list[Problem]:
    limits = limits or Limits.from_settings()
    try:
        top = root_node(root)
    except PacketError as error:
        return [_from_error(error)]
    problems = schema_problems(root)
    problems.extend(attachment_problems(top, limits))
    try:
        packet = read_tree(root, limits=limits).packet
    except PacketError as error:
        if error.reason not in _ATTACHMENT_REASONS:
            problems.append(_from_error(error))
        return problems
    if isinstance(packet, DocumentPacket):
        problems.extend(document_rules(packet))
    else:
        problems.extend(status_rules(packet))
    return problems


_UNEXPECTED_RE = re.compile(r"Unexpected child with tag '(?:\{[^}]*\})?([^']+)'")
_INCOMPLETE_RE = re.compile(r"is not complete\. Tag '(?:[^:']*:)?([^']+)' expected")


def schema_message(error: xmlschema.XMLSchemaValidationError) -> str:
    """The schema's complaint in Vietnamese (with xmlschema's own words when unusual)."""
    reason = error.reason or error.message
    if isinstance(error.obj, str):
        value = error.obj if len(error.obj) <= 60 else error.obj[:60] + "…"
        return f"giá trị “{value}” không đúng định dạng quy định ({reason})"
    if match := _UNEXPECTED_RE.search(reason):
        return f"phần tử “{match[1]}” không được phép ở đây (hoặc bị lặp)"
    if match := _INCOMPLETE_RE.search(reason):
        return f"thiếu phần tử “{match[1]}”"
    if "assertion" in reason:
        return (
            "phải có đúng một MessageHeader, MessageStatus hoặc Status "
            "(TraceHeaderList chỉ đi cùng MessageHeader)"
        )
    return reason


def schema_problems(root: Any) -> list[Problem]:
    problems: list[Problem] = []
    for error in schema().iter_errors(root):
        message = f"Không khớp lược đồ edXML: {schema_message(error)}"
        problems.append(Problem("schema", message, error.path or ""))
        if len(problems) >= MAX_SCHEMA_PROBLEMS:
            problems.append(Problem("schema", "… và các lỗi khác (chỉ liệt kê 100 lỗi đầu)"))
            break
    return problems


def attachment_problems(top: Node, limits: Limits) -> list[Problem]:
    errors: list[PacketError] = []
    try:
        envelope = top.one("edXMLEnvelope")
    except PacketError:
        return []  # reported by read_tree
    if envelope is None:
        return []
    try:
        pairs = pair_attachments(top, envelope, problems=errors)
    except PacketError as error:  # e.g. two edXMLBody elements
        errors.append(error)
        pairs = []
    for pair in pairs:
        try:
            decode_pair(pair, limits)
        except PacketError as error:
            errors.append(error)
    return [_from_error(error) for error in errors]


def _document_id_problems(
    document_id: str,
    *,
    organ_id: str,
    date_text: str | None,
    code_text: str | None,
    where: str,
) -> list[Problem]:
    match = DOCUMENT_ID_RE.match(document_id)
    if match is None:
        return [
            Problem(
                "document_id_format",
                f"DocumentId “{document_id}” không có dạng "
                "{OrganId},{yyyy/MM/dd},{CodeNumber}/{CodeNotation}",
                where,
            )
        ]
    problems = []
    if match["organ_id"] != organ_id:
        problems.append(
            Problem(
                "document_id_organ",
                f"DocumentId ghi mã cơ quan {match['organ_id']}, khác OrganId {organ_id}",
                where,
            )
        )
    if date_text is not None and match["date"] != date_text:
        problems.append(
            Problem(
                "document_id_date",
                f"DocumentId ghi ngày {match['date']}, khác ngày ban hành {date_text}",
                where,
            )
        )
    if code_text is not None and match["code"] != code_text:
        problems.append(
            Problem(
                "document_id_code",
                f"DocumentId ghi số, ký hiệu “{match['code']}”, khác “{code_text}”",
                where,
            )
        )
    return problems


def document_rules(packet: DocumentPacket) -> list[Problem]:
    header = "edXML/edXMLEnvelope/edXMLHeader/MessageHeader"
    date = packet.promulgation_info.promulgation_date
    problems = _document_id_problems(
        packet.document_id,
        organ_id=packet.sender.organ_id,
        date_text=format_date(date) if date else None,
        code_text=packet.code.text,
        where=f"{header}/DocumentId",
    )
    if packet.code.code_number and not packet.code.code_number.isdigit():
        problems.append(
            Problem(
                "code_number",
                f"Số văn bản “{packet.code.code_number}” phải là chữ số",
                f"{header}/Code/CodeNumber",
            )
        )
    seen: set[str] = set()
    for recipient in packet.recipients:
        if recipient.organ_id in seen:
            problems.append(
                Problem(
                    "duplicate_recipient",
                    f"Cơ quan nhận {recipient.organ_id} được ghi hai lần",
                    f"{header}/To",
                )
            )
        seen.add(recipient.organ_id)
    if packet.due_date is not None and date is not None and packet.due_date < date:
        problems.append(
            Problem(
                "due_date",
                f"Hạn xử lý {format_date(packet.due_date)} trước ngày ban hành {format_date(date)}",
                f"{header}/DueDate",
            )
        )
    bussiness = packet.bussiness
    if bussiness.doc_type == BussinessDocType.REPLACE and not bussiness.replacement_info:
        problems.append(
            Problem(
                "replacement_info",
                "Văn bản thay thế (BussinessDocType 3) phải có ReplacementInfoList",
                "edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness",
            )
        )
    return problems


def status_rules(packet: StatusPacket) -> list[Problem]:
    response = packet.response_for
    if not response.document_id:
        return []
    return _document_id_problems(
        response.document_id,
        organ_id=response.organ_id,
        date_text=format_date(response.promulgation_date) if response.promulgation_date else None,
        code_text=response.code or None,
        where="edXML/edXMLEnvelope/edXMLHeader/MessageStatus/ResponseFor/DocumentId",
    )
