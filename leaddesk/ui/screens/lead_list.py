"""`L`: every lead, filtered by status, source, tag and owner; enter opens one in the desk.

Pages of the list come from `core.lead_list` on the DB thread (never all
leads at once). Returns the chosen lead id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Select, Static

from leaddesk.core.domain.errors import LeadDeskError
from leaddesk.core.reads.lead_list import FilterChoices, LeadFilter, filter_choices, lead_page
from leaddesk.ui.widgets.lead_table import LeadTable, header_text

if TYPE_CHECKING:
    from leaddesk.ui.host import DeskHost

T = TypeVar("T")
FILTERS = ("status", "source", "tag", "owner")
PAGE = 120  # rows per read: a screen and a margin on either side


class LeadListScreen(ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape", "cancel", "close", tooltip="close the lead list", id="list-close"),
    ]

    app: DeskHost

    def __init__(self) -> None:
        super().__init__()
        self.filter = LeadFilter()
        self._generation = 0  # bumped by a filter change; older pages are dropped

    def compose(self) -> ComposeResult:
        with Vertical(id="lead-list"):
            yield Label(Text("All leads", style="bold"), id="list-title")
            with Horizontal(id="list-filters"):
                for name in FILTERS:
                    yield Select[str]([], prompt=f"{name}: any", id=f"filter-{name}")
            yield Static("", id="list-count")
            yield Static("", id="list-header")
            yield LeadTable(id="list-table")
            yield Static(
                Text("tab filters · j/k move · enter open in the desk · escape close", style="dim"),
            )

    @property
    def table(self) -> LeadTable:
        return self.query_one(LeadTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.run_worker(self._load_choices, group="list-choices")
        self.run_worker(self._load(0, reset=True), group="list", exclusive=True)

    def on_resize(self) -> None:
        width = self.table.size.width or self.size.width
        self.query_one("#list-header", Static).update(Text(header_text(width), style="bold"))

    async def _read(self, fn: Callable[..., T], *args: Any) -> T | None:
        try:
            return await self.app.db.run(fn, *args)
        except LeadDeskError as exc:
            self.query_one("#list-count", Static).update(Text(f"✗ {exc}", style="bold red"))
            return None

    async def _load_choices(self) -> None:
        choices: FilterChoices | None = await self._read(filter_choices)
        if choices is None:
            return
        values = {
            "status": choices.statuses,
            "source": choices.sources,
            "tag": choices.tags,
            "owner": choices.owners,
        }
        for name in FILTERS:
            select = self.query_one(f"#filter-{name}", Select)
            with select.prevent(Select.Changed):
                select.set_options((value, value) for value in values[name])

    async def _load(self, index: int, *, reset: bool = False) -> None:
        generation = self._generation
        page = await self._read(lead_page, self.filter, max(0, index - PAGE // 3), PAGE)
        if page is None or generation != self._generation:
            return
        self.table.set_page(page, reset=reset)
        noun = "lead" if page.total == 1 else "leads"
        self.query_one("#list-count", Static).update(
            Text(f"{page.total:,} {noun} · {self.filter.describe()}", style="dim")
        )
        self.on_resize()

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix("filter-")
        value = "" if event.value == Select.NULL else str(event.value)
        self.filter = LeadFilter(**{**vars(self.filter), name: value})
        self._generation += 1
        self.run_worker(self._load(0, reset=True), group="list", exclusive=True)

    def on_lead_table_need_page(self, message: LeadTable.NeedPage) -> None:
        self.run_worker(self._load(message.index), group="list", exclusive=True)

    def on_lead_table_chosen(self, message: LeadTable.Chosen) -> None:
        self.dismiss(message.lead_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
