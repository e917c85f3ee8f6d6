"""`python manage.py demo` (and `govdoc demo`): seed the demo installation once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govdoc.organizations.roles import Role
from govdoc.web.demo import DEFAULT_DOCUMENTS, DEFAULT_SEED, demo_install
from govdoc.web.demo_data import PASSWORD


class Command(BaseCommand):
    help = (
        "Tạo bản cài đặt mẫu: Bộ Tài nguyên và Môi trường, đơn vị, danh bạ cơ quan, tài khoản "
        "mẫu và văn bản đến trong năm. Chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--documents",
            type=int,
            default=DEFAULT_DOCUMENTS,
            help=f"số văn bản đến tạo mẫu (mặc định {DEFAULT_DOCUMENTS})",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="hạt giống ngẫu nhiên (cùng hạt giống, cùng ngày: cùng dữ liệu)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        documents: int = options["documents"]
        if documents < 0:
            raise CommandError("--documents phải là số không âm.")
        result = demo_install(documents=documents, seed=options["seed"], progress=self.stdout.write)
        style = self.style.SUCCESS if result.created else self.style.WARNING
        self.stdout.write(style(result.message))
        if not result.accounts:
            return
        self.stdout.write("")
        self.stdout.write(f"Tài khoản mẫu (chỉ để dùng thử), mật khẩu: {PASSWORD}")
        for account in result.accounts:
            role = Role(account.role).label
            where = f" ({account.agency_name})" if account.agency_name else ""
            self.stdout.write(f"  {account.username:<12} {role:<18} {account.full_name}{where}")
