"""`govdoc sign`: check the signatures of a PDF, or sign one with a PKCS#12 file.

    govdoc sign verify FILE [--json] [--trust CERT ...]
    govdoc sign pdf FILE --p12 FILE.p12 (--password-file F | --password-env VAR) --out OUT
                   [--image PNG --page N --box x1,y1,x2,y2 | --placeholder TEXT] [--tsa URL]

`verify` trusts the active roots of the installation's trust store plus the `--trust`
certificates (PEM or DER) given for this run (fetching revocation data when
``GOVDOC_REVOCATION_FETCH`` is on), and prints one block per signature (or, with
`--json`, `{"signatures": [...]}`). It exits 0 whenever the file could be read, whatever the
signatures say; a missing file or one that is not a readable PDF is an error (exit 1).

`pdf` is for administrators: it appends a PAdES signature (B-B, or B-T with `--tsa`). The
password of the PKCS#12 file is read from a file or an environment variable, never from the
command line (where `ps` and the shell history would show it); at a terminal it is asked.
Nothing is written when signing fails.
"""

from __future__ import annotations

import datetime as dt
import getpass
import io
import json
import os
import sys
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from asn1crypto import x509
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from govdoc.core.errors import ValidationFailed
from govdoc.signatures.credentials import read_certificate
from govdoc.signatures.pades import (
    VIETNAM,
    Appearance,
    Box,
    PdfSigningError,
    sign_pdf,
)
from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.signatures.selectors import active_trust_anchors
from govdoc.signatures.signer import SignerError
from govdoc.signatures.verify import (
    PdfVerificationError,
    SignatureReport,
    VerificationReport,
    verify_pdf,
)

MAX_PDF_SIZE = 200 * 1024 * 1024
YES, NO = "có", "không"


def format_time(moment: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM +07:00 in Vietnam time (the time a reader expects)."""
    if moment is None:
        return "không rõ"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(VIETNAM)
    offset = local.strftime("%z")
    return f"{local:%d/%m/%Y %H:%M} {offset[:3]}:{offset[3:]}"


def report_text(report: VerificationReport, *, name: str) -> str:
    lines = [f"Tệp: {name}"]
    if not report.signed:
        lines.append("Tệp không có chữ ký số.")
        return "\n".join(lines) + "\n"
    lines.append(f"Số chữ ký: {len(report.signatures)}")
    for number, signature in enumerate(report.signatures, start=1):
        lines.append("")
        lines.append(f"Chữ ký {number} (trường “{signature.field_name}”)")
        lines.append(f"  Người ký: {signature.signer_name or 'không rõ'}")
        lines.append(f"  Thời gian ký: {format_time(signature.signing_time)}")
        lines.append(f"  Toàn vẹn: {YES if signature.intact else NO}")
        if signature.covers_whole_document:
            coverage = YES
        elif signature.later_changes_allowed:
            coverage = f"{NO} (nội dung thêm sau khi ký là thay đổi được phép)"
        else:
            coverage = NO
        lines.append(f"  Bao trùm toàn bộ văn bản: {coverage}")
        lines.append(f"  Có dấu thời gian: {YES if signature.timestamped else NO}")
        lines.append(f"  Chứng thư số được tin cậy: {YES if signature.trusted else NO}")
        if signature.problems:
            lines.append("  Vấn đề:")
            lines.extend(f"    - {problem}" for problem in signature.problems)
        else:
            lines.append("  Vấn đề: không có")
        lines.append(f"  Kết luận: {'HỢP LỆ' if signature.valid else 'KHÔNG HỢP LỆ'}")
    return "\n".join(lines) + "\n"


def signature_json(signature: SignatureReport) -> dict[str, Any]:
    return {
        "field_name": signature.field_name,
        "signer_name": signature.signer_name,
        "signing_time": (
            signature.signing_time.astimezone(VIETNAM).isoformat()
            if signature.signing_time is not None
            else None
        ),
        "intact": signature.intact,
        "covers_whole_document": signature.covers_whole_document,
        "later_changes_allowed": signature.later_changes_allowed,
        "timestamped": signature.timestamped,
        "trusted": signature.trusted,
        "valid": signature.valid,
        "problems": list(signature.problems),
    }


def _read_file(path: str, *, what: str, limit: int = MAX_PDF_SIZE) -> bytes:
    file = Path(path)
    try:
        if file.stat().st_size > limit:
            raise CommandError(f"{what[0].upper()}{what[1:]} “{path}” quá lớn.")
        return file.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"Không tìm thấy {what} “{path}”.") from None
    except IsADirectoryError:
        raise CommandError(f"“{path}” là thư mục, không phải tệp.") from None
    except PermissionError:
        raise CommandError(f"Không có quyền đọc {what} “{path}”.") from None


def trust_roots(extra: list[str]) -> list[x509.Certificate]:
    """The active anchors of the trust store, then the `--trust` files of this run."""
    roots = [x509.Certificate.load(bytes(a.certificate_der)) for a in active_trust_anchors()]
    for path in extra:
        data = _read_file(path, what="tệp chứng thư số", limit=64 * 1024)
        try:
            info = read_certificate(data)
        except ValidationFailed as error:
            raise CommandError(f"“{path}”: {error}") from None
        roots.append(x509.Certificate.load(info.der))
    return roots


def parse_box(value: str, page: int) -> Box:
    try:
        x1, y1, x2, y2 = (float(part) for part in value.split(","))
    except ValueError:
        raise CommandError(
            "--box phải có dạng x1,y1,x2,y2 (bốn số, đơn vị điểm PDF, gốc ở góc dưới trái)."
        ) from None
    if x2 <= x1 or y2 <= y1:
        raise CommandError("--box: x2 phải lớn hơn x1 và y2 lớn hơn y1.")
    return Box(page - 1, x1, y1, x2, y2)


def read_password(options: dict[str, Any]) -> str:
    if options["password_file"]:
        data = _read_file(options["password_file"], what="tệp mật khẩu", limit=4096)
        try:
            return data.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise CommandError("Tệp mật khẩu phải là văn bản UTF-8.") from None
    if options["password_env"]:
        name = options["password_env"]
        if name not in os.environ:
            raise CommandError(f"Biến môi trường {name} chưa được đặt.")
        return os.environ[name]
    if sys.stdin.isatty():
        return getpass.getpass("Mật khẩu tệp chứng thư số: ")
    raise CommandError("Cần --password-file hoặc --password-env để đọc mật khẩu tệp .p12.")


def write_atomically(path: Path, data: bytes) -> None:
    """The whole file or nothing: a temporary file beside it, renamed at the end."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise CommandError(f"Không có thư mục “{directory}” để ghi tệp kết quả.")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".govdoc-sign-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def next_field_name(pdf: bytes) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        names = {name for name, _value, _ref in fields.enumerate_sig_fields(reader)}
    except Exception:
        return "ChuKy1"  # sign_pdf reports the unreadable file
    number = 1
    while f"ChuKy{number}" in names:
        number += 1
    return f"ChuKy{number}"


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số của tệp PDF (verify) hoặc ký tệp PDF bằng tệp .p12 (pdf)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify,pdf}")

        verify = actions.add_parser("verify", help="kiểm tra các chữ ký số của tệp PDF")
        verify.add_argument("file", help="tệp PDF cần kiểm tra")
        verify.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        verify.add_argument(
            "--trust",
            action="append",
            default=[],
            metavar="CERT",
            help="tin cậy thêm chứng thư gốc này (PEM hoặc DER) trong lần chạy này",
        )

        sign = actions.add_parser("pdf", help="ký tệp PDF bằng tệp PKCS#12 (quản trị viên)")
        sign.add_argument("file", help="tệp PDF cần ký")
        sign.add_argument("--p12", required=True, help="tệp PKCS#12 (.p12/.pfx)")
        password = sign.add_mutually_exclusive_group()
        password.add_argument("--password-file", help="tệp chứa mật khẩu của tệp .p12")
        password.add_argument("--password-env", metavar="VAR", help="biến môi trường chứa mật khẩu")
        sign.add_argument("--out", required=True, help="tệp PDF đã ký sẽ ghi ra")
        sign.add_argument("--image", help="ảnh chữ ký hoặc con dấu (PNG nền trong suốt)")
        sign.add_argument("--page", type=int, default=1, help="trang đặt chữ ký (từ 1)")
        place = sign.add_mutually_exclusive_group()
        place.add_argument("--box", help="khung chữ ký x1,y1,x2,y2 (điểm PDF, gốc dưới trái)")
        place.add_argument("--placeholder", metavar="TEXT", help="đặt chữ ký tại dòng chữ này")
        sign.add_argument("--tsa", metavar="URL", help="dịch vụ cấp dấu thời gian (PAdES B-T)")
        sign.add_argument("--field", help="tên trường chữ ký (mặc định ChuKy1, ChuKy2…)")
        sign.add_argument("--reason", default="", help="lý do ký")
        sign.add_argument("--location", default="", help="nơi ký")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self.verify(options)
        else:
            self.sign(options)

    def verify(self, options: dict[str, Any]) -> None:
        pdf = _read_file(options["file"], what="tệp PDF")
        roots = trust_roots(options["trust"])
        try:
            report = verify_pdf(
                pdf, roots=roots, allow_fetching=bool(settings.GOVDOC_REVOCATION_FETCH)
            )
        except PdfVerificationError as error:
            raise CommandError(f"“{options['file']}”: {error}") from None
        if options["json"]:
            document = {"signatures": [signature_json(s) for s in report.signatures]}
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report_text(report, name=options["file"]), ending="")

    def sign(self, options: dict[str, Any]) -> None:
        pdf = _read_file(options["file"], what="tệp PDF")
        p12 = _read_file(options["p12"], what="tệp chứng thư số", limit=256 * 1024)
        password = read_password(options)
        try:
            signer = Pkcs12Signer(p12, password)
        except SignerError as error:
            raise CommandError(str(error)) from None
        if options["page"] < 1:
            raise CommandError("--page đếm từ 1.")
        image = _read_file(options["image"], what="ảnh chữ ký") if options["image"] else None
        appearance: Appearance | None = None
        if options["box"]:
            box = parse_box(options["box"], options["page"])
            appearance = Appearance(box=box, image_png=image)
        elif options["placeholder"] or image is not None:
            appearance = Appearance(placeholder=options["placeholder"], image_png=image)
        try:
            signed = sign_pdf(
                pdf=pdf,
                signer=signer,
                field_name=options["field"] or next_field_name(pdf),
                reason=options["reason"],
                location=options["location"],
                appearance=appearance,
                timestamp_url=options["tsa"],
            )
        except PdfSigningError as error:
            raise CommandError(str(error)) from None
        out = Path(options["out"])
        write_atomically(out, signed)
        kind = "PAdES B-T" if options["tsa"] else "PAdES B-B"
        self.stdout.write(f"Đã ký ({kind}) và ghi vào “{out}”.")
