"""A real SMTP server on loopback for the mail tests (aiosmtpd in a thread).

`SmtpServer.answer` makes the next DATA fail with that reply ("451 …", "554 …");
`password` turns on AUTH (plain text is allowed on loopback).
"""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpServer:
    host: str = "127.0.0.1"
    port: int = 0
    user: str = ""
    password: str = ""
    answer: str = ""  # a reply to give DATA instead of 250, once set
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.answer:
            return self.answer
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            self.logins.append(auth_data.login.decode())
            ok = auth_data.login.decode() == self.user and auth_data.password.decode() == (
                self.password
            )
            return AuthResult(success=ok, handled=False)
        return AuthResult(success=False, handled=False)


def start(server: SmtpServer) -> Controller:
    server.port = free_port()
    options = {}
    if server.password:
        options = {"authenticator": server.authenticate, "auth_require_tls": False}
    controller = Controller(server, hostname=server.host, port=server.port, **options)
    controller.start()
    return controller
