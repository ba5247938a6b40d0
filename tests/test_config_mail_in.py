"""The `[mail]` keys that say where replies are read from (leaddesk/config_mail_in.py)."""

from __future__ import annotations

import pytest

from leaddesk.config import ConfigError, load_settings
from leaddesk.core.domain.mail_in import MailIn


def load(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_settings(path)


def test_no_mail_section_reads_no_inbox(tmp_path):
    settings, warnings = load(tmp_path, '[rep]\nname = "dana"\n')
    assert settings.mail_in == MailIn() and not settings.mail_in.configured
    assert warnings == []


def test_every_inbox_key(tmp_path):
    settings, warnings = load(
        tmp_path,
        '[mail]\nmaildir = "~/Mail/inbox"\nimap_host = "imap.example.com"\nimap_port = 1993\n'
        'imap_user = "dana"\nimap_folder = "Leads"\nimap_security = "starttls"\n'
        'password_command = "pass show mail"\n',
    )
    inbox = settings.mail_in
    assert inbox.maildir.endswith("/Mail/inbox") and not inbox.maildir.startswith("~")
    assert (inbox.imap_host, inbox.port, inbox.imap_user, inbox.imap_folder) == (
        "imap.example.com", 1993, "dana", "Leads",
    )  # fmt: skip
    assert (inbox.imap_security, inbox.password_command) == ("starttls", "pass show mail")
    assert warnings == []


def test_the_usual_ports():
    assert MailIn(imap_security="tls").port == 993
    assert MailIn(imap_security="starttls").port == 143


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('imap_port = "x"', "line 2: mail.imap_port: must be a port number"),
        ('imap_security = "ssl"', "line 2: mail.imap_security: must be one of"),
        ('imap_host = "imap.example.com"', "mail.imap_user: imap_host needs imap_user"),
        (
            'imap_host = "imap.example.com"\nimap_user = "d"\nimap_security = "none"',
            "'none' is allowed only for a server on this machine",
        ),
    ],
)
def test_bad_inbox_keys_are_one_line_naming_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, f"[mail]\n{text}\n")
    assert message in str(info.value) and "\n" not in str(info.value)


def test_no_tls_is_allowed_to_this_machine_only(tmp_path):
    text = '[mail]\nimap_host = "127.0.0.1"\nimap_user = "d"\nimap_security = "none"\n'
    settings, _ = load(tmp_path, text)
    assert settings.mail_in.imap_security == "none"
