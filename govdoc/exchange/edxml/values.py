"""Lexical forms of edXML values: `yyyy/MM/dd` dates, `yyyy/MM/dd HH:mm:ss` timestamps,
two-digit status codes and `DocumentId` ("{OrganId},{yyyy/MM/dd},{CodeNumber}/{CodeNotation}").

Output is always the canonical form. Input is tolerant (DOMAIN §5.2: producers differ): a
few other date layouts seen in the wild are read too; `validate` reports them.
"""

from __future__ import annotations

import datetime as dt
import re

from govdoc.exchange.edxml.errors import PacketError, Reason
from govdoc.exchange.edxml.model import VIETNAM, Code, StatusCode

DATE_RE = re.compile(r"^\d{4}/\d{2}/\d{2}$")
TIMESTAMP_RE = re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}$")
DOCUMENT_ID_RE = re.compile(r"^(?P<organ_id>[^,]+),(?P<date>\d{4}/\d{2}/\d{2}),(?P<code>.+)$")
# Read on input besides the canonical form, in this order.
_DATE_FORMATS = ("%Y/%m/%d", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
_TIMESTAMP_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%Y/%m/%d %H:%M",
)


def format_date(value: dt.date) -> str:
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def local_time(value: dt.datetime) -> dt.datetime:
    """The moment in Vietnam time; a naive datetime is taken as Vietnam time already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=VIETNAM)
    return value.astimezone(VIETNAM)


def format_timestamp(value: dt.datetime) -> str:
    """`yyyy/MM/dd HH:mm:ss` in Vietnam time (edXML timestamps carry no zone)."""
    moment = local_time(value)
    return f"{format_date(moment.date())} {moment:%H:%M:%S}"


def parse_date(text: str, *, where: str) -> dt.date | None:
    value = text.strip()
    if not value:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    # Some producers write a timestamp where a date is expected.
    moment = _parse_moment(value)
    if moment is not None:
        return moment.date()
    raise PacketError(Reason.BAD_VALUE, f"“{value[:40]}” không phải ngày yyyy/MM/dd", where=where)


def _parse_moment(value: str) -> dt.datetime | None:
    for fmt in _TIMESTAMP_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def parse_timestamp(text: str, *, where: str) -> dt.datetime:
    value = text.strip()
    moment = _parse_moment(value)
    if moment is None:
        raise PacketError(
            Reason.BAD_VALUE,
            f"“{value[:40]}” không phải thời điểm yyyy/MM/dd HH:mm:ss",
            where=where,
        )
    return moment.replace(tzinfo=VIETNAM)


def parse_int(text: str, *, where: str) -> int | None:
    value = text.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise PacketError(Reason.BAD_VALUE, f"“{value[:40]}” không phải số", where=where) from None


def parse_bool(text: str, *, where: str) -> bool:
    """Paper: 0/1 (also true/false)."""
    value = text.strip().lower()
    if value in {"", "0", "false"}:
        return False
    if value in {"1", "true"}:
        return True
    raise PacketError(Reason.BAD_VALUE, f"“{value[:40]}” không phải 0 hoặc 1", where=where)


def parse_status_code(text: str, *, where: str) -> StatusCode:
    """ "01".."16"; "14" is read as 15 (a known bug of sample files, DOMAIN §5.3)."""
    value = text.strip()
    try:
        number = int(value)
    except ValueError:
        raise PacketError(
            Reason.UNKNOWN_STATUS_CODE, f"“{value[:40]}” không phải mã trạng thái", where=where
        ) from None
    if number == 14:
        number = 15
    try:
        return StatusCode(number)
    except ValueError:
        raise PacketError(Reason.UNKNOWN_STATUS_CODE, f"mã “{value[:40]}”", where=where) from None


def format_document_id(organ_id: str, promulgation_date: dt.date, code: Code) -> str:
    """`{OrganId},{yyyy/MM/dd},{CodeNumber}/{CodeNotation}` (DOMAIN §5.2)."""
    return f"{organ_id},{format_date(promulgation_date)},{code.text}"
