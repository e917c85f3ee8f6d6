from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from govdoc.conftest import make_pdf
from govdoc.signatures.credentials import read_certificate
from govdoc.signatures.management.commands.sign import Command
from govdoc.signatures.models import TrustAnchor
from govdoc.signatures.pkcs12_provider import WRONG_PASSWORD
from govdoc.signatures.testing_pki import TestPki
from govdoc.signatures.verify import NOT_INTACT, UNTRUSTED

from .conftest import signed_pdf_by

pytestmark = pytest.mark.django_db

TIME = re.compile(r"Thời gian ký: \d\d/\d\d/\d{4} \d\d:\d\d \+07:00")


def signed_pdf(pki: TestPki, tmp_path: Path, *, foreign: bool = False) -> Path:
    identity = pki.foreign_person if foreign else pki.person
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_pdf_by(identity, pki))
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("sign", *args, stdout=out)
    return out.getvalue()


def trust_root(pki: TestPki) -> None:
    info = read_certificate(pki.root.cert_der)
    TrustAnchor.objects.create(
        certificate_der=info.der,
        subject=info.subject,
        fingerprint=info.fingerprint,
        valid_from=info.valid_from,
        valid_to=info.valid_to,
        added_at=timezone.now(),
    )


def test_verify_a_valid_signature_against_the_trust_store(pki: TestPki, tmp_path: Path) -> None:
    # given a PDF signed by the person and the root CA in the trust store
    path = signed_pdf(pki, tmp_path)
    trust_root(pki)
    # when it is verified
    output = run("verify", str(path))
    # then one block in Vietnamese says who signed, when, and that it is valid
    assert "Số chữ ký: 1" in output
    assert "Người ký: Nguyễn Văn An" in output
    assert TIME.search(output)
    assert "Bao trùm toàn bộ văn bản: có" in output
    assert "Có dấu thời gian: không" in output
    assert "Chứng thư số được tin cậy: có" in output
    assert "Vấn đề: không có" in output
    assert "Kết luận: HỢP LỆ" in output


def test_verify_with_a_trust_file_for_this_run(pki: TestPki, tmp_path: Path) -> None:
    # given an empty trust store and the root certificate in a PEM file
    path = signed_pdf(pki, tmp_path)
    root = tmp_path / "root.pem"
    root.write_bytes(pki.root.cert_pem)
    # when verified without and with --trust
    without = run("verify", str(path))
    with_trust = run("verify", str(path), "--trust", str(root))
    # then only the second trusts the signer
    assert "Chứng thư số được tin cậy: không" in without and UNTRUSTED in without
    assert "Kết luận: HỢP LỆ" in with_trust
    # and nothing was added to the trust store
    assert not TrustAnchor.objects.exists()


def test_verify_an_untrusted_signer(pki: TestPki, tmp_path: Path) -> None:
    # given a PDF signed under a foreign root, and our root trusted (DER file)
    path = signed_pdf(pki, tmp_path, foreign=True)
    root = tmp_path / "root.cer"
    root.write_bytes(pki.root.cert_der)
    # when verified, then it is intact but not trusted
    output = run("verify", str(path), "--trust", str(root))
    assert "Toàn vẹn: có" in output
    assert UNTRUSTED in output
    assert "Kết luận: KHÔNG HỢP LỆ" in output


def test_verify_a_tampered_document(pki: TestPki, tmp_path: Path) -> None:
    # given a signed PDF whose text is changed afterwards
    path = signed_pdf(pki, tmp_path)
    path.write_bytes(path.read_bytes().replace(b"Van ban thu nghiem", b"Van ban da sua doi", 1))
    trust_root(pki)
    # when verified, then the signature is reported broken
    output = run("verify", str(path))
    assert "Toàn vẹn: không" in output
    assert NOT_INTACT in output


def test_verify_json(pki: TestPki, tmp_path: Path) -> None:
    # given a signed PDF and a trusted root
    path = signed_pdf(pki, tmp_path)
    trust_root(pki)
    # when verified with --json
    document = json.loads(run("verify", str(path), "--json"))
    # then the signatures are listed with their facts
    (signature,) = document["signatures"]
    assert signature["signer_name"] == "Nguyễn Văn An"
    assert signature["intact"] is True
    assert signature["covers_whole_document"] is True
    assert signature["timestamped"] is False
    assert signature["trusted"] is True
    assert signature["problems"] == []
    assert signature["signing_time"].endswith("+07:00")
    assert dt.datetime.fromisoformat(signature["signing_time"]).tzinfo is not None


def test_verify_an_unsigned_pdf(tmp_path: Path) -> None:
    path = tmp_path / "plain.pdf"
    path.write_bytes(make_pdf())
    assert "Tệp không có chữ ký số." in run("verify", str(path))
    assert json.loads(run("verify", str(path), "--json")) == {"signatures": []}


def test_not_a_pdf_or_missing_is_an_error(tmp_path: Path) -> None:
    # given a text file
    path = tmp_path / "note.pdf"
    path.write_bytes(b"khong phai pdf")
    # when verified, then a Vietnamese error
    with pytest.raises(CommandError, match="không phải PDF hợp lệ"):
        run("verify", str(path))
    with pytest.raises(CommandError, match="Không tìm thấy tệp PDF"):
        run("verify", str(tmp_path / "missing.pdf"))


def test_not_a_pdf_exits_non_zero_with_the_message_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "note.pdf"
    path.write_bytes(b"khong phai pdf")
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["govdoc", "sign", "--skip-checks", "verify", str(path)])
    assert exited.value.code == 1
    assert "Tệp không phải PDF hợp lệ hoặc đã bị hỏng." in capsys.readouterr().err


def write_credentials(pki: TestPki, tmp_path: Path) -> tuple[Path, Path]:
    p12 = tmp_path / "person.p12"
    p12.write_bytes(pki.person.pkcs12)
    password = tmp_path / "password.txt"
    password.write_text(pki.password + "\n", encoding="utf-8")
    return p12, password


def test_sign_then_verify(pki: TestPki, tmp_path: Path, signature_png: bytes, tsa_url: str) -> None:
    # given a PDF, the person's .p12, its password in a file and a signature image
    source = tmp_path / "van-ban.pdf"
    source.write_bytes(make_pdf())
    p12, password = write_credentials(pki, tmp_path)
    image = tmp_path / "chu-ky.png"
    image.write_bytes(signature_png)
    out = tmp_path / "da-ky.pdf"
    # when it is signed in a box with a timestamp
    message = run(
        "pdf", str(source), "--p12", str(p12), "--password-file", str(password),
        "--out", str(out), "--image", str(image), "--page", "1", "--box", "300,100,460,170",
        "--tsa", tsa_url,
    )  # fmt: skip
    # then the output is a signed PDF that verifies, timestamped
    assert "PAdES B-T" in message
    trust_root(pki)
    (signature,) = json.loads(run("verify", str(out), "--json"))["signatures"]
    assert signature["signer_name"] == "Nguyễn Văn An"
    assert signature["timestamped"] is True
    assert signature["problems"] == []
    # and signing the result again adds a second signature in its own field
    again = tmp_path / "da-ky-2.pdf"
    run("pdf", str(out), "--p12", str(p12), "--password-file", str(password), "--out", str(again))
    names = [s["field_name"] for s in json.loads(run("verify", str(again), "--json"))["signatures"]]
    assert names == ["ChuKy1", "ChuKy2"]


def test_sign_with_the_password_in_an_environment_variable(
    pki: TestPki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "van-ban.pdf"
    source.write_bytes(make_pdf("Noi dung [CHU_KY]"))
    p12, _ = write_credentials(pki, tmp_path)
    monkeypatch.setenv("GOVDOC_P12_PASSWORD", pki.password)
    out = tmp_path / "da-ky.pdf"
    run(
        "pdf", str(source), "--p12", str(p12), "--password-env", "GOVDOC_P12_PASSWORD",
        "--out", str(out), "--placeholder", "[CHU_KY]",
    )  # fmt: skip
    assert out.read_bytes().startswith(source.read_bytes())


def test_wrong_password_writes_nothing(pki: TestPki, tmp_path: Path) -> None:
    # given a password file with the wrong password
    source = tmp_path / "van-ban.pdf"
    source.write_bytes(make_pdf())
    p12, password = write_credentials(pki, tmp_path)
    password.write_text("sai-mat-khau", encoding="utf-8")
    out = tmp_path / "da-ky.pdf"
    # when signing, then a Vietnamese error and no output file
    with pytest.raises(CommandError, match=WRONG_PASSWORD):
        run("pdf", str(source), "--p12", str(p12), "--password-file", str(password),
            "--out", str(out))  # fmt: skip
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "password.txt",
        "person.p12",
        "van-ban.pdf",
    ]


def test_sign_needs_a_password_source(pki: TestPki, tmp_path: Path) -> None:
    source = tmp_path / "van-ban.pdf"
    source.write_bytes(make_pdf())
    p12, _ = write_credentials(pki, tmp_path)
    with pytest.raises(CommandError, match="--password-file hoặc --password-env"):
        run("pdf", str(source), "--p12", str(p12), "--out", str(tmp_path / "o.pdf"))


def test_bad_box(pki: TestPki, tmp_path: Path) -> None:
    source = tmp_path / "van-ban.pdf"
    source.write_bytes(make_pdf())
    p12, password = write_credentials(pki, tmp_path)
    with pytest.raises(CommandError, match="x1,y1,x2,y2"):
        run("pdf", str(source), "--p12", str(p12), "--password-file", str(password),
            "--out", str(tmp_path / "o.pdf"), "--box", "1,2,3")  # fmt: skip
