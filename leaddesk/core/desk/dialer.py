"""Hand a lead's number to the rep's dialer: which number, which command, no shell.

`dial_target` decides whether a lead may be dialled now and which phone;
`dialer_argv` builds the command line as a list (the config's command split
like a shell would, then each argument filled in on its own), so a number can
never inject anything; `start_detached` starts it without waiting.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass

from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput, LeadDeskError, NeedsConfirmation
from leaddesk.core.domain.hours import blocking_rule, refusal
from leaddesk.core.domain.phone_text import NOT_VALID, extension_of, is_valid_e164, shown_phone
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz
from leaddesk.core.domain.windows import next_open, window_open, zones_or_rep
from leaddesk.core.reads.leads import get_lead
from leaddesk.core.reads.queue.blocked import blocked_by
from leaddesk.core.reads.queue.rows import places_of, zones_of
from leaddesk.core.store.models import Lead, Phone

# `[dialer] command = "copy"`: never start a program, copy the number instead.
COPY = "copy"
PLACEHOLDERS = ("{tel}", "{e164}", "{ext}")
_E164 = re.compile(r"^\+[1-9]\d{4,14}$")
_EXT = re.compile(r"^\d{1,10}$")


class DialError(LeadDeskError):
    """The dialer could not be started."""


class DoubtfulNumber(NeedsConfirmation):
    """The number is not one phonenumbers knows to exist: dial only when confirmed."""


@dataclass(frozen=True)
class DialTarget:
    lead_id: int
    name: str
    e164: str
    zone: str  # the lead's zone (or the rep's)
    extension: str = ""
    shown: str = ""  # the number as the rep reads it (with its extension or its doubt)

    @property
    def tel(self) -> str:
        return tel_uri(self.e164, self.extension)


def tel_uri(e164: str, extension: str = "") -> str:
    """tel:+12125550142, or tel:+12125550142;ext=3 (RFC 3966 global number)."""
    return f"tel:{e164};ext={extension}" if extension else f"tel:{e164}"


def dial_target(
    lead_id: int, now: DateTime, settings: Settings, *, confirmed: bool = False
) -> DialTarget:
    """The lead's first good phone, or InvalidInput saying why it may not be dialled.

    Refused: do-not-call, no good phone, outside the lead's calling window; a
    number phonenumbers calls invalid raises DoubtfulNumber unless `confirmed`.
    """
    lead: Lead = get_lead(lead_id)
    if lead.do_not_call:
        raise InvalidInput(f"{lead.name} is on do-not-call — not dialled")
    phone = (
        Phone.select(Phone.e164, Phone.raw)
        .where((Phone.lead == lead) & (Phone.bad == False) & (Phone.e164 != ""))  # noqa: E712
        .order_by(Phone.position)
        .first()
    )
    if phone is None:
        raise InvalidInput(f"{lead.name} has no good phone number — not dialled")
    zones, places = zones_of(lead.call_zones), places_of(lead.call_zones)
    zone = zones_or_rep(zones, settings)[0]
    if blocking_rule(now, zones, places, settings) is not None:
        raise InvalidInput(f"{refusal(lead.name, now, zones, places, settings)} — not dialled")
    if not window_open(now, zones, settings):
        opens = next_open(now, zones, settings).in_timezone(tz(zone))
        raise InvalidInput(
            f"{lead.name}: outside calling hours (opens {opens:%a %H:%M} their time) — not dialled"
        )
    block = blocked_by([lead.id], now, settings).get(lead.id)
    if block is not None:
        raise InvalidInput(f"{lead.name}: {block.message} — not dialled")
    if not confirmed and not is_valid_e164(phone.e164):
        raise DoubtfulNumber(f"{phone.raw} is {NOT_VALID}")
    shown = shown_phone(phone.e164, phone.raw)
    return DialTarget(
        lead.id, lead.name, phone.e164, zone, extension_of(phone.raw, phone.e164), shown
    )


def dialer_argv(command: str, e164: str, extension: str = "") -> list[str]:
    """The dialer's argv for one number: shlex-split, then placeholders per argument.

    `{tel}` becomes `tel:+12125550142` (`tel:+12125550142;ext=3` with an
    extension), `{e164}` becomes `+12125550142`, `{ext}` the extension ("" when
    none). A command without a placeholder gets the tel: URI as its last argument.
    Substitution happens after splitting, so whatever the number holds stays
    inside one argument (and the number is checked to be E.164 anyway).
    """
    if not _E164.match(e164):
        raise InvalidInput(f"{e164!r} is not an E.164 number: not dialled")
    if extension and not _EXT.match(extension):
        raise InvalidInput(f"extension {extension!r} is not digits: not dialled")
    try:
        parts = shlex.split(command)
    except ValueError as exc:
        raise InvalidInput(f"config [dialer] command {command!r}: {exc}") from None
    if not parts:
        raise InvalidInput("config [dialer] command is empty")
    tel = tel_uri(e164, extension)
    argv = [
        p.replace("{tel}", tel).replace("{e164}", e164).replace("{ext}", extension) for p in parts
    ]
    if not any(ph in p for p in parts for ph in PLACEHOLDERS):
        argv.append(tel)
    return argv


def find_tel_handler() -> str | None:
    """The desktop's tel: handler as a dialer command, or None (copy the number).

    Linux: `xdg-open {tel}` when `xdg-mime` names a default for tel: links.
    macOS: `open {tel}` (FaceTime or the phone app handles tel:). It runs a
    program, so call it once and off the event loop.
    """
    if sys.platform == "darwin" and shutil.which("open"):
        return "open {tel}"
    if not (shutil.which("xdg-open") and shutil.which("xdg-mime")):
        return None
    try:
        found = subprocess.run(
            ["xdg-mime", "query", "default", "x-scheme-handler/tel"],
            capture_output=True,
            text=True,
            timeout=5,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return "xdg-open {tel}" if found.returncode == 0 and found.stdout.strip() else None


def start_detached(argv: list[str]) -> subprocess.Popen[bytes]:
    """Start the dialer and return at once: the desk never waits for it.

    It gets its own session (the terminal's signals do not reach it) and no
    stdin/stdout/stderr, so it can neither draw over the desk nor wait for input.
    """
    try:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except FileNotFoundError:
        raise DialError(f"dialer {argv[0]!r} not found — check [dialer] command") from None
    except OSError as exc:
        raise DialError(f"dialer {argv[0]!r} could not start: {exc.strerror or exc}") from None
