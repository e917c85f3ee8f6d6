"""A work file as a BagIt package (RFC 8493) for a historical archive: the ZIP re-read, every
checksum and the Payload-Oxum verified, the metadata XML naming each file's path, a damaged
package refused by the verifier (and by `govdoc records verify-package`), a file damaged in
storage refused at export, and the export journaled."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from lxml import etree

from govdoc.audit.models import AuditEvent
from govdoc.documents.models import DocumentFile, DocumentType
from govdoc.organizations.models import Agency, User
from govdoc.records.services.archival_package import (
    DamagedStoredFile,
    archival_package_export,
    package_bytes,
    verify_package,
)
from govdoc.records.tests.test_file_export import SUBJECTS, Scenario, build_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(personas: dict[str, User], ministry: Agency, doc_type: DocumentType) -> Scenario:
    return build_file(personas, ministry, doc_type)


def rewrite(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """A copy of the ZIP with each member passed through `change` (None drops it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


def test_the_package_holds_the_bag_and_every_checksum_holds(
    scenario: Scenario, personas: dict[str, User]
) -> None:
    case_file = scenario.case_file
    # when the file is packaged
    export = archival_package_export(case_file=case_file, actor=personas["specialist"])
    data = export.stream.read()
    export.stream.close()
    assert len(data) == export.size and export.name == f"goi-luu-tru-{case_file.code}.zip"
    # then it is one bag under one directory named after the file code
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    top = case_file.code
    assert {n.split("/", 1)[0] for n in names} == {top}
    assert archive.read(f"{top}/bagit.txt") == (
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    )
    info = dict(
        line.split(": ", 1) for line in archive.read(f"{top}/bag-info.txt").decode().splitlines()
    )
    assert info["Source-Organization"] == "Bộ Tài nguyên và Môi trường"
    assert info["External-Identifier"] == case_file.code
    assert info["Bagging-Date"] == timezone.localdate().isoformat()
    assert info["Organ-Id"] == "000.00.00.G12"
    # the payload: the metadata, the index, each document's files in ordered folders
    payload = sorted(n[len(top) + 1 :] for n in names if n.startswith(f"{top}/data/"))
    assert payload == [
        "data/ho-so.xml",
        "data/muc-luc-van-ban.pdf",
        "data/van-ban/001/01-qd-15.pdf",
        "data/van-ban/002/01-qd-15.pdf",
        "data/van-ban/002/02-phu-luc-a.pdf",
        "data/van-ban/003/01-qd-15.pdf",
        "data/van-ban/003/02-bang-gia-dat.docx",
    ]
    # every manifest line is right, and the Payload-Oxum counts the payload
    manifest = archive.read(f"{top}/manifest-sha256.txt").decode().splitlines()
    assert len(manifest) == len(payload)
    total = 0
    for line in manifest:
        digest, path = line.split("  ", 1)
        content = archive.read(f"{top}/{path}")
        assert hashlib.sha256(content).hexdigest() == digest
        total += len(content)
    assert info["Payload-Oxum"] == f"{total}.{len(payload)}"
    tags = archive.read(f"{top}/tagmanifest-sha256.txt").decode().splitlines()
    assert sorted(line.split("  ", 1)[1] for line in tags) == [
        "bag-info.txt",
        "bagit.txt",
        "manifest-sha256.txt",
    ]
    for line in tags:
        digest, path = line.split("  ", 1)
        assert hashlib.sha256(archive.read(f"{top}/{path}")).hexdigest() == digest
    # the stored files are there byte for byte
    appendix = DocumentFile.objects.get(name="phu-luc-a.pdf").stored
    assert (
        hashlib.sha256(archive.read(f"{top}/data/van-ban/002/02-phu-luc-a.pdf")).hexdigest()
        == appendix.sha256
    )
    # the metadata names each file's path in the bag
    root = etree.fromstring(archive.read(f"{top}/data/ho-so.xml"))
    documents = root.findall("CaseFile/Documents/Document")
    assert [d.findtext("Subject") for d in documents] == list(SUBJECTS)
    assert [f.findtext("Path") for f in documents[1].findall("ComputerFiles/ComputerFile")] == [
        "van-ban/002/01-qd-15.pdf",
        "van-ban/002/02-phu-luc-a.pdf",
    ]
    # and the verifier agrees
    check = verify_package(io.BytesIO(data))
    assert check.ok, check.problems
    assert (check.payload_files, check.payload_bytes) == (len(payload), total)
    assert check.info["External-Identifier"] == case_file.code
    # and the export is journaled
    event = AuditEvent.objects.get(action="records.export")
    assert event.data["what"] == "package" and event.data["files"] == len(payload)


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (
            lambda name, content: content + b"x" if name.endswith("02-phu-luc-a.pdf") else content,
            "data/van-ban/002/02-phu-luc-a.pdf: sai mã băm SHA-256",
        ),
        (
            lambda name, content: None if name.endswith("01-qd-15.pdf") else content,
            "Thiếu tệp data/van-ban/001/01-qd-15.pdf",
        ),
        (
            lambda name, content: (
                content.replace(b"Payload-Oxum: ", b"Payload-Oxum: 1")
                if name.endswith("bag-info.txt")
                else content
            ),
            "Payload-Oxum",
        ),
        (
            lambda name, content: (
                content.replace("Hồ sơ".encode(), b"Ho so")
                if name.endswith("ho-so.xml")
                else content
            ),
            "data/ho-so.xml: sai mã băm SHA-256",
        ),
        (
            lambda name, content: (
                content + b"0" * 64 + b"  data/extra.txt\n"
                if name.endswith("/manifest-sha256.txt")
                else content
            ),
            "manifest-sha256.txt: sai mã băm SHA-256",
        ),
    ],
    ids=["changed-file", "missing-file", "oxum", "metadata", "manifest"],
)
def test_a_tampered_package_is_refused(
    scenario: Scenario,
    tamper: Callable[[str, bytes], bytes | None],
    problem: str,
) -> None:
    data = package_bytes(scenario.case_file)
    check = verify_package(io.BytesIO(rewrite(data, tamper)))
    assert not check.ok
    assert any(problem in text for text in check.problems), check.problems


def test_a_file_added_to_the_payload_is_refused(scenario: Scenario) -> None:
    data = package_bytes(scenario.case_file)
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr(f"{scenario.case_file.code}/data/them.txt", b"them")
    check = verify_package(io.BytesIO(out.getvalue()))
    assert "Tệp data/them.txt không có trong manifest-sha256.txt." in check.problems


def test_what_is_not_a_bag_is_refused() -> None:
    assert not verify_package(io.BytesIO(b"not a zip")).ok
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a/data/x.txt", b"x")
    check = verify_package(io.BytesIO(out.getvalue()))
    assert check.problems == ("Thiếu tệp bagit.txt.",)


def test_a_file_damaged_in_storage_stops_the_export(
    scenario: Scenario, personas: dict[str, User]
) -> None:
    # given the appendix's bytes changed on disk behind the system's back
    stored = DocumentFile.objects.get(name="phu-luc-a.pdf").stored
    with open(default_storage.path(stored.storage_name), "ab") as handle:
        handle.write(b"damage")
    # then no package is made, and nothing is journaled
    with pytest.raises(DamagedStoredFile) as refused:
        archival_package_export(case_file=scenario.case_file, actor=personas["specialist"])
    assert "phu-luc-a.pdf" in refused.value.message
    assert not AuditEvent.objects.filter(action="records.export").exists()


def test_the_verify_command(scenario: Scenario, tmp_path: Path) -> None:
    good = tmp_path / "goi.zip"
    good.write_bytes(package_bytes(scenario.case_file))
    out = io.StringIO()
    call_command("records", "verify-package", str(good), stdout=out)
    assert "Gói lưu trữ hợp lệ" in out.getvalue() and scenario.case_file.code in out.getvalue()
    bad = tmp_path / "hong.zip"
    bad.write_bytes(
        rewrite(
            good.read_bytes(),
            lambda name, content: b"x" if name.endswith("01-qd-15.pdf") else content,
        )
    )
    errors = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("records", "verify-package", str(bad), stdout=io.StringIO(), stderr=errors)
    assert "không hợp lệ" in str(refused.value)
    assert "sai mã băm" in errors.getvalue()
