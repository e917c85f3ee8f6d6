"""`govdoc records`: operations on work files.

    govdoc records verify-package FILE

`verify-package` re-reads an archival package (a BagIt bag in a ZIP, as made by
/ho-so/<id>/goi-luu-tru.zip: docs/records-export.md): the BagIt declaration, every payload
file against manifest-sha256.txt (none missing, none extra), the Payload-Oxum, and the tag
files against tagmanifest-sha256.txt. It exits 0 when the package is sound and 1 (listing
every problem) when it is not or cannot be read.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govdoc.records.services.archival_package import verify_package


class Command(BaseCommand):
    help = "Hồ sơ công việc: kiểm tra gói lưu trữ (verify-package FILE)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="LỆNH")
        verify = commands.add_parser(
            "verify-package",
            help="Kiểm tra mã băm và Payload-Oxum của một gói lưu trữ (BagIt, ZIP).",
        )
        verify.add_argument("file", type=Path, help="tệp ZIP của gói lưu trữ")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify-package":
            self._verify(options["file"])

    def _verify(self, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        check = verify_package(path)
        if not check.ok:
            for problem in check.problems:
                self.stderr.write(f"- {problem}")
            raise CommandError(f"Gói lưu trữ {path.name} không hợp lệ: {len(check.problems)} lỗi.")
        identifier = check.info.get("External-Identifier", check.bag_name)
        self.stdout.write(
            f"Gói lưu trữ hợp lệ: hồ sơ {identifier}, {check.payload_files} tệp, "
            f"{check.payload_bytes} byte; mọi mã băm SHA-256 và Payload-Oxum đều khớp."
        )
