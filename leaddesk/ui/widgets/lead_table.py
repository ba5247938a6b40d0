"""Every lead in a virtual list (Line API): only the page around the cursor is loaded.

It posts `NeedPage` when the cursor or the view nears rows it does not hold
and `Chosen` on enter; the screen reads pages from the core.
"""

from __future__ import annotations

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from leaddesk.core.reads.lead_list import ListPage, ListRow
from leaddesk.ui.render import safe

# (title, width) of each column; the last takes what is left.
COLUMNS = (("name", 26), ("company", 22), ("status", 12), ("source", 14), ("owner", 10))
LAST = "tags"


def header_text(width: int) -> str:
    cells = [set_cell_size(title, w) for title, w in COLUMNS]
    return set_cell_size("  " + " ".join(cells) + " " + LAST, width)


def row_text(row: ListRow, width: int) -> str:
    values = (row.name, row.company, row.status, row.source, row.owner)
    cells = [set_cell_size(safe(v), w) for v, (_, w) in zip(values, COLUMNS, strict=True)]
    return set_cell_size("  " + " ".join(cells) + " " + safe(row.tags), width)


class LeadTable(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("j,down", "cursor(1)", "down", show=False, id="list-down"),
        Binding("k,up", "cursor(-1)", "up", show=False, id="list-up"),
        Binding("pagedown", "page(1)", "page down", show=False, id="list-page-down"),
        Binding("pageup", "page(-1)", "page up", show=False, id="list-page-up"),
        Binding("home", "edge(-1)", "first", show=False, id="list-first"),
        Binding("end", "edge(1)", "last", show=False, id="list-last"),
        Binding("enter", "choose", "open", tooltip="open the lead in the desk", id="list-open"),
    ]

    class NeedPage(Message):
        def __init__(self, index: int) -> None:
            self.index = index
            super().__init__()

    class Chosen(Message):
        def __init__(self, lead_id: int) -> None:
            self.lead_id = lead_id
            super().__init__()

    def __init__(self, *, margin: int = 20, **kwargs) -> None:
        super().__init__(**kwargs)
        self.margin = margin
        self.total = 0
        self.page_offset = 0
        self.rows: tuple[ListRow, ...] = ()
        self.cursor = 0
        self._requested: int | None = None

    def set_page(self, page: ListPage, *, reset: bool = False) -> None:
        self.total, self.page_offset, self.rows = page.total, page.offset, page.rows
        self._requested = None
        if reset:
            self.cursor = 0
            self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = max(0, min(self.cursor, self.total - 1))
        self.virtual_size = Size(self.size.width, self.total)
        self.refresh()

    @property
    def selected(self) -> ListRow | None:
        local = self.cursor - self.page_offset
        return self.rows[local] if 0 <= local < len(self.rows) else None

    def _ensure_loaded(self, index: int) -> None:
        start, end = self.page_offset, self.page_offset + len(self.rows)
        near = (index < start + self.margin and start > 0) or (
            index >= end - self.margin and end < self.total
        )
        if (near or not start <= index < end) and self._requested is None:
            self._requested = index
            self.post_message(self.NeedPage(index))

    def _move_to(self, index: int) -> None:
        if not self.total:
            return
        self.cursor = max(0, min(index, self.total - 1))
        height = max(self.size.height, 1)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)
        self._ensure_loaded(self.cursor)
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * max(self.size.height - 1, 1))

    def action_edge(self, direction: int) -> None:
        self._move_to(0 if direction < 0 else self.total - 1)

    def action_choose(self) -> None:
        row = self.selected
        if row is not None:
            self.post_message(self.Chosen(row.lead_id))

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        width = self.size.width
        if not 0 <= index < self.total:
            return Strip.blank(width, self.rich_style)
        local = index - self.page_offset
        if 0 <= local < len(self.rows):
            text = row_text(self.rows[local], width)
        else:
            self._ensure_loaded(index)
            text = set_cell_size("  …", width)
        style = Style(reverse=True) if index == self.cursor and self.has_focus else None
        if index == self.cursor and not self.has_focus:
            style = Style(underline=True)
        return Strip([Segment(text, style)]).crop_extend(0, width, self.rich_style)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
