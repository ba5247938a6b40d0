"""Where leaddesk keeps its files (platformdirs): data, config, logs, cache."""

from __future__ import annotations

import os
import sys
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


def cache_dir() -> Path:
    """platformdirs' user cache folder, found without importing it on Linux: that
    import costs `leaddesk due` more (~21 M instructions, tempfile and the compression
    modules) than the cache saves. tests/test_paths.py holds the two to the same
    answer; elsewhere, or with no absolute HOME, platformdirs decides."""
    if sys.platform.startswith("linux"):
        # platformdirs' XDG rule: an absolute $XDG_CACHE_HOME, else ~/.cache
        # (https://specifications.freedesktop.org/basedir-spec/latest/)
        xdg, home = os.environ.get("XDG_CACHE_HOME", ""), os.environ.get("HOME", "")
        if os.path.isabs(xdg):
            return Path(xdg) / APP
        if os.path.isabs(home):
            return Path(home) / ".cache" / APP
    from platformdirs import user_cache_path

    return user_cache_path(APP, appauthor=False)


def log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path(APP, appauthor=False)
