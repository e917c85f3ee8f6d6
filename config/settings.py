"""govdoc settings, read from GOVDOC_* environment variables (see .env.example).

Defaults run locally with no configuration: SQLite and files under ./data, a generated secret
key stored there, e-mail to the console.
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
    """GOVDOC_* lines of `.env` in the working directory (or of GOVDOC_ENV_FILE) fill in what
    the environment does not already set, as .env.example shows."""
    path = Path(os.environ.get("GOVDOC_ENV_FILE", ".env"))
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key.startswith("GOVDOC_") and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_load_env_file()


def env(name: str, default: str = "") -> str:
    """Read GOVDOC_<name>, or the file named by GOVDOC_<name>_FILE (for secrets)."""
    file_path = os.environ.get(f"GOVDOC_{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(f"GOVDOC_{name}", default)


def env_bool(name: str, default: bool) -> bool:
    raw = env(name, "1" if default else "0").strip().lower()
    return raw in {"1", "true", "yes", "on"}


def database_from_url(url: str) -> dict[str, Any]:
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        options: dict[str, Any] = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        # Parameters bound by the server, statements run often prepared once per connection
        # (ADR 0017): PostgreSQL parses and plans a hot statement once, not every time.
        # `?server_side_binding=false` for a pooler in transaction mode (PgBouncer < 1.21).
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
        # sqlite:///relative/path or sqlite:////absolute/path
        return sqlite_database(Path(unquote(url.split("sqlite:///", 1)[1])))
    raise ValueError(f"GOVDOC_DATABASE_URL: unsupported scheme {parsed.scheme!r}")


def sqlite_database(path: Path) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # Tests use a file, not shared-cache memory: concurrency tests need real locking.
        # One file per process, so parallel runs do not collide.
        "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"govdoc-test-{os.getpid()}.sqlite3")},
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }


# Relative to the working directory, so an installed package (site-packages) keeps its data
# where it is run from; production sets GOVDOC_DATA_DIR.
DATA_DIR = Path(env("DATA_DIR", "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
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
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "govdoc.core",
    "govdoc.audit",
    "govdoc.organizations",
    "govdoc.notifications",
    "govdoc.registers",
    "govdoc.signatures",
    "govdoc.documents",
    "govdoc.incoming",
    "govdoc.assignments",
    "govdoc.outgoing",
    "govdoc.exchange",
    # The hub runs as its own process (config/hub_settings.py); listed here only so that its
    # tests run in the one test session. Installations never use its tables.
    "govdoc.exchange.hub",
    "govdoc.records",
    "govdoc.reports",
    "govdoc.api",
    "govdoc.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "govdoc.core.middleware.VietnameseByDefaultMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "govdoc.web.nav_counts.NavCountsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "govdoc.core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govdoc.web.context.navigation",
            ],
        },
    }
]

_database_url = env("DATABASE_URL")
DATABASES = {
    "default": database_from_url(_database_url)
    if _database_url
    else sqlite_database(DATA_DIR / "govdoc.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_LOCKOUT_TEMPLATE = "web/locked.html"
# Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses); the client's
# address in the journal comes from REMOTE_ADDR otherwise.
GOVDOC_TRUSTED_PROXIES = frozenset(
    part.strip() for part in env("TRUSTED_PROXIES").split(",") if part.strip()
)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "govdoc" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Front-end packages come from npm (package.json), installed by the set-up, never committed:
# `npm ci` in the checkout, or GOVDOC_NODE_MODULES naming where it ran.
NODE_MODULES = next(
    (
        path
        for path in (
            Path(env("NODE_MODULES")) if env("NODE_MODULES") else None,
            BASE_DIR / "node_modules",
            Path.cwd() / "node_modules",
        )
        if path is not None and path.is_dir()
    ),
    BASE_DIR / "node_modules",
)
_VENDOR = {
    "vendor/bootstrap": NODE_MODULES / "bootstrap" / "dist",
    "vendor/bootstrap-icons": NODE_MODULES / "bootstrap-icons" / "font",
    "vendor/htmx": NODE_MODULES / "htmx.org" / "dist",
    "vendor/chart.js": NODE_MODULES / "chart.js" / "dist",
}
STATICFILES_DIRS = [(prefix, str(path)) for prefix, path in _VENDOR.items() if path.is_dir()]
WHITENOISE_USE_FINDERS = True

MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "files")))
_storage_backend = env("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
_storage_options: dict[str, Any] = {"location": str(MEDIA_ROOT)}
if _storage_backend.endswith("S3Storage"):
    # S3-compatible object storage (django-storages: `pip install govdoc[s3]`). Files are
    # content-addressed and written once: never overwrite, never guess a name.
    _storage_options = {
        "bucket_name": env("S3_BUCKET"),
        "endpoint_url": env("S3_ENDPOINT_URL") or None,
        "region_name": env("S3_REGION") or None,
        "access_key": env("S3_ACCESS_KEY") or None,
        "secret_key": env("S3_SECRET_KEY") or None,
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
    }
elif env("STORAGE_BACKEND"):
    _storage_options = {}
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": _storage_backend, "OPTIONS": _storage_options},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Upload caps: a single file, and the whole request (several files).
GOVDOC_MAX_FILE_SIZE = int(env("MAX_FILE_SIZE", str(50 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Deadline reminders (govdoc/assignments/reminders.py): how many working days before a
# deadline the handler and the assigner are reminded, and when the daily sweep runs (HH:MM,
# local time, working days only).
GOVDOC_REMINDER_DAYS_BEFORE = int(env("REMINDER_DAYS_BEFORE", "2"))
GOVDOC_REMINDER_TIME = env("REMINDER_TIME", "07:30")
# Overdue work: reminded on its first working day late, then every N working days (0: once).
GOVDOC_REMINDER_OVERDUE_EVERY = int(env("REMINDER_OVERDUE_EVERY", "5"))
# Fernet key of stored PKCS#12 files (signatures/credentials.py); unset: from SECRET_KEY.
GOVDOC_SIGNING_KEY = env("SIGNING_KEY", "")
# RFC 3161 timestamp service for signatures (PAdES B-T); empty: B-B, no timestamp.
GOVDOC_TSA_URL = env("TSA_URL", "")
# Fetch OCSP/CRL named in signers' certificates when signing and verifying (PAdES B-LT);
# off by default: many government networks reach no outside responder.
GOVDOC_REVOCATION_FETCH = env_bool("REVOCATION_FETCH", False)

EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("EMAIL_FROM", "govdoc@localhost")
# The address people open govdoc at, for the links in e-mails (without it: paths only).
GOVDOC_BASE_URL = env("BASE_URL").rstrip("/")
# Seconds between the worker's checks for due periodic jobs.
GOVDOC_SCHEDULER_INTERVAL = float(env("SCHEDULER_INTERVAL", "30"))

# Interconnection: the govdoc hub's address (empty: packets wait in the outbox), the
# transport documents to agencies outside this installation take, how often the worker
# sends what is due and fetches what waits, the packet size cap, and whether old SHA-1
# signed packets are accepted.
GOVDOC_HUB_URL = env("HUB_URL").rstrip("/")
GOVDOC_HUB_CA_FILE = env("HUB_CA_FILE")
GOVDOC_HUB_CLIENT_CERT = env("HUB_CLIENT_CERT")
GOVDOC_HUB_CLIENT_KEY = env("HUB_CLIENT_KEY")
GOVDOC_EXCHANGE_TRANSPORT = env("EXCHANGE_TRANSPORT", "hub")
GOVDOC_EXCHANGE_POLL_SECONDS = float(env("EXCHANGE_POLL_SECONDS", "30"))
# The menu's counters kept in the session this long (0: counted on every page); a person's
# own change drops them at once (govdoc/web/nav_counts.py).
GOVDOC_NAV_COUNTS_SECONDS = float(env("NAV_COUNTS_SECONDS", "20"))
GOVDOC_EDXML_ALLOW_SHA1 = env_bool("EDXML_ALLOW_SHA1", False)
GOVDOC_EDXML_MAX_BYTES = int(env("EDXML_MAX_BYTES", str(50 * 1024 * 1024)))

TASKS = {
    "default": {
        "BACKEND": env("TASK_BACKEND", "govdoc.core.tasks_backend.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Subsetting the embedded serif font for the number and date warns of a table it
        # drops (FFTM, FontForge's timestamp): harmless.
        "fontTools.subset": {"level": "ERROR"},
    },
}
