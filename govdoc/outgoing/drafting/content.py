"""What a draft says, independent of how it is laid out (NĐ 30 Phụ lục I, DOMAIN §3.5).

Names are given in normal case ("Bộ Tài nguyên và Môi trường") and upper-cased where the
layout wants capitals. The number and the date are not part of the content: they are given
after signing and written over the placeholders `[SO]` and `[NGAY_BAN_HANH]`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

NUMBER_PLACEHOLDER = "[SO]"
DATE_PLACEHOLDER = "[NGAY_BAN_HANH]"
SIGNATURE_PLACEHOLDER = "[CHU_KY]"
PLACEHOLDERS = (NUMBER_PLACEHOLDER, DATE_PLACEHOLDER, SIGNATURE_PLACEHOLDER)

ABBREVIATION_END = re.compile(r"(^|\s)[A-ZĐ]{1,4}\.$")
ARTICLE = re.compile(r"^(Điều\s+\d+[a-z]?\.)\s*(.*)$", re.DOTALL)


class SigningAuthority(StrEnum):
    """How the signer signs (NĐ 30 Điều 13): for a collective, for the head, by order…"""

    NONE = ""
    TM = "TM."
    """Thay mặt: on behalf of a collective."""
    KT = "KT."
    """Ký thay: a deputy signs for the head."""
    TL = "TL."
    """Thừa lệnh: by order of the head."""
    TUQ = "TUQ."
    """Thừa ủy quyền: by written delegation, limited in time and scope."""
    Q = "Q."
    """Quyền: the acting head."""

    @property
    def label(self) -> str:
        return AUTHORITY_LABELS[self]


AUTHORITY_LABELS = {
    SigningAuthority.NONE: "Ký trực tiếp",
    SigningAuthority.TM: "TM. (thay mặt tập thể)",
    SigningAuthority.KT: "KT. (ký thay người đứng đầu)",
    SigningAuthority.TL: "TL. (thừa lệnh)",
    SigningAuthority.TUQ: "TUQ. (thừa ủy quyền)",
    SigningAuthority.Q: "Q. (quyền người đứng đầu)",
}


class Urgency(StrEnum):
    """Độ khẩn (DOMAIN §3.3); the values are the mark printed on the document."""

    NORMAL = ""
    KHAN = "Khẩn"
    THUONG_KHAN = "Thượng khẩn"
    HOA_TOC = "Hỏa tốc"

    @property
    def mark(self) -> str:
        """The printed mark: upper case ("THƯỢNG KHẨN"), empty for a normal document."""
        return self.value.upper()


@dataclass(frozen=True)
class Issuer:
    """The issuing agency (ô 2) and the drafting unit."""

    agency_name: str
    """"Bộ Tài nguyên và Môi trường"."""
    agency_abbreviation: str
    """"BTNMT": used in the symbol."""
    unit_abbreviation: str
    """The drafting unit, "VP": in the công văn symbol and the "Lưu: VT, VP." line."""
    parent_agency: str = ""
    """The governing agency, printed above the agency's name; empty for a ministry."""


@dataclass(frozen=True)
class Signature:
    """The signature block (ô 7a–7c): "KT. BỘ TRƯỞNG" / "THỨ TRƯỞNG" / the name."""

    position: str
    """The signer's own position: "THỨ TRƯỞNG" (or "BỘ TRƯỞNG" when signing directly)."""
    name: str
    authority: SigningAuthority = SigningAuthority.NONE
    authority_title: str = ""
    """The head (or collective) signed for: "BỘ TRƯỞNG", "ỦY BAN NHÂN DÂN"; with `authority`."""

    def title_lines(self) -> tuple[str, ...]:
        """The upper-case lines above the signature: authority line (if any), position."""
        lines: list[str] = []
        if self.authority is not SigningAuthority.NONE and self.authority_title.strip():
            lines.append(f"{self.authority.value} {self.authority_title.strip().upper()}")
        if self.position.strip():
            lines.append(self.position.strip().upper())
        return tuple(lines)


@dataclass(frozen=True)
class Meeting:
    """What a giấy mời invites to."""

    time: str
    """"08 giờ 00, thứ Hai, ngày 12 tháng 01 năm 2026"."""
    place: str
    participants: tuple[str, ...] = ()
    """Who is invited ("Trân trọng kính mời: …")."""


@dataclass(frozen=True)
class DraftContent:
    """Everything printed on a draft in the NĐ 30 layout, except the number and the date."""

    issuer: Issuer
    type_code: str
    """The type abbreviation ("QĐ", "TTr"); empty for a công văn."""
    type_name: str
    """"Quyết định"; printed upper case. Empty for a công văn (it has no type name)."""
    symbol: str
    """"QĐ-BTNMT"; for a công văn "BTNMT-VP". See `make_symbol`."""
    place: str
    """The place name of the date line: "Hà Nội"."""
    subject: str
    """Trích yếu: "Về việc …" (printed after "V/v " for a công văn)."""
    signature: Signature
    body: tuple[str, ...] = ()
    """Paragraphs. For a quyết định, a paragraph starting "Điều 1." opens an article."""
    kinh_gui: tuple[str, ...] = ()
    """Addressees after "Kính gửi:" (công văn, tờ trình…)."""
    recipients: tuple[str, ...] = ()
    """Nơi nhận, without the last "Lưu" line (see `recipient_lines`)."""
    urgency: Urgency = Urgency.NORMAL
    circulation: str = ""
    """Chỉ dẫn phạm vi lưu hành: "XEM XONG TRẢ LẠI", "LƯU HÀNH NỘI BỘ"."""
    drafter_initials: str = ""
    copies: int | None = None
    """Number of copies, printed with the drafter's initials: "PL.(300)"."""
    legal_bases: tuple[str, ...] = ()
    """Căn cứ ban hành of a quyết định: "Căn cứ Luật …;" lines."""
    issuing_authority: str = ""
    """Thẩm quyền ban hành of a quyết định: "Bộ trưởng Bộ Tài nguyên và Môi trường"."""
    meeting: Meeting | None = None

    @property
    def number_line(self) -> str:
        """ "Số: [SO]/QĐ-BTNMT" (the number is written after signing)."""
        return f"Số: {NUMBER_PLACEHOLDER}/{self.symbol}"

    @property
    def date_line(self) -> str:
        return f"{self.place}, {DATE_PLACEHOLDER}"

    @property
    def drafter_mark(self) -> str:
        """ "PL.(300)", "PL." or ""."""
        initials = self.drafter_initials.strip()
        if not initials:
            return ""
        if self.copies is None:
            return f"{initials}."
        return f"{initials}.({self.copies})"

    def recipient_lines(self) -> tuple[str, ...]:
        """The nơi nhận list as printed: "- X;" lines, then "- Lưu: VT, <unit>[, PL.(300)].".

        Items are given bare ("Như trên", "Văn phòng Chính phủ") or already with their
        leading dash; the punctuation is normalised."""
        items = [_bare(item) for item in self.recipients if _bare(item)]
        lines = [f"- {item};" for item in items]
        keep = ["VT"]
        if self.issuer.unit_abbreviation.strip():
            keep.append(self.issuer.unit_abbreviation.strip())
        if self.drafter_mark:
            keep.append(self.drafter_mark.rstrip("."))
        lines.append(f"- Lưu: {', '.join(keep)}.")
        return tuple(lines)

    def kinh_gui_lines(self) -> tuple[str, ...]:
        """Addressees as printed: one without dash, several as "- X;" … "- Y."."""
        items = [_bare(item) for item in self.kinh_gui if _bare(item)]
        if len(items) <= 1:
            return tuple(f"{item}." for item in items)
        return tuple(
            f"- {item}{'.' if index == len(items) - 1 else ';'}" for index, item in enumerate(items)
        )

    def numbered_body(self) -> tuple[str, ...]:
        """The body, with "Điều n." added to each paragraph of a quyết định whose paragraphs
        have no article numbers at all (otherwise as given)."""
        if self.type_code != "QĐ" or any(ARTICLE.match(p) for p in self.body):
            return self.body
        return tuple(f"Điều {index}. {text}" for index, text in enumerate(self.body, 1))


def _bare(item: str) -> str:
    text = item.strip()
    if text.startswith(("-", "–", "+")):
        text = text[1:].strip()
    text = text.rstrip(";,").strip()
    # A final full stop goes, unless it ends an abbreviation ("các tỉnh, TP.").
    if text.endswith(".") and not ABBREVIATION_END.search(text):
        text = text[:-1].rstrip()
    return text


def make_symbol(*, type_code: str, agency_abbreviation: str, unit_abbreviation: str = "") -> str:
    """The symbol of the number (NĐ 30 Điều 15, DOMAIN §3.2), upper case, no spaces.

    A typed document: type code - agency ("QĐ-BTNMT"); a công văn (no type code): agency -
    drafting unit ("BTNMT-VP")."""
    agency = agency_abbreviation.strip().replace(" ", "").upper()
    unit = unit_abbreviation.strip().replace(" ", "").upper()
    code = type_code.strip().replace(" ", "")
    if code:
        # Type codes keep their own case ("QyĐ", "CTr", "TTr").
        return f"{code}-{agency}"
    return f"{agency}-{unit}" if unit else agency


def format_number(number: int | str) -> str:
    """The number as printed: numbers below 10 take a leading zero ("05"); others as given."""
    text = str(number).strip()
    if text.isdigit() and len(text) == 1:
        return f"0{text}"
    return text


def vietnamese_date_text(date: dt.date) -> str:
    """ "ngày 05 tháng 01 năm 2026": day < 10 and months 1–2 zero-padded (NĐ 30 Phụ lục I)."""
    day = f"{date.day:02d}"
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"ngày {day} tháng {month} năm {date.year}"
