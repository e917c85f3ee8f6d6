"""The draft templates (mẫu văn bản, NĐ 30 Phụ lục III) and the fields each one asks for.

Each field has a Vietnamese label, a kind and a length limit, so that a web form can be
generated from `TEMPLATES` and its input checked with `check_fields` (Vietnamese messages per
field). `content_from_values` turns checked form values into a `DraftContent`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from govdoc.core.errors import ValidationFailed
from govdoc.outgoing.drafting.content import (
    AUTHORITY_LABELS,
    DraftContent,
    Issuer,
    Meeting,
    Signature,
    SigningAuthority,
    Urgency,
    make_symbol,
)

Values = Mapping[str, str | Sequence[str]]

INVALID = "Nội dung dự thảo chưa hợp lệ, vui lòng kiểm tra các trường được đánh dấu."
UNKNOWN_TEMPLATE = "Không có mẫu văn bản “{code}”."


class FieldKind(StrEnum):
    TEXT = "text"
    """One line."""
    TEXTAREA = "textarea"
    """One value over several lines."""
    LIST = "list"
    """Several values, one a line (paragraphs, recipients…)."""
    CHOICE = "choice"
    NUMBER = "number"


@dataclass(frozen=True)
class FieldSpec:
    code: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    max_length: int = 200
    """Per value; for a list, per line."""
    max_items: int = 200
    """For a list: how many lines at most."""
    choices: tuple[tuple[str, str], ...] = ()
    """For a choice: (value, label) pairs."""
    help_text: str = ""
    max_value: int = 999
    """For a number: the largest accepted value (the smallest is 1)."""

    @property
    def missing_message(self) -> str:
        verb = "chọn" if self.kind is FieldKind.CHOICE else "nhập"
        return f"Vui lòng {verb} {_lower_first(self.label)}."


@dataclass(frozen=True)
class Template:
    code: str
    name: str
    """Vietnamese name shown to users: "Quyết định"."""
    type_code: str
    """Type abbreviation in the symbol ("QĐ"); empty for a công văn."""
    type_name: str
    """Printed type name ("Quyết định"); empty for a công văn."""
    fields: tuple[FieldSpec, ...]

    @property
    def required_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def optional_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if not f.required)

    def field(self, code: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.code == code:
                return spec
        return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


AUTHORITY_CHOICES = tuple((a.value, AUTHORITY_LABELS[a]) for a in SigningAuthority)
URGENCY_CHOICES = (
    (Urgency.NORMAL.value, "Thường"),
    (Urgency.KHAN.value, "Khẩn"),
    (Urgency.THUONG_KHAN.value, "Thượng khẩn"),
    (Urgency.HOA_TOC.value, "Hỏa tốc"),
)

PARENT_AGENCY = FieldSpec(
    "parent_agency",
    "Tên cơ quan chủ quản",
    help_text="In phía trên tên cơ quan ban hành; để trống nếu không có.",
)
AGENCY_NAME = FieldSpec("agency_name", "Tên cơ quan ban hành", required=True)
AGENCY_ABBREVIATION = FieldSpec(
    "agency_abbreviation",
    "Chữ viết tắt tên cơ quan",
    required=True,
    max_length=20,
    help_text="Dùng trong ký hiệu văn bản, ví dụ BTNMT.",
)
UNIT_ABBREVIATION = FieldSpec(
    "unit_abbreviation",
    "Chữ viết tắt tên đơn vị soạn thảo",
    required=True,
    max_length=20,
    help_text="Dùng trong ký hiệu công văn và dòng “Lưu: VT, …”.",
)
PLACE = FieldSpec("place", "Địa danh", required=True, max_length=50, help_text="Ví dụ: Hà Nội.")
SUBJECT = FieldSpec("subject", "Trích yếu nội dung", FieldKind.TEXTAREA, True, max_length=500)
BODY = FieldSpec(
    "body",
    "Nội dung văn bản",
    FieldKind.LIST,
    True,
    max_length=5000,
    max_items=500,
    help_text="Mỗi dòng là một đoạn văn.",
)
KINH_GUI = FieldSpec(
    "kinh_gui",
    "Nơi gửi (Kính gửi)",
    FieldKind.LIST,
    True,
    max_length=300,
    help_text="Mỗi dòng một cơ quan, tổ chức hoặc cá nhân.",
)
RECIPIENTS = FieldSpec(
    "recipients",
    "Nơi nhận",
    FieldKind.LIST,
    max_length=300,
    help_text="Mỗi dòng một nơi nhận; dòng “Lưu: VT, …” được thêm tự động.",
)
SIGNING_AUTHORITY = FieldSpec(
    "signing_authority", "Thẩm quyền ký", FieldKind.CHOICE, choices=AUTHORITY_CHOICES
)
AUTHORITY_TITLE = FieldSpec(
    "authority_title",
    "Chức danh người đứng đầu hoặc tập thể",
    max_length=100,
    help_text="Sau TM., KT., TL., TUQ., Q.: ví dụ BỘ TRƯỞNG.",
)
SIGNER_POSITION = FieldSpec("signer_position", "Chức vụ người ký", required=True, max_length=100)
SIGNER_NAME = FieldSpec("signer_name", "Họ và tên người ký", required=True, max_length=50)
URGENCY = FieldSpec("urgency", "Độ khẩn", FieldKind.CHOICE, choices=URGENCY_CHOICES)
CIRCULATION = FieldSpec(
    "circulation",
    "Chỉ dẫn phạm vi lưu hành",
    max_length=100,
    help_text="Ví dụ: XEM XONG TRẢ LẠI, LƯU HÀNH NỘI BỘ.",
)
DRAFTER_INITIALS = FieldSpec("drafter_initials", "Chữ viết tắt tên người soạn thảo", max_length=10)
COPIES = FieldSpec("copies", "Số lượng bản", FieldKind.NUMBER, max_length=3)
ISSUING_AUTHORITY = FieldSpec(
    "issuing_authority",
    "Thẩm quyền ban hành",
    required=True,
    help_text="Ví dụ: Bộ trưởng Bộ Tài nguyên và Môi trường.",
)
LEGAL_BASES = FieldSpec(
    "legal_bases",
    "Căn cứ ban hành",
    FieldKind.LIST,
    True,
    max_length=1000,
    help_text="Mỗi dòng một căn cứ: “Căn cứ Luật …;”, “Theo đề nghị của …”.",
)
PARTICIPANTS = FieldSpec(
    "participants",
    "Thành phần được mời",
    FieldKind.LIST,
    True,
    max_length=300,
    help_text="Mỗi dòng một người hoặc cơ quan được mời.",
)
MEETING_TIME = FieldSpec(
    "meeting_time",
    "Thời gian",
    required=True,
    help_text="Ví dụ: 08 giờ 00, thứ Hai, ngày 12 tháng 01 năm 2026.",
)
MEETING_PLACE = FieldSpec("meeting_place", "Địa điểm", required=True, max_length=300)

HEAD = (PARENT_AGENCY, AGENCY_NAME, AGENCY_ABBREVIATION, UNIT_ABBREVIATION, PLACE)
TAIL = (
    RECIPIENTS,
    SIGNING_AUTHORITY,
    AUTHORITY_TITLE,
    SIGNER_POSITION,
    SIGNER_NAME,
    URGENCY,
    CIRCULATION,
    DRAFTER_INITIALS,
    COPIES,
)


def _optional(spec: FieldSpec) -> FieldSpec:
    return FieldSpec(
        spec.code,
        spec.label,
        spec.kind,
        False,
        spec.max_length,
        spec.max_items,
        spec.choices,
        spec.help_text,
        spec.max_value,
    )


TEMPLATES: dict[str, Template] = {
    t.code: t
    for t in (
        Template("cong_van", "Công văn", "", "", (*HEAD, SUBJECT, KINH_GUI, BODY, *TAIL)),
        Template(
            "quyet_dinh",
            "Quyết định",
            "QĐ",
            "Quyết định",
            (*HEAD, SUBJECT, ISSUING_AUTHORITY, LEGAL_BASES, BODY, *TAIL),
        ),
        Template(
            "to_trinh", "Tờ trình", "TTr", "Tờ trình", (*HEAD, SUBJECT, KINH_GUI, BODY, *TAIL)
        ),
        Template(
            "bao_cao",
            "Báo cáo",
            "BC",
            "Báo cáo",
            (*HEAD, SUBJECT, _optional(KINH_GUI), BODY, *TAIL),
        ),
        Template("thong_bao", "Thông báo", "TB", "Thông báo", (*HEAD, SUBJECT, BODY, *TAIL)),
        Template("ke_hoach", "Kế hoạch", "KH", "Kế hoạch", (*HEAD, SUBJECT, BODY, *TAIL)),
        Template(
            "giay_moi",
            "Giấy mời",
            "GM",
            "Giấy mời",
            (
                *HEAD,
                SUBJECT,
                PARTICIPANTS,
                MEETING_TIME,
                MEETING_PLACE,
                _optional(BODY),
                *TAIL,
            ),
        ),
    )
}


def get_template(code: str) -> Template:
    """The template with this code, or ValidationFailed (unknown code)."""
    try:
        return TEMPLATES[code]
    except KeyError:
        message = UNKNOWN_TEMPLATE.format(code=code)
        raise ValidationFailed(message, fields={"template": message}) from None


def check_fields(template_code: str, values: Values) -> None:
    """Refuse, with a Vietnamese message per field, values that the template cannot take:
    a required field missing, a value or a line too long, too many lines, an unknown choice,
    a number out of range; an unknown template code is refused too. Fields the template does
    not know are ignored."""
    template = get_template(template_code)
    errors: dict[str, str] = {}
    for spec in template.fields:
        message = _field_error(spec, values.get(spec.code))
        if message:
            errors[spec.code] = message
    authority = _text(values.get(SIGNING_AUTHORITY.code))
    if (
        authority
        and SIGNING_AUTHORITY.code not in errors
        and not _text(values.get(AUTHORITY_TITLE.code))
        and AUTHORITY_TITLE.code not in errors
    ):
        errors[AUTHORITY_TITLE.code] = (
            f"Vui lòng nhập {_lower_first(AUTHORITY_TITLE.label)} (ký {authority})."
        )
    if errors:
        raise ValidationFailed(INVALID, fields=errors)


def _field_error(spec: FieldSpec, raw: str | Sequence[str] | None) -> str | None:
    if raw is not None and not isinstance(raw, str | list | tuple):
        return f"{spec.label}: giá trị không hợp lệ."
    if spec.kind is FieldKind.LIST:
        lines = _lines(raw)
        if not lines:
            return spec.missing_message if spec.required else None
        if len(lines) > spec.max_items:
            return f"{spec.label} không được quá {spec.max_items} dòng."
        for index, line in enumerate(lines, 1):
            if len(line) > spec.max_length:
                return f"{spec.label}: dòng {index} không được dài quá {spec.max_length} ký tự."
        return None
    if not isinstance(raw, str | None):
        return f"{spec.label}: chỉ nhập một giá trị."
    text = _text(raw)
    if not text:
        return spec.missing_message if spec.required else None
    if spec.kind is FieldKind.NUMBER:
        if not text.isdigit() or not 1 <= int(text) <= spec.max_value:
            return f"{spec.label} phải là số nguyên từ 1 đến {spec.max_value}."
        return None
    if len(text) > spec.max_length:
        return f"{spec.label} không được dài quá {spec.max_length} ký tự."
    if spec.kind is FieldKind.TEXT and ("\n" in text or "\r" in text):
        return f"{spec.label} chỉ được nhập trên một dòng."
    if spec.kind is FieldKind.CHOICE and text not in {value for value, _ in spec.choices}:
        return f"{spec.label}: lựa chọn không hợp lệ."
    return None


def _text(raw: str | Sequence[str] | None) -> str:
    return raw.strip() if isinstance(raw, str) else ""


def _lines(raw: str | Sequence[str] | None) -> tuple[str, ...]:
    """A list field's values: a list as given, or a text split at line breaks; blank lines
    dropped, each line stripped."""
    if raw is None:
        return ()
    items = raw.splitlines() if isinstance(raw, str) else [str(item) for item in raw]
    return tuple(line.strip() for line in items if line.strip())


def content_from_values(template_code: str, values: Values) -> DraftContent:
    """Check the values (`check_fields`) and build the draft's content from them."""
    check_fields(template_code, values)
    template = get_template(template_code)

    def text(code: str) -> str:
        return _text(values.get(code)) if template.field(code) else ""

    def lines(code: str) -> tuple[str, ...]:
        return _lines(values.get(code)) if template.field(code) else ()

    issuer = Issuer(
        agency_name=text("agency_name"),
        agency_abbreviation=text("agency_abbreviation").upper(),
        unit_abbreviation=text("unit_abbreviation").upper(),
        parent_agency=text("parent_agency"),
    )
    copies = text("copies")
    meeting = None
    if template.field(MEETING_TIME.code):
        meeting = Meeting(
            time=text("meeting_time"),
            place=text("meeting_place"),
            participants=lines("participants"),
        )
    return DraftContent(
        issuer=issuer,
        type_code=template.type_code,
        type_name=template.type_name,
        symbol=make_symbol(
            type_code=template.type_code,
            agency_abbreviation=issuer.agency_abbreviation,
            unit_abbreviation=issuer.unit_abbreviation,
        ),
        place=text("place"),
        subject=text("subject"),
        signature=Signature(
            position=text("signer_position"),
            name=text("signer_name"),
            authority=SigningAuthority(text("signing_authority")),
            authority_title=text("authority_title"),
        ),
        body=lines("body"),
        kinh_gui=lines("kinh_gui"),
        recipients=lines("recipients"),
        urgency=Urgency(text("urgency")),
        circulation=text("circulation"),
        drafter_initials=text("drafter_initials"),
        copies=int(copies) if copies else None,
        legal_bases=lines("legal_bases"),
        issuing_authority=text("issuing_authority"),
        meeting=meeting,
    )
