"""`govdoc edxml inspect|validate`: output, exit codes, messages on stderr."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from govdoc.exchange.edxml.build import build_document_packet, build_status_packet
from govdoc.exchange.edxml.tests.samples import PDF, document, status
from govdoc.exchange.management.commands import edxml as command

ROOT = Path(__file__).resolve().parents[4]


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("edxml", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = int(exit.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def packet_file(tmp_path: Path) -> Path:
    path = tmp_path / "goi-tin.edxml"
    path.write_bytes(build_document_packet(document()))
    return path


def test_inspect_json_prints_the_packet(packet_file: Path) -> None:
    code, out, err = run("inspect", str(packet_file), "--json")

    assert code == 0 and err == ""
    view = json.loads(out)
    assert view["From"]["OrganId"] == "000.00.00.G22"
    assert len(view["To"]) == 2
    assert view["TraceHeaderList"]["Bussiness"]["BussinessDocType"] == 0
    assert view["Attachments"][0]["size"] == len(PDF)
    assert set(view["Attachments"][0]) >= {"ContentId", "AttachmentName", "ContentType", "sha256"}
    assert "Trần Thị Hoà" in out  # not escaped


def test_inspect_json_of_a_status_packet(tmp_path: Path) -> None:
    path = tmp_path / "status.edxml"
    path.write_bytes(build_status_packet(status()))
    code, out, _err = run("inspect", str(path), "--json")
    assert code == 0
    assert json.loads(out)["StatusCode"] == "01"


def test_inspect_prints_a_vietnamese_summary(packet_file: Path) -> None:
    code, out, _err = run("inspect", str(packet_file))
    assert code == 0
    assert "Gói tin văn bản (edXML)" in out
    assert "nén zip" in out  # how the attachments travelled


def test_inspect_refuses_an_invalid_packet_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "xxe.edxml"
    path.write_bytes(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><edXML>&e;</edXML>')
    code, out, err = run("inspect", str(path), "--json")
    assert code == 2
    assert out == ""
    assert "không hợp lệ" in err and "DOCTYPE" in err and "[dtd_forbidden]" in err


def test_inspect_refuses_a_60_mb_file_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "lon.edxml"
    with path.open("wb") as out:
        out.truncate(60 * 1024 * 1024)  # sparse: nothing is written
    code, _out, err = run("inspect", str(path))
    assert code == 2
    assert "[too_large]" in err and "60,0 MB" in err


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    code, _out, err = run("inspect", str(tmp_path / "khong-co.edxml"))
    assert code == 2 and "Không tìm thấy tệp" in err
    code, _out, err = run("validate", str(tmp_path))
    assert code == 2 and "là thư mục" in err


def test_validate_a_valid_packet(packet_file: Path) -> None:
    assert run("validate", str(packet_file)) == (0, "Hợp lệ\n", "")


def test_validate_lists_the_problems(tmp_path: Path) -> None:
    path = tmp_path / "sai.edxml"
    path.write_bytes(build_document_packet(document(document_id="000.00.00.G09,2018/09/20,1/X")))
    code, out, _err = run("validate", str(path))
    assert code == 1
    assert out.startswith("Không hợp lệ: 2 vấn đề")
    assert "[document_id_organ]" in out and "[document_id_code]" in out


def test_validate_reports_a_refused_packet_as_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "cut.edxml"
    path.write_bytes(build_document_packet(document())[:500])
    code, out, _err = run("validate", str(path))
    assert code == 1 and "[malformed]" in out


def test_subcommands_are_registered() -> None:
    assert set(command.SUBCOMMANDS) >= {"inspect", "validate", "export"}


def test_the_govdoc_command_runs_it(packet_file: Path, tmp_path: Path) -> None:
    govdoc = Path(sys.executable).parent / "govdoc"
    env = {**os.environ, "GOVDOC_DATA_DIR": str(tmp_path / "data")}
    ok = subprocess.run(
        [str(govdoc), "edxml", "validate", str(packet_file)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "Hợp lệ"
    bad = tmp_path / "bad.edxml"
    bad.write_bytes(b"<edXML>")
    refused = subprocess.run(
        [str(govdoc), "edxml", "inspect", str(bad), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert refused.returncode == 2
    assert "[malformed]" in refused.stderr
    assert "CommandError" not in refused.stderr and "Traceback" not in refused.stderr
