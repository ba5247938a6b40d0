"""Where leaddesk keeps its files (platformdirs): data, config, logs."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_log_path

APP = "leaddesk"


def data_dir() -> Path:
    return user_data_path(APP, appauthor=False)


def config_file() -> Path:
    override = os.environ.get("LEADDESK_CONFIG")
    return Path(override) if override else user_config_path(APP, appauthor=False) / "config.toml"


def default_database() -> str:
    return str(data_dir() / "leaddesk.db")


def log_dir() -> Path:
    return user_log_path(APP, appauthor=False)
