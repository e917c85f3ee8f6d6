"""Property tests (hypothesis): build → parse gives back the packet, for random packets with
Vietnamese text, several recipients and attachments of random bytes; and damaged bytes are
refused with a PacketError, never another exception."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govdoc.exchange.edxml import (
    Attachment,
    Bussiness,
    BussinessDocType,
    BussinessDocumentInfo,
    Code,
    DocumentPacket,
    DocumentType,
    Organization,
    OtherInfo,
    PacketError,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusPacket,
    SteeringType,
    TraceHeader,
    build_document_packet,
    build_status_packet,
    parse_packet,
)
from govdoc.exchange.edxml.model import VIETNAM
from govdoc.exchange.edxml.tests.samples import document, tree, xml
from govdoc.exchange.edxml.tests.test_parse import shuffled

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
    "AĂÂĐÊÔƠƯÀÁẠẢÃẮẰẶẲẴẤẦẬẨẪÉÈẸẺẼẾỀỆỂỄÍÌỊỈĨÓÒỌỎÕỐỒỘỔỖỚỜỢỞỠÚÙỤỦŨỨỪỰỬỮÝỲỴỶỸ"
    " ,.;:/-–()“”'\"&<>0123456789"
)
# Any character XML 1.0 can carry (no controls, surrogates or non-characters), Vietnamese
# ones often; surrounding white space is not kept by readers, so none is generated.
characters = st.one_of(
    st.sampled_from(VIETNAMESE),
    st.characters(exclude_categories=("Cc", "Cs", "Cn")),
)
text = st.text(characters, max_size=30).map(str.strip)
line = st.text(st.sampled_from(VIETNAMESE), min_size=1, max_size=30).map(str.strip).filter(bool)
organ_ids = st.from_regex(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}", fullmatch=True)
dates = st.dates(min_value=dt.date(1945, 9, 2), max_value=dt.date(2100, 12, 31))
moments = st.datetimes(
    min_value=dt.datetime(1976, 1, 1),
    max_value=dt.datetime(2100, 12, 31),
    timezones=st.sampled_from([VIETNAM, dt.UTC]),
).map(lambda moment: moment.replace(microsecond=0))
small = st.none() | st.integers(min_value=0, max_value=10**6)
content_types = st.sampled_from(
    [
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/jpeg",
        "text/plain",
        "application/octet-stream",
    ]
)

organizations = st.builds(
    Organization,
    organ_id=organ_ids,
    organization_in_charge=text,
    organ_name=text,
    organ_add=text,
    email=text,
    telephone=text,
    fax=text,
    website=text,
)
staff = st.builds(StaffInfo, department=text, staff=text, mobile=text, email=text)
responses = st.builds(
    ResponseFor,
    organ_id=organ_ids,
    code=text,
    promulgation_date=st.none() | dates,
    document_id=text,
)
attachments = st.builds(
    Attachment,
    content_id=st.from_regex(r"[A-Za-z0-9._-]{1,24}", fullmatch=True),
    name=line,
    data=st.binary(max_size=4096),
    description=text,
    content_type=content_types,
)
bussinesses = st.builds(
    Bussiness,
    doc_type=st.sampled_from(BussinessDocType),
    doc_reason=text,
    paper=st.booleans(),
    document_id=text,
    staff_info=st.none() | staff,
    document_info=st.none()
    | st.builds(
        BussinessDocumentInfo,
        document_info=text,
        document_receiver=text,
        receivers=st.lists(
            st.builds(Receiver, receiver_type=text, organ_id=organ_ids), max_size=3
        ).map(tuple),
    ),
    replacement_info=st.lists(
        st.builds(
            ReplacementInfo,
            document_id=line,
            organ_ids=st.lists(organ_ids, max_size=3).map(tuple),
        ),
        max_size=2,
    ).map(tuple),
)
documents = st.builds(
    DocumentPacket,
    sender=organizations,
    recipients=st.lists(organizations, min_size=1, max_size=5).map(tuple),
    document_id=line,
    code=st.builds(
        Code, code_number=st.from_regex(r"[0-9]{0,5}", fullmatch=True), code_notation=text
    ),
    promulgation_info=st.builds(PromulgationInfo, place=text, promulgation_date=st.none() | dates),
    document_type=st.builds(DocumentType, type=small, type_detail=small, type_name=text),
    subject=text,
    content=st.text(characters, max_size=200).map(str.strip),
    signer_info=st.builds(SignerInfo, competence=text, position=text, full_name=text),
    due_date=st.none() | dates,
    other_info=st.builds(
        OtherInfo,
        priority=st.integers(min_value=0, max_value=4),
        sphere_of_promulgation=text,
        typer_notation=text,
        promulgation_amount=small,
        page_amount=small,
        direction=st.sampled_from(["false", "true", ""]),
        appendixes=st.lists(text, max_size=3).map(tuple),
    ),
    steering_type=st.sampled_from(SteeringType),
    to_places=st.lists(text, max_size=4).map(tuple),
    response_for=st.lists(responses, max_size=2).map(tuple),
    trace_headers=st.lists(
        st.builds(TraceHeader, organ_id=organ_ids, timestamp=moments), max_size=3
    ).map(tuple),
    bussiness=bussinesses,
    attachments=st.lists(attachments, max_size=4, unique_by=lambda a: a.content_id).map(tuple),
)
statuses = st.builds(
    StatusPacket,
    response_for=responses,
    sender=organizations,
    status_code=st.sampled_from(StatusCode),
    timestamp=moments,
    description=text,
    staff_info=st.none() | staff,
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(packet=documents)
def test_document_round_trip(packet: DocumentPacket) -> None:
    assert parse_packet(build_document_packet(packet)) == packet


@SETTINGS
@given(packet=documents)
def test_raw_attachments_round_trip(packet: DocumentPacket) -> None:
    assert parse_packet(build_document_packet(packet, zip_attachments=False)) == packet


@SETTINGS
@given(packet=documents, seed=st.integers())
def test_any_sibling_order_reads_the_same(packet: DocumentPacket, seed: int) -> None:
    data = xml(shuffled(tree(build_document_packet(packet)), seed))
    assert parse_packet(data) == packet


@SETTINGS
@given(packet=statuses)
def test_status_round_trip(packet: StatusPacket) -> None:
    assert parse_packet(build_status_packet(packet)) == packet


GOOD = build_document_packet(document())


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(), cuts=st.integers(min_value=1, max_value=8))
def test_damaged_bytes_are_refused_cleanly(seed: int, cuts: int) -> None:
    rng = random.Random(seed)
    data = bytearray(GOOD)
    for _ in range(cuts):
        position = rng.randrange(len(data))
        action = rng.choice(("flip", "delete", "insert"))
        if action == "flip":
            data[position] = rng.randrange(256)
        elif action == "delete":
            del data[position : position + rng.randint(1, 40)]
        else:
            data[position:position] = rng.choice([b"<", b">", b"&", b"<!DOCTYPE x>", b"\x00"])
    try:
        parse_packet(bytes(data))
    except PacketError as error:
        assert error.message
