"""`govdoc edxml`: look at and check edXML packets (QCVN 102:2016).

    govdoc edxml inspect FILE [--json]
    govdoc edxml validate FILE
    govdoc edxml export DOCUMENT [--out FILE] [--sign]

`inspect` prints the packet (document or status message) as a Vietnamese summary, or with
`--json` as JSON whose keys are the edXML element names plus `Attachments` (name, type,
size and SHA-256 of each decoded file). A packet that cannot be accepted (too large, DTD,
malformed, wrong namespace, attachments not matching the manifest…) exits with code 2 and
the reason on stderr.

`validate` checks the packet against the project's XSD and rules (DocumentId agrees with
From/OrganId, the date and the code; dates; attachments match the manifest…) and prints
"Hợp lệ" (exit 0) or the list of problems (exit 1).

FILE may be "-" for standard input. A file that cannot be read exits with code 2.

`export` writes the packet of an issued outgoing document (by its DocumentId or its number
in govdoc) to every agency it was sent to; with `--sign`, signed with the agency's packet key.

Subcommands are classes registered with `@subcommand`.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, ClassVar

from django.core.management.base import BaseCommand

from govdoc.exchange.edxml.build import build_document_packet
from govdoc.exchange.edxml.errors import PacketError
from govdoc.exchange.edxml.hardened import Limits, check_size, read_limited
from govdoc.exchange.edxml.inspect import packet_json, packet_summary
from govdoc.exchange.edxml.parse import read_packet
from govdoc.exchange.edxml.validate import Problem, validate_packet

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_REFUSED = 2


class Failure(Exception):
    """Stop the subcommand: `message` goes to stderr, `code` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_REFUSED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class Subcommand:
    """One `govdoc edxml <name>` action. `run` returns the exit status."""

    name: ClassVar[str]
    help: ClassVar[str]

    def add_arguments(self, parser: ArgumentParser) -> None:
        pass

    def run(self, command: Command, options: dict[str, Any]) -> int:
        raise NotImplementedError


SUBCOMMANDS: dict[str, type[Subcommand]] = {}


def subcommand(cls: type[Subcommand]) -> type[Subcommand]:
    """Register a subcommand (the extension point for `export` and later ones)."""
    SUBCOMMANDS[cls.name] = cls
    return cls


def read_input(path: str, limits: Limits) -> bytes:
    """The packet's bytes, refused (PacketError too_large) past the size cap before reading
    it all. Failure when the file cannot be read."""
    if path == "-":
        return read_limited(sys.stdin.buffer, limits)
    file = Path(path)
    try:
        check_size(file.stat().st_size, limits)
        with file.open("rb") as stream:
            return read_limited(stream, limits)
    except FileNotFoundError:
        raise Failure(f"Không tìm thấy tệp “{path}”.") from None
    except IsADirectoryError:
        raise Failure(f"“{path}” là thư mục, không phải tệp.") from None
    except PermissionError:
        raise Failure(f"Không có quyền đọc tệp “{path}”.") from None


def refusal(path: str, error: PacketError) -> str:
    return f"Gói tin “{path}” không hợp lệ: {error.message} [{error.code}]"


@subcommand
class Inspect(Subcommand):
    name = "inspect"
    help = "xem nội dung gói tin edXML (tóm tắt hoặc JSON)"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="tệp gói tin edXML (- là đầu vào chuẩn)")
        parser.add_argument("--json", action="store_true", help="in dạng JSON")

    def run(self, command: Command, options: dict[str, Any]) -> int:
        limits = Limits.from_settings()
        path = options["file"]
        try:
            parsed = read_packet(read_input(path, limits), limits=limits)
        except PacketError as error:
            raise Failure(refusal(path, error)) from None
        if options["json"]:
            document = packet_json(parsed.packet, signature_present=parsed.signature_present)
            command.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            summary = packet_summary(parsed.packet, signature_present=parsed.signature_present)
            command.stdout.write(summary, ending="")
        return EXIT_OK


def problems_text(problems: list[Problem]) -> str:
    lines = [f"Không hợp lệ: {len(problems)} vấn đề"]
    lines.extend(f"  - [{problem.code}] {problem}" for problem in problems)
    return "\n".join(lines)


@subcommand
class Validate(Subcommand):
    name = "validate"
    help = "kiểm tra gói tin edXML theo lược đồ XSD và các quy tắc"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="tệp gói tin edXML (- là đầu vào chuẩn)")

    def run(self, command: Command, options: dict[str, Any]) -> int:
        limits = Limits.from_settings()
        try:
            data = read_input(options["file"], limits)
        except PacketError as error:
            problems = [Problem(error.code, error.message, error.where)]
        else:
            problems = validate_packet(data, limits=limits)
        if not problems:
            command.stdout.write("Hợp lệ")
            return EXIT_OK
        command.stdout.write(problems_text(problems))
        return EXIT_INVALID


class Command(BaseCommand):
    help = "Xem (inspect) và kiểm tra (validate) gói tin edXML theo QCVN 102:2016."

    def add_arguments(self, parser: ArgumentParser) -> None:
        names = ",".join(SUBCOMMANDS)
        actions = parser.add_subparsers(dest="action", required=True, metavar=f"{{{names}}}")
        for name, cls in SUBCOMMANDS.items():
            cls().add_arguments(actions.add_parser(name, help=cls.help))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            code = SUBCOMMANDS[options["action"]]().run(self, options)
        except Failure as failure:
            self.stderr.write(failure.message)
            code = failure.code
        if code:
            raise SystemExit(code)


@subcommand
class Export(Subcommand):
    name = "export"
    help = "ghi gói tin edXML của một văn bản đi đã phát hành"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "document",
            help="mã văn bản (DocumentId, ví dụ 000.00.00.G12,2026/12/01,01/QĐ-BTNMT) "
            "hoặc số thứ tự văn bản đi trong hệ thống",
        )
        parser.add_argument("--out", default="-", help="tệp ghi ra (mặc định: đầu ra chuẩn)")
        parser.add_argument(
            "--sign", action="store_true", help="ký gói tin bằng khóa liên thông của cơ quan"
        )

    def run(self, command: Command, options: dict[str, Any]) -> int:
        from govdoc.exchange.packets import document_packet_for
        from govdoc.exchange.services.sending import default_transport, signed
        from govdoc.outgoing.models import OutgoingDocument

        key = options["document"].strip()
        documents = OutgoingDocument.objects.select_related(
            "document__document_type", "agency", "draft"
        ).filter(issued_at__isnull=False)
        outgoing = (
            documents.filter(pk=int(key)).first()
            if key.isdigit()
            else documents.filter(document__document_identifier=key).first()
        )
        if outgoing is None:
            raise Failure(f"Không có văn bản đi đã phát hành “{key}”.")
        data = build_document_packet(document_packet_for(outgoing, None))
        if options["sign"]:
            signed_data = signed(outgoing.agency, default_transport(), data)
            if signed_data is None:
                raise Failure(f"{outgoing.agency.name} chưa có khóa ký gói tin liên thông.")
            data = signed_data
        if options["out"] == "-":
            command.stdout.write(data.decode("utf-8"), ending="")
        else:
            Path(options["out"]).write_bytes(data)
            command.stderr.write(f"Đã ghi {len(data)} byte vào {options['out']}.")
        return EXIT_OK
