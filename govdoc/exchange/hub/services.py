"""Every write of the hub: the directory, credentials, sending, fetching and acknowledging
packets. Each owns its transaction; a refused call changes nothing.

A delivery moves waiting → fetched → done | failed (and waiting | fetched → expired when
retention gives up on it). Changes are compare-and-set updates under the packet's row lock,
so that concurrent fetches and acknowledgements of one packet see each other.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from govdoc.core import sql_rows as rows
from govdoc.core.errors import NotFound, ValidationFailed
from govdoc.exchange.hub import conf
from govdoc.exchange.hub.auth import PREFIX_SHOWN, hash_key, new_key, normalize_fingerprint
from govdoc.exchange.hub.errors import (
    Gone,
    LengthRequired,
    PacketTooLarge,
    UnknownRecipients,
)
from govdoc.exchange.hub.models import (
    OPEN_STATUSES,
    Agency,
    Credential,
    Delivery,
    DeliveryStatus,
    Packet,
    PacketKind,
)
from govdoc.exchange.hub.storage import Readable, StagedPacket, packet_name, packet_store

ORGAN_ID_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
ORGAN_ID_MESSAGE = (
    "Mã định danh phải có 13 ký tự dạng XXX.XX.XX.Y99 (ví dụ 000.00.00.G12): "
    "ba nhóm chữ số và một chữ cái in hoa kèm hai chữ số."
)
TYPE_HEADER = "X-Edxml-Type"
TO_HEADER = "X-Edxml-To"
MAX_REASON = 1000
_UTF8_BOM = b"\xef\xbb\xbf"


def _size(size: int) -> str:
    """52428800 → "50 MB", 1500000 → "1,4 MB", 2048 → "2 KB" (Vietnamese decimal comma)."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            text = f"{value:.0f}" if value == int(value) or value >= 10 else f"{value:.1f}"
            return f"{text.replace('.', ',')} {unit}"
    return f"{size} byte"


def clean_organ_id(value: str) -> str:
    return "".join(value.split()).upper()


def is_valid_organ_id(value: str) -> bool:
    return bool(ORGAN_ID_RE.match(value))


# -- directory ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyInput:
    """Fields of an agency as given by the API or a command; None: leave unchanged."""

    name: str | None = None
    parent: str | None = None  # OrganId; "" clears it
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    active: bool | None = None
    mtls_fingerprints: Sequence[str] | None = None


def _clean_fingerprints(values: Iterable[str], errors: dict[str, str]) -> list[str]:
    cleaned: list[str] = []
    for value in values:
        fingerprint = normalize_fingerprint(value)
        if fingerprint is None:
            errors["mtls_fingerprints"] = (
                f"Vân tay chứng thư không hợp lệ: {value!r}. Cần SHA-256 dạng 64 chữ số "
                "thập lục phân (có thể có dấu hai chấm)."
            )
            return []
        if fingerprint not in cleaned:
            cleaned.append(fingerprint)
    return cleaned


def _would_cycle(agency: Agency | None, parent: Agency) -> bool:
    if agency is None or agency.pk is None:
        return False
    current: Agency | None = parent
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        if current.pk == agency.pk:
            return True
        seen.add(current.pk)
        current = current.parent
    return False


def _apply(agency: Agency, data: AgencyInput, errors: dict[str, str]) -> None:
    if data.name is not None:
        name = " ".join(data.name.split())
        if not name:
            errors["name"] = "Vui lòng nhập tên cơ quan."
        elif len(name) > 300:
            errors["name"] = "Tên cơ quan tối đa 300 ký tự."
        agency.name = name
    if data.parent is not None:
        parent_id = clean_organ_id(data.parent)
        if not parent_id:
            agency.parent = None
        else:
            parent = Agency.objects.filter(organ_id=parent_id).first()
            if parent is None:
                errors["parent"] = f"Không có cơ quan {parent_id} trên trạm."
            elif parent_id == agency.organ_id or _would_cycle(agency, parent):
                errors["parent"] = "Cơ quan cấp trên không được là chính nó hay cấp dưới của nó."
            else:
                agency.parent = parent
    if data.email is not None:
        email = data.email.strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = "Địa chỉ thư điện tử không hợp lệ."
        agency.email = email
    if data.phone is not None:
        agency.phone = data.phone.strip()[:50]
    if data.address is not None:
        address = " ".join(data.address.split())
        if len(address) > 500:
            errors["address"] = "Địa chỉ tối đa 500 ký tự."
        agency.address = address
    if data.active is not None:
        agency.active = data.active
    if data.mtls_fingerprints is not None:
        agency.mtls_fingerprints = _clean_fingerprints(data.mtls_fingerprints, errors)


def agency_create(*, organ_id: str, data: AgencyInput) -> Agency:
    errors: dict[str, str] = {}
    code = clean_organ_id(organ_id)
    if not is_valid_organ_id(code):
        errors["organ_id"] = ORGAN_ID_MESSAGE
    elif Agency.objects.filter(organ_id=code).exists():
        errors["organ_id"] = f"Cơ quan {code} đã có trên trạm."
    if data.name is None:
        errors["name"] = "Vui lòng nhập tên cơ quan."
    agency = Agency(organ_id=code)
    _apply(agency, data, errors)
    if errors:
        raise ValidationFailed("Thông tin cơ quan chưa hợp lệ.", fields=errors)
    try:
        with transaction.atomic():
            agency.save()
    except IntegrityError:
        message = f"Cơ quan {code} đã có trên trạm."
        raise ValidationFailed(message, fields={"organ_id": message}) from None
    return agency


def agency_get(organ_id: str) -> Agency:
    code = clean_organ_id(organ_id)
    found = Agency.objects.select_related("parent").filter(organ_id=code).first()
    if found is None:
        raise NotFound(f"Không có cơ quan {code} trên trạm.")
    return found


def agency_update(*, organ_id: str, data: AgencyInput) -> Agency:
    code = clean_organ_id(organ_id)
    with transaction.atomic():
        agency = Agency.objects.select_for_update().filter(organ_id=code).first()
        if agency is None:
            raise NotFound(f"Không có cơ quan {code} trên trạm.")
        errors: dict[str, str] = {}
        _apply(agency, data, errors)
        if errors:
            raise ValidationFailed("Thông tin cơ quan chưa hợp lệ.", fields=errors)
        agency.save()
    return agency


def credential_issue(*, agency: Agency | None, rotate: bool = False) -> tuple[Credential, str]:
    """A new key for an agency (agency given) or an administrator (None), shown once.
    `rotate` revokes the owner's other keys at once; without it they stay valid, so that a
    key can be replaced without a gap."""
    raw_key = new_key(admin=agency is None)
    with transaction.atomic():
        if rotate:
            others = Credential.objects.filter(revoked_at__isnull=True)
            others = (
                others.filter(agency=agency) if agency is not None else others.filter(is_admin=True)
            )
            others.update(revoked_at=timezone.now())
        credential = Credential.objects.create(
            agency=agency,
            is_admin=agency is None,
            prefix=raw_key[:PREFIX_SHOWN],
            key_hash=hash_key(raw_key),
        )
    return credential, raw_key


def agency_polled(*, agency: Agency, empty: bool) -> None:
    """The agency listed its inbox: when (every listing), and one more empty listing (those
    are not journaled). One UPDATE, in place: `updated_at` (the directory's clock) stays."""
    polls = rows.column(Agency, "empty_polls")
    rows.execute(
        f"UPDATE {rows.table(Agency)} SET {rows.column(Agency, 'last_polled_at')} = %s, "
        f"{polls} = {polls} + %s WHERE {rows.column(Agency, 'id')} = %s",
        [rows.prep(Agency, "last_polled_at", timezone.now()), 1 if empty else 0, agency.pk],
    )


# -- packets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    packet: Packet
    created: bool


def _clean_kind(value: str | None) -> str:
    kind = (value or "").strip().lower()
    if kind not in PacketKind.values:
        message = f"Tiêu đề {TYPE_HEADER} phải là edoc hoặc status."
        raise ValidationFailed(message, fields={TYPE_HEADER: message})
    return kind


_RECIPIENT = ("id", "organ_id", "name", "active")


def _recipients(value: str | None) -> list[Agency]:
    codes: list[str] = []
    for part in (value or "").split(","):
        code = clean_organ_id(part)
        if code and code not in codes:
            codes.append(code)
    if not codes:
        message = f"Tiêu đề {TO_HEADER} phải nêu ít nhất một mã định danh cơ quan nhận."
        raise ValidationFailed(message, fields={TO_HEADER: message})
    if len(codes) > conf.max_recipients():
        message = f"Mỗi gói tin gửi tối đa {conf.max_recipients()} cơ quan nhận."
        raise ValidationFailed(message, fields={TO_HEADER: message})
    malformed = [code for code in codes if not is_valid_organ_id(code)]
    if malformed:
        message = f"Mã định danh không hợp lệ: {', '.join(malformed)}. {ORGAN_ID_MESSAGE}"
        raise ValidationFailed(message, fields={TO_HEADER: message})
    placeholders = ", ".join(["%s"] * len(codes))
    found = rows.rows(
        f"SELECT {rows.columns(Agency, _RECIPIENT)} FROM {rows.table(Agency)} "
        f"WHERE {rows.column(Agency, 'organ_id')} IN ({placeholders}) "
        f"AND {rows.column(Agency, 'active')} = %s",
        [*codes, rows.prep(Agency, "active", True)],
    )
    known = {a.organ_id: a for a in (rows.load(Agency, _RECIPIENT, row) for row in found)}
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise UnknownRecipients(
            "Trạm không có hoặc đang ngừng hoạt động các cơ quan nhận: "
            f"{', '.join(unknown)}. Không có gì được lưu.",
            recipients=unknown,
            field=TO_HEADER,
        )
    return [known[code] for code in codes]


def _check_xml(staged: StagedPacket) -> None:
    head = staged.head.removeprefix(_UTF8_BOM).lstrip()
    if not head.startswith(b"<"):
        message = "Nội dung gửi lên không phải gói tin XML (edXML)."
        raise ValidationFailed(message, fields={"body": message})


def packet_send(
    *,
    sender: Agency,
    kind: str | None,
    to: str | None,
    body: Readable,
    length: int | None,
    on_created: Callable[[Packet], None] | None = None,
) -> SendResult:
    """Store a packet for its recipients: the bytes durably first (written and fsynced),
    then the Packet and one Delivery per recipient in one transaction.

    Everything that can be refused without the bytes (type, recipients, declared size) is
    checked before a byte is read. The same bytes sent again by the same sender, while the
    first packet is kept, return that packet and deliver nothing new. `on_created` runs
    inside the transaction that writes a new packet (the API journals the call there).
    """
    if length is None:
        raise LengthRequired("Thiếu tiêu đề Content-Length: gửi gói tin với độ dài xác định.")
    cap = conf.max_packet_bytes()
    if length > cap:
        raise PacketTooLarge(f"Gói tin {_size(length)} vượt quá giới hạn {_size(cap)} của trạm.")
    if length <= 0:
        message = "Gói tin rỗng."
        raise ValidationFailed(message, fields={"body": message})
    packet_kind = _clean_kind(kind)
    recipients = _recipients(to)

    store = packet_store()
    staged = store.stage(body, length)
    try:
        _check_xml(staged)
        # No look-up first: the unique (sender, sha256) constraint answers a repeat (below),
        # one query less for every new packet; a repeat costs a rename and a removal.
        packet_uuid = uuid.uuid4()
        name = packet_name(packet_uuid)
        store.commit(staged, name)
        try:
            now = timezone.now()
            with transaction.atomic():
                packet = _insert_packet(
                    Packet(
                        uuid=packet_uuid,
                        sender=sender,
                        kind=packet_kind,
                        sha256=staged.sha256,
                        size=staged.size,
                        storage_name=name,
                        created_at=now,
                        changed_at=now,
                    ),
                    recipients,
                )
                if on_created is not None:
                    on_created(packet)
        except IntegrityError:
            # The same bytes from the same sender are kept already (sent again, or at the
            # same moment): that packet, nothing delivered again.
            store.delete(name)
            existing = _kept(sender, staged.sha256)
            if existing is None:
                raise
            return SendResult(packet=existing, created=False)
        except BaseException:
            store.delete(name)
            raise
        return SendResult(packet=packet, created=True)
    finally:
        store.discard(staged)


def _insert_packet(packet: Packet, recipients: Sequence[Agency]) -> Packet:
    """The packet's row and one waiting delivery per recipient: two INSERTs (`rows`)."""
    return insert_packets([(packet, recipients)])[0]


DELIVERIES_PER_INSERT = 2000
"""Rows of one INSERT of deliveries (5 parameters each: PostgreSQL takes 65,535 a statement)."""


def insert_packets(packets: Sequence[tuple[Packet, Sequence[Agency]]]) -> list[Packet]:
    """New packets and one waiting delivery per recipient of each, in one INSERT of the
    packets and one of their deliveries (more for very many recipients)."""
    made = [packet for packet, _recipients in packets]
    rows.save_new_many(made)
    d = Delivery
    written = ("packet_id", "recipient_id", "status", "fetch_count", "reason")
    pairs = [(packet.pk, agency.pk) for packet, recipients in packets for agency in recipients]
    for start in range(0, len(pairs), DELIVERIES_PER_INSERT):
        chunk = pairs[start : start + DELIVERIES_PER_INSERT]
        params: list[Any] = []
        for packet_pk, agency_pk in chunk:
            params += [packet_pk, agency_pk, DeliveryStatus.WAITING.value, 0, ""]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
        rows.execute(
            f"INSERT INTO {rows.table(d)} ({rows.columns(d, written)}) VALUES {values}", params
        )
    return made


def _kept(sender: Agency, sha256: str) -> Packet | None:
    return (
        Packet.objects.select_related("sender")
        .filter(sender=sender, sha256=sha256, purged_at__isnull=True)
        .first()
    )


_VISIBLE = ("id", "uuid", "sender_id", "kind", "sha256", "size", "storage_name", "purged_at")


def _visible_to(agency: Agency, packet_uuid: uuid.UUID) -> Packet:
    """A packet the agency sent or receives; NotFound otherwise (the same for both)."""
    packet = visible_packets(agency, [packet_uuid]).get(packet_uuid)
    if packet is None:
        raise NotFound()
    return packet


def visible_packets(agency: Agency, packet_uuids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Packet]:
    """The packets among these the agency sent or receives, in one statement, each with the
    caller's delivery status as `delivery_status` (None: the sender, not a recipient)."""
    p, d, a = Packet, Delivery, Agency
    placeholders = ", ".join(["%s"] * len(packet_uuids))
    found = rows.rows(
        f"SELECT {rows.columns(p, _VISIBLE, 'p')}, s.{rows.column(a, 'organ_id')}, "
        f"(SELECT d.{rows.column(d, 'status')} FROM {rows.table(d)} d "
        f"WHERE d.{rows.column(d, 'packet_id')} = p.{rows.column(p, 'id')} "
        f"AND d.{rows.column(d, 'recipient_id')} = %s) "
        f"FROM {rows.table(p)} p "
        f"JOIN {rows.table(a)} s ON s.{rows.column(a, 'id')} = p.{rows.column(p, 'sender_id')} "
        f"WHERE p.{rows.column(p, 'uuid')} IN ({placeholders})",
        [agency.pk, *(rows.prep(p, "uuid", u) for u in packet_uuids)],
    )
    visible: dict[uuid.UUID, Packet] = {}
    for row in found:
        packet = rows.load(p, _VISIBLE, row[: len(_VISIBLE)])
        packet.sender = rows.load(a, ("id", "organ_id"), (packet.sender_id, row[len(_VISIBLE)]))
        status = row[len(_VISIBLE) + 1]
        if packet.sender_id != agency.pk and status is None:
            continue
        packet.delivery_status = status  # type: ignore[attr-defined]
        visible[packet.uuid] = packet
    return visible


@dataclass(frozen=True)
class Download:
    packet: Packet
    handle: BinaryIO


def packet_fetch(*, agency: Agency, packet_uuid: uuid.UUID) -> Download:
    """The packet's bytes, for its sender or a recipient. A recipient's first download moves
    its delivery from waiting to fetched (it stays in the inbox until acknowledged)."""
    packet = _visible_to(agency, packet_uuid)
    if packet.purged_at is not None:
        raise Gone(
            "Gói tin đã hết thời hạn lưu giữ trên trạm và đã bị xóa nội dung "
            f"({packet.purged_at:%d/%m/%Y})."
        )
    try:
        handle = packet_store().open(packet.storage_name)
    except FileNotFoundError:
        # Retention may have removed it since the row was read.
        if Packet.objects.filter(pk=packet.pk, purged_at__isnull=False).exists():
            raise Gone("Gói tin đã hết thời hạn lưu giữ trên trạm và đã bị xóa nội dung.") from None
        raise
    try:
        # The caller's delivery, read with the packet (`_visible_to`); None: the sender.
        status: str | None = getattr(packet, "delivery_status", None)
        if status is not None:
            _mark_fetched(packet, agency, first=status == DeliveryStatus.WAITING)
    except BaseException:
        handle.close()
        raise
    return Download(packet=packet, handle=handle)


def _mark_fetched(packet: Packet, agency: Agency, *, first: bool) -> None:
    """Count the download; the first one (the delivery was waiting) moves it to fetched,
    under the packet's row lock, and the packet's `changed_at` (what /sent follows)."""
    d, p = Delivery, Packet
    count = rows.column(d, "fetch_count")
    mine = f"WHERE {rows.column(d, 'packet_id')} = %s AND {rows.column(d, 'recipient_id')} = %s"
    recount = f"UPDATE {rows.table(d)} SET {count} = {count} + 1 {mine}"
    if not first:
        # Fetched already (or ended): only the count changes, one atomic UPDATE.
        rows.execute(recount, [packet.pk, agency.pk])
        return
    with transaction.atomic(savepoint=False):
        _lock_packet(packet.pk)
        now = timezone.now()
        moved = rows.execute(
            f"UPDATE {rows.table(d)} SET {rows.column(d, 'status')} = %s, "
            f"{rows.column(d, 'fetched_at')} = %s, {count} = {count} + 1 "
            f"{mine} AND {rows.column(d, 'status')} = %s",
            [
                DeliveryStatus.FETCHED.value,
                rows.prep(d, "fetched_at", now),
                packet.pk,
                agency.pk,
                DeliveryStatus.WAITING.value,
            ],
        )
        if moved:
            rows.execute(
                f"UPDATE {rows.table(p)} SET {rows.column(p, 'changed_at')} = %s "
                f"WHERE {rows.column(p, 'id')} = %s",
                [rows.prep(p, "changed_at", now), packet.pk],
            )
        else:  # a concurrent fetch or acknowledgement moved it first
            rows.execute(recount, [packet.pk, agency.pk])


def _lock_packet(packet_pk: int) -> None:
    p = Packet
    rows.rows(
        f"SELECT {rows.column(p, 'id')} FROM {rows.table(p)} "
        f"WHERE {rows.column(p, 'id')} = %s{rows.for_update()}",
        [packet_pk],
    )


@dataclass(frozen=True)
class AckResult:
    delivery: Delivery
    changed: bool


@dataclass(frozen=True)
class AckRequest:
    packet_uuid: uuid.UUID
    status: str
    reason: str = ""


MAX_ACKS = 500
"""Acknowledgements in one call of `packet_ack_many`."""


def _ack_outcome(status: str, reason: str, *, field_prefix: str = "") -> tuple[str, str]:
    outcome = {"done": DeliveryStatus.DONE, "fail": DeliveryStatus.FAILED}.get(status)
    if outcome is None:
        message = "Trạng thái phải là done hoặc fail."
        raise ValidationFailed(message, fields={f"{field_prefix}status": message})
    clean_reason = reason.strip()
    if len(clean_reason) > MAX_REASON:
        message = f"Lý do tối đa {MAX_REASON} ký tự."
        raise ValidationFailed(message, fields={f"{field_prefix}reason": message})
    return outcome, clean_reason


def packet_ack(*, agency: Agency, packet_uuid: uuid.UUID, status: str, reason: str) -> AckResult:
    """A recipient's transport acknowledgement: done (received and taken in) or fail (could
    not be taken in; the reason is shown to the sender). Either ends the delivery and takes
    the packet out of the inbox. A second acknowledgement changes nothing and is not an
    error."""
    outcome, clean_reason = _ack_outcome(status, reason)
    # savepoint=False: inside the API call's transaction, a refusal rolls the call back.
    with transaction.atomic(savepoint=False):
        delivery = _ack_targets(agency, [packet_uuid]).get(packet_uuid)
        if delivery is None:
            raise NotFound()
        changed = delivery.status in OPEN_STATUSES
        if changed:
            now = timezone.now()
            _end_deliveries([delivery], outcome, clean_reason, now)
            _stamp_packets([delivery.packet_id], now)
    return AckResult(delivery=delivery, changed=changed)


def packet_ack_many(
    *, agency: Agency, requests: Sequence[AckRequest]
) -> list[tuple[uuid.UUID, AckResult | None]]:
    """Several acknowledgements in one transaction (an installation acknowledges the packets
    it applied in one batch), each as `packet_ack` would; a packet that is not the agency's
    gives None in its place instead of refusing the others. Every request is checked before
    any is applied: one bad status or reason refuses the whole call, nothing changed."""
    if not requests:
        message = "Danh sách xác nhận trống."
        raise ValidationFailed(message, fields={"items": message})
    if len(requests) > MAX_ACKS:
        message = f"Mỗi lần xác nhận tối đa {MAX_ACKS} gói tin."
        raise ValidationFailed(message, fields={"items": message})
    checked = [
        (
            request.packet_uuid,
            *_ack_outcome(request.status, request.reason, field_prefix=f"items.{i}."),
        )
        for i, request in enumerate(requests)
    ]
    with transaction.atomic(savepoint=False):
        found = _ack_targets(agency, list(dict.fromkeys(u for u, _o, _r in checked)))
        changed: dict[uuid.UUID, bool] = {}
        now = timezone.now()
        # One UPDATE per outcome and reason (a batch is mostly "done" without one).
        groups: dict[tuple[str, str], list[Delivery]] = {}
        for packet_uuid, outcome, clean_reason in checked:
            delivery = found.get(packet_uuid)
            if delivery is None or packet_uuid in changed:
                continue
            changed[packet_uuid] = delivery.status in OPEN_STATUSES
            if changed[packet_uuid]:
                groups.setdefault((outcome, clean_reason), []).append(delivery)
        for (outcome, clean_reason), deliveries in groups.items():
            _end_deliveries(deliveries, outcome, clean_reason, now)
        _stamp_packets([d.packet_id for group in groups.values() for d in group], now)
    results: list[tuple[uuid.UUID, AckResult | None]] = []
    for packet_uuid, _outcome, _reason in checked:
        delivery = found.get(packet_uuid)
        results.append(
            (
                packet_uuid,
                None
                if delivery is None
                else AckResult(delivery=delivery, changed=changed.pop(packet_uuid, False)),
            )
        )
    return results


def _ack_targets(agency: Agency, packet_uuids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Delivery]:
    """The agency's deliveries of these packets, the packets row-locked in one order (their
    uuid: two batches cannot wait on each other), in one statement."""
    p, d = Packet, Delivery
    lock = rows.for_update()
    marks = ", ".join(["%s"] * len(packet_uuids))
    found = rows.rows(
        f"SELECT p.{rows.column(p, 'uuid')}, {rows.columns(d, _ACK_DELIVERY, 'd')} "
        f"FROM {rows.table(p)} p JOIN {rows.table(d)} d "
        f"ON d.{rows.column(d, 'packet_id')} = p.{rows.column(p, 'id')} "
        f"AND d.{rows.column(d, 'recipient_id')} = %s "
        f"WHERE p.{rows.column(p, 'uuid')} IN ({marks}) "
        f"ORDER BY p.{rows.column(p, 'uuid')}{lock}{' OF p' if lock else ''}",
        [agency.pk, *(rows.prep(p, "uuid", u) for u in packet_uuids)],
    )
    targets: dict[uuid.UUID, Delivery] = {}
    for row in found:
        delivery = rows.load(d, _ACK_DELIVERY, row[1:])
        delivery.recipient = agency
        packet_uuid = rows.converted(p, ("uuid",), row[:1])[0]
        targets[packet_uuid] = delivery
    return targets


def _end_deliveries(deliveries: Sequence[Delivery], outcome: str, reason: str, now: Any) -> None:
    """Open deliveries (under their packets' locks) end with `outcome`: one UPDATE."""
    d = Delivery
    status_column = rows.column(d, "status")
    marks = ", ".join(["%s"] * len(deliveries))
    opened = ", ".join(["%s"] * len(OPEN_STATUSES))
    rows.execute(
        f"UPDATE {rows.table(d)} SET {status_column} = %s, "
        f"{rows.column(d, 'acknowledged_at')} = %s, {rows.column(d, 'reason')} = %s "
        f"WHERE {rows.column(d, 'id')} IN ({marks}) AND {status_column} IN ({opened})",
        [
            outcome,
            rows.prep(d, "acknowledged_at", now),
            reason,
            *(x.pk for x in deliveries),
            *OPEN_STATUSES,
        ],
    )
    for delivery in deliveries:
        delivery.status, delivery.acknowledged_at, delivery.reason = outcome, now, reason


def _stamp_packets(packet_pks: Sequence[int], now: Any) -> None:
    """The packets whose delivery just ended changed now; those with no open delivery left
    are complete (the retention clock): one UPDATE."""
    if not packet_pks:
        return
    p, d = Packet, Delivery
    status_column = rows.column(d, "status")
    completed = rows.column(p, "completed_at")
    stamp = rows.prep(p, "completed_at", now)
    opened = ", ".join(["%s"] * len(OPEN_STATUSES))
    marks = ", ".join(["%s"] * len(packet_pks))
    rows.execute(
        f"UPDATE {rows.table(p)} SET {rows.column(p, 'changed_at')} = %s, "
        f"{completed} = CASE WHEN EXISTS (SELECT 1 FROM {rows.table(d)} o "
        f"WHERE o.{rows.column(d, 'packet_id')} = {rows.table(p)}.{rows.column(p, 'id')} "
        f"AND o.{status_column} IN ({opened})) THEN {completed} ELSE %s END "
        f"WHERE {rows.column(p, 'id')} IN ({marks})",
        [rows.prep(p, "changed_at", now), *OPEN_STATUSES, stamp, *packet_pks],
    )


_ACK_DELIVERY = ("id", "packet_id", "recipient_id", "status", "acknowledged_at", "reason")
