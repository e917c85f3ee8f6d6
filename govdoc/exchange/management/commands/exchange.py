"""`govdoc exchange`: an installation's side of the interconnection, for operators.

    govdoc exchange account ORGAN_ID [--transport hub] [--token-file F | --token-env VAR]
                            [--p12 FILE.p12 (--password-file F | --password-env VAR)]
    govdoc exchange directory ORGAN_ID [--transport hub]   # synchronise the agency directory
    govdoc exchange send                                   # send what is due in the outbox
    govdoc exchange poll [ORGAN_ID] [--keep-only]          # fetch and apply what waits
    govdoc exchange apply [ORGAN_ID]                       # apply what was kept (appliers)

Secrets (the hub token, the PKCS#12 password) are read from a file or an environment
variable, never from the command line. Changes are made as the installation's first
superuser and journaled."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govdoc.core.errors import DomainError
from govdoc.organizations.models import Agency, User


def _secret(file: str | None, env: str | None, what: str) -> str | None:
    if file:
        try:
            return Path(file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise CommandError(f"Không đọc được {what} từ {file}: {error}") from None
    if env:
        value = os.environ.get(env)
        if value is None:
            raise CommandError(f"Biến môi trường {env} ({what}) chưa được đặt.")
        return value
    return None


class Command(BaseCommand):
    help = "Liên thông văn bản: tài khoản, danh bạ, gửi và nhận gói tin."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        account = sub.add_parser("account", help="đặt mã truy cập và khóa ký gói tin của cơ quan")
        account.add_argument("organ_id")
        account.add_argument("--transport", default="hub")
        account.add_argument("--token-file")
        account.add_argument("--token-env")
        account.add_argument("--p12")
        account.add_argument("--password-file")
        account.add_argument("--password-env")
        directory = sub.add_parser("directory", help="đồng bộ danh bạ cơ quan từ trạm")
        directory.add_argument("organ_id")
        directory.add_argument("--transport", default="hub")
        sub.add_parser("send", help="gửi các gói tin đến hạn")
        poll = sub.add_parser("poll", help="nhận và xử lý gói tin đang chờ")
        poll.add_argument("organ_id", nargs="?")
        poll.add_argument(
            "--keep-only",
            action="store_true",
            help="chỉ tải về và lưu; việc xử lý do các tiến trình `apply` làm",
        )
        apply = sub.add_parser("apply", help="xử lý các gói tin đã nhận, chưa xử lý")
        apply.add_argument("organ_id", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as error:
            raise CommandError(error.message) from None

    def _agency(self, organ_id: str) -> Agency:
        agency = Agency.objects.filter(organ_id=organ_id.strip()).first()
        if agency is None:
            raise CommandError(f"Không có cơ quan mã {organ_id}.")
        return agency

    def _operator(self) -> User:
        admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if admin is None:
            raise CommandError("Chưa có quản trị hệ thống (govdoc createadmin).")
        return admin

    def _account(self, options: dict[str, Any]) -> None:
        from govdoc.exchange.services.accounts import account_set

        agency = self._agency(options["organ_id"])
        token = _secret(options["token_file"], options["token_env"], "mã truy cập")
        p12 = None
        password = None
        if options["p12"]:
            p12 = Path(options["p12"]).read_bytes()
            password = _secret(options["password_file"], options["password_env"], "mật khẩu") or ""
        account = account_set(
            agency=agency,
            transport=options["transport"],
            actor=self._operator(),
            token=token,
            pkcs12_data=p12,
            password=password,
        )
        self.stdout.write(
            f"Đã lưu tài khoản liên thông của {agency.name} ({options['transport']})"
            + (f"; khóa ký gói tin: {account.certificate_subject}" if p12 else "")
        )

    def _directory(self, options: dict[str, Any]) -> None:
        from govdoc.exchange.services.directory import directory_sync

        result = directory_sync(
            agency=self._agency(options["organ_id"]),
            transport=options["transport"],
            actor=self._operator(),
        )
        self.stdout.write(
            f"Danh bạ: thêm {result.created}, cập nhật {result.updated}, giữ nguyên "
            f"{result.unchanged}, bỏ qua {result.skipped_hosted} cơ quan trên hệ thống này."
        )

    def _send(self, options: dict[str, Any]) -> None:
        from govdoc.exchange.services.outbox import outbox_send_due

        self.stdout.write(f"Đã gửi {outbox_send_due()} gói tin.")

    def _poll(self, options: dict[str, Any]) -> None:
        from govdoc.exchange.models import ExchangeAccount
        from govdoc.exchange.services.inbox import inbox_poll

        accounts = ExchangeAccount.objects.filter(is_active=True).select_related("agency")
        if options["organ_id"]:
            accounts = accounts.filter(agency__organ_id=options["organ_id"])
        apply = not options.get("keep_only", False)
        total = sum(
            inbox_poll(agency=a.agency, transport=a.transport, apply=apply) for a in accounts
        )
        self.stdout.write(f"Đã nhận {total} gói tin mới.")

    def _apply(self, options: dict[str, Any]) -> None:
        """One applier's run: kept packets, claimed so that several may run at once."""
        from govdoc.exchange.services.inbox import inbox_apply_pending

        agency = self._agency(options["organ_id"]) if options["organ_id"] else None
        total = 0
        while done := inbox_apply_pending(agency=agency):
            total += done
        self.stdout.write(f"Đã xử lý {total} gói tin.")
