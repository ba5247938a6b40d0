"""The one question before a calendar invitation goes out (`a` when [mail] is
set and the lead may be mailed): y sends it, n or escape sends nothing.

Returns True to send; the appointment is already saved whatever the answer.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from leaddesk.core.transfer.invitations import Invitation
from leaddesk.ui.render import safe


def question(offer: Invitation) -> str:
    if offer.update:
        return f"send the new time to {offer.to}? (an update of the invitation)"
    return f"send an invitation to {offer.to}?"


class InviteScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "send", "send", tooltip="email the invitation now", id="invite-send"),
        Binding("n,escape", "skip", "don't", tooltip="send nothing", id="invite-skip"),
    ]

    def __init__(self, offer: Invitation, who: str) -> None:
        super().__init__()
        self.offer = offer
        self.who = who

    def compose(self) -> ComposeResult:
        with Vertical(id="invite", classes="modal-box"):
            yield Label(Text(f"Appointment with {safe(self.who)} saved", style="bold"))
            yield Static(Text(safe(question(self.offer))), id="invite-question")
            yield Static(Text("y sends · n or escape sends nothing", style="dim"))

    def action_send(self) -> None:
        self.dismiss(True)

    def action_skip(self) -> None:
        self.dismiss(False)
