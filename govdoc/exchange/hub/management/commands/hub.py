"""`govdoc hub …`: run and administer the hub (with DJANGO_SETTINGS_MODULE=config.hub_settings,
which `govdoc hub` sets).

  govdoc hub serve [--host 127.0.0.1] [--port 8100] [--workers N] [--threads N]
                   [--certfile F --keyfile F [--ca-certs F]] [--no-migrate]
  govdoc hub migrate
  govdoc hub agency add ORGAN_ID "Tên" [--parent …] [--email …] [--phone …] [--address …]
                   [--mtls-fingerprint SHA256]… [--mtls-cert FILE]…
  govdoc hub agency list
  govdoc hub agency set ORGAN_ID [--name …] [--active | --inactive] [--no-mtls] …
  govdoc hub token ORGAN_ID [--rotate]      an agency's key (printed once)
  govdoc hub token --admin [--rotate]       an administrator's key (directory writes)
  govdoc hub purge [--dry-run]              retention (serve also runs it every hour)
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.models import Count, Q
from django.utils import timezone

from govdoc.core.errors import DomainError
from govdoc.exchange.hub import conf
from govdoc.exchange.hub.auth import certificate_fingerprint
from govdoc.exchange.hub.journal import journal_record
from govdoc.exchange.hub.models import OPEN_STATUSES, Agency
from govdoc.exchange.hub.retention import purge
from govdoc.exchange.hub.services import (
    AgencyInput,
    agency_create,
    agency_get,
    agency_update,
    credential_issue,
)

logger = logging.getLogger("govdoc.hub")


def _failure(error: DomainError) -> CommandError:
    details = "".join(f"\n  - {field}: {message}" for field, message in error.fields.items())
    return CommandError(f"{error.message}{details}")


def _fingerprints(options: dict[str, Any]) -> list[str]:
    values = list(options.get("mtls_fingerprint") or [])
    for path in options.get("mtls_cert") or []:
        try:
            values.append(certificate_fingerprint(Path(path).read_bytes()))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Không đọc được chứng thư {path}: {exc}") from exc
    return values


class Command(BaseCommand):
    help = "Trạm trung chuyển liên thông văn bản: chạy, đăng ký cơ quan, mã truy cập, dọn dẹp."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="LỆNH")

        serve = actions.add_parser("serve", help="chạy trạm (gunicorn), sau khi cập nhật CSDL")
        serve.add_argument("--host", default=os.environ.get("GOVDOC_HUB_HOST", "127.0.0.1"))
        serve.add_argument(
            "--port", type=int, default=int(os.environ.get("GOVDOC_HUB_PORT", "8100"))
        )
        serve.add_argument(
            "--workers", type=int, default=int(os.environ.get("GOVDOC_HUB_WORKERS", "2"))
        )
        serve.add_argument(
            "--threads", type=int, default=int(os.environ.get("GOVDOC_HUB_THREADS", "4"))
        )
        serve.add_argument("--certfile", help="chứng thư TLS của trạm (PEM)")
        serve.add_argument("--keyfile", help="khóa riêng của chứng thư TLS (PEM)")
        serve.add_argument(
            "--ca-certs",
            help="CA của chứng thư máy khách: bắt buộc mọi kết nối có chứng thư do CA này cấp",
        )
        serve.add_argument("--no-migrate", action="store_true")

        actions.add_parser("migrate", help="tạo, cập nhật CSDL của trạm")

        agency = actions.add_parser("agency", help="danh bạ cơ quan trên trạm")
        agency_actions = agency.add_subparsers(dest="agency_action", required=True)
        add = agency_actions.add_parser("add", help="thêm cơ quan và in mã truy cập")
        add.add_argument("organ_id")
        add.add_argument("name")
        self._agency_fields(add)
        add.add_argument("--inactive", action="store_true")
        agency_actions.add_parser("list", help="liệt kê cơ quan")
        change = agency_actions.add_parser("set", help="sửa thông tin cơ quan")
        change.add_argument("organ_id")
        change.add_argument("--name")
        self._agency_fields(change)
        state = change.add_mutually_exclusive_group()
        state.add_argument("--active", dest="active", action="store_true", default=None)
        state.add_argument("--inactive", dest="active", action="store_false")
        change.add_argument(
            "--no-mtls", action="store_true", help="bỏ các vân tay đã đăng ký (không bắt mTLS)"
        )

        token = actions.add_parser("token", help="cấp mã truy cập (chỉ in một lần)")
        token.add_argument("organ_id", nargs="?")
        token.add_argument("--admin", action="store_true", help="mã quản trị (sửa danh bạ)")
        token.add_argument("--rotate", action="store_true", help="thu hồi các mã cũ ngay")

        cleanup = actions.add_parser("purge", help="xóa gói tin quá hạn lưu giữ")
        cleanup.add_argument("--dry-run", action="store_true")

    @staticmethod
    def _agency_fields(parser: ArgumentParser) -> None:
        parser.add_argument("--parent", help="mã định danh cơ quan cấp trên")
        parser.add_argument("--email")
        parser.add_argument("--phone")
        parser.add_argument("--address")
        parser.add_argument(
            "--mtls-fingerprint",
            action="append",
            help="SHA-256 chứng thư TLS của cơ quan (bắt buộc mTLS); lặp lại được",
        )
        parser.add_argument(
            "--mtls-cert", action="append", help="tệp chứng thư TLS (PEM/DER) để lấy vân tay"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not conf.is_hub_process():
            raise CommandError(
                "Lệnh hub chạy với cấu hình của trạm trung chuyển: dùng `govdoc hub …` "
                "(DJANGO_SETTINGS_MODULE=config.hub_settings), không dùng CSDL của hệ thống."
            )
        action = options["action"]
        try:
            if action == "serve":
                self._serve(options)
            elif action == "migrate":
                call_command("migrate", interactive=False, verbosity=options["verbosity"])
            elif action == "agency":
                self._agency(options)
            elif action == "token":
                self._token(options)
            elif action == "purge":
                self._purge(options)
        except DomainError as error:
            raise _failure(error) from error

    # -- directory ---------------------------------------------------------------------

    def _agency(self, options: dict[str, Any]) -> None:
        sub = options["agency_action"]
        if sub == "list":
            self._list()
            return
        fingerprints = _fingerprints(options)
        if sub == "add":
            agency = agency_create(
                organ_id=options["organ_id"],
                data=AgencyInput(
                    name=options["name"],
                    parent=options["parent"],
                    email=options["email"],
                    phone=options["phone"],
                    address=options["address"],
                    active=not options["inactive"],
                    mtls_fingerprints=fingerprints,
                ),
            )
            credential, raw_key = credential_issue(agency=agency)
            journal_record(
                call="cli.agency_add",
                status_code=201,
                result="ok",
                agency=agency.organ_id,
                credential=credential.prefix,
            )
            self.stdout.write(f"Đã thêm cơ quan {agency.organ_id} {agency.name}.")
            if agency.mtls_required:
                self.stdout.write("Cơ quan phải kết nối bằng chứng thư TLS đã đăng ký (mTLS).")
            self._print_key(raw_key)
            return
        mtls: list[str] | None = fingerprints or None
        if options["no_mtls"]:
            mtls = []
        agency = agency_update(
            organ_id=options["organ_id"],
            data=AgencyInput(
                name=options["name"],
                parent=options["parent"],
                email=options["email"],
                phone=options["phone"],
                address=options["address"],
                active=options["active"],
                mtls_fingerprints=mtls,
            ),
        )
        journal_record(call="cli.agency_set", status_code=200, result="ok", agency=agency.organ_id)
        state = "đang hoạt động" if agency.active else "ngừng hoạt động"
        mtls_text = "bắt buộc mTLS" if agency.mtls_required else "không bắt buộc mTLS"
        self.stdout.write(f"Đã sửa cơ quan {agency.organ_id} {agency.name} ({state}, {mtls_text}).")

    def _list(self) -> None:
        agencies = Agency.objects.select_related("parent").annotate(
            keys=Count(
                "credentials", filter=Q(credentials__revoked_at__isnull=True), distinct=True
            ),
            waiting=Count(
                "deliveries",
                filter=Q(
                    deliveries__status__in=OPEN_STATUSES,
                    deliveries__packet__purged_at__isnull=True,
                ),
                distinct=True,
            ),
        )
        rows = [
            ("Mã định danh", "Tên", "Cấp trên", "Hoạt động", "mTLS", "Mã", "Đang chờ", "Lấy thư")
        ]
        for a in agencies.order_by("organ_id"):
            rows.append(
                (
                    a.organ_id,
                    a.name,
                    a.parent.organ_id if a.parent else "",
                    "có" if a.active else "không",
                    "bắt buộc" if a.mtls_required else "",
                    str(a.keys),
                    str(a.waiting),
                    timezone.localtime(a.last_polled_at).strftime("%d/%m/%Y %H:%M")
                    if a.last_polled_at
                    else "",
                )
            )
        if len(rows) == 1:
            self.stdout.write('Chưa có cơ quan nào: `govdoc hub agency add MÃ "Tên"`.')
            return
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))

    # -- credentials -------------------------------------------------------------------

    def _print_key(self, raw_key: str) -> None:
        self.stdout.write("Mã truy cập (chỉ hiện một lần, hãy lưu lại ngay):")
        self.stdout.write(raw_key)

    def _token(self, options: dict[str, Any]) -> None:
        if options["admin"] == bool(options["organ_id"]):
            raise CommandError("Nêu mã định danh của cơ quan, hoặc --admin cho mã quản trị.")
        agency = None if options["admin"] else agency_get(options["organ_id"])
        credential, raw_key = credential_issue(agency=agency, rotate=options["rotate"])
        journal_record(
            call="cli.token",
            status_code=201,
            result="rotated" if options["rotate"] else "ok",
            agency=agency.organ_id if agency else "",
            credential=credential.prefix,
        )
        owner = f"cơ quan {agency.organ_id}" if agency else "quản trị trạm"
        self.stdout.write(f"Đã cấp mã truy cập mới cho {owner}.")
        if options["rotate"]:
            self.stdout.write("Các mã cũ đã bị thu hồi.")
        self._print_key(raw_key)

    # -- retention ---------------------------------------------------------------------

    def _purge(self, options: dict[str, Any]) -> None:
        report = purge(dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(
                f"Sẽ xóa nội dung {report.delivered} gói tin đã giao xong quá hạn và "
                f"{report.expired} gói tin chưa giao quá hạn."
            )
            return
        journal_record(call="cli.purge", status_code=200, result="ok", detail=report.as_dict())
        self.stdout.write(
            f"Đã xóa nội dung {report.delivered} gói tin đã giao xong quá hạn, "
            f"{report.expired} gói tin chưa giao quá hạn ({report.files_removed} tệp; "
            f"{report.orphans_removed} tệp sót lại)."
        )

    # -- server ------------------------------------------------------------------------

    def _serve(self, options: dict[str, Any]) -> None:
        certfile, keyfile, ca_certs = options["certfile"], options["keyfile"], options["ca_certs"]
        if bool(certfile) != bool(keyfile):
            raise CommandError("--certfile và --keyfile đi cùng nhau.")
        if ca_certs and not certfile:
            raise CommandError("--ca-certs cần --certfile và --keyfile (TLS của trạm).")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        host = options["host"]
        bind = f"[{host}]:{options['port']}" if ":" in host else f"{host}:{options['port']}"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.hub_wsgi",
            "--bind",
            bind,
            "--workers",
            str(max(1, options["workers"])),
            "--threads",
            str(max(1, options["threads"])),
            "--timeout",
            "120",
            "--no-control-socket",
            "--access-logfile",
            "-",
            # Room for X-Edxml-To with many recipients and an escaped client certificate.
            "--limit-request-field_size",
            "32768",
        ]
        if certfile:
            command += ["--certfile", certfile, "--keyfile", keyfile]
        if ca_certs:
            command += ["--ca-certs", ca_certs, "--cert-reqs", "2"]  # ssl.CERT_REQUIRED
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.hub_settings"}
        server = subprocess.Popen(command, env=env)
        scheme = "https" if certfile else "http"
        self.stdout.write(f"Trạm trung chuyển đang chạy tại {scheme}://{bind} (Ctrl+C để dừng)")
        self.stdout.flush()

        stop = threading.Event()
        interval = conf.purge_interval()
        purger = threading.Thread(target=_purge_loop, args=(stop, interval), daemon=True)
        if interval > 0:
            purger.start()

        def forward(signum: int, _frame: object) -> None:
            stop.set()
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGINT, forward)
        signal.signal(signal.SIGTERM, forward)
        try:
            code = server.wait()
        finally:
            stop.set()
            if server.poll() is None:
                server.terminate()
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
        if code and not stop.is_set():
            raise CommandError(f"gunicorn dừng với mã {code}.")


def _purge_loop(stop: threading.Event, interval: float) -> None:
    """Retention inside `serve`: first a minute after start, then every `interval` seconds.
    Several hub nodes may all run it: each purge is a compare-and-set, done once."""
    wait = min(interval, 60.0)
    while not stop.wait(wait):
        wait = interval
        try:
            report = purge()
            journal_record(call="purge", status_code=200, result="ok", detail=report.as_dict())
        except Exception:
            logger.exception("hub: periodic purge failed")
        finally:
            connections.close_all()
