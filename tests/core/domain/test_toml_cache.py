"""TOML parsed once per text (core/domain/toml_cache.py): a cached answer is tomllib's
answer, and a cache that is stale, corrupt, unreadable or unwritable is only slower."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from leaddesk.core.domain import toml_cache
from leaddesk.core.domain.compliance import load_book
from leaddesk.core.domain.toml_cache import TomlError, parse

# Every kind of TOML value, dates and times with and without an offset among them.
EVERY_KIND = """\
title = "leaddesk"
count = 3
ratio = -0.0
big = inf
on = true
day = 2026-12-24
at = 07:32:00.999999
local = 2026-12-24T07:32:00
utc = 2026-12-24T07:32:00Z
offset = 2026-12-24T07:32:00-07:00
list = [1, 2.5, "three", [2026-01-01]]
[table.inner]
when = [{ start = 2026-12-24, end = 2026-12-26 }]
"""


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "leaddesk" / "toml"


def entry(cache: Path) -> Path:
    [found] = cache.iterdir()
    return found


def test_a_cached_answer_is_tomllibs(cache, monkeypatch):
    expected = tomllib.loads(EVERY_KIND)
    first = parse(EVERY_KIND, "/a/config.toml")
    assert first == expected
    monkeypatch.setattr(tomllib, "loads", lambda text: pytest.fail("parsed again"))
    again = parse(EVERY_KIND, "/a/config.toml")
    assert again == expected
    # the same types, not only equal values (1 == 1.0 == True; a date-time is a date)
    flat = [(k, type(v)) for k, v in again.items()]
    assert flat == [(k, type(v)) for k, v in expected.items()]
    assert again["offset"].utcoffset() == expected["offset"].utcoffset()
    assert again["local"].tzinfo is None


def test_the_entry_is_the_owners_alone(cache):
    parse(EVERY_KIND, "/a/config.toml")
    assert entry(cache).stat().st_mode & 0o777 == 0o600
    assert cache.stat().st_mode & 0o777 == 0o700


def test_an_edited_file_is_parsed_again(cache):
    parse('a = "old"\n', "/a/config.toml")
    assert parse('a = "new"\n', "/a/config.toml") == {"a": "new"}
    assert parse('a = "new"\n', "/b/config.toml") == {"a": "new"}  # another file, same text


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe not utf-8",
        b'{"format": 1, "text": ',
        b"[]",
        b'"a string"',
        b'{"format": 1}',
        b'{"format": 2, "text": "a = 1\\n", "data": {"a": 2}}',
        b'{"format": 1, "text": "a = 1\\n", "data": [2]}',
        b'{"format": 1, "text": "a = 1\\n", "data": {"a": {"\\u0000toml": ["date", "nope"]}}}',
        b'{"format": 1, "text": "a = 1\\n", "data": {"a": {"\\u0000toml": ["week", "1"]}}}',
        b'{"format": 1, "text": "a = 1\\n", "data": {"a": {"\\u0000toml": 5}}}',
        b"[" * 100_000,
    ],
    ids=lambda c: repr(c[:40]),
)
def test_a_corrupt_entry_is_a_miss_and_is_rewritten(cache, content):
    parse("a = 1\n", "/a/config.toml")
    entry(cache).write_bytes(content)
    assert parse("a = 1\n", "/a/config.toml") == {"a": 1}
    assert parse("a = 1\n", "/a/config.toml") == {"a": 1}
    assert toml_cache._read(entry(cache), "a = 1\n") == {"a": 1}  # rewritten whole


def test_an_unusable_cache_folder_changes_nothing(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # nothing can be written under it
    assert parse(EVERY_KIND, "/a/config.toml") == tomllib.loads(EVERY_KIND)
    assert [p.name for p in tmp_path.iterdir()] == ["file"]  # no partial file left


def test_an_entry_that_cannot_be_read_or_replaced_changes_nothing(cache):
    """(A folder where the entry should be: a 0o000 file would not stop root.)"""
    parse("a = 1\n", "/a/config.toml")
    place = entry(cache)
    place.unlink()
    (place / "inside").mkdir(parents=True)
    assert parse("a = 1\n", "/a/config.toml") == {"a": 1}
    assert sorted(p.name for p in cache.iterdir()) == [place.name]  # no partial file left


def test_what_json_cannot_carry_back_is_not_cached(cache):
    for text in ("a = nan\n", '"\\u0000toml" = ["date", "2026-12-24"]\n'):
        found = parse(text, "/a/config.toml")
        assert repr(found) == repr(tomllib.loads(text))
    assert not cache.exists() or not list(cache.iterdir())


def test_not_toml_names_the_line_and_caches_nothing(cache):
    with pytest.raises(TomlError, match=r"line 2"):
        parse("a = 1\nb = \n", "/a/config.toml")
    assert not cache.exists()


def test_no_key_no_cache(cache):
    assert parse("a = 1\n", None) == {"a": 1}
    assert not cache.exists()


def test_the_shipped_packs_are_read_from_the_cache(cache, monkeypatch):
    from leaddesk.core.domain import compliance

    compliance.shipped_pack.cache_clear()
    first = load_book(("us", "ca"))
    assert len(list(cache.iterdir())) == 2
    compliance.shipped_pack.cache_clear()
    monkeypatch.setattr(tomllib, "loads", lambda text: pytest.fail("parsed again"))
    try:
        assert load_book(("us", "ca")) == first
    finally:
        compliance.shipped_pack.cache_clear()
