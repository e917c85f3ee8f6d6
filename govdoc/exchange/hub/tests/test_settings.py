"""The hub's own settings: its database, data directory and apps, from GOVDOC_HUB_*."""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from typing import Any

import pytest


def _load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> dict[str, Any]:
    for key in [k for k in os.environ if k.startswith("GOVDOC_HUB_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("GOVDOC_ENV_FILE", str(tmp_path / "none.env"))
    monkeypatch.setenv("GOVDOC_HUB_DATA_DIR", str(tmp_path / "hub"))
    for key, value in env.items():
        monkeypatch.setenv(f"GOVDOC_HUB_{key}", value)
    return runpy.run_module("config.hub_settings")


def test_defaults_keep_everything_under_the_hubs_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = _load(monkeypatch, tmp_path)
    data = (tmp_path / "hub").resolve()
    assert settings["DATABASES"]["default"]["NAME"] == str(data / "hub.db")
    assert settings["GOVDOC_HUB_STORAGE_DIR"] == data / "packets"
    assert (data / "secret_key").is_file()
    assert settings["GOVDOC_HUB_MAX_PACKET_BYTES"] == 50 * 1024 * 1024
    assert (settings["GOVDOC_HUB_RETENTION_DAYS"], settings["GOVDOC_HUB_UNDELIVERED_DAYS"]) == (
        30,
        90,
    )
    assert settings["ROOT_URLCONF"] == "config.hub_urls"
    assert settings["GOVDOC_HUB_PROCESS"] is True
    # only what the hub needs: none of an installation's apps
    govdoc_apps = [app for app in settings["INSTALLED_APPS"] if app.startswith("govdoc.")]
    assert govdoc_apps == ["govdoc.exchange.hub"]


def test_environment_configures_the_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = _load(
        monkeypatch,
        tmp_path,
        DATABASE_URL="postgres://hub:s%40cret@db.example:5433/hub",
        STORAGE_DIR=str(tmp_path / "store"),
        MAX_PACKET_BYTES="1000",
        TRUSTED_PROXIES="10.0.0.2, 10.1.0.0/16",
        RETENTION_DAYS="7",
    )
    database = settings["DATABASES"]["default"]
    assert (database["ENGINE"], database["HOST"], database["PORT"], database["PASSWORD"]) == (
        "django.db.backends.postgresql",
        "db.example",
        "5433",
        "s@cret",
    )
    assert settings["GOVDOC_HUB_STORAGE_DIR"] == (tmp_path / "store").resolve()
    assert settings["GOVDOC_HUB_MAX_PACKET_BYTES"] == 1000
    assert settings["GOVDOC_HUB_TRUSTED_PROXIES"] == ("10.0.0.2", "10.1.0.0/16")
    assert settings["GOVDOC_HUB_RETENTION_DAYS"] == 7
