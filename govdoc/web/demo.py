"""The demo installation (`govdoc demo`): a ministry with its general department, units,
positions, the demo accounts (five in the ministry, the general department's clerk), a
directory of agencies, incoming documents across the current year and outgoing documents in
every state (`demo_outgoing`).

Everything is written through the services (organisations, registration), as an operator
would, so the demo also exercises validation, numbering and the journal. Only the first
superuser is created directly, as `createsuperuser` does: nobody exists yet to create it.

Idempotent: when the ministry and its demo accounts exist, nothing is written. The whole seed
runs in one transaction, so an interrupted run leaves nothing half-made to trip over.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.documents.models import DocumentType, Priority
from govdoc.documents.storage import Upload
from govdoc.incoming.inputs import IncomingInput
from govdoc.incoming.services import incoming_register
from govdoc.incoming.workflow import Medium
from govdoc.organizations.models import Agency, Position, Unit, User
from govdoc.organizations.roles import Role
from govdoc.organizations.services import (
    AgencyData,
    PersonData,
    PositionData,
    UnitData,
    agency_create,
    person_create,
    person_update,
    position_create,
    role_grant,
    unit_create,
)
from govdoc.registers.numbering import format_number
from govdoc.web import demo_data as data
from govdoc.web.demo_data import AgencySpec
from govdoc.web.demo_handling import TASKS, demo_handling
from govdoc.web.demo_outgoing import demo_general_department_clerk, demo_outgoing
from govdoc.web.demo_signing import demo_signing

DEFAULT_DOCUMENTS = 300
DEFAULT_SEED = 20_200_530  # NĐ 30/2020 was signed on 5 March 2020; any fixed number will do.
PROGRESS_EVERY = 50

# Working hours of an office: morning and afternoon sessions, as minutes after midnight.
SESSIONS = ((7 * 60 + 30, 11 * 60 + 30), (13 * 60 + 30, 17 * 60))
# Fixed public holidays (month, day); Tết moves with the lunar calendar and is left out.
HOLIDAYS = {(1, 1), (4, 30), (5, 1), (9, 2)}

# Agencies that write to the ministry about every matter; central agencies about fewer.
LOCAL_KINDS = frozenset(
    {"province", "department", "general_department", "government_office", "other"}
)

Progress = Callable[[str], None]

# The ministry's accounts, then the general department's clerk.
ALL_ACCOUNTS = (*data.ACCOUNTS, *data.GENERAL_DEPARTMENT_ACCOUNTS)


@dataclass(frozen=True)
class DemoResult:
    created: bool
    message: str
    documents: int = 0
    accounts: tuple[data.AccountSpec, ...] = ()


# ---------------------------------------------------------------------------- entry point


def demo_install(
    *,
    documents: int = DEFAULT_DOCUMENTS,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> DemoResult:
    """Seed the demo once; a second call reports what exists and changes nothing."""
    say: Progress = progress or (lambda _message: None)
    skip = _existing_state()
    if skip is not None:
        return skip
    say("Đang tạo dữ liệu mẫu…")
    rng = random.Random(seed)
    with transaction.atomic():
        admin = _bootstrap_admin()
        ministry, people = _organisation(admin, say)
        count = _incoming(ministry, people, count=documents, rng=rng, say=say)
        assigned = demo_handling(ministry, people, rng=rng, say=say) if count else 0
        demo_signing(admin=admin, ministry=ministry, people=people)
        general = Agency.objects.get(organ_id=data.GENERAL_DEPARTMENT.organ_id)
        people |= demo_general_department_clerk(admin=admin, general=general)
        outgoing = demo_outgoing(ministry=ministry, people=people, say=say) if count else None
    sent = f", {outgoing.drafts} văn bản đi ({outgoing.issued} đã phát hành)" if outgoing else ""
    message = (
        f"Đã tạo dữ liệu mẫu: {ministry.name} ({ministry.organ_id}), "
        f"{len(data.UNITS)} đơn vị, {len(data.DIRECTORY)} cơ quan trong danh bạ, "
        f"{len(ALL_ACCOUNTS)} tài khoản, {count} văn bản đến ({assigned} đã phân công xử lý)"
        f"{sent} và {len(TASKS)} công việc giao."
    )
    return DemoResult(created=True, message=message, documents=count, accounts=ALL_ACCOUNTS)


def _existing_state() -> DemoResult | None:
    """None when the demo can be seeded; otherwise why nothing will be done."""
    usernames = [account.username for account in data.ACCOUNTS]
    ministry = Agency.objects.filter(organ_id=data.MINISTRY.organ_id).first()
    if ministry is not None:
        present = User.objects.filter(username__in=usernames, agency=ministry).count()
        if present == len(usernames):
            existing = set(
                User.objects.filter(username__in=[a.username for a in ALL_ACCOUNTS]).values_list(
                    "username", flat=True
                )
            )
            return DemoResult(
                created=False,
                message="Dữ liệu mẫu đã có sẵn: không thay đổi gì.",
                # A demo seeded before the general department had its clerk has five.
                accounts=tuple(a for a in ALL_ACCOUNTS if a.username in existing),
            )
        return DemoResult(
            created=False,
            message=(
                f"Cơ quan {data.MINISTRY.organ_id} đã có trên hệ thống nhưng không phải dữ liệu "
                "mẫu: không tạo dữ liệu mẫu."
            ),
        )
    everyone = [account.username for account in ALL_ACCOUNTS]
    taken = sorted(User.objects.filter(username__in=everyone).values_list("username", flat=True))
    if taken:
        return DemoResult(
            created=False,
            message=(
                f"Tài khoản {', '.join(taken)} đã có trên hệ thống: không tạo dữ liệu mẫu "
                "(dữ liệu mẫu chỉ dành cho cài đặt mới)."
            ),
        )
    return None


# ---------------------------------------------------------------------------- organisation


def _bootstrap_admin() -> User:
    spec = data.ACCOUNTS[0]
    admin = User.objects.create_superuser(
        username=spec.username,
        email="admin@demo.govdoc.vn",
        password=data.PASSWORD,
        full_name=spec.full_name,
    )
    audit_record(
        actor=admin,
        action="person.create",
        target=admin,
        data={"username": admin.username, "superuser": True, "via": "demo"},
    )
    return admin


def _agency_data(spec: AgencySpec, *, hosted: bool, parent: Agency | None = None) -> AgencyData:
    return AgencyData(
        organ_id=spec.organ_id,
        name=spec.name,
        abbreviation=spec.abbreviation,
        parent_id=parent.pk if parent is not None else None,
        address=spec.address,
        is_hosted=hosted,
    )


def _organisation(admin: User, say: Progress) -> tuple[Agency, dict[str, User]]:
    ministry = agency_create(data=_agency_data(data.MINISTRY, hosted=True), actor=admin)
    general = agency_create(
        data=_agency_data(data.GENERAL_DEPARTMENT, hosted=True, parent=ministry), actor=admin
    )
    for name, abbreviation in data.GENERAL_DEPARTMENT_UNITS:
        unit_create(
            agency=general, data=UnitData(name=name, abbreviation=abbreviation), actor=admin
        )
    units: dict[str, Unit] = {}
    for name, abbreviation in data.UNITS:
        units[abbreviation] = unit_create(
            agency=ministry, data=UnitData(name=name, abbreviation=abbreviation), actor=admin
        )
    positions: dict[str, Position] = {}
    for name, rank in data.POSITIONS:
        positions[name] = position_create(
            agency=ministry, data=PositionData(name=name, rank=rank), actor=admin
        )
    by_code: dict[str, Agency] = {}
    for spec in data.DIRECTORY:
        parent = by_code[spec.parent] if spec.parent else None
        by_code[spec.organ_id] = agency_create(
            data=_agency_data(spec, hosted=False, parent=parent), actor=admin
        )
    say(f"Đã tạo {ministry.name}, {len(units)} đơn vị và {len(by_code)} cơ quan trong danh bạ.")

    people: dict[str, User] = {}
    for account in data.ACCOUNTS:
        unit = units[account.unit] if account.unit else None
        person_data = PersonData(
            username=account.username,
            full_name=account.full_name,
            agency_id=ministry.pk,
            email=f"{account.username}@demo.govdoc.vn",
            unit_id=unit.pk if unit else None,
            position_id=positions[account.position].pk,
        )
        if account.username == admin.username:
            person = person_update(person=admin, data=person_data, actor=admin)
        else:
            person = person_create(data=person_data, password=data.PASSWORD, actor=admin)
        role_grant(
            person=person,
            agency=ministry,
            role=account.role,
            unit=unit if account.role == Role.UNIT_LEADER else None,
            actor=admin,
        )
        people[account.username] = person
    say(f"Đã tạo {len(people)} tài khoản mẫu.")
    return ministry, people


# ---------------------------------------------------------------------------- documents


@dataclass
class _Issuer:
    spec: AgencySpec
    agency: Agency | None
    signers: list[tuple[str, str]]
    # Last number given per year: numbers grow through the issuer's year.
    last: dict[int, int] = dataclasses.field(default_factory=dict)


def _person_name(rng: random.Random) -> str:
    middle, given = data.MALE_NAMES if rng.random() < 0.6 else data.FEMALE_NAMES
    return f"{rng.choice(data.FAMILY_NAMES)} {rng.choice(middle)} {rng.choice(given)}"


def _issuers(rng: random.Random) -> list[tuple[_Issuer, int]]:
    """Each issuer with its signers and its weight among the senders."""
    agencies = {a.organ_id: a for a in Agency.objects.filter(is_hosted=False)}
    general = Agency.objects.get(organ_id=data.GENERAL_DEPARTMENT.organ_id)
    result: list[tuple[_Issuer, int]] = []
    specs = [*data.DIRECTORY, data.GENERAL_DEPARTMENT]
    for spec in specs:
        head, deputy, office = data.SIGNER_TITLES[spec.kind]
        signers = [(_person_name(rng), head), (_person_name(rng), deputy)]
        signers += [(_person_name(rng), deputy), (_person_name(rng), office)]
        agency = general if spec is data.GENERAL_DEPARTMENT else agencies[spec.organ_id]
        weight = 2 if spec.kind in {"ministry", "audit", "inspectorate"} else 4
        if spec.kind in {"general_department", "government_office"}:
            weight = 8
        result.append((_Issuer(spec=spec, agency=agency, signers=signers), weight))
    for name, notation in data.OTHER_ISSUERS:
        head, deputy, office = data.SIGNER_TITLES["other"]
        spec = AgencySpec(organ_id="", name=name, abbreviation=notation, kind="other", per_day=3)
        signers = [(_person_name(rng), head), (_person_name(rng), deputy)]
        result.append((_Issuer(spec=spec, agency=None, signers=signers), 1))
    return result


def _working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days: list[dt.date] = []
    day = start
    while day <= end:
        if day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def arrival_times(count: int, *, now: dt.datetime, rng: random.Random) -> list[dt.datetime]:
    """`count` distinct instants of this year up to `now`, in working hours of working days
    where there are any, in increasing order."""
    local_now = timezone.localtime(now)
    year_start = timezone.make_aware(dt.datetime(local_now.year, 1, 1))
    days = _working_days(year_start.date(), local_now.date())
    moments: set[dt.datetime] = set()
    attempts = 0
    while len(moments) < count and attempts < count * 50:
        attempts += 1
        if days:
            day = rng.choice(days)
            first, last = rng.choice(SESSIONS)
            minute = rng.randrange(first, last)
            moment = timezone.make_aware(
                dt.datetime.combine(day, dt.time(minute // 60, minute % 60, rng.randrange(60)))
            )
        else:
            # The very first hours of January 1: any instant so far this year.
            span = max(int((local_now - year_start).total_seconds()), 1)
            moment = year_start + dt.timedelta(seconds=rng.randrange(span))
        if year_start <= moment < local_now:
            moments.add(moment)
    ordered = sorted(moments)
    while len(ordered) < count:
        # Not enough distinct instants yet (a tiny window): fill with seconds before now.
        ordered.append(local_now - dt.timedelta(seconds=count - len(ordered)))
        ordered = sorted(set(ordered))
    return ordered[:count]


def _issued_date(arrival: dt.date, rng: random.Random) -> dt.date:
    """A working day shortly before arrival (or the same day)."""
    issued = arrival - dt.timedelta(days=rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 7]))
    while issued.weekday() >= 5:
        issued -= dt.timedelta(days=1)
    return issued


def _number(issuer: _Issuer, issued: dt.date, rng: random.Random) -> str:
    """The issuer's next number for the year: it grows with the date, never repeats."""
    day_of_year = issued.timetuple().tm_yday
    expected = issuer.spec.per_day * day_of_year * 5 // 7 + rng.randrange(issuer.spec.per_day + 1)
    number = max(expected, issuer.last.get(issued.year, 0) + 1)
    issuer.last[issued.year] = number
    return format_number(number)


def _notation(issuer: _Issuer, type_abbreviation: str, rng: random.Random) -> str:
    spec = issuer.spec
    if spec.kind == "other":
        return spec.abbreviation
    if not type_abbreviation:
        # Official letters: agency abbreviation, then the drafting unit's (NĐ 30 Phụ lục I).
        return f"{spec.abbreviation}-{rng.choice(data.DRAFTING_UNITS[spec.kind])}"
    return f"{type_abbreviation}-{spec.abbreviation}"


def _period(day: dt.date, rng: random.Random) -> str:
    quarter = ("I", "II", "III", "IV")[(day.month - 1) // 3]
    options = [
        f"tháng {day.month} năm {day.year}",
        f"quý {quarter} năm {day.year}",
        f"6 tháng đầu năm {day.year}" if day.month >= 6 else f"năm {day.year - 1}",
    ]
    return rng.choice(options)


def demo_subject(type_name: str, matter: str, place: str, day: dt.date, rng: random.Random) -> str:
    """A subject (trích yếu) for a document of this type about `matter`, sent from `place`."""
    where = f" trên địa bàn {place}" if place and rng.random() < 0.6 else ""
    if type_name == "Công văn":
        return f"Về việc {rng.choice(data.LETTER_VERBS)} {matter}{where}"
    template = rng.choice(data.SUBJECTS[type_name])
    return template.format(matter=matter + where, period=_period(day, rng), year=day.year)


def _priority(type_name: str, rng: random.Random) -> int:
    if type_name == "Công điện":
        return int(rng.choice([Priority.FLASH, Priority.FLASH, Priority.VERY_URGENT]))
    roll = rng.random()
    if roll < 0.80:
        return int(Priority.NORMAL)
    if roll < 0.92:
        return int(Priority.URGENT)
    if roll < 0.97:
        return int(Priority.VERY_URGENT)
    return int(Priority.FLASH)


def _ascii(text: str) -> str:
    """Text for the PDF's standard font, which has no Vietnamese letters."""
    plain = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", plain)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return kept.encode("ascii", "replace").decode("ascii")


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines


def make_demo_pdf(lines: list[str], *, pages: int = 1) -> bytes:
    """A small valid PDF (A4, Helvetica) showing `lines` on the first page and a page number
    on every page."""
    pages = max(1, pages)
    font_ref = 3 + 2 * pages  # after catalog, page tree, and (page, content) pairs
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        (
            "<< /Type /Pages /Kids ["
            + " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
            + f"] /Count {pages} >>"
        ).encode("ascii"),
    ]
    for index in range(pages):
        shown = (lines if index == 0 else []) + [f"Trang {index + 1}/{pages}"]
        commands = ["BT", "/F1 11 Tf", "14 TL", "60 780 Td"]
        for line in shown:
            commands.append(f"{_pdf_string(_ascii(line))} Tj T*")
        commands.append("ET")
        stream = "\n".join(commands).encode("ascii")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * index} "
            f"0 R /Resources << /Font << /F1 {font_ref} 0 R >> >> >>".encode("ascii")
        )
        objects.append(
            f"<< /Length {len(stream)} >>\nstream\n".encode("ascii") + stream + b"\nendstream"
        )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii"))
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode("ascii"))
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode(
            "ascii"
        )
    )
    return out.getvalue()


def _file_stem(number: str, notation: str) -> str:
    return _ascii(f"{number}-{notation}").replace("/", "-").replace(".", "")


def _incoming(
    ministry: Agency,
    people: dict[str, User],
    *,
    count: int,
    rng: random.Random,
    say: Progress,
) -> int:
    if count <= 0:
        return 0
    types = {t.name: t for t in DocumentType.objects.filter(is_active=True)}
    type_names = [name for name, _ in data.TYPE_WEIGHTS if name in types]
    type_weights = [weight for name, weight in data.TYPE_WEIGHTS if name in types]
    units = {u.abbreviation: u for u in Unit.objects.filter(agency=ministry)}
    issuers = _issuers(rng)
    issuer_list = [issuer for issuer, _ in issuers]
    issuer_weights = [weight for _, weight in issuers]
    clerk, specialist = people["vanthu"], people["chuyenvien"]
    moments = arrival_times(count, now=timezone.now(), rng=rng)
    for index, arrived_at in enumerate(moments, start=1):
        arrival_day = timezone.localtime(arrived_at).date()
        issuer = rng.choices(issuer_list, issuer_weights)[0]
        type_name = rng.choices(type_names, type_weights)[0]
        if issuer.spec.kind == "other" and type_name not in {"Công văn", "Giấy mời", "Báo cáo"}:
            type_name = "Công văn"
        if type_name == "Công điện" and issuer.spec.kind != "province":
            type_name = "Công văn"
        document_type = types[type_name]
        unit_code, matters = rng.choices(data.TOPICS, data.TOPIC_WEIGHTS)[0]
        while issuer.spec.kind not in LOCAL_KINDS and unit_code not in data.CENTRAL_TOPICS:
            unit_code, matters = rng.choices(data.TOPICS, data.TOPIC_WEIGHTS)[0]
        issued = _issued_date(arrival_day, rng)
        number = _number(issuer, issued, rng)
        notation = _notation(issuer, document_type.abbreviation, rng)
        subject = demo_subject(type_name, rng.choice(matters), issuer.spec.place, arrival_day, rng)
        # Official letters may be signed by the office chief "on behalf of"; the rest by the
        # head or a deputy.
        signers = issuer.signers if type_name == "Công văn" else issuer.signers[:3]
        signer_name, signer_position = rng.choice(signers)
        low, high = data.PAGES.get(type_name, (1, 4))
        pages = rng.randint(low, high)
        due: dt.date | None = None
        if type_name == "Giấy mời":
            due = arrival_day + dt.timedelta(days=rng.randint(2, 7))
        elif rng.random() < 0.25:
            due = arrival_day + dt.timedelta(days=rng.randint(5, 20))
        electronic = rng.random() < 0.85
        identifier = ""
        if electronic and issuer.agency is not None:
            identifier = f"{issuer.agency.organ_id},{issued:%Y/%m/%d},{number}/{notation}"
        unit = units.get(unit_code)
        person = specialist if unit_code == data.DEMO_UNIT and rng.random() < 0.5 else None
        header = [
            issuer.spec.name.upper(),
            f"So: {number}/{notation}",
            f"Ngay {issued:%d/%m/%Y}",
            "",
            type_name.upper(),
            *_wrap(subject, 80),
            "",
            f"Kinh gui: {ministry.name}",
            "",
            f"{signer_position}: {signer_name}",
            "(Du lieu mau govdoc)",
        ]
        stem = _file_stem(number, notation)
        main = Upload(name=f"{stem}.pdf", data=make_demo_pdf(header, pages=pages))
        attachments: tuple[Upload, ...] = ()
        if rng.random() < 0.08:
            appendix = make_demo_pdf(
                [f"Phu luc kem theo van ban so {number}/{notation}", *_wrap(subject, 80)],
                pages=rng.randint(1, 4),
            )
            attachments = (Upload(name=f"{stem}-phu-luc.pdf", data=appendix),)
        incoming_register(
            agency=ministry,
            data=IncomingInput(
                document_type_id=document_type.pk,
                subject=subject,
                issued_date=issued,
                issuer_id=issuer.agency.pk if issuer.agency is not None else None,
                issuer_name="" if issuer.agency is not None else issuer.spec.name,
                code_number=number,
                code_notation=notation,
                signer_name=signer_name,
                signer_position=signer_position,
                priority=_priority(type_name, rng),
                page_count=pages,
                due_date=due,
                receiving_unit_id=unit.pk if unit is not None else None,
                receiving_person_id=person.pk if person is not None else None,
                medium=Medium.ELECTRONIC if electronic else Medium.PAPER,
                document_identifier=identifier,
                main_file=main,
                attachments=attachments,
            ),
            actor=clerk,
            arrived_at=arrived_at,
        )
        if index % PROGRESS_EVERY == 0 or index == count:
            say(f"Đã vào sổ {index}/{count} văn bản đến.")
    return count
