"""`/`: find a lead as you type; enter jumps to it in the desk.

Each keystroke starts an exclusive worker that runs `core.search.search` on
the DB thread; a result for text that has since changed is dropped, so the
list always matches what is in the box. Returns the chosen lead id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from leaddesk.core.domain.errors import LeadDeskError
from leaddesk.core.reads.search import Hit, search
from leaddesk.ui.render import safe

if TYPE_CHECKING:
    from leaddesk.ui.host import DeskHost

RESULTS = 30


def hit_text(hit: Hit) -> Text:
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(safe(hit.name), style="bold")
    if hit.company:
        line.append(" · " + safe(hit.company))
    line.append(f"  {hit.status}", style="dim")
    if hit.field != "name":
        line.append(f"  {hit.field}: ", style="dim")
        line.append(safe(hit.excerpt), style="italic")
    return line


class FindScreen(ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape", "cancel", "close", tooltip="close the search", id="find-cancel"),
        Binding("down", "move(1)", "next", show=False, tooltip="next result", id="find-down"),
        Binding("up", "move(-1)", "previous", show=False, tooltip="previous result", id="find-up"),
    ]

    app: DeskHost

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[Hit] = []
        self.searched = ""  # the text the shown results are for

    def compose(self) -> ComposeResult:
        with Vertical(id="find"):
            yield Label(Text("Find a lead", style="bold"))
            yield Input(placeholder="name, company, phone digits, email or notes", id="find-text")
            yield Static("", id="find-count")
            yield OptionList(id="find-results")
            yield Static(
                Text("↑↓ choose · enter open in the desk · escape close", style="dim"),
            )

    def on_mount(self) -> None:
        self.query_one("#find-text", Input).focus()

    @on(Input.Changed, "#find-text")
    def _changed(self, event: Input.Changed) -> None:
        self.run_worker(self._search(event.value), group="find", exclusive=True)

    async def _search(self, text: str) -> None:
        try:
            hits = await self.app.db.run(search, text, RESULTS)
        except LeadDeskError as exc:
            self.query_one("#find-count", Static).update(Text(f"✗ {exc}", style="bold red"))
            return
        if text != self.query_one("#find-text", Input).value:
            return  # typed on meanwhile: a newer search is coming
        self.hits, self.searched = hits, text
        results = self.query_one("#find-results", OptionList)
        results.set_options(Option(hit_text(h), id=str(h.lead_id)) for h in hits)
        if hits:
            results.highlighted = 0
        count = self.query_one("#find-count", Static)
        if not text.strip():
            count.update("")
        elif not hits:
            count.update(Text(f"no lead matches {text.strip()!r}", style="dim"))
        else:
            more = "+" if len(hits) == RESULTS else ""
            count.update(Text(f"{len(hits)}{more} found", style="dim"))

    def action_move(self, delta: int) -> None:
        results = self.query_one("#find-results", OptionList)
        if results.option_count:
            current = results.highlighted or 0
            results.highlighted = max(0, min(current + delta, results.option_count - 1))

    @on(Input.Submitted, "#find-text")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.query_one("#find-results", OptionList).highlighted_option
        if option is not None and option.id is not None:
            self.dismiss(int(option.id))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
