"""`e` on a lead when [mail] is set: the step's email, rendered, shown, sent with
enter and logged as the email touch only after the server accepted it.

Without [mail] the key logs "email sent" as before (the rep mailed elsewhere).
"""

from __future__ import annotations

from pathlib import Path

from leaddesk.core.domain.mail import Draft
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.templates import Template, load_templates
from leaddesk.core.transfer.mailing import Sent, draft_for, send_draft
from leaddesk.core.transfer.transport import transport_for
from leaddesk.ui.desk.base import DeskBase
from leaddesk.ui.desk.loading import DeskLoader
from leaddesk.ui.desk.writes import DeskWrites
from leaddesk.ui.screens.compose import ComposeScreen


def rendered(lead_id: int, settings: Settings, now) -> Draft:  # type: ignore[no-untyped-def]
    """On the DB thread: the templates (files) and the lead, rendered."""
    folder = settings.mail.templates_dir
    templates: dict[str, Template] = load_templates(Path(folder) if folder else None)
    return draft_for(lead_id, templates, settings, now)


class DeskMailing:
    def __init__(self, screen: DeskBase, loader: DeskLoader, writes: DeskWrites) -> None:
        self.screen = screen
        self.loader = loader
        self.writes = writes

    def compose(self, lead_id: int, who: str) -> None:
        async def show() -> None:
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
