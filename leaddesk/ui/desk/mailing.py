"""`e` on a lead when [mail] is set: the step's email, rendered, shown, sent with
enter and logged as the email touch only after the server accepted it.

Without [mail] the key logs "email sent" as before (the rep mailed elsewhere).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.settings import Settings
from leaddesk.ui.desk.base import DeskBase
from leaddesk.ui.desk.loading import DeskLoader
from leaddesk.ui.desk.writes import DeskWrites

# Templates, iCalendar and the mail transports load on the first `e` or `a` that
# needs them, not before the desk's first paint (issue 15: ~a tenth of its start-up).
if TYPE_CHECKING:
    from leaddesk.core.domain.mail import Draft
    from leaddesk.core.transfer.invitations import Invitation, Invited
    from leaddesk.core.transfer.mailing import Sent
    from leaddesk.core.writes.outcomes import LogResult


def rendered(lead_id: int, settings: Settings, now) -> Draft:  # type: ignore[no-untyped-def]
    """On the DB thread: the templates (files) and the lead, rendered."""
    from leaddesk.core.domain.templates import Template, load_templates
    from leaddesk.core.transfer.mailing import draft_for

    folder = settings.mail.templates_dir
    templates: dict[str, Template] = load_templates(Path(folder) if folder else None)
    return draft_for(lead_id, templates, settings, now)


def offer(touch_id: int) -> Invitation | str | None:
    """On the DB thread: the invitation to ask about, or why there is none."""
    from leaddesk.core.transfer.invitations import invitation_for

    try:
        return invitation_for(touch_id)
    except InvalidInput as exc:
        return str(exc).removeprefix("not sent: ")


def invited(appointment_id: int, settings: Settings, now) -> Invited | str:  # type: ignore[no-untyped-def]
    """On the DB thread: send it; a refusal is the line to show (the appointment stays)."""
    from leaddesk.core.transfer.invitations import send_invitation
    from leaddesk.core.transfer.transport import MailError, transport_for

    try:
        return send_invitation(appointment_id, now, settings, transport_for(settings.mail))
    except (InvalidInput, MailError) as exc:
        return f"appointment set; invitation {exc}"


class DeskMailing:
    def __init__(self, screen: DeskBase, loader: DeskLoader, writes: DeskWrites) -> None:
        self.screen = screen
        self.loader = loader
        self.writes = writes

    def compose(self, lead_id: int, who: str) -> None:
        async def show() -> None:
            from leaddesk.ui.screens.compose import ComposeScreen

            settings = self.screen.app.settings
            draft = await self.screen.db(rendered, lead_id, settings, self.screen.app.now())
            if draft is None:
                return  # the reason (no email, do not mail, an empty field) is on screen
            self.screen.app.push_screen(ComposeScreen(draft, who), self.chosen)

        self.screen.run_worker(show(), exclusive=False)

    def chosen(self, draft: Draft | None) -> None:
        if draft is None:
            self.screen.status.info("cancelled — nothing sent")
            return

        async def send() -> None:
            from leaddesk.core.transfer.mailing import send_draft
            from leaddesk.core.transfer.transport import transport_for

            settings = self.screen.app.settings
            transport = transport_for(settings.mail)

            async def select(_: Sent) -> None:
                await self.loader.reload(select_lead=draft.lead_id, full=False)

            await self.writes.written(
                send_draft,
                draft,
                self.screen.app.now(),
                settings,
                transport,
                said=lambda s: f"email sent to {s.to}: {s.subject} · in the history",
                then=select,
            )

        self.screen.write(send)

    def offer_invitation(self, logged: LogResult, who: str) -> None:
        """After `a` is committed: with [mail] set, ask before inviting the lead."""
        if logged.outcome != "appointment" or not self.screen.app.settings.mail.configured:
            return

        async def ask() -> None:
            from leaddesk.ui.screens.invite import InviteScreen

            found = await self.screen.db(offer, logged.touch_id)
            if isinstance(found, str):
                self.screen.status.info(f"appointment set · no invitation: {found}")
            elif found is not None:
                self.screen.app.push_screen(InviteScreen(found, who), partial(self.invite, found))

        self.screen.run_worker(ask(), exclusive=False)

    def invite(self, found: Invitation, send: bool | None) -> None:
        if not send:
            self.screen.status.info("appointment set · no invitation sent")
            return

        async def go() -> None:
            settings, now = self.screen.app.settings, self.screen.app.now()
            done = await self.screen.db(invited, found.appointment_id, settings, now, writing=True)
            if isinstance(done, str):
                self.screen.status.error(done)
            elif done is not None:
                self.screen.generation += 1
                verb = "update" if done.sequence else "invitation"
                self.screen.status.ok(f"{verb} sent to {done.to}: {done.subject} · in the history")
                await self.loader.reload(select_lead=found.lead_id, full=False)

        self.screen.write(go)
