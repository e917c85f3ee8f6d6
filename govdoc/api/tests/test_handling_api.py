"""Handling through the API: the clerk presents, the leader assigns, the unit leader assigns
within the unit, the specialist works and completes; the errors (400 with fields, 404 for
whoever may not, 409 for a clash), the queues of each persona, tasks, and the OpenAPI page."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govdoc.assignments.models import (
    Assignment,
    ExtensionRequest,
    HandlingHistory,
    Instruction,
    OpinionRequest,
    ProgressNote,
    Task,
)
from govdoc.assignments.tests.conftest import DUE, TODAY
from govdoc.audit.models import AuditEvent
from govdoc.conftest import incoming_input, make_pdf, make_person, make_png
from govdoc.documents.models import DocumentType
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_register
from govdoc.incoming.workflow import Status
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


class Api:
    """One persona's program: JSON in and out, bearer token (or a browser session)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get(f"/api{path}", query)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(f"/api{path}", body or {}, content_type="application/json")

    def upload(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(f"/api{path}", data)


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def on_a_working_day(time_machine: Any) -> None:
    # Tuesday 01/12/2026 09:00 (+07); Friday 04/12 is the usual deadline (DUE).
    time_machine.move_to(TODAY, tick=False)


@pytest.fixture
def team(personas: dict[str, User], ministry: Agency, units: dict[str, Unit]) -> dict[str, User]:
    return {
        **personas,
        "colleague": make_person(
            "chuyenvien2",
            agency=ministry,
            roles=[Role.SPECIALIST],
            unit=units["DD"],
            full_name="Đỗ Văn Phối Hợp",
        ),
        "stranger": make_person(
            "chuyenvien3",
            agency=ministry,
            roles=[Role.SPECIALIST],
            unit=units["TCCB"],
            full_name="Vũ Thị Khác Đơn Vị",
        ),
    }


@pytest.fixture
def apis(
    on_a_working_day: None, team: dict[str, User], api_client: ClientFor, client_for: ClientFor
) -> dict[str, Api]:
    """Every persona calls with a token, except the leader, who calls from a signed-in browser."""
    made = {name: Api(api_client(user)) for name, user in team.items() if name != "leader"}
    made["leader"] = Api(client_for(team["leader"]))
    return made


@pytest.fixture
def registered(
    on_a_working_day: None, team: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> IncomingDocument:
    return incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, issued_date=dt.date(2026, 11, 27), priority=1),
        actor=team["clerk"],
    )


def _present(apis: dict[str, Api], team: dict[str, User], incoming: IncomingDocument) -> Any:
    return apis["clerk"].post(
        f"/incoming/{incoming.pk}/present",
        {"leader_id": team["leader"].pk, "note": "Văn bản khẩn, xin ý kiến chỉ đạo."},
    )


def _assign_body(team: dict[str, User], units: dict[str, Unit]) -> dict[str, Any]:
    return {
        "instruction": "Giao Vụ Đất đai chủ trì, Vụ TCCB phối hợp; báo cáo trước 04/12.",
        "follow_up_id": team["clerk"].pk,
        "assignees": [
            {"role": "LEAD", "unit_id": units["DD"].pk, "due_date": DUE.isoformat()},
            {"role": "SUPPORT", "unit_id": units["TCCB"].pk, "due_date": "04/12/2026"},
            {"role": "INFO", "person_id": team["admin"].pk, "note": "Để nắm tình hình."},
        ],
    }


@pytest.fixture
def assigned(
    apis: dict[str, Api],
    team: dict[str, User],
    units: dict[str, Unit],
    registered: IncomingDocument,
) -> dict[str, int]:
    """Presented and assigned: ids of the lead (Vụ Đất đai), support and info assignments."""
    assert _present(apis, team, registered).status_code == 200
    response = apis["leader"].post(f"/incoming/{registered.pk}/assign", _assign_body(team, units))
    assert response.status_code == 201, response.json()
    lead, support, info = (a["id"] for a in response.json()["assignments"])
    return {"incoming": registered.pk, "lead": lead, "support": support, "info": info}


@pytest.fixture
def in_unit(
    apis: dict[str, Api], team: dict[str, User], assigned: dict[str, int]
) -> dict[str, int]:
    """The unit leader gave the specialist the lead and the colleague a part."""
    response = apis["unit_head"].post(
        f"/assignments/{assigned['lead']}/sub-assign",
        {
            "assignees": [
                {"role": "LEAD", "person_id": team["specialist"].pk, "due_date": "2026-12-03"},
                {"role": "SUPPORT", "person_id": team["colleague"].pk, "due_date": "2026-12-04"},
            ]
        },
    )
    assert response.status_code == 201, response.json()
    specialist, colleague = (a["id"] for a in response.json()["assignments"])
    return {**assigned, "specialist": specialist, "colleague": colleague}


def _state() -> dict[str, int]:
    return {
        "assignments": Assignment.objects.count(),
        "instructions": Instruction.objects.count(),
        "history": HandlingHistory.objects.count(),
        "notes": ProgressNote.objects.count(),
        "opinions": OpinionRequest.objects.count(),
        "extensions": ExtensionRequest.objects.count(),
        "tasks": Task.objects.count(),
        "journal": AuditEvent.objects.filter(action__startswith="handling.").count(),
    }


def _counts(api: Api) -> dict[str, int]:
    response = api.get("/queues")
    assert response.status_code == 200, response.json()
    return {row["name"]: row["count"] for row in response.json()}


# --- the whole flow -------------------------------------------------------------------------


def test_the_whole_flow_from_the_clerk_to_the_specialist(
    apis: dict[str, Api],
    team: dict[str, User],
    units: dict[str, Unit],
    registered: IncomingDocument,
) -> None:
    # given a registered urgent document; when the clerk presents it to the leader
    response = _present(apis, team, registered)
    # then it waits for the leader, who sees it in the "presented to me" queue
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "PRESENTED" and body["status_label"] == "Đã trình lãnh đạo"
    assert body["presented_to"] == {"id": team["leader"].pk, "name": "Trần Văn Lãnh Đạo"}
    assert body["presented_at"].startswith("2026-12-01T09:00:00") and body["presented_at"].endswith(
        "+07:00"
    )
    assert _counts(apis["leader"])["trinh"] == 1
    presented = apis["leader"].get("/queues/trinh").json()
    assert presented["label"] == "Văn bản trình xin ý kiến"
    [item] = presented["items"]
    assert item["kind"] == "presented" and item["incoming"]["id"] == registered.pk
    assert item["subject"]["priority_label"] == "Khẩn"
    assert "assign" in apis["leader"].get(f"/incoming/{registered.pk}/handling").json()["actions"]

    # when the leader (signed in on the browser) gives the instruction and assigns
    response = apis["leader"].post(f"/incoming/{registered.pk}/assign", _assign_body(team, units))
    # then a lead, a co-handler and a reader are created with their deadlines
    assert response.status_code == 201, response.json()
    lead, support, info = response.json()["assignments"]
    assert [a["role"] for a in (lead, support, info)] == ["LEAD", "SUPPORT", "INFO"]
    assert lead["role_label"] == "Chủ trì" and lead["assignee_name"] == "Vụ Đất đai"
    assert lead["due_date"] == "2026-12-04" and support["due_date"] == "2026-12-04"
    assert info["due_date"] is None and info["assignee_person"]["id"] == team["admin"].pk
    assert lead["status"] == "NEW" and lead["status_label"] == "Chờ xử lý"
    assert lead["follow_up"]["id"] == team["clerk"].pk
    assert lead["subject"] == {
        "kind": "incoming",
        "id": registered.pk,
        "title": registered.document.subject,
        "arrival_number": "01",
        "priority": 1,
        "priority_label": "Khẩn",
        "status": "ASSIGNED",
        "status_label": "Đã phân công",
        "due_date": None,
    }
    # and the unit leader finds the unit's work in "to handle"
    queue = apis["unit_head"].get("/queues/cho-xu-ly").json()
    assert [i["assignment"]["id"] for i in queue["items"]] == [lead["id"]]
    detail = apis["unit_head"].get(f"/assignments/{lead['id']}").json()
    assert "sub-assign" in detail["actions"] and "complete" in detail["actions"]

    # when the unit leader assigns the specialist (lead) and a colleague (support)
    response = apis["unit_head"].post(
        f"/assignments/{lead['id']}/sub-assign",
        {
            "assignees": [
                {"role": "LEAD", "person_id": team["specialist"].pk, "due_date": "03/12/2026"},
                {"role": "SUPPORT", "person_id": team["colleague"].pk, "due_date": "2026-12-04"},
            ]
        },
    )
    assert response.status_code == 201, response.json()
    mine, theirs = response.json()["assignments"]
    assert mine["parent_id"] == lead["id"] and mine["due_date"] == "2026-12-03"
    # then the specialist has it to handle, and the document is in progress
    assert [
        i["assignment"]["id"] for i in apis["specialist"].get("/queues/cho-xu-ly").json()["items"]
    ] == [mine["id"]]
    registered.refresh_from_db()
    assert registered.status == Status.IN_PROGRESS

    # when the specialist reports progress with a file (multipart)
    pdf = make_pdf("Du thao tra loi")
    response = apis["specialist"].upload(
        f"/assignments/{mine['id']}/progress",
        {
            "text": "Đã kiểm tra hồ sơ, đang dự thảo văn bản trả lời.",
            "files": [SimpleUploadedFile("du-thao.pdf", pdf, content_type="application/pdf")],
        },
    )
    # then the note is kept with its file, which can be downloaded
    assert response.status_code == 201, response.json()
    note = response.json()
    assert note["author"]["name"] == "Phạm Thị Chuyên"
    [file] = note["files"]
    assert file["name"] == "du-thao.pdf" and file["sha256"] == hashlib.sha256(pdf).hexdigest()
    download = apis["leader"].client.get(file["download_url"])
    assert download.status_code == 200 and download.getvalue() == pdf
    assert AuditEvent.objects.filter(action="file.download", actor=team["leader"]).exists()

    # when the specialist asks the colleague's opinion, who answers
    response = apis["specialist"].post(
        f"/assignments/{mine['id']}/opinions",
        {"asked_of_id": team["colleague"].pk, "question": "Anh cho ý kiến về diện tích?"},
    )
    assert response.status_code == 201, response.json()
    opinion = response.json()
    assert opinion["answered"] is False
    assert _counts(apis["colleague"])["xin-y-kien"] == 1
    asked = apis["colleague"].get("/queues/xin-y-kien").json()["items"]
    assert [(i["kind"], i["opinion"]["id"]) for i in asked] == [("opinion", opinion["id"])]
    response = apis["colleague"].post(
        f"/opinions/{opinion['id']}/answer", {"answer": "Đồng ý với diện tích đề nghị."}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["answered"] is True
    assert _counts(apis["colleague"])["xin-y-kien"] == 0

    # when the specialist asks for more time and the unit leader approves
    response = apis["specialist"].post(
        f"/assignments/{mine['id']}/extensions",
        {"requested_due": "2026-12-04", "reason": "Chờ ý kiến của địa phương."},
    )
    assert response.status_code == 201, response.json()
    extension = response.json()
    assert extension["status"] == "PENDING" and extension["current_due"] == "2026-12-03"
    assert _counts(apis["unit_head"])["gia-han"] == 1
    response = apis["unit_head"].post(
        f"/extensions/{extension['id']}/decide", {"approve": True, "note": ""}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status_label"] == "Đồng ý gia hạn"
    assert apis["specialist"].get(f"/assignments/{mine['id']}").json()["due_date"] == "2026-12-04"

    # when the specialist completes with a result
    response = apis["specialist"].post(
        f"/assignments/{mine['id']}/complete", {"result": "Đã trình dự thảo văn bản trả lời."}
    )
    # then their part, the unit's and the document are completed, on time
    assert response.status_code == 200, response.json()
    done = response.json()
    assert done["status"] == "COMPLETED" and done["completed_late"] is False
    assert done["completed_on"] == "2026-12-01" and done["actions"] == []
    assert apis["unit_head"].get(f"/assignments/{lead['id']}").json()["status"] == "COMPLETED"
    registered.refresh_from_db()
    assert registered.status == Status.COMPLETED
    assert [
        i["assignment"]["id"] for i in apis["specialist"].get("/queues/da-xu-ly").json()["items"]
    ] == [mine["id"]]

    # and the document's handling tells the whole story, and reading it is journaled
    views = AuditEvent.objects.filter(action="incoming.view", target_id=str(registered.pk))
    before = views.count()
    response = apis["clerk"].get(f"/incoming/{registered.pk}/handling")
    assert response.status_code == 200, response.json()
    handling = response.json()
    assert handling["incoming"]["status_label"] == "Đã hoàn thành"
    assert [i["text"] for i in handling["instructions"]] == [
        _assign_body(team, units)["instruction"]
    ]
    assert [(a["id"], a["depth"]) for a in handling["assignments"]] == [
        (lead["id"], 0),
        (mine["id"], 1),
        (theirs["id"], 1),
        (support["id"], 0),
        (info["id"], 0),
    ]
    assert [p["id"] for p in handling["progress"]] == [note["id"]]
    assert handling["progress"][0]["files"][0]["download_url"] == file["download_url"]
    assert [o["answer"] for o in handling["opinions"]] == ["Đồng ý với diện tích đề nghị."]
    assert [e["status"] for e in handling["extensions"]] == ["APPROVED"]
    assert [h["action"] for h in handling["history"]] == [
        "register",
        "present",
        "assign",
        "sub_assign",
        "progress",
        "ask_opinion",
        "give_opinion",
        "request_extension",
        "approve_extension",
        "complete",
    ]
    assert handling["history"][2]["action_label"] == "Phân công xử lý"
    assert handling["history"][2]["to_status_label"] == "Đã phân công"
    assert views.count() == before + 1
    event = views.latest("id")
    assert event.actor == team["clerk"] and event.data["part"] == "handling"
    assert event.data["via"] == "api" and event.data["token"]


def test_a_reader_marks_read_and_the_follow_up_chases(
    apis: dict[str, Api], assigned: dict[str, int]
) -> None:
    # given a reader's unread document
    assert _counts(apis["admin"])["de-biet"] == 1
    assert apis["admin"].get(f"/assignments/{assigned['info']}").json()["actions"] == ["read"]
    # when the reader marks it read, twice
    first = apis["admin"].post(f"/assignments/{assigned['info']}/read")
    again = apis["admin"].post(f"/assignments/{assigned['info']}/read")
    # then it is read once, and no longer counted as unread
    assert first.status_code == again.status_code == 200
    assert first.json()["read_at"] == again.json()["read_at"] is not None
    assert HandlingHistory.objects.filter(action="read").count() == 1
    assert _counts(apis["admin"])["de-biet"] == 0
    # when the follow-up person (the clerk) chases the lead unit
    response = apis["clerk"].post(
        f"/assignments/{assigned['lead']}/chase", {"text": "Đề nghị khẩn trương báo cáo."}
    )
    # then the message is kept and journaled
    assert response.status_code == 201, response.json()
    assert response.json()["sent_by"]["name"] == "Nguyễn Thị Văn Thư"
    assert AuditEvent.objects.filter(action="handling.chase").count() == 1
    chases = apis["unit_head"].get(f"/assignments/{assigned['lead']}").json()["chases"]
    assert [c["text"] for c in chases] == ["Đề nghị khẩn trương báo cáo."]


def test_the_lead_returns_and_the_leader_gives_it_back_or_takes_it_back(
    apis: dict[str, Api], assigned: dict[str, int]
) -> None:
    lead = assigned["lead"]
    # when the unit leader returns the document with a reason
    response = apis["unit_head"].post(
        f"/assignments/{lead}/return", {"reason": "Thiếu hồ sơ kèm theo."}
    )
    # then it goes back to the leader
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "RETURNED"
    assert response.json()["returned_reason"] == "Thiếu hồ sơ kèm theo."
    assert (
        apis["leader"]
        .get(f"/incoming/{assigned['incoming']}/handling")
        .json()["incoming"]["status"]
        == "PRESENTED"
    )
    assert [
        i["assignment"]["id"] for i in apis["leader"].get("/queues/tra-lai").json()["items"]
    ] == [lead]
    assert set(apis["leader"].get(f"/assignments/{lead}").json()["actions"]) == {"cancel", "reopen"}
    # when the leader gives it back with a new deadline
    response = apis["leader"].post(
        f"/assignments/{lead}/reopen", {"due_date": "10/12/2026", "note": "Đã bổ sung hồ sơ."}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "NEW" and response.json()["due_date"] == "2026-12-10"
    # and, returned once more, gives it back as it was with an empty request
    apis["unit_head"].post(f"/assignments/{lead}/return", {"reason": "Vẫn thiếu hồ sơ."})
    response = apis["leader"].client.generic("POST", f"/api/assignments/{lead}/reopen")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "NEW" and response.json()["due_date"] == "2026-12-10"
    # and later takes the co-handler's part back
    response = apis["leader"].post(
        f"/assignments/{assigned['support']}/cancel", {"reason": "Không cần phối hợp nữa."}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status_label"] == "Đã thu hồi"


# --- errors ---------------------------------------------------------------------------------

BAD_ASSIGNMENTS: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "no lead",
        {"assignees": [{"role": "SUPPORT", "unit_id": 0, "due_date": "2026-12-04"}]},
        "assignees",
        "",
    ),
    (
        "impossible date",
        {"assignees": [{"role": "LEAD", "unit_id": 0, "due_date": "32/13/2026"}]},
        "due_date",
        "dd/mm/yyyy",
    ),
    (
        "past date",
        {"assignees": [{"role": "LEAD", "unit_id": 0, "due_date": "2026-11-30"}]},
        "assignees",
        "đã qua",
    ),
    (
        "a Saturday",
        {"assignees": [{"role": "LEAD", "unit_id": 0, "due_date": "2026-12-05"}]},
        "assignees",
        "ngày nghỉ",
    ),
    ("no deadline", {"assignees": [{"role": "LEAD", "unit_id": 0}]}, "assignees", "hạn xử lý"),
    (
        "unknown role",
        {"assignees": [{"role": "BOSS", "unit_id": 0, "due_date": "2026-12-04"}]},
        "role",
        "Chọn một trong",
    ),
    ("nobody", {"assignees": []}, "assignees", "ít nhất một"),
    ("no assignees", {"assignees": None}, "assignees", "bắt buộc"),
    ("follow-up elsewhere", {"follow_up_id": -1}, "follow_up_id", "thuộc cơ quan"),
]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [case[1:] for case in BAD_ASSIGNMENTS],
    ids=[case[0] for case in BAD_ASSIGNMENTS],
)
def test_bad_assignment_is_400_with_the_field_and_writes_nothing(
    apis: dict[str, Api],
    team: dict[str, User],
    units: dict[str, Unit],
    registered: IncomingDocument,
    body: dict[str, Any],
    field: str,
    words: str,
) -> None:
    # given a presented document and an assignment with one mistake
    assert _present(apis, team, registered).status_code == 200
    # (None drops the field)
    payload = {k: v for k, v in {**_assign_body(team, units), **body}.items() if v is not None}
    for line in payload.get("assignees", []):
        if line.get("unit_id") == 0:
            line["unit_id"] = units["DD"].pk
    if payload.get("follow_up_id") == -1:
        payload["follow_up_id"] = team["outsider"].pk
    before = _state()
    # when the leader posts it
    response = apis["leader"].post(f"/incoming/{registered.pk}/assign", payload)
    # then it is refused on that field, in Vietnamese, and nothing is written
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "validation"
    assert field in response.json()["fields"], response.json()
    assert words.lower() in response.json()["fields"][field].lower(), response.json()
    assert _state() == before
    registered.refresh_from_db()
    assert registered.status == Status.PRESENTED


def test_bad_input_on_each_step_is_400_with_its_field(
    apis: dict[str, Api],
    team: dict[str, User],
    in_unit: dict[str, int],
    registered: IncomingDocument,
) -> None:
    mine = in_unit["specialist"]
    cases: list[tuple[str, Api, str, dict[str, Any], str]] = [
        (
            "present to a specialist",
            apis["clerk"],
            f"/incoming/{registered.pk}/present",
            {"leader_id": team["specialist"].pk},
            "leader_id",
        ),
        ("present to nobody", apis["clerk"], f"/incoming/{registered.pk}/present", {}, "leader_id"),
        (
            "present to 'abc'",
            apis["clerk"],
            f"/incoming/{registered.pk}/present",
            {"leader_id": "abc"},
            "leader_id",
        ),
        (
            "refuse without reason",
            apis["clerk"],
            f"/incoming/{registered.pk}/refuse",
            {"reason": "  "},
            "reason",
        ),
        (
            "ask an outsider",
            apis["specialist"],
            f"/assignments/{mine}/opinions",
            {"asked_of_id": team["outsider"].pk, "question": "?"},
            "asked_of_id",
        ),
        (
            "ask oneself",
            apis["specialist"],
            f"/assignments/{mine}/opinions",
            {"asked_of_id": team["specialist"].pk, "question": "?"},
            "asked_of_id",
        ),
        (
            "complete without result",
            apis["specialist"],
            f"/assignments/{mine}/complete",
            {"result": ""},
            "result",
        ),
        (
            "return without reason",
            apis["specialist"],
            f"/assignments/{mine}/return",
            {"reason": ""},
            "reason",
        ),
        (
            "more time before the deadline",
            apis["specialist"],
            f"/assignments/{mine}/extensions",
            {"requested_due": "2026-12-02", "reason": "Cần thêm thời gian."},
            "requested_due",
        ),
        (
            "more time on a bad date",
            apis["specialist"],
            f"/assignments/{mine}/extensions",
            {"requested_due": "31/02/2026", "reason": "Cần thêm thời gian."},
            "requested_due",
        ),
        (
            "chase with nothing",
            apis["unit_head"],
            f"/assignments/{mine}/chase",
            {"text": ""},
            "text",
        ),
        (
            "sub-assign outside the unit",
            apis["unit_head"],
            f"/assignments/{in_unit['lead']}/sub-assign",
            {
                "assignees": [
                    {"role": "SUPPORT", "person_id": team["stranger"].pk, "due_date": "2026-12-04"}
                ]
            },
            "assignees",
        ),
        (
            "sub-assign past the unit's deadline",
            apis["unit_head"],
            f"/assignments/{in_unit['lead']}/sub-assign",
            {"assignees": [{"role": "INFO", "person_id": team["stranger"].pk}]},
            "assignees",
        ),
    ]
    for case, api, path, body, field in cases:
        before = _state()
        response = api.post(path, body)
        assert response.status_code == 400, (case, response.json())
        assert field in response.json()["fields"], (case, response.json())
        assert response.json()["message"], case
        assert _state() == before, case


def test_bad_progress_is_400_and_stores_nothing(
    apis: dict[str, Api], in_unit: dict[str, int]
) -> None:
    path = f"/assignments/{in_unit['specialist']}/progress"
    before = _state()
    # a blank text, a missing text, a PNG named .pdf
    blank = apis["specialist"].upload(path, {"text": "  "})
    missing = apis["specialist"].upload(path, {})
    misnamed = apis["specialist"].upload(
        path, {"text": "Tiến độ", "files": [SimpleUploadedFile("bao-cao.pdf", make_png())]}
    )
    assert blank.status_code == missing.status_code == misnamed.status_code == 400
    assert "nội dung tiến độ" in blank.json()["fields"]["text"]
    assert "text" in missing.json()["fields"]
    assert "bao-cao.pdf" in misnamed.json()["fields"]["files"]
    assert _state() == before


def test_refusing_more_time_needs_a_reason(apis: dict[str, Api], in_unit: dict[str, int]) -> None:
    extension = (
        apis["specialist"]
        .post(
            f"/assignments/{in_unit['specialist']}/extensions",
            {"requested_due": "2026-12-04", "reason": "Chờ ý kiến."},
        )
        .json()
    )
    response = apis["unit_head"].post(f"/extensions/{extension['id']}/decide", {"approve": False})
    assert response.status_code == 400 and "note" in response.json()["fields"]
    response = apis["unit_head"].post(
        f"/extensions/{extension['id']}/decide", {"approve": False, "note": "Việc gấp."}
    )
    assert response.status_code == 200 and response.json()["status"] == "REFUSED"
    assert apis["specialist"].get(f"/assignments/{in_unit['specialist']}").json()["due_date"] == (
        "2026-12-03"
    )


def test_whoever_may_not_gets_404_and_nothing_changes(
    apis: dict[str, Api], team: dict[str, User], units: dict[str, Unit], in_unit: dict[str, int]
) -> None:
    incoming, mine = in_unit["incoming"], in_unit["specialist"]
    opinion = (
        apis["specialist"]
        .post(
            f"/assignments/{mine}/opinions",
            {"asked_of_id": team["colleague"].pk, "question": "Ý kiến?"},
        )
        .json()
    )
    extension = (
        apis["specialist"]
        .post(f"/assignments/{mine}/extensions", {"requested_due": "2026-12-04", "reason": "Chờ."})
        .json()
    )
    before = _state()
    cases: list[tuple[str, str, str, dict[str, Any] | None]] = [
        # (persona, method, path, body)
        ("outsider", "get", f"/incoming/{incoming}/handling", None),
        ("outsider", "get", f"/assignments/{mine}", None),
        ("stranger", "get", f"/incoming/{incoming}/handling", None),
        ("stranger", "get", f"/assignments/{mine}", None),
        ("stranger", "post", f"/assignments/{mine}/complete", {"result": "Xong."}),
        ("colleague", "post", f"/assignments/{mine}/complete", {"result": "Xong."}),
        ("specialist", "post", f"/assignments/{in_unit['lead']}/sub-assign", {"assignees": []}),
        ("specialist", "post", f"/assignments/{mine}/cancel", {"reason": "Tôi thu hồi."}),
        ("specialist", "post", f"/assignments/{mine}/read", None),
        ("unit_head", "post", f"/incoming/{incoming}/assign", _assign_body(team, units)),
        ("unit_head", "post", f"/incoming/{incoming}/present", {"leader_id": team["leader"].pk}),
        ("leader", "post", f"/incoming/{incoming}/refuse", {"reason": "Sai nơi nhận."}),
        ("specialist", "post", f"/opinions/{opinion['id']}/answer", {"answer": "Tự trả lời."}),
        ("leader", "post", f"/extensions/{extension['id']}/decide", {"approve": True}),
        ("specialist", "post", f"/extensions/{extension['id']}/decide", {"approve": True}),
        ("specialist", "get", "/queues/khong-co", None),
        ("specialist", "get", "/assignments/999999", None),
        ("specialist", "get", "/incoming/999999/handling", None),
    ]
    for persona, method, path, body in cases:
        api = apis[persona]
        response = api.get(path) if method == "get" else api.post(path, body)
        assert response.status_code == 404, (persona, path, response.content)
        assert response.json()["code"] == "not_found", (persona, path)
        assert response.json()["message"] == "Không tìm thấy hoặc bạn không có quyền truy cập."
    assert _state() == before


def test_a_second_completion_is_a_409_and_changes_nothing(
    apis: dict[str, Api], in_unit: dict[str, int]
) -> None:
    path = f"/assignments/{in_unit['specialist']}/complete"
    first = apis["specialist"].post(path, {"result": "Đã xong."})
    assert first.status_code == 200, first.json()
    before = _state()
    second = apis["specialist"].post(path, {"result": "Xong lần nữa."})
    assert second.status_code == 409
    assert second.json()["code"] == "invalid_transition"
    assert "Đã hoàn thành" in second.json()["message"]
    assert _state() == before
    assert Assignment.objects.get(pk=in_unit["specialist"]).result == "Đã xong."


def test_other_clashes_are_409(
    apis: dict[str, Api],
    team: dict[str, User],
    units: dict[str, Unit],
    in_unit: dict[str, int],
    ministry: Agency,
    doc_type: DocumentType,
) -> None:
    mine = in_unit["specialist"]
    # a second lead while the first is at work
    response = apis["leader"].post(
        f"/incoming/{in_unit['incoming']}/assign",
        {"assignees": [{"role": "LEAD", "unit_id": units["VP"].pk, "due_date": "2026-12-04"}]},
    )
    assert response.status_code == 409 and "assignees" in response.json()["fields"]
    # a second request for more time while one waits
    body = {"requested_due": "2026-12-04", "reason": "Chờ ý kiến."}
    assert apis["specialist"].post(f"/assignments/{mine}/extensions", body).status_code == 201
    again = apis["specialist"].post(f"/assignments/{mine}/extensions", body)
    assert again.status_code == 409 and "requested_due" in again.json()["fields"]
    # an opinion answered twice
    opinion = (
        apis["specialist"]
        .post(
            f"/assignments/{mine}/opinions", {"asked_of_id": team["colleague"].pk, "question": "?"}
        )
        .json()
    )
    assert (
        apis["colleague"].post(f"/opinions/{opinion['id']}/answer", {"answer": "Có."}).status_code
        == 200
    )
    twice = apis["colleague"].post(f"/opinions/{opinion['id']}/answer", {"answer": "Không."})
    assert twice.status_code == 409 and twice.json()["code"] == "conflict"
    # assigning a document nobody presented
    fresh = incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, code_number="99", issued_date=dt.date(2026, 11, 27)),
        actor=team["clerk"],
    )
    response = apis["leader"].post(f"/incoming/{fresh.pk}/assign", _assign_body(team, units))
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    # refusing a document already being handled
    response = apis["clerk"].post(f"/incoming/{in_unit['incoming']}/refuse", {"reason": "Nhầm."})
    assert response.status_code == 409


def test_the_handling_costs_the_same_queries_however_much_work_was_done(
    apis: dict[str, Api],
    team: dict[str, User],
    in_unit: dict[str, int],
    django_assert_max_num_queries: Any,
) -> None:
    path = f"/incoming/{in_unit['incoming']}/handling"

    def work(rounds: int) -> None:
        """Each specialist reports progress with a file and asks an opinion, `rounds` times."""
        for person in ("specialist", "colleague"):
            for number in range(rounds):
                apis[person].upload(
                    f"/assignments/{in_unit[person]}/progress",
                    {
                        "text": f"Tiến độ {number}",
                        "files": [SimpleUploadedFile("a.pdf", make_pdf())],
                    },
                )
                apis[person].post(
                    f"/assignments/{in_unit[person]}/opinions",
                    {"asked_of_id": team["unit_head"].pk, "question": f"Câu hỏi {number}"},
                )

    # given some work of each kind, and what reading the handling costs then
    work(1)
    with django_assert_max_num_queries(40) as first:
        assert apis["leader"].get(path).status_code == 200
    baseline = len(first)  # read now: the query log is reset at each request
    # when three times more work is done
    work(3)
    # then reading the handling costs no more queries
    with django_assert_max_num_queries(baseline):
        handling = apis["leader"].get(path).json()
    assert len(handling["progress"]) == 8 and len(handling["opinions"]) == 8


def test_the_clerk_refuses_a_document(apis: dict[str, Api], registered: IncomingDocument) -> None:
    response = apis["clerk"].post(
        f"/incoming/{registered.pk}/refuse", {"reason": "Gửi nhầm cơ quan."}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status_label"] == "Đã trả lại nơi gửi"
    assert response.json()["refusal_reason"] == "Gửi nhầm cơ quan."
    assert AuditEvent.objects.filter(action="incoming.refuse").count() == 1


def test_a_browser_session_needs_csrf_to_write(
    team: dict[str, User], registered: IncomingDocument
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(team["clerk"])
    response = client.post(
        f"/api/incoming/{registered.pk}/present",
        {"leader_id": team["leader"].pk},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "csrf"
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED


# --- queues ---------------------------------------------------------------------------------


def test_each_persona_counts_their_own_queues(
    apis: dict[str, Api], in_unit: dict[str, int]
) -> None:
    # given the document assigned to two units, and within Vụ Đất đai to two specialists
    counts = {
        name: _counts(apis[name])
        for name in (
            "leader",
            "unit_head",
            "specialist",
            "colleague",
            "admin",
            "clerk",
            "stranger",
            "outsider",
        )
    }
    # then each sees what is theirs (the unit's own work is in progress now)
    assert counts["leader"]["toi-giao"] == 2 and counts["leader"]["don-vi"] == 4
    assert counts["unit_head"]["dang-xu-ly"] == 1 and counts["unit_head"]["toi-giao"] == 2
    assert counts["unit_head"]["don-vi"] == 3
    assert counts["specialist"]["cho-xu-ly"] == 1 and counts["specialist"]["sap-den-han"] == 1
    assert counts["colleague"]["cho-xu-ly"] == 1
    assert counts["admin"]["de-biet"] == 1
    assert counts["clerk"]["toi-giao"] == 4  # the follow-up person of every part
    assert sum(counts["stranger"].values()) == 0 and sum(counts["outsider"].values()) == 0
    # and every queue has a Vietnamese label
    labels = {row["name"]: row["label"] for row in apis["specialist"].get("/queues").json()}
    assert labels["cho-xu-ly"] == "Chờ xử lý" and labels["gia-han"].startswith("Đề nghị gia hạn")


def test_queue_items_filter_sort_and_cap_the_limit(
    apis: dict[str, Api], in_unit: dict[str, int], registered: IncomingDocument
) -> None:
    api = apis["leader"]
    everything = api.get("/queues/don-vi").json()
    assert everything["count"] == 4 and everything["count_capped"] is False
    assert everything["has_more"] is False and everything["limit"] == 50
    # the role filter, the quick search without diacritics, a page of one
    leads = api.get("/queues/don-vi", role="LEAD").json()
    assert {i["assignment"]["role"] for i in leads["items"]} == {"LEAD"} and leads["count"] == 2
    assert api.get("/queues/don-vi", q="GIAO DAT").json()["count"] == 4
    assert api.get("/queues/don-vi", q="không có chữ này").json()["count"] == 0
    page = api.get("/queues/don-vi", limit=1, offset=1, sort="moi").json()
    assert len(page["items"]) == 1 and page["has_more"] is True and page["offset"] == 1
    # a limit above 200 is capped
    assert api.get("/queues/don-vi", limit=5000).json()["limit"] == 200
    # bad parameters are named
    bad = api.get("/queues/don-vi", sort="random", limit=0)
    assert bad.status_code == 400 and {"sort", "limit"} <= set(bad.json()["fields"])
    # the specialist's queue shows overdue work once the deadline passed
    assert apis["specialist"].get("/queues/qua-han").json()["count"] == 0


def test_overdue_work_is_flagged(
    apis: dict[str, Api], in_unit: dict[str, int], time_machine: Any
) -> None:
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 0, tzinfo=TODAY.tzinfo), tick=False)
    overdue = apis["specialist"].get("/queues/qua-han").json()
    assert [i["assignment"]["id"] for i in overdue["items"]] == [in_unit["specialist"]]
    assert overdue["items"][0]["assignment"]["overdue"] is True
    done = apis["specialist"].post(
        f"/assignments/{in_unit['specialist']}/complete", {"result": "Xong muộn."}
    )
    assert done.json()["completed_late"] is True and done.json()["overdue"] is False


# --- tasks ----------------------------------------------------------------------------------


def test_the_leader_gives_a_task_the_specialist_sees_it(
    apis: dict[str, Api], team: dict[str, User], units: dict[str, Unit]
) -> None:
    # when the leader gives a task to Vụ Đất đai, the specialist informed
    response = apis["leader"].post(
        "/tasks",
        {
            "title": "Rà soát quy hoạch sử dụng đất năm 2027",
            "description": "Tổng hợp ý kiến các địa phương.",
            "priority": 1,
            "due_date": "2026-12-04",
            "assignees": [
                {"role": "LEAD", "unit_id": units["DD"].pk},
                {"role": "INFO", "person_id": team["specialist"].pk},
            ],
        },
    )
    # then the task is created with its assignments, the deadline given to the lead
    assert response.status_code == 201, response.json()
    task = response.json()
    assert task["status"] == "ASSIGNED" and task["status_label"] == "Đã giao"
    assert task["priority_label"] == "Khẩn" and task["due_date"] == "2026-12-04"
    assert [(a["role"], a["due_date"]) for a in task["assignments"]] == [
        ("LEAD", "2026-12-04"),
        ("INFO", None),
    ]
    assert task["assignments"][0]["subject"]["kind"] == "task"
    assert [h["action"] for h in task["history"]] == ["task_create"]
    # and the people concerned list and read it; the others do not find it
    listed = apis["specialist"].get("/tasks").json()
    assert [t["id"] for t in listed["items"]] == [task["id"]] and listed["count"] == 1
    assert apis["unit_head"].get(f"/tasks/{task['id']}").json()["title"] == task["title"]
    assert apis["stranger"].get(f"/tasks/{task['id']}").status_code == 404
    assert apis["stranger"].get("/tasks").json()["count"] == 0
    assert apis["unit_head"].get("/queues/cho-xu-ly", kind="cong-viec").json()["count"] == 1
    assert apis["unit_head"].get("/queues/cho-xu-ly", kind="van-ban").json()["count"] == 0


def test_a_task_needs_a_leader_and_valid_input(
    apis: dict[str, Api], units: dict[str, Unit]
) -> None:
    body = {
        "title": "Việc",
        "assignees": [{"role": "LEAD", "unit_id": units["DD"].pk, "due_date": "2026-12-04"}],
    }
    before = _state()
    refused = apis["specialist"].post("/tasks", body)
    assert refused.status_code == 403 and "lãnh đạo" in refused.json()["message"]
    no_title = apis["leader"].post("/tasks", {**body, "title": " "})
    assert no_title.status_code == 400 and "title" in no_title.json()["fields"]
    holiday = apis["leader"].post("/tasks", {**body, "due_date": "2026-12-06"})
    assert holiday.status_code == 400 and "due_date" in holiday.json()["fields"]
    assert _state() == before


# --- OpenAPI --------------------------------------------------------------------------------


def test_openapi_lists_the_handling_paths() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths) >= {
        "/api/incoming/{incoming_id}/present",
        "/api/incoming/{incoming_id}/refuse",
        "/api/incoming/{incoming_id}/assign",
        "/api/incoming/{incoming_id}/handling",
        "/api/assignments/{assignment_id}",
        "/api/assignments/{assignment_id}/sub-assign",
        "/api/assignments/{assignment_id}/progress",
        "/api/assignments/{assignment_id}/complete",
        "/api/assignments/{assignment_id}/return",
        "/api/assignments/{assignment_id}/read",
        "/api/assignments/{assignment_id}/opinions",
        "/api/assignments/{assignment_id}/extensions",
        "/api/assignments/{assignment_id}/chase",
        "/api/assignments/{assignment_id}/cancel",
        "/api/assignments/{assignment_id}/reopen",
        "/api/opinions/{opinion_id}/answer",
        "/api/extensions/{extension_id}/decide",
        "/api/queues",
        "/api/queues/{name}",
        "/api/tasks",
        "/api/tasks/{task_id}",
    }
    assert paths["/api/incoming/{incoming_id}/assign"]["post"]["summary"] == (
        "Cho ý kiến chỉ đạo và phân công xử lý"
    )
    progress = paths["/api/assignments/{assignment_id}/progress"]["post"]["requestBody"]
    assert "multipart/form-data" in progress["content"]
    descriptions = {
        r["description"]
        for operations in paths.values()
        for operation in operations.values()
        for r in operation["responses"].values()
    }
    assert descriptions.isdisjoint({"OK", "Created", "Bad Request", "Not Found", "Conflict"})
    assert Client().get("/api/docs").status_code == 200
