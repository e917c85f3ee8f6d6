"""The hub's settings, read through one place with their defaults.

config/hub_settings.py fills them from GOVDOC_HUB_* environment variables. An installation's
settings (where the app is listed only for the tests) need not define them: the defaults apply.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

MB = 1024 * 1024
DEFAULT_MAX_PACKET_BYTES = 50 * MB
DEFAULT_RETENTION_DAYS = 30
DEFAULT_UNDELIVERED_DAYS = 90
DEFAULT_MAX_RECIPIENTS = 1000
DEFAULT_MAX_BATCH_BYTES = 16 * MB
DEFAULT_PURGE_INTERVAL = 3600.0

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def max_packet_bytes() -> int:
    return int(getattr(settings, "GOVDOC_HUB_MAX_PACKET_BYTES", DEFAULT_MAX_PACKET_BYTES))


def max_batch_bytes() -> int:
    """The packets of one batch call together (sending or fetching; docs/hub.md "Batches")."""
    return int(getattr(settings, "GOVDOC_HUB_MAX_BATCH_BYTES", DEFAULT_MAX_BATCH_BYTES))


def max_recipients() -> int:
    return int(getattr(settings, "GOVDOC_HUB_MAX_RECIPIENTS", DEFAULT_MAX_RECIPIENTS))


def retention_days() -> int:
    return int(getattr(settings, "GOVDOC_HUB_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def undelivered_days() -> int:
    return int(getattr(settings, "GOVDOC_HUB_UNDELIVERED_DAYS", DEFAULT_UNDELIVERED_DAYS))


def purge_interval() -> float:
    return float(getattr(settings, "GOVDOC_HUB_PURGE_INTERVAL", DEFAULT_PURGE_INTERVAL))


def storage_dir() -> Path:
    configured = getattr(settings, "GOVDOC_HUB_STORAGE_DIR", None)
    if configured:
        return Path(configured)
    return Path(getattr(settings, "DATA_DIR", "data")) / "hub" / "packets"


def storage_backend() -> str:
    """Empty: the local directory (fsynced files). Otherwise the name of an entry of
    STORAGES (e.g. an S3 bucket through django-storages) that holds the packets."""
    return str(getattr(settings, "GOVDOC_HUB_STORAGE_BACKEND", "") or "")


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Addresses or networks (10.0.0.5, 10.0.0.0/24, ::1); a bad entry is a settings error."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


def trusted_proxies() -> tuple[IPNetwork, ...]:
    """The TLS proxies whose client-certificate and forwarded-address headers are believed."""
    raw = getattr(settings, "GOVDOC_HUB_TRUSTED_PROXIES", ())
    values = raw.split(",") if isinstance(raw, str) else [str(v) for v in raw]
    return parse_networks(values)


def is_hub_process() -> bool:
    """True in the hub's own settings; the `hub` command refuses to run elsewhere."""
    return bool(getattr(settings, "GOVDOC_HUB_PROCESS", False))
