"""`[mail]` of config.toml (config_mail.py): values, one-line errors, no password key."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaddesk.config import ConfigError, settings_from_dict

PATH = Path("/home/dana/.config/leaddesk/config.toml")


def mail(values: dict):
    return settings_from_dict({"mail": values}, PATH)


def test_the_mail_table_is_read_with_its_defaults():
    settings, warnings = mail({"from": "Dana <dana@example.com>", "host": "smtp.example.com",
                               "security": "tls", "user": "dana", "per_minute": 5})  # fmt: skip
    m = settings.mail
    assert (m.sender, m.host, m.security, m.port_or_default, m.per_minute) == (
        "Dana <dana@example.com>", "smtp.example.com", "tls", 465, 5
    )  # fmt: skip
    assert m.configured and m.templates_dir == str(PATH.parent / "templates")
    assert warnings == []


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"security": "ssl"}, "mail.security: must be one of 'none', 'starttls', 'tls'"),
        ({"port": 0}, "mail.port: must be a whole number, 1 to 65535"),
        ({"from": "not an address"}, "mail.from: 'not an address' is not an address"),
        ({"password": "hunter2"}, "mail.password: not kept in the config"),
    ],
)
def test_a_bad_value_is_one_line_naming_file_and_key(values, said):
    with pytest.raises(ConfigError) as caught:
        mail(values)
    assert str(caught.value).startswith(f"{PATH}: {said}")
    assert "hunter2" not in str(caught.value)


def test_an_unknown_key_warns_and_the_inbox_keys_are_known():
    inbox = {"imap_host": "imap.example.com", "imap_user": "dana", "maildir": "~/Mail"}
    _, warnings = mail({"hots": "x", **inbox})
    assert warnings == [f"{PATH}: mail.hots: unknown key ignored"]
