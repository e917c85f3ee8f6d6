"""Settings of the hub (`govdoc hub …`), a process of its own with its own database.

Read from GOVDOC_HUB_* environment variables (a `.env` in the working directory fills in what
the environment leaves unset). Defaults run locally with no configuration: SQLite and packet
files under ./data/hub. Only the apps the hub needs are installed: none of an installation's.
See docs/hub.md.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_env_file() -> None:
    path = Path(os.environ.get("GOVDOC_ENV_FILE", ".env"))
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key.startswith("GOVDOC_") and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_load_env_file()


def env(name: str, default: str = "") -> str:
    """GOVDOC_HUB_<name>, or the file named by GOVDOC_HUB_<name>_FILE (for secrets)."""
    file_path = os.environ.get(f"GOVDOC_HUB_{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(f"GOVDOC_HUB_{name}", default)


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _sqlite(path: Path) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"govdoc-hub-test-{os.getpid()}.db")},
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            ),
        },
    }


def _database(url: str) -> dict[str, Any]:
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        options: dict[str, Any] = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        # Server-side binding and prepared statements, as the installation (ADR 0017).
        binding = str(options.pop("server_side_binding", "true")).strip().lower()
        options["server_side_binding"] = binding not in {"0", "false", "no", "off"}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "OPTIONS": options,
        }
    if parsed.scheme == "sqlite":
        return _sqlite(Path(unquote(url.split("sqlite:///", 1)[1])))
    raise ValueError(f"GOVDOC_HUB_DATABASE_URL: unsupported scheme {parsed.scheme!r}")


GOVDOC_HUB_PROCESS = True

DATA_DIR = Path(env("DATA_DIR", "data/hub")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    # The hub has no sessions or forms; Django still wants a key.
    configured = env("SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "ninja",
    "govdoc.exchange.hub",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
]
ROOT_URLCONF = "config.hub_urls"
WSGI_APPLICATION = "config.hub_wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

_database_url = env("DATABASE_URL")
DATABASES = {"default": _database(_database_url) if _database_url else _sqlite(DATA_DIR / "hub.db")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# The OpenAPI page's assets come from the installed ninja package (no CDN).
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True

# Packet bytes: a local directory (fsynced), or an entry of STORAGES named by
# GOVDOC_HUB_STORAGE_BACKEND (e.g. "hub_s3" configured below) for several hub nodes.
GOVDOC_HUB_STORAGE_DIR = Path(env("STORAGE_DIR", str(DATA_DIR / "packets"))).resolve()
GOVDOC_HUB_STORAGE_BACKEND = ""
STORAGES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "files")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env("S3_BUCKET"):
    # S3-compatible object storage through django-storages (`pip install govdoc[s3]`).
    STORAGES["hub_s3"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "region_name": env("S3_REGION") or None,
            "access_key": env("S3_ACCESS_KEY") or None,
            "secret_key": env("S3_SECRET_KEY") or None,
            "location": env("S3_PREFIX", "packets"),
            "file_overwrite": False,
            "default_acl": None,
        },
    }
    GOVDOC_HUB_STORAGE_BACKEND = "hub_s3"

GOVDOC_HUB_MAX_PACKET_BYTES = int(env("MAX_PACKET_BYTES", str(50 * 1024 * 1024)))
GOVDOC_HUB_MAX_RECIPIENTS = int(env("MAX_RECIPIENTS", "1000"))
# The packets of one batch call together (POST /packets/batch, POST /packets/fetch).
GOVDOC_HUB_MAX_BATCH_BYTES = int(env("MAX_BATCH_BYTES", str(16 * 1024 * 1024)))
GOVDOC_HUB_RETENTION_DAYS = int(env("RETENTION_DAYS", "30"))
GOVDOC_HUB_UNDELIVERED_DAYS = int(env("UNDELIVERED_DAYS", "90"))
# Seconds between the purges `govdoc hub serve` runs itself (0: never; run `govdoc hub purge`).
GOVDOC_HUB_PURGE_INTERVAL = float(env("PURGE_INTERVAL", "3600"))
# TLS proxies (addresses or networks, comma-separated) whose client-certificate headers and
# X-Forwarded-For are believed.
GOVDOC_HUB_TRUSTED_PROXIES = tuple(
    part.strip() for part in env("TRUSTED_PROXIES").split(",") if part.strip()
)
# Bodies other than packets (JSON) are small.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
