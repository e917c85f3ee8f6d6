"""`govdoc exchange`: the operator sets an agency's hub token and packet key from files (the
secrets never on the command line), synchronises the directory, sends and polls."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govdoc.exchange.models import ExchangeAccount
from govdoc.exchange.services.accounts import packet_key, token_of
from govdoc.exchange.tests.conftest import PASSWORD, RsaCa
from govdoc.organizations.models import Agency, User

pytestmark = pytest.mark.django_db


def test_the_account_is_stored_encrypted_from_files(
    ministry: Agency, superuser: User, rsa_ca: RsaCa, tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text("bi-mat-123\n")
    password = tmp_path / "password"
    password.write_text(PASSWORD)
    p12 = tmp_path / "goi-tin.p12"
    p12.write_bytes(rsa_ca.issue_p12("Bộ Tài nguyên và Môi trường"))
    out = io.StringIO()
    call_command(
        "exchange",
        "account",
        ministry.organ_id,
        "--token-file",
        str(token),
        "--p12",
        str(p12),
        "--password-file",
        str(password),
        stdout=out,
    )
    assert "Đã lưu tài khoản liên thông" in out.getvalue()
    account = ExchangeAccount.objects.get(agency=ministry)
    assert b"bi-mat-123" not in bytes(account.encrypted_token or b"")
    assert token_of(account) == "bi-mat-123" and packet_key(account) is not None


def test_a_wrong_password_or_unknown_agency_is_refused_and_nothing_is_stored(
    ministry: Agency, superuser: User, rsa_ca: RsaCa, tmp_path: Path
) -> None:
    p12 = tmp_path / "goi-tin.p12"
    p12.write_bytes(rsa_ca.issue_p12("Bộ"))
    wrong = tmp_path / "wrong"
    wrong.write_text("sai")
    with pytest.raises(CommandError, match="mật khẩu không đúng"):
        call_command(
            "exchange",
            "account",
            ministry.organ_id,
            "--p12",
            str(p12),
            "--password-file",
            str(wrong),
        )
    with pytest.raises(CommandError, match="Không có cơ quan"):
        call_command("exchange", "account", "000.00.00.Z99", "--token-env", "KHONG_CO")
    assert not ExchangeAccount.objects.exists()


def test_edxml_export_writes_the_packet_of_an_issued_document(
    personas: dict[str, User],
    ministry: Agency,
    other_agency: Agency,
    make_draft: Any,
    credentials: Any,
    pki: Any,
    tmp_path: Path,
) -> None:
    from govdoc.exchange.edxml.model import DocumentPacket
    from govdoc.exchange.edxml.parse import parse_packet

    outgoing = _issued_here(make_draft, personas, pki)
    out = tmp_path / "goi-tin.xml"
    call_command("edxml", "export", outgoing.document.document_identifier, "--out", str(out))
    packet = parse_packet(out.read_bytes())
    assert isinstance(packet, DocumentPacket)
    assert packet.document_id == outgoing.document.document_identifier
    assert [r.organ_id for r in packet.recipients] == [other_agency.organ_id]
    assert packet.attachments[0].data[:5] == b"%PDF-"
    with pytest.raises(SystemExit) as exited:
        call_command("edxml", "export", "000.00.00.G12,2026/01/01,99/XX")
    assert exited.value.code == 2


def _issued_here(make_draft: Any, personas: dict[str, User], pki: Any) -> Any:
    from govdoc.outgoing.access import pending_steps_for
    from govdoc.outgoing.services.circuits import draft_submit, step_approve
    from govdoc.outgoing.services.issuing import draft_issue
    from govdoc.outgoing.services.signing import draft_sign

    draft = make_draft()
    draft_submit(draft=draft, actor=personas["specialist"])
    draft.refresh_from_db()
    for person in (personas["unit_head"], personas["clerk"], personas["leader"]):
        (step,) = pending_steps_for(person, draft)
        step_approve(step=step, actor=person)
        draft.refresh_from_db()
    draft_sign(draft=draft, actor=personas["leader"], password=pki.password)
    draft.refresh_from_db()
    return draft_issue(draft=draft, actor=personas["clerk"], password=pki.password).outgoing
