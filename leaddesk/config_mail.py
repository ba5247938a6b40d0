"""`[mail]` of config.toml: the rep's own account for sending (issue 16).

Kept apart from config.py (at its size limit); config.py calls `parse_mail`
once. The password is never a key here: `password_command` prints it, or the
system keyring holds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leaddesk.config_errors import ConfigError
from leaddesk.config_mail_in import MAIL_IN_KEYS
from leaddesk.core.domain.emails import normalise_email
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.mail import SECURITIES, MailSettings
from leaddesk.core.domain.record import replace

_TEXT_KEYS = {
    "from": "sender",
    "host": "host",
    "user": "user",
    "password_command": "password_command",
    "sendmail_command": "sendmail_command",
}
# Read by the mail check (config_mail_in.py): accepted here, not warned about.
_INBOX_KEYS = MAIL_IN_KEYS


def parse_mail(values: dict[str, Any], path: Path, warnings: list[str]) -> MailSettings:
    """The `[mail]` table as MailSettings; a ConfigError names the file and key of a
    bad value. A `password` key is refused: it belongs in
    `password_command` or the keyring, never in a file others may read."""
    mail = MailSettings(templates_dir=str(path.parent / "templates"))
    for key, value in values.items():
        where = f"{path}: mail.{key}"
        if key == "password":
            raise ConfigError(
                f"{where}: not kept in the config; use password_command or the keyring"
            )
        if key in _TEXT_KEYS:
            if not isinstance(value, str):
                raise ConfigError(f"{where}: must be a string")
            if key == "from":
                _check_sender(value, where)
            changed: dict[str, Any] = {_TEXT_KEYS[key]: value.strip()}
            mail = replace(mail, **changed)
        elif key == "security":
            if value not in SECURITIES:
                choices = ", ".join(repr(s) for s in SECURITIES)
                raise ConfigError(f"{where}: must be one of {choices}, not {value!r}")
            mail = replace(mail, security=value)
        elif key in ("port", "per_minute"):
            top = 65535 if key == "port" else 10_000
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
                raise ConfigError(f"{where}: must be a whole number, 1 to {top}")
            numbers: dict[str, Any] = {key: value}
            mail = replace(mail, **numbers)
        elif key not in _INBOX_KEYS:
            warnings.append(f"{where}: unknown key ignored")
    return mail


def _check_sender(value: str, where: str) -> None:
    address = value.rsplit("<", 1)[-1].rstrip("> ") if "<" in value else value
    try:
        if not normalise_email(address):
            raise InvalidInput("it is empty")
    except InvalidInput as exc:
        raise ConfigError(
            f"{where}: {value!r} is not an address like 'Dana <dana@example.com>' ({exc})"
        ) from None
