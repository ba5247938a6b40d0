"""The rendered email of a lead's email step (`e` when [mail] is set): read it,
change it in $EDITOR, send it with enter.

Returns the draft to send (edited or not), or None when cancelled. The screen
never sends: the desk does, through the core, and says so once it is logged.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from leaddesk.core.domain.mail import Draft
from leaddesk.ui.render import safe


def edited(draft: Draft, text: str) -> Draft | str:
    """The draft as the rep left it in the editor (line 1 `Subject: …`), or the
    reason it cannot be sent."""
    first, _, body = text.partition("\n")
    if not first.lower().startswith("subject:") or not first.split(":", 1)[1].strip():
        return "line 1 must be 'Subject: …' with a subject: not changed"
    if not body.strip():
        return "the message is empty: not changed"
    subject = " ".join(first.split(":", 1)[1].split())
    return replace(draft, subject=subject, body=body.lstrip("\n").rstrip() + "\n")


class ComposeScreen(ModalScreen[Draft | None]):
    BINDINGS = [
        Binding("enter", "send", "send", tooltip="send this email now", id="mail-send"),
        Binding("ctrl+e", "edit", "edit", tooltip="change it in $EDITOR", id="mail-edit"),
        Binding("escape", "cancel", "cancel", tooltip="close, send nothing", id="mail-cancel"),
    ]

    def __init__(self, draft: Draft, who: str) -> None:
        super().__init__()
        self.draft = draft
        self.who = who

    def compose(self) -> ComposeResult:
        with Vertical(id="compose"):
            yield Label(Text(safe(f"Email to {self.who}"), style="bold"), id="compose-title")
            yield Static(id="compose-head")
            with VerticalScroll(id="compose-scroll"):
                yield Static(id="compose-body")
            yield Static("", id="compose-message")
            yield Static(
                Text("enter sends · ctrl+e edits in $EDITOR · escape cancels", style="dim")
            )

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        d = self.draft
        head = Text()
        head.append("To: ", style="dim")
        head.append(safe(d.to))
        head.append("\nSubject: ", style="dim")
        head.append(safe(d.subject), style="bold")
        head.append(f"   (template {safe(d.template)})", style="dim")
        self.query_one("#compose-head", Static).update(head)
        # line by line: `safe` shows a newline inside a field as a visible mark
        body = "\n".join(safe(line) for line in d.body.splitlines())
        self.query_one("#compose-body", Static).update(Text(body))

    def action_send(self) -> None:
        self.dismiss(self.draft)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.TemporaryDirectory(prefix="leaddesk-mail-") as folder:
            path = Path(folder) / "message.txt"
            path.write_text(f"Subject: {self.draft.subject}\n\n{self.draft.body}", "utf-8")
            try:
                with self.app.suspend():
                    subprocess.run([*shlex.split(editor), str(path)], check=False)
                text = path.read_text("utf-8")
            except Exception as exc:  # no terminal to suspend, no such editor: say it, keep it
                self.say(f"cannot edit with {editor}: {exc}")
                return
        result = edited(self.draft, text)
        if isinstance(result, str):
            self.say(result)
            return
        self.draft = result
        self.show()
        self.say("edited — enter sends it", ok=True)

    def say(self, text: str, ok: bool = False) -> None:
        style = "green" if ok else "red"
        self.query_one("#compose-message", Static).update(Text(safe(text), style=style))
