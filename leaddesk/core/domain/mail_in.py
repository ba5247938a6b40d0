"""Where replies are read from: `[mail]` maildir or imap_* keys (config_mail_in.py)."""

from __future__ import annotations

from leaddesk.core.domain.record import Record

IMAP_SECURITY = ("tls", "starttls", "none")
# IANA port numbers: 993 imaps (IMAP over TLS), 143 imap (STARTTLS, RFC 3501 §6.2.1).
IMAP_PORTS = {"tls": 993, "starttls": 143, "none": 143}
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class MailIn(Record):
    maildir: str = ""  # a local Maildir, read in place
    imap_host: str = ""
    imap_port: int = 0  # 0: the usual port of `imap_security`
    imap_user: str = ""
    imap_folder: str = "INBOX"
    imap_security: str = "tls"  # tls | starttls | none (loopback only)
    password_command: str = ""  # prints the password; it is never stored or logged
    check_minutes: int = 3  # how often the desk reads the inbox

    @property
    def configured(self) -> bool:
        return bool(self.maildir or self.imap_host)

    @property
    def port(self) -> int:
        return self.imap_port or IMAP_PORTS[self.imap_security]
