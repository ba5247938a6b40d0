"""A real IMAP server for the mail tests: Dovecot (Debian's dovecot-imapd) on
127.0.0.1, its own config, a passwd-file user, Maildir storage under a temp folder.

Installed by the test setup when absent (apt-get, as root), like pgserver gives
PostgreSQL; when it cannot be installed or started, the tests that need it are
skipped with the reason — never silently.
"""

from __future__ import annotations

import grp
import imaplib
import json
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import orphans

USER, PASSWORD = "rep", "s3cret-imap"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_dovecot() -> str:
    """The dovecot binary; installs dovecot-imapd with apt-get when absent; '' = none."""
    sbin = Path("/usr/sbin/dovecot")
    found = shutil.which("dovecot") or (str(sbin) if sbin.exists() else "")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update"], ["apt-get", "install", "-y", "dovecot-imapd"]):
        if subprocess.run(argv, env=env, capture_output=True, timeout=600).returncode:
            return ""
    return shutil.which("dovecot") or "/usr/sbin/dovecot"


HOME_PREFIX = "leaddesk-dovecot-"
HOLDERS = "holders.json"  # the session holding the server, for the sweep (tests/orphans.py)


def sweep_orphan_dovecots(tmp: Path) -> list[Path]:
    """Stop and remove the Dovecot servers of sessions that ended without cleanup: the
    holders are in HOLDERS, the master process in run/master.pid (Dovecot's own), and
    SIGTERM stops it and its children."""
    return orphans.sweep(
        tmp,
        HOME_PREFIX,
        holders=lambda home: orphans.read_pids(home / HOLDERS),
        server=lambda home: orphans.first_pid(home / "run" / "master.pid"),
        stop=signal.SIGTERM,
    )


class Dovecot:
    """One running server. `imap_port` plain/STARTTLS, `imaps_port` TLS; `cert` signs both."""

    def __init__(self, binary: str, root: Path | None = None) -> None:
        # A world-traversable folder: as root, Dovecot's mail and login processes run as
        # its own unprivileged users and must reach their files (pytest's tmp is 0700).
        self.home = Path(tempfile.mkdtemp(prefix=HOME_PREFIX, dir=root))
        (self.home / HOLDERS).write_text(json.dumps([os.getpid()]))
        self.home.chmod(0o755)
        self.imap_port, self.imaps_port = free_port(), free_port()
        self.cert = self.home / "cert.pem"
        self.log = self.home / "dovecot.log"
        self._write_config()
        self.process = subprocess.Popen(
            [binary, "-F", "-c", str(self.home / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _write_config(self) -> None:
        home = self.home
        key = home / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-keyout", str(key), "-out", str(self.cert), "-subj", "/CN=localhost",
             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
            check=True, capture_output=True,
        )  # fmt: skip
        (home / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        for sub in ("run", "state", "mail"):
            (home / sub).mkdir()
        if os.geteuid() == 0:
            # Dovecot refuses to log in or keep mail as root: its own users do that.
            internal, login = "dovecot", "dovenull"
            uid, gid = pwd.getpwnam("dovecot").pw_uid, grp.getgrnam("dovecot").gr_gid
            os.chown(home / "mail", uid, gid)
        else:
            internal = login = pwd.getpwuid(os.getuid()).pw_name
            uid, gid = os.getuid(), os.getgid()
        group = grp.getgrgid(gid).gr_name
        (home / "dovecot.conf").write_text(
            f"""\
base_dir = {home}/run
state_dir = {home}/state
log_path = {self.log}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = {uid}
first_valid_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {home}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}/mail/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.imaps_port}
    ssl = yes
  }}
}}
"""
        )

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.log.read_text()[-500:]}")
            try:
                conn = self.connect()
                conn.logout()
                return
            except OSError:
                time.sleep(0.05)  # waiting on a server start, not on the code under test
        raise RuntimeError("dovecot did not answer within 20 s")

    def connect(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
        conn.starttls(ssl.create_default_context(cafile=str(self.cert)))
        conn.login(USER, PASSWORD)
        return conn

    def deliver(self, *messages: bytes) -> None:
        """Put messages into the user's INBOX (IMAP APPEND)."""
        conn = self.connect()
        try:
            for raw in messages:
                status, _ = conn.append("INBOX", None, None, raw)
                assert status == "OK"
        finally:
            conn.logout()

    def empty(self) -> None:
        """Delete everything in INBOX: each test starts with an empty mailbox."""
        conn = self.connect()
        try:
            if self._count(conn):
                conn.store("1:*", "+FLAGS", "\\Deleted")
                conn.expunge()
        finally:
            conn.logout()

    @staticmethod
    def _count(conn: imaplib.IMAP4) -> int:
        status, data = conn.select("INBOX")
        return int(data[0] or 0) if status == "OK" else 0

    def flags(self) -> list[bytes]:
        conn = self.connect()
        try:
            conn.select("INBOX", readonly=True)
            _status, data = conn.fetch("1:*", "(FLAGS)")
            return [d for d in data if isinstance(d, bytes)]
        finally:
            conn.logout()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.home, ignore_errors=True)
