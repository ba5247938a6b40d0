"""leaddesk/paths.py: the cache folder found without platformdirs is platformdirs' own."""

from __future__ import annotations

import pytest
from platformdirs import user_cache_path

from leaddesk import paths


@pytest.mark.parametrize(
    ("xdg", "home"),
    [
        ("/x/cache", "/home/dana"),
        ("/x/cache/", "/home/dana"),
        (None, "/home/dana"),
        (None, "/home/dana/"),
        ("", "/home/dana"),
        ("relative/cache", "/home/dana"),  # the XDG spec ignores a relative path
        (None, "/"),
        (None, None),  # no HOME: platformdirs decides (the password database)
        (None, "relative"),
    ],
)
def test_the_cache_folder_is_platformdirs(monkeypatch, xdg, home):
    for name, value in (("XDG_CACHE_HOME", xdg), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert paths.cache_dir() == user_cache_path(paths.APP, appauthor=False)
