"""Outgoing documents of the demo installation (`govdoc demo`): a clerk for the general
department, and documents of the ministry in every state of their path, made through the
outgoing services by the demo people.

The specialist (`chuyenvien`) drafts; the unit leader (`truongphong`) approves the content;
the clerk (`vanthu`) checks the form; the leader (`lanhdao`) approves and signs with the demo
credential; the clerk issues with the ministry's credential (both: `DEMO_P12_PASSWORD`). Some
documents stop on the way (being drafted, in review, returned, approved, signed); the issued
ones go to units of the ministry, to the general department on this installation (its clerk,
`vanthutc`, registers some, so the ministry sees them accepted), to agencies of the directory
through the interconnection, by e-mail and by post; one answers an incoming document the
specialist handles, one is revoked, one is copied (sao y).

Bodies: two documents are generated from their NĐ 30 templates (LibreOffice, about two
seconds each; drawn instead when LibreOffice is missing); the others are PDFs drawn here, with
the places for the number, the date and the signature (`[SO]`, `[NGAY_BAN_HANH]`, `[CHU_KY]`)
each in its own text run, as the templates draw them.

Everything happens today, inside the demo's transaction; what the receiving side reports back
(arrived, accepted) and the e-mail reach the sender once that transaction commits.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import astuple, dataclass
from typing import Any, cast

from govdoc.assignments.models import Assignment
from govdoc.assignments.workflow import OPEN_STATUSES, HandlingRole
from govdoc.documents.models import DocumentType
from govdoc.documents.storage import Upload
from govdoc.incoming.models import IncomingDocument, ReceivedDocument
from govdoc.incoming.received_services import received_register
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.services import (
    PersonData,
    PositionData,
    person_create,
    position_create,
    role_grant,
)
from govdoc.outgoing.access import pending_steps_for
from govdoc.outgoing.bodies import PreparedBody, prepare_template, prepare_upload
from govdoc.outgoing.drafting.content import (
    DATE_PLACEHOLDER,
    NUMBER_PLACEHOLDER,
    SIGNATURE_PLACEHOLDER,
)
from govdoc.outgoing.drafting.pdf_convert import soffice_available
from govdoc.outgoing.drafting.pdf_font import (
    EmbeddedFont,
    FontUnavailable,
    embed_font,
    find_serif_font,
)
from govdoc.outgoing.inputs import DraftInput, RecipientInput
from govdoc.outgoing.models import Draft, OutgoingDocument
from govdoc.outgoing.services.changes import outgoing_change
from govdoc.outgoing.services.circuits import draft_submit, step_approve, step_return
from govdoc.outgoing.services.copies import copy_make
from govdoc.outgoing.services.dispatching import dispatch_record_post
from govdoc.outgoing.services.drafts import draft_comment, draft_create
from govdoc.outgoing.services.issuing import draft_issue
from govdoc.outgoing.services.signing import draft_sign
from govdoc.outgoing.workflow import ChangeKind, CopyKind, Method, RecipientKind
from govdoc.web import demo_data as data
from govdoc.web.demo_data import OutgoingSpec, RecipientSpec
from govdoc.web.demo_signing import DEMO_P12_PASSWORD

Progress = Callable[[str], None]

STAGES = (
    data.DRAFTING,
    data.CONTENT_REVIEW,
    data.FORM_REVIEW,
    data.RETURNED,
    data.APPROVED,
    data.SIGNED,
    data.ISSUED,
)
# How the leader signs the ministry's documents: for the minister (ký thay).
SIGNING_AUTHORITY = "KT"
AUTHORITY_TITLE = "Bộ trưởng"
PLACE = "Hà Nội"
# Types whose layout has a "Kính gửi" line (the others list everyone under "Nơi nhận").
ADDRESSED_TYPES = frozenset({"Công văn", "Tờ trình", "Báo cáo", "Giấy mời"})


@dataclass(frozen=True)
class OutgoingSummary:
    drafts: int
    issued: int
    registered: int
    """Documents the general department's clerk registered."""
    reply: bool
    """Whether one of them answers an incoming document."""


# ---------------------------------------------------------------------------- the clerk


def demo_general_department_clerk(*, admin: User, general: Agency) -> dict[str, User]:
    """The general department's accounts (its clerk), with their position and role."""
    name, rank = data.GENERAL_DEPARTMENT_POSITION
    position = position_create(agency=general, data=PositionData(name=name, rank=rank), actor=admin)
    units = {u.abbreviation: u for u in Unit.objects.filter(agency=general)}
    people: dict[str, User] = {}
    for account in data.GENERAL_DEPARTMENT_ACCOUNTS:
        unit = units.get(account.unit)
        person = person_create(
            data=PersonData(
                username=account.username,
                full_name=account.full_name,
                agency_id=general.pk,
                email=f"{account.username}@demo.govdoc.vn",
                unit_id=unit.pk if unit else None,
                position_id=position.pk,
            ),
            password=data.PASSWORD,
            actor=admin,
        )
        role_grant(person=person, agency=general, role=account.role, actor=admin)
        people[account.username] = person
    return people


# ---------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class _Cast:
    ministry: Agency
    drafter: User
    unit_head: User
    clerk: User
    signer: User
    receiving_clerk: User
    units: dict[str, Unit]
    agencies: dict[str, Agency]
    types: dict[str, DocumentType]


def demo_outgoing(*, ministry: Agency, people: dict[str, User], say: Progress) -> OutgoingSummary:
    """Every document of `data.OUTGOING`, taken through the services up to its stage.
    `people`: the demo accounts by username, the general department's clerk among them."""
    cast = _Cast(
        ministry=ministry,
        drafter=people["chuyenvien"],
        unit_head=people["truongphong"],
        clerk=people["vanthu"],
        signer=people["lanhdao"],
        receiving_clerk=people[data.GENERAL_DEPARTMENT_ACCOUNTS[0].username],
        units={u.abbreviation: u for u in Unit.objects.filter(agency=ministry)},
        agencies={a.organ_id: a for a in Agency.objects.exclude(pk=ministry.pk)},
        types={t.name: t for t in DocumentType.objects.filter(is_active=True)},
    )
    use_templates = soffice_available()
    issued = registered = 0
    reply = False
    for spec in data.OUTGOING:
        reply_to = _reply_target(cast) if spec.reply else None
        draft = _draft(spec, cast, reply_to=reply_to, use_template=use_templates)
        outgoing = _advance(draft, spec, cast)
        if outgoing is None:
            continue
        issued += 1
        reply = reply or reply_to is not None
        registered += _follow_up(outgoing, spec, cast)
    say(
        f"Đã tạo {len(data.OUTGOING)} văn bản đi ({issued} đã phát hành, {registered} đã được "
        f"{data.GENERAL_DEPARTMENT.name} vào sổ)."
    )
    return OutgoingSummary(
        drafts=len(data.OUTGOING), issued=issued, registered=registered, reply=reply
    )


def _reply_target(cast: _Cast) -> IncomingDocument | None:
    """An incoming document the specialist handles as lead and has not finished, from an
    agency of the directory that is not on this installation (the reply goes back to it
    through the interconnection); None when the demo has none."""
    assignment = (
        Assignment.objects.filter(
            agency=cast.ministry,
            role=HandlingRole.LEAD,
            status__in=list(OPEN_STATUSES),
            assignee_person=cast.drafter,
            incoming__isnull=False,
            incoming__document__issuer__is_hosted=False,
        )
        .select_related("incoming__document__issuer")
        .order_by("-incoming__arrival_date", "-pk")
        .first()
    )
    return assignment.incoming if assignment is not None else None


def _recipient(spec: RecipientSpec, cast: _Cast) -> RecipientInput:
    if spec.unit:
        return RecipientInput(
            kind=RecipientKind.UNIT, unit_id=cast.units[spec.unit].pk, is_addressee=spec.addressee
        )
    if spec.agency:
        return RecipientInput(
            kind=RecipientKind.AGENCY,
            agency_id=cast.agencies[spec.agency].pk,
            is_addressee=spec.addressee,
        )
    return RecipientInput(
        kind=RecipientKind.OTHER,
        name=spec.name,
        email=spec.email,
        address=spec.address,
        is_addressee=spec.addressee,
    )


def _recipient_name(spec: RecipientSpec, cast: _Cast) -> str:
    if spec.unit:
        return cast.units[spec.unit].name
    if spec.agency:
        return cast.agencies[spec.agency].name
    return spec.name


def _draft(
    spec: OutgoingSpec, cast: _Cast, *, reply_to: IncomingDocument | None, use_template: bool
) -> Draft:
    subject, body, recipients = spec.subject, spec.body, spec.recipients
    if reply_to is not None:
        source = reply_to.document
        assert source.issuer is not None
        subject = f"Về việc trả lời Văn bản số {source.code} của {source.issuer.name}"
        body = (
            f"{cast.ministry.name} nhận được Văn bản số {source.code} ngày "
            f"{source.issued_date:%d/%m/%Y} của {source.issuer.name} về việc "
            f"{_lower_first(_strip_prefix(source.subject))}.",
            *body[1:],
        )
        recipients = (RecipientSpec(agency=source.issuer.organ_id),)
    document_type = cast.types[spec.type_name]
    draft_data = DraftInput(
        document_type_id=document_type.pk,
        subject=subject[:500],
        signer_id=cast.signer.pk,
        priority=spec.priority,
        signing_authority=SIGNING_AUTHORITY,
        authority_title=AUTHORITY_TITLE,
        signer_position=cast.signer.position.name if cast.signer.position else "",
        reply_to_id=reply_to.pk if reply_to is not None else None,
        due_date=reply_to.document.due_date if reply_to is not None else None,
        recipients=tuple(_recipient(r, cast) for r in recipients),
    )
    prepared: PreparedBody | None = None
    if spec.template and use_template:
        prepared = prepare_template(
            agency=cast.ministry,
            data=draft_data,
            template_code=spec.template,
            values={
                "body": list(body),
                "drafter_initials": _initials(cast.drafter),
                **dict(spec.values),
            },
            drafter=cast.drafter,
        )
        if prepared.pdf is None:
            prepared = None  # the conversion failed: a drawn body instead
    if prepared is None:
        pdf = draft_pdf(
            DraftLayout(
                agency=cast.ministry.name,
                symbol=_symbol(document_type, cast),
                type_name="" if spec.type_name == "Công văn" else _type_title(spec.type_name),
                subject=subject,
                kinh_gui=tuple(_recipient_name(r, cast) for r in recipients if r.addressee)
                if spec.type_name in ADDRESSED_TYPES
                else (),
                body=body,
                authority=f"{SIGNING_AUTHORITY}. {AUTHORITY_TITLE.upper()}",
                position=draft_data.signer_position.upper(),
                signer=cast.signer.full_name,
                recipients=_recipient_lines(spec, recipients, cast),
                urgency="Khẩn" if spec.priority else "",
            )
        )
        prepared = prepare_upload(Upload(name=f"{_slug(subject)}.pdf", data=pdf))
    return draft_create(agency=cast.ministry, data=draft_data, actor=cast.drafter, body=prepared)


def _approve(draft: Draft, person: User) -> None:
    for step in pending_steps_for(person, draft):
        step_approve(step=step, actor=person, note="Đồng ý")
    draft.refresh_from_db()


def _advance(draft: Draft, spec: OutgoingSpec, cast: _Cast) -> OutgoingDocument | None:
    """Take the draft through the circuit up to the spec's stage; the issued document when
    it gets that far."""
    if spec.stage not in STAGES:
        raise ValueError(f"unknown stage {spec.stage!r}")
    if spec.stage == data.DRAFTING:
        return None
    draft_submit(draft=draft, actor=cast.drafter)
    draft.refresh_from_db()
    if spec.stage == data.CONTENT_REVIEW:
        return None
    if spec.comment:
        draft_comment(draft=draft, text=spec.comment, actor=cast.unit_head)
    _approve(draft, cast.unit_head)
    if spec.stage == data.FORM_REVIEW:
        return None
    if spec.stage == data.RETURNED:
        for step in pending_steps_for(cast.clerk, draft):
            step_return(step=step, actor=cast.clerk, reason=spec.reason)
        return None
    _approve(draft, cast.clerk)
    _approve(draft, cast.signer)
    if spec.stage == data.APPROVED:
        return None
    draft_sign(draft=draft, actor=cast.signer, password=DEMO_P12_PASSWORD)
    draft.refresh_from_db()
    if spec.stage == data.SIGNED:
        return None
    return draft_issue(draft=draft, actor=cast.clerk, password=DEMO_P12_PASSWORD).outgoing


def _follow_up(outgoing: OutgoingDocument, spec: OutgoingSpec, cast: _Cast) -> int:
    """After issuing: the posting recorded, the general department's registration, the copy,
    the revocation. Returns how many documents the general department registered."""
    registered = 0
    receipt, postage = spec.post
    for dispatch in outgoing.dispatches.select_related("recipient").order_by("pk"):
        if dispatch.method == Method.POST and receipt:
            dispatch_record_post(
                dispatch=dispatch, actor=cast.clerk, postal_receipt=receipt, postage=postage
            )
        if spec.register and dispatch.method == Method.LOCAL and dispatch.received_ref:
            received = ReceivedDocument.objects.get(pk=int(dispatch.received_ref))
            if received.agency_id == cast.receiving_clerk.agency_id:
                received_register(received=received, actor=cast.receiving_clerk)
                registered += 1
    if spec.copy_for:
        copy_make(
            source=outgoing.document,
            kind=CopyKind.SY,
            actor=cast.clerk,
            recipients=spec.copy_for,
            password=DEMO_P12_PASSWORD,
        )
    if spec.revoke:
        outgoing_change(
            outgoing=outgoing, kind=ChangeKind.REVOKE, reason=spec.revoke, actor=cast.clerk
        )
    return registered


# ---------------------------------------------------------------------------- helpers


def _symbol(document_type: DocumentType, cast: _Cast) -> str:
    """The symbol the document will get (as issuing writes it): "QĐ-BTNMT", "BTNMT-KHTC"."""
    agency = cast.ministry.abbreviation.upper()
    if document_type.abbreviation:
        return f"{document_type.abbreviation}-{agency}"
    unit = cast.drafter.unit.abbreviation.upper() if cast.drafter.unit else ""
    return f"{agency}-{unit}"


def _type_title(type_name: str) -> str:
    return type_name.split(" (")[0].upper()


def _recipient_lines(
    spec: OutgoingSpec, recipients: tuple[RecipientSpec, ...], cast: _Cast
) -> tuple[str, ...]:
    addressed = spec.type_name in ADDRESSED_TYPES
    lines = ["Như trên;"] if addressed and any(r.addressee for r in recipients) else []
    lines += [f"{_recipient_name(r, cast)};" for r in recipients if not (addressed and r.addressee)]
    unit = cast.drafter.unit.abbreviation if cast.drafter.unit else ""
    lines.append(f"Lưu: VT, {unit}." if unit else "Lưu: VT.")
    return tuple(lines)


def _initials(person: User) -> str:
    words = person.full_name.split()
    return "".join(w[0] for w in words).upper()[:10]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _strip_prefix(subject: str) -> str:
    for prefix in ("Về việc ", "V/v "):
        if subject.startswith(prefix):
            return subject[len(prefix) :]
    return subject


def _ascii(text: str) -> str:
    plain = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", plain)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return kept.encode("ascii", "replace").decode("ascii")


def _slug(text: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in _ascii(text).lower()).split()
    return "-".join(words[:8]) or "du-thao"


# ---------------------------------------------------------------------------- drawn bodies


@dataclass(frozen=True)
class DraftLayout:
    """What a drawn draft shows, laid out as NĐ 30 Phụ lục I places it."""

    agency: str
    symbol: str
    type_name: str
    """Printed above the subject ("QUYẾT ĐỊNH"); empty for a công văn (subject under the
    number)."""
    subject: str
    kinh_gui: tuple[str, ...]
    body: tuple[str, ...]
    authority: str
    position: str
    signer: str
    recipients: tuple[str, ...]
    urgency: str = ""


PAGE_WIDTH, PAGE_HEIGHT = 595, 842
LEFT, RIGHT = 85.0, 538.0  # 30 mm and 20 mm margins
HEAD_LEFT, HEAD_RIGHT = 155.0, 412.0  # centres of the two header columns
BOTTOM = 230.0  # below this, the body continues on the next page

REGULAR, BOLD, ITALIC = "regular", "bold", "italic"
# Every letter of Vietnamese and the printable ASCII: each style is subset once for all the
# demo's documents (the subsets are cached), about 10 kB a style once compressed.
_LOWER = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệfghiìíỉĩịjklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvwxyỳýỷỹỵz"
)
ALPHABET = _LOWER + _LOWER.upper() + "".join(chr(c) for c in range(32, 127)) + "“”‘’–…"


@dataclass(frozen=True)
class _Run:
    page: int
    x: float
    y: float
    style: str
    size: float
    text: str
    white: bool = False


class _Fonts:
    """The three styles of Liberation Serif (Vietnamese glyphs) embedded as subsets, or the
    standard Times fonts with the accents dropped when no serif font is installed."""

    def __init__(self, writer: Any, text: str) -> None:
        """`text`: what the document shows (beyond `ALPHABET`, which is always there)."""
        self.embedded: dict[str, EmbeddedFont] = {}
        paths = {
            REGULAR: find_serif_font(),
            BOLD: find_serif_font(bold=True),
            ITALIC: find_serif_font(italic=True),
        }
        # Only the letters outside the alphabet change the subsets (rarely: they are cached).
        extra = "".join(sorted(set(text) - set(ALPHABET)))
        try:
            for style, path in paths.items():
                if path is None:
                    raise FontUnavailable(style)
                self.embedded[style] = embed_font(writer, path, ALPHABET + extra)
        except FontUnavailable:
            self.embedded = {}  # the standard fonts, without the accents

    def width(self, text: str, style: str, size: float) -> float:
        font = self.embedded.get(style)
        if font is None:
            return len(_ascii(text)) * size * 0.5
        return float(font.metrics.width(text, size))

    def show(self, text: str, style: str) -> str:
        font = self.embedded.get(style)
        if font is None:
            escaped = _ascii(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            return f"({escaped}) Tj"
        return f"{font.encode(text)} Tj"

    def resources(self) -> Any:
        generic = _pyhanko_generic()

        base14 = {REGULAR: "/Times-Roman", BOLD: "/Times-Bold", ITALIC: "/Times-Italic"}
        fonts = generic.DictionaryObject()
        for index, style in enumerate((REGULAR, BOLD, ITALIC), start=1):
            font = self.embedded.get(style)
            fonts[generic.NameObject(f"/F{index}")] = (
                font.reference
                if font is not None
                else generic.DictionaryObject(
                    {
                        generic.NameObject("/Type"): generic.NameObject("/Font"),
                        generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                        generic.NameObject("/BaseFont"): generic.NameObject(base14[style]),
                        generic.NameObject("/Encoding"): generic.NameObject("/WinAnsiEncoding"),
                    }
                )
            )
        return generic.DictionaryObject({generic.NameObject("/Font"): fonts})


FONT_NAMES = {REGULAR: "/F1", BOLD: "/F2", ITALIC: "/F3"}


def _pyhanko_generic() -> Any:
    """pyHanko's PDF object model (its constructors are untyped); imported when drawing."""
    from pyhanko.pdf_utils import generic

    return generic


class _Layout:
    """Runs of text placed on pages; measured with the metrics the PDF will use."""

    def __init__(self, measure: Callable[[str, str, float], float]) -> None:
        self.measure = measure
        self.runs: list[_Run] = []
        self.rules: list[tuple[int, float, float, float]] = []
        """Horizontal lines: (page, x1, x2, y)."""
        self.page = 0
        self.y = 0.0

    def at(
        self, x: float, y: float, text: str, style: str, size: float, white: bool = False
    ) -> float:
        """Draw at (x, y); returns the x after the text."""
        self.runs.append(_Run(self.page, x, y, style, size, text, white))
        return x + self.measure(text, style, size)

    def centred(
        self, centre: float, y: float, text: str, style: str, size: float, *, rule: float = 0
    ) -> None:
        """Draw centred on `centre`; `rule`: underline it with a line of that share of its
        width (the agency's name, the motto)."""
        width = self.measure(text, style, size)
        self.at(centre - width / 2, y, text, style, size)
        if rule:
            half = width * rule / 2
            self.rules.append((self.page, centre - half, centre + half, y - 4))

    def wrap(self, text: str, style: str, size: float, width: float) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}".strip()
            if current and self.measure(candidate, style, size) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        if current:
            lines.append(current)
        return lines

    def paragraph(self, text: str, *, size: float = 13, indent: float = 28) -> None:
        first = True
        remaining = text
        while remaining:
            width = RIGHT - LEFT - (indent if first else 0)
            lines = self.wrap(remaining, REGULAR, size, width)
            if not lines:
                return
            line = lines[0]
            if self.y < BOTTOM:
                self.page += 1
                self.y = PAGE_HEIGHT - 70
            self.at(LEFT + (indent if first else 0), self.y, line, REGULAR, size)
            self.y -= size * 1.35
            remaining = remaining[len(line) :].strip()
            first = False
        self.y -= 4


def _lay_out(layout: DraftLayout, measure: Callable[[str, str, float], float]) -> _Layout:
    page = _Layout(measure)
    top = PAGE_HEIGHT - 60
    page.centred(HEAD_LEFT, top, layout.agency.upper(), BOLD, 12, rule=0.4)
    page.centred(HEAD_RIGHT, top, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", BOLD, 12)
    page.centred(HEAD_RIGHT, top - 16, "Độc lập - Tự do - Hạnh phúc", BOLD, 13, rule=1)
    # Số: [SO]/QĐ-BTNMT — the number goes right-aligned in the place of [SO].
    number_y = top - 42
    label = "Số: "
    width = measure(label, REGULAR, 13) + measure(NUMBER_PLACEHOLDER, REGULAR, 13)
    width += measure(f"/{layout.symbol}", REGULAR, 13)
    x = page.at(HEAD_LEFT - width / 2, number_y, label, REGULAR, 13)
    x = page.at(x, number_y, NUMBER_PLACEHOLDER, REGULAR, 13, white=True)
    page.at(x, number_y, f"/{layout.symbol}", REGULAR, 13)
    x = page.at(HEAD_RIGHT - 95, number_y, f"{PLACE}, ", ITALIC, 13)
    page.at(x, number_y, DATE_PLACEHOLDER, ITALIC, 13, white=True)
    page.y = number_y - 22
    if not layout.type_name:
        for line in page.wrap(f"V/v {_strip_prefix(layout.subject)}", REGULAR, 12, 190):
            page.centred(HEAD_LEFT, page.y, line, REGULAR, 12)
            page.y -= 15
    if layout.urgency:
        page.at(LEFT, page.y - 8, layout.urgency.upper(), BOLD, 13)
        page.y -= 20
    page.y -= 16
    if layout.type_name:
        page.centred(PAGE_WIDTH / 2, page.y, layout.type_name, BOLD, 14)
        page.y -= 18
        for line in page.wrap(layout.subject, BOLD, 14, 360):
            page.centred(PAGE_WIDTH / 2, page.y, line, BOLD, 14)
            page.y -= 18
        page.rules.append((page.page, PAGE_WIDTH / 2 - 60, PAGE_WIDTH / 2 + 60, page.y + 10))
        page.y -= 12
    if layout.kinh_gui:
        label_end = page.at(LEFT + 70, page.y, "Kính gửi: ", REGULAR, 13)
        for index, name in enumerate(layout.kinh_gui, start=1):
            stop = "." if index == len(layout.kinh_gui) else ";"
            page.at(
                label_end,
                page.y,
                f"- {name}{stop}" if len(layout.kinh_gui) > 1 else f"{name}.",
                REGULAR,
                13,
            )
            page.y -= 18
        page.y -= 8
    for text in layout.body:
        page.paragraph(text)
    # The signature (right) and the recipients (left), side by side at the end.
    if page.y - 150 < 60:
        page.page += 1
        page.y = PAGE_HEIGHT - 70
    page.y -= 14
    end = page.y
    page.centred(HEAD_RIGHT, end, layout.authority, BOLD, 13)
    page.centred(HEAD_RIGHT, end - 16, layout.position, BOLD, 13)
    page.at(HEAD_RIGHT - 80, end - 60, SIGNATURE_PLACEHOLDER, REGULAR, 13, white=True)
    page.centred(HEAD_RIGHT, end - 112, layout.signer, BOLD, 13)
    page.at(LEFT, end, "Nơi nhận:", BOLD, 12)
    y = end - 14
    for line in layout.recipients:
        for part in page.wrap(f"- {line}", REGULAR, 11, 190):
            page.at(LEFT, y, part, REGULAR, 11)
            y -= 13
    return page


def draft_pdf(layout: DraftLayout) -> bytes:
    """A draft's body as an A4 PDF in Vietnamese (Liberation Serif subsets), with the number,
    date and signature places each drawn in a white text run of its own."""
    from pyhanko.pdf_utils import writer as pdf_writer

    generic = _pyhanko_generic()
    writer: Any = cast(Any, pdf_writer).PdfFileWriter()
    shown = "".join(v if isinstance(v, str) else "".join(v) for v in astuple(layout))
    fonts = _Fonts(writer, shown + shown.upper())
    placed = _lay_out(layout, fonts.width)
    pages = placed.page + 1
    for index in range(pages):
        operations = []
        for run in placed.runs:
            if run.page != index:
                continue
            colour = "1 1 1 rg" if run.white else "0 0 0 rg"
            operations.append(
                f"BT {colour} {FONT_NAMES[run.style]} {run.size:g} Tf "
                f"{run.x:.2f} {run.y:.2f} Td {fonts.show(run.text, run.style)} ET"
            )
        operations += [
            f"0 0 0 RG 0.6 w {x1:.2f} {y:.2f} m {x2:.2f} {y:.2f} l S"
            for page_index, x1, x2, y in placed.rules
            if page_index == index
        ]
        if pages > 1:
            label = f"{index + 1}"
            operations.append(
                f"BT 0 0 0 rg /F1 11 Tf {PAGE_WIDTH / 2:.2f} 30 Td {fonts.show(label, REGULAR)} ET"
            )
        stream = generic.StreamObject(stream_data="\n".join(operations).encode("latin-1"))
        page = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Page"),
                generic.NameObject("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(v) for v in (0, 0, PAGE_WIDTH, PAGE_HEIGHT)]
                ),
                generic.NameObject("/Contents"): writer.add_object(stream),
                generic.NameObject("/Resources"): fonts.resources(),
            }
        )
        writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
