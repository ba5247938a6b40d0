"""The `[mail]` keys that say where replies are read from (config.py is at its size
limit): maildir, imap_host, imap_port, imap_user, imap_folder, imap_security,
password_command. Other `[mail]` keys (sending) belong to another parser and are
left alone here; MAIL_IN_KEYS lets the combining code warn about the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from leaddesk.config_errors import ConfigError
from leaddesk.core.domain.mail_in import IMAP_SECURITY, LOOPBACK, MailIn
from leaddesk.core.domain.record import replace

MAIL_IN_KEYS = frozenset(
    {
        "maildir",
        "imap_host",
        "imap_port",
        "imap_user",
        "imap_folder",
        "imap_security",
        "password_command",
    }
)


def read_mail_in(
    values: dict[str, Any], path: Path, text: str, where: Callable[[Path, str, str], str]
) -> MailIn:
    """MailIn from the `[mail]` table; `where(path, key, text)` names a key's line."""
    mail = MailIn()
    for key, value in values.items():
        if key not in MAIL_IN_KEYS:
            continue
        here = where(path, f"mail.{key}", text)
        if key == "imap_port":
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 65535:
                raise ConfigError(f"{here}: must be a port number, 1 to 65535")
            mail = replace(mail, imap_port=value)
            continue
        if not isinstance(value, str):
            raise ConfigError(f"{here}: must be a string")
        value = value.strip()
        if key == "imap_security" and value not in IMAP_SECURITY:
            choices = ", ".join(repr(s) for s in IMAP_SECURITY)
            raise ConfigError(f"{here}: must be one of {choices}, not {value!r}")
        if key == "maildir" and value:
            value = str(Path(value).expanduser())
        changes: dict[str, Any] = {key: value or getattr(MailIn, key)}
        mail = replace(mail, **changes)
    if mail.imap_security == "none" and mail.imap_host and mail.imap_host not in LOOPBACK:
        # A password in clear text over a network: only to this machine's own server.
        here = where(path, "mail.imap_security", text)
        raise ConfigError(f"{here}: 'none' is allowed only for a server on this machine")
    if mail.imap_host and not mail.imap_user:
        raise ConfigError(f"{where(path, 'mail.imap_user', text)}: imap_host needs imap_user")
    return mail
