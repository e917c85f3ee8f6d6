"""The interconnection for real: one hub process and two installations, each with its own data
directory, SQLite database, web server and worker (`govdoc run`), exchanging signed edXML
packets over HTTP — what test_exchange_flow.py does in one process with a hub in memory.

A is Bộ Tài nguyên và Môi trường (000.00.00.G12), B is Ủy ban nhân dân tỉnh Nghệ An
(000.00.00.H40); each is registered at the hub (`govdoc hub agency add`), has its exchange
account (`govdoc exchange account`: the hub key and an RSA packet key under a test CA) and knows
the other from the hub's directory (`govdoc exchange directory`); both trust the packet CA and
the PDF PKI. People's steps run through the services in an agent process of each installation;
everything else — building, signing, sending, fetching, checking, answering — is the workers'
(every second: GOVDOC_EXCHANGE_POLL_SECONDS=1). What each side sees is read from its own
database (read-only), and through A's API and A's operator page.

Each scenario issues its own document; they share the processes (started once, in ~45 s)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from govdoc.exchange.tests.conftest import PASSWORD as PACKET_PASSWORD
from govdoc.exchange.tests.conftest import RsaCa
from govdoc.exchange.tests.e2e.harness import (
    CannotStart,
    Cluster,
    Installation,
    Secrets,
    WebSession,
    dumps_on_failure,
    http_call,
    start_cluster,
    wait_until,
)
from govdoc.signatures.testing_pki import TestPki

# The project's markers are strict and have no "e2e" yet: `server` ("starts a real server
# process") until pyproject's markers list it.
pytestmark = pytest.mark.e2e

MINISTRY = "000.00.00.G12"
PROVINCE = "000.00.00.H40"
THIRD = "000.00.00.G99"
AGENCIES = {
    MINISTRY: "Bộ Tài nguyên và Môi trường",
    PROVINCE: "Ủy ban nhân dân tỉnh Nghệ An",
    THIRD: "Cơ quan thử nghiệm khác",
}


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, pki: TestPki, rsa_ca: RsaCa
) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("interconnection")
    keys = root / "keys"
    keys.mkdir()
    (keys / "pdf-root.pem").write_bytes(pki.root.cert_pem)
    (keys / "packet-root.pem").write_bytes(
        rsa_ca.certificate.public_bytes(serialization.Encoding.PEM)
    )
    (keys / "leader.p12").write_bytes(pki.person.pkcs12)
    (keys / "seal.p12").write_bytes(pki.agency.pkcs12)
    (keys / "packet-password.txt").write_text(PACKET_PASSWORD, encoding="utf-8")
    packet_p12 = {}
    for organ_id in (MINISTRY, PROVINCE):
        packet_p12[organ_id] = keys / f"packet-{organ_id}.p12"
        packet_p12[organ_id].write_bytes(rsa_ca.issue_p12(AGENCIES[organ_id]))
    secrets = Secrets(
        trust=[str(keys / "pdf-root.pem"), str(keys / "packet-root.pem")],
        leader_p12=keys / "leader.p12",
        seal_p12=keys / "seal.p12",
        pdf_password=pki.password,
        packet_p12=packet_p12,
        packet_password=keys / "packet-password.txt",
    )
    try:
        started = start_cluster(root, secrets, AGENCIES)
    except CannotStart as error:
        pytest.skip(str(error))
    started.facts["pdf_password"] = pki.password
    try:
        yield started
    finally:
        started.close()


# --- what each side sees -----------------------------------------------------------------------


def _issue(cluster: Cluster, subject: str) -> dict[str, Any]:
    """A's people draft, approve, sign and issue a Công văn to B (A's worker then packs,
    signs and sends it)."""
    return cluster.ministry.act(
        "issue", subject=subject, pdf_password=cluster.facts["pdf_password"]
    )


def _received(b: Installation, document_id: str) -> tuple[Any, ...] | None:
    """B's electronic copy: (status, incoming id, refusal reason, withdrawal reason, channel)."""
    found = b.rows(
        "SELECT status, incoming_id, refusal_reason, withdrawal_reason, channel "
        "FROM incoming_receiveddocument WHERE external_ref = ?",
        [f"edxml:{MINISTRY}:{document_id}"],
    )
    assert len(found) <= 1, found
    return found[0] if found else None


def _received_in(b: Installation, document_id: str, status: str) -> tuple[Any, ...]:
    return wait_until(
        lambda: row if (row := _received(b, document_id)) and row[0] == status else None,
        what=f"B's copy of {document_id} {status}",
    )


def _dispatch_in(a: Installation, document_id: str, status: str) -> tuple[str, str]:
    """Waits for A's delivery to B to reach `status`: (status, reason)."""
    return wait_until(
        lambda: seen if (seen := a.dispatch(document_id)) and seen[0] == status else None,
        what=f"A's delivery of {document_id} {status}",
    )


def _arrived(cluster: Cluster, subject: str) -> dict[str, Any]:
    """Issued by A, waiting for B's clerk, and A has seen 01."""
    issued = _issue(cluster, subject)
    _received_in(cluster.province, issued["document_identifier"], "WAITING")
    _dispatch_in(cluster.ministry, issued["document_identifier"], "ARRIVED")
    return issued


def _settled(cluster: Cluster) -> None:
    """Nothing left to send on either side and nothing waiting at the hub."""

    def quiet() -> bool:
        for installation in (cluster.ministry, cluster.province):
            if installation.value(
                "SELECT COUNT(*) FROM exchange_outboxpacket WHERE status IN ('QUEUED', 'SENDING')"
            ):
                return False
        for organ_id in (MINISTRY, PROVINCE):
            inbox = cluster.hub.json("GET", "/api/v1/inbox", token=cluster.tokens[organ_id])
            if inbox["items"]:
                return False
        return True

    wait_until(quiet, what="both outboxes sent and both hub inboxes empty")


# --- the scenarios -----------------------------------------------------------------------------


@dumps_on_failure
def test_a_document_goes_to_the_province_and_each_step_there_comes_back(
    cluster: Cluster,
) -> None:
    a, b = cluster.ministry, cluster.province
    # given a document A issues to B
    issued = _issue(cluster, "Về việc báo cáo tình hình sử dụng đất năm 2026")
    document_id = issued["document_identifier"]
    # then B's worker fetches it: it waits in the electronic inbox of B's clerk
    _status, incoming_id, _refusal, _withdrawal, channel = _received_in(b, document_id, "WAITING")
    assert (incoming_id, channel) == (None, "INTERCONNECT")
    # and A sees 01 (arrived)
    _dispatch_in(a, document_id, "ARRIVED")

    # when B's clerk registers it, A sees 03 (accepted)
    b.act("register", document_identifier=document_id)
    _dispatch_in(a, document_id, "ACCEPTED")
    # and B's worker finds A's signatures on the document valid (the leader's and the seal,
    # under the PDF root B trusts): the file crossed intact
    outcomes = wait_until(
        lambda: b.rows(
            "SELECT v.outcome FROM signatures_pdfverification v "
            "JOIN documents_storedfile f ON f.sha256 = v.sha256 "
            "JOIN incoming_receivedfile r ON r.stored_id = f.id "
            "JOIN incoming_receiveddocument d ON d.id = r.received_id "
            "WHERE d.external_ref = ? AND r.role = 'MAIN'",
            [f"edxml:{MINISTRY}:{document_id}"],
        ),
        what="B's check of the document's signatures",
    )
    assert outcomes == [("VALID",)]
    # when B's chairman, to whom it is presented, gives it to a specialist: 04 (assigned)
    b.act("present_and_assign", document_identifier=document_id)
    _dispatch_in(a, document_id, "ASSIGNED")
    # when the specialist reports progress: 05 (in progress); completes it: 06 (completed)
    b.act("progress", document_identifier=document_id)
    _dispatch_in(a, document_id, "IN_PROGRESS")
    b.act("complete", document_identifier=document_id)
    _dispatch_in(a, document_id, "COMPLETED")

    # then A's delivery went through every step once, in order
    assert a.dispatch_events(document_id) == [
        "QUEUED",
        "SENT",
        "ARRIVED",
        "ACCEPTED",
        "ASSIGNED",
        "IN_PROGRESS",
        "COMPLETED",
    ]
    # one signed document packet out of A; five status answers out of B, all applied at A
    assert a.rows(
        "SELECT kind, status, to_organ_ids FROM exchange_outboxpacket "
        "WHERE document_identifier = ?",
        [document_id],
    ) == [("EDOC", "SENT", json.dumps([PROVINCE]))]
    answers = b.rows(
        "SELECT subject_ref, status, external_id FROM exchange_outboxpacket "
        "WHERE document_identifier = ? AND kind = 'STATUS' ORDER BY id",
        [document_id],
    )
    assert [(ref.rsplit(":", 1)[1], sent) for ref, sent, _id in answers] == [
        ("arrived", "SENT"),
        ("accepted", "SENT"),
        ("assigned", "SENT"),
        ("in_progress", "SENT"),
        ("completed", "SENT"),
    ]
    applied = a.rows(
        "SELECT external_id, status, sender_organ_id FROM exchange_inboxpacket "
        "WHERE document_identifier = ? ORDER BY id",
        [document_id],
    )
    assert applied == [(packet_id, "APPLIED", PROVINCE) for _ref, _sent, packet_id in answers]
    # B's incoming document is completed
    (row,) = b.rows(
        "SELECT i.status FROM incoming_incomingdocument i "
        "JOIN incoming_receiveddocument r ON r.incoming_id = i.id WHERE r.external_ref = ?",
        [f"edxml:{MINISTRY}:{document_id}"],
    )
    assert row == ("COMPLETED",)

    # and A's clerk sees it through A's API
    status_code, _headers, body = http_call(
        "GET",
        f"{a.url}/api/outgoing/documents/{issued['outgoing_id']}",
        headers={"Authorization": f"Bearer {cluster.facts['ministry']['api_key']}"},
    )
    assert status_code == 200, body[:500]
    (dispatch,) = json.loads(body)["dispatches"]
    assert (dispatch["status"], dispatch["status_label"]) == ("COMPLETED", "Đã hoàn thành")
    assert dispatch["method"] == "INTERCONNECT"


@dumps_on_failure
def test_the_province_refuses_a_document_and_the_ministry_sees_why(cluster: Cluster) -> None:
    a, b = cluster.ministry, cluster.province
    reason = "Không thuộc thẩm quyền của UBND tỉnh; đề nghị gửi Sở Tài nguyên và Môi trường."
    issued = _arrived(cluster, "Về việc cung cấp số liệu quan trắc môi trường")
    document_id = issued["document_identifier"]
    # when B's clerk sends it back with a reason
    b.act("refuse", document_identifier=document_id, reason=reason)
    # then A sees 02 (refused) with that reason
    assert _dispatch_in(a, document_id, "REFUSED") == ("REFUSED", reason)
    assert _received(b, document_id) == ("REFUSED", None, reason, "", "INTERCONNECT")
    # and so does A's clerk on the document's page
    web = WebSession(a.url)
    web.login(cluster.facts["ministry"]["clerk"], cluster.facts["ministry"]["password"])
    page = web.get(f"/van-ban-di/{issued['outgoing_id']}/")
    assert "Bị từ chối" in page and "Không thuộc thẩm quyền của UBND tỉnh" in page


@dumps_on_failure
def test_a_revoked_document_is_withdrawn_there_and_the_answer_comes_back(
    cluster: Cluster,
) -> None:
    a, b = cluster.ministry, cluster.province
    reason = "Văn bản ban hành chưa đúng thẩm quyền."
    issued = _arrived(cluster, "Về việc điều chỉnh kế hoạch sử dụng đất")
    document_id = issued["document_identifier"]
    b.act("register", document_identifier=document_id)
    _dispatch_in(a, document_id, "ACCEPTED")
    # when A revokes it
    a.act("revoke", outgoing_id=issued["outgoing_id"], reason=reason)
    revoked = a.value(
        "SELECT status FROM outgoing_outgoingdocument WHERE id = ?", [issued["outgoing_id"]]
    )
    assert revoked == "REVOKED"
    # then B's copy and the incoming document registered from it are withdrawn, with why
    _status, incoming_id, _refusal, withdrawal, _channel = _received_in(b, document_id, "WITHDRAWN")
    assert reason in withdrawal
    incoming = b.value("SELECT status FROM incoming_incomingdocument WHERE id = ?", [incoming_id])
    assert incoming == "WITHDRAWN"
    # and B's answer to the revocation (03, "revocation accepted") is applied at A
    answer = wait_until(
        lambda: b.rows(
            "SELECT external_id FROM exchange_outboxpacket WHERE document_identifier = ? "
            "AND subject_ref LIKE '%:withdrawn_confirmed' AND status = 'SENT'",
            [document_id],
        ),
        what="B's answer to the revocation sent",
    )[0][0]
    assert wait_until(
        lambda: a.rows(
            "SELECT kind, status, result_ref FROM exchange_inboxpacket "
            "WHERE external_id = ? AND status = 'APPLIED'",
            [answer],
        ),
        what="B's answer to the revocation applied at A",
    )[0][:2] == ("STATUS", "APPLIED")
    cluster.facts["revoked"] = document_id


@dumps_on_failure
def test_the_answer_to_a_revocation_withdraws_the_delivery(cluster: Cluster) -> None:
    document_id = cluster.facts.get("revoked")
    if document_id is None:
        pytest.skip("needs the revocation scenario (run with it)")
    assert cluster.ministry.dispatch(document_id) == ("WITHDRAWN", "")


@dumps_on_failure
def test_a_packet_waits_while_the_hub_is_down_and_goes_when_it_is_back(
    cluster: Cluster,
) -> None:
    a, b, hub = cluster.ministry, cluster.province, cluster.hub
    _settled(cluster)
    # given the hub is stopped
    hub.stop()
    try:
        # when A issues a document to B
        issued = _issue(cluster, "Về việc tổng hợp kết quả kiểm kê đất đai")
        document_id = issued["document_identifier"]
        # then its packet is built, tried, and put back in the queue to be retried later
        _status, _attempts, last_error = wait_until(
            lambda: next(
                (
                    row
                    for row in a.rows(
                        "SELECT status, attempts, last_error FROM exchange_outboxpacket "
                        "WHERE document_identifier = ? AND kind = 'EDOC'",
                        [document_id],
                    )
                    if row[1] >= 1 and row[0] == "QUEUED"
                ),
                None,
            ),
            what="A's packet tried and queued again",
        )
        assert "Không kết nối được trạm liên thông" in last_error
        assert a.dispatch(document_id) == ("QUEUED", "")
    finally:
        # when the hub comes back (same data directory, same port)
        hub.start()
        hub.wait_ready()
    # then the packet goes at its next attempt (a 30 s back-off; 60 s when its own send task
    # tried it a second time at once, as it does today) and B receives it
    wait_until(
        lambda: a.value(
            "SELECT status FROM exchange_outboxpacket WHERE document_identifier = ? "
            "AND kind = 'EDOC' AND status = 'SENT'",
            [document_id],
        ),
        what="A's packet sent after the hub's return",
        timeout=90,
    )
    _received_in(b, document_id, "WAITING")
    _dispatch_in(a, document_id, "ARRIVED")
    actions = [
        row[0]
        for row in a.rows(
            "SELECT e.action FROM exchange_packetevent e "
            "JOIN exchange_outboxpacket o ON o.id = e.outbox_id "
            "WHERE o.document_identifier = ? AND o.kind = 'EDOC' ORDER BY e.at, e.id",
            [document_id],
        )
    ]
    assert actions[:3] == ["queue", "claim", "retry"] and actions[-2:] == ["claim", "sent"]


@dumps_on_failure
def test_the_same_packet_delivered_again_gives_one_document(cluster: Cluster) -> None:
    a, b, hub = cluster.ministry, cluster.province, cluster.hub
    issued = _arrived(cluster, "Về việc hướng dẫn thống kê đất đai")
    document_id = issued["document_identifier"]
    packet = a.act("outbox_packet", document_identifier=document_id)
    data = base64.b64decode(packet["data"])
    token = cluster.tokens[MINISTRY]
    # when the same bytes are sent to the hub again: the same packet, delivered once
    status, body = hub.send(data, token=token, to=PROVINCE)
    assert (status, body["duplicate"], body["id"]) == (200, True, packet["external_id"])
    # when the same signed document comes again under another hub id (other bytes: a line
    # break after the root element, outside what the signature covers)
    status, body = hub.send(data + b"\n", token=token, to=PROVINCE)
    assert status == 201 and not body["duplicate"], body
    again = body["id"]
    # then B fetches it, finds the document it has, and acknowledges it done
    delivery = wait_until(
        lambda: (
            seen
            if (seen := hub.delivery(again, token=token)) and seen["status"] == "done"
            else None
        ),
        what="the second copy acknowledged by B",
    )
    assert delivery["reason"] == ""
    kept = b.rows(
        "SELECT external_id, status, result_ref FROM exchange_inboxpacket "
        "WHERE document_identifier = ? ORDER BY id",
        [document_id],
    )
    assert [(row[0], row[1]) for row in kept] == [
        (packet["external_id"], "APPLIED"),
        (again, "APPLIED"),
    ]
    assert kept[0][2] == kept[1][2]  # the same received document
    # one document at B, answered 01 once
    assert (
        b.value(
            "SELECT COUNT(*) FROM incoming_receiveddocument WHERE document_identifier = ?",
            [document_id],
        )
        == 1
    )
    assert [
        row[0]
        for row in b.rows(
            "SELECT subject_ref FROM exchange_outboxpacket WHERE document_identifier = ? "
            "AND kind = 'STATUS'",
            [document_id],
        )
    ] == [f"status:received:{kept[0][2].split(':')[1]}:arrived"]
    assert a.dispatch_events(document_id).count("ARRIVED") == 1


@dumps_on_failure
def test_a_packet_from_another_than_the_authenticated_sender_is_refused(
    cluster: Cluster,
) -> None:
    a, b, hub = cluster.ministry, cluster.province, cluster.hub
    issued = _arrived(cluster, "Về việc rà soát hồ sơ giao đất")
    document_id = issued["document_identifier"]
    # given a status packet "completed", signed with B's own packet key, From B
    forged = base64.b64decode(
        b.act(
            "signed_status",
            document_identifier=document_id,
            code=6,
            description="Đã hoàn thành",
        )["data"]
    )
    # when a third agency posts it to A with its own key at the hub
    status, body = hub.send(forged, token=cluster.tokens[THIRD], to=MINISTRY, kind="status")
    assert status == 201, body
    packet_id = body["id"]
    # then A refuses it with a typed reason and acknowledges it "fail"
    _kind, refused, code, reason, sender = wait_until(
        lambda: next(
            (
                row
                for row in a.rows(
                    "SELECT kind, status, reason_code, reason, sender_organ_id "
                    "FROM exchange_inboxpacket WHERE external_id = ?",
                    [packet_id],
                )
                if row[1] != "RECEIVED"
            ),
            None,
        ),
        what="A's verdict on the forged packet",
    )
    assert (refused, code, sender) == ("REFUSED", "signature:sender_mismatch", THIRD)
    assert PROVINCE in reason and THIRD in reason
    delivery = wait_until(
        lambda: (
            seen
            if (seen := hub.delivery(packet_id, token=cluster.tokens[THIRD]))
            and seen["status"] == "failed"
            else None
        ),
        what="the forged packet acknowledged fail",
    )
    assert delivery["reason"] == reason
    # and nothing moved: the delivery is still only "arrived"
    assert a.dispatch(document_id) == ("ARRIVED", "")
    # A's operator page lists it among the refused packets, with why
    web = WebSession(a.url)
    web.login(cluster.facts["ministry"]["clerk"], cluster.facts["ministry"]["password"])
    page = web.get("/lien-thong/?tab=bi-tu-choi")
    assert THIRD in page and reason.split("«")[0].strip() in page
