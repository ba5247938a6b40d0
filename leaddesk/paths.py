"""Where leaddesk keeps its files (platformdirs): data, config, logs."""

from __future__ import annotations

import os
from pathlib import Path

APP = "leaddesk"

# platformdirs (with tempfile, shutil and the compression modules it pulls in) is
# imported by the function that needs it: a command given --db and --config, or
# one that writes no log, never asks where the defaults are.


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False)


def config_file() -> Path:
    override = os.environ.get("LEADDESK_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path(APP, appauthor=False) / "config.toml"


def default_database() -> str:
    return str(data_dir() / "leaddesk.db")


def log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path(APP, appauthor=False)
