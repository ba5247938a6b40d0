"""The due queue: a virtual list (Line API) that renders only visible rows.

It holds one page of the DUE section around the cursor plus the LATER rows;
the screen loads pages from SQL when the cursor nears an edge. It never
decides anything about leads: it shows `QueueRow`s and posts what the rep
highlighted.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

from pendulum import DateTime
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from leaddesk.core.domain.text import count_text, minutes_between, span, when_local
from leaddesk.core.reads.queue.rows import QueueRow
from leaddesk.ui.actions import bindings
from leaddesk.ui.render import CHANNEL_ICON, HEAT, TIER_ICON, TIER_STYLE, safe

HEADER, ROW, EMPTY, MORE, BLANK = "header", "row", "empty", "more", "blank"
HANDOFF_WIDTH = 10  # cells of the owner's name in a hand-off's row


def _short(text: str, width: int) -> str:
    """`text` cut to `width` cells, with "…" where it was cut."""
    return set_cell_size(text, width - 1) + "…" if cell_len(text) > width else text


@lru_cache(maxsize=64)
def _style(definition: str) -> Style | None:
    return Style.parse(definition) if definition else None


@dataclass(frozen=True)
class Line:
    kind: str
    text: str = ""
    section: str = ""
    index: int = -1  # position within its section


class Layout:
    """The list's lines, computed on demand: DUE may hold 100k leads, and
    building an object per line on every refresh would cost more than the query.
    """

    def __init__(
        self,
        due_count: int,
        later_count: int,
        later_loaded: int,
        tomorrow: int = 0,
        capped: tuple[bool, bool, bool] = (False, False, False),
    ) -> None:
        self.due_count, self.later_count, self.later_loaded = due_count, later_count, later_loaded
        self.tomorrow = tomorrow
        self.capped = capped  # DUE, LATER, tomorrow counted up to a cap: "1,000+"
        self.due_lines = max(due_count, 1)
        self.later_header = self.due_lines + 2
        more = 1 if later_count > later_loaded else 0
        self.length = self.later_header + 1 + later_loaded + more

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, line_no: int) -> Line:
        if not 0 <= line_no < self.length:
            raise IndexError(line_no)
        if line_no == 0:
            return Line(HEADER, f"DUE ({count_text(self.due_count, self.capped[0])})", "due")
        if line_no <= self.due_lines:
            if self.due_count == 0:
                return Line(EMPTY, "nothing due right now")
            return Line(ROW, section="due", index=line_no - 1)
        if line_no < self.later_header:
            return Line(BLANK)
        if line_no == self.later_header:
            later, tomorrow = count_text(self.later_count, self.capped[1]), ""
            if self.tomorrow:
                tomorrow = f" · tomorrow: {count_text(self.tomorrow, self.capped[2])}"
            return Line(HEADER, f"LATER TODAY ({later}){tomorrow}", "later")
        index = line_no - self.later_header - 1
        if index < self.later_loaded:
            return Line(ROW, section="later", index=index)
        more = count_text(self.later_count - self.later_loaded, self.capped[1])
        return Line(MORE, f"… {more} more")

    def due_line(self, index: int) -> int:
        return 1 + index

    def later_line(self, index: int) -> int:
        return self.later_header + 1 + index


class QueueList(ScrollView, can_focus=True):
    """DUE (n) then LATER TODAY (m): one line per lead, virtual."""

    BINDINGS = bindings("queue")  # the cursor keys: ui/actions.py

    class Highlighted(Message):
        """The rep moved to another lead (or to none).

        `moved` is True when the rep moved the cursor, False when new data did.
        """

        def __init__(self, lead_id: int | None, moved: bool = False) -> None:
            self.lead_id = lead_id
            self.moved = moved
            super().__init__()

    class NeedPage(Message):
        """Rows around this DUE index are needed."""

        def __init__(self, index: int) -> None:
            self.index = index
            super().__init__()

    def __init__(self, *, page_margin: int = 20, **kwargs) -> None:
        super().__init__(**kwargs)
        self.page_margin = page_margin
        self.now: DateTime | None = None
        self.rep_zone = "UTC"
        self.due_count = 0
        self.later_count = 0
        self.page_offset = 0
        self.due_rows: tuple[QueueRow, ...] = ()
        self.later_rows: tuple[QueueRow, ...] = ()
        self.lines = Layout(0, 0, 0)
        self.cursor = 0
        self._requested: int | None = None
        self._highlighted: int | None = None

    # --- data in ---------------------------------------------------------

    def set_rows(
        self,
        *,
        now: DateTime,
        rep_zone: str,
        due_count: int,
        later_count: int,
        offset: int,
        due_rows: tuple[QueueRow, ...],
        later_rows: tuple[QueueRow, ...],
        avoid_lead: int | None = None,
        select_lead: int | None = None,
        tomorrow_count: int = 0,
        capped: tuple[bool, bool, bool] = (False, False, False),
    ) -> None:
        """Replace the data; keep the cursor at the same place.

        With `avoid_lead`, a cursor that lands on that lead again moves one
        down: after logging, the rep goes on to the next lead. With
        `select_lead`, the cursor goes to that lead if it is loaded.
        """
        self.now, self.rep_zone = now, rep_zone
        self.due_count, self.later_count = due_count, later_count
        self.page_offset, self.due_rows, self.later_rows = offset, due_rows, later_rows
        self._requested = None
        lines = Layout(due_count, later_count, len(later_rows), tomorrow_count, capped)
        previous = self.lines[self.cursor] if self.cursor < len(self.lines) else None
        self.lines = lines
        if (
            previous is not None
            and previous.kind == ROW
            and previous.section == "due"
            and due_count
        ):
            # Stay in DUE: when the last due lead leaves, the next one is the top.
            self.cursor = 1 + min(previous.index, due_count - 1)
        else:
            self.cursor = self._nearest_row(min(self.cursor, len(lines) - 1))
        chosen = self.line_of_lead(select_lead) if select_lead is not None else None
        if chosen is not None:
            self.cursor = chosen
        if avoid_lead is not None and self.selected_lead_id == avoid_lead:
            self.cursor = self._step(self.cursor, 1)
        self._set_virtual_height(len(lines))
        self._scroll_to_cursor()
        self.refresh()
        self._announce()

    # --- what is selected --------------------------------------------------

    def row_at(self, line_no: int) -> QueueRow | None:
        if not 0 <= line_no < len(self.lines):
            return None
        line = self.lines[line_no]
        if line.kind != ROW:
            return None
        if line.section == "later":
            return self.later_rows[line.index] if line.index < len(self.later_rows) else None
        local = line.index - self.page_offset
        return self.due_rows[local] if 0 <= local < len(self.due_rows) else None

    @property
    def selected(self) -> QueueRow | None:
        return self.row_at(self.cursor)

    @property
    def cursor_due_index(self) -> int | None:
        """Where the cursor is in the DUE section (None when elsewhere)."""
        line = self.lines[self.cursor] if self.cursor < len(self.lines) else None
        return line.index if line is not None and line.section == "due" else None

    @property
    def selected_lead_id(self) -> int | None:
        row = self.selected
        return row.lead_id if row else None

    def line_of_lead(self, lead_id: int) -> int | None:
        """The line of a loaded lead (only loaded rows are searched)."""
        for i, row in enumerate(self.due_rows):
            if row.lead_id == lead_id:
                return self.lines.due_line(self.page_offset + i)
        for i, row in enumerate(self.later_rows):
            if row.lead_id == lead_id:
                return self.lines.later_line(i)
        return None

    def _selectable(self, line_no: int) -> bool:
        return 0 <= line_no < len(self.lines) and self.lines[line_no].kind == ROW

    def _nearest_row(self, line_no: int) -> int:
        for candidate in itertools.chain(
            range(line_no, len(self.lines)), range(line_no - 1, -1, -1)
        ):
            if self._selectable(candidate):
                return candidate
        return 0

    def _step(self, start: int, direction: int) -> int:
        line_no = start + direction
        while 0 <= line_no < len(self.lines):
            if self._selectable(line_no):
                return line_no
            line_no += direction
        return start

    # --- keys ----------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        self._move_to(self._step(self.cursor, 1 if delta > 0 else -1))

    def action_page(self, direction: int) -> None:
        target = self.cursor + direction * max(self.size.height - 1, 1)
        target = max(0, min(target, len(self.lines) - 1))
        self._move_to(self._nearest_row(target))

    def park_at_top(self) -> None:
        """Before a reload: the cursor goes to the first DUE row once the rows arrive."""
        self.cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_edge(self, direction: int) -> None:
        self._move_to(self._nearest_row(0 if direction < 0 else len(self.lines) - 1))

    def _move_to(self, line_no: int) -> None:
        if line_no == self.cursor:
            return
        old = self.cursor
        self.cursor = line_no
        self._scroll_to_cursor()
        self.refresh_line(old - round(self.scroll_y))
        self.refresh_line(line_no - round(self.scroll_y))
        self._announce(moved=True)

    def _scroll_to_cursor(self) -> None:
        height = max(self.size.height, 1)
        top = round(self.scroll_y)
        if self.cursor < top + 1:
            self.scroll_to(y=max(self.cursor - 1, 0), animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _announce(self, moved: bool = False) -> None:
        line = self.lines[self.cursor] if self.cursor < len(self.lines) else None
        if line is not None and line.kind == ROW and line.section == "due":
            self._ensure_loaded(line.index)
        lead_id = self.selected_lead_id
        if lead_id != self._highlighted:
            self._highlighted = lead_id
            self.post_message(self.Highlighted(lead_id, moved))

    def _ensure_loaded(self, index: int) -> None:
        start, end = self.page_offset, self.page_offset + len(self.due_rows)
        near_start = index < start + self.page_margin and start > 0
        near_end = index >= end - self.page_margin and end < self.due_count
        if (near_start or near_end or not start <= index < end) and self._requested != index:
            self._requested = index
            self.post_message(self.NeedPage(index))

    # --- drawing ---------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        # Segments from pre-parsed styles: a Rich Text render cost ~0.35 ms a
        # line, most of a repaint after each keystroke.
        line_no = round(self.scroll_y) + y
        # the columns left of the scrollbar: the times at the right edge stay whole
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not 0 <= line_no < len(self.lines):
            return Strip.blank(width, base)
        line = self.lines[line_no]
        if line.kind == ROW:
            row = self.row_at(line_no)
            if row is None:
                if line.section == "due":
                    self._ensure_loaded(line.index)
                segments = [Segment("  …", _style("dim"))]
            else:
                segments = self._row_segments(row, width, line_no == self.cursor)
            if line_no == self.cursor:
                mark = _style("reverse" if self.has_focus else "underline")
                segments = [Segment(t, (st + mark) if st else mark) for t, st, _ in segments]
                segments.append(Segment(" " * width, mark))
        elif line.kind == HEADER:
            segments = [Segment(line.text, _style("bold"))]
        else:
            segments = [Segment(f"  {line.text}", _style("dim italic"))]
        return Strip(segments).crop_extend(0, width, base).simplify()

    def _row_segments(self, row: QueueRow, width: int, selected: bool) -> list[Segment]:
        now = self.now or row.due_at
        marker = "▶ " if selected else "  "
        icon = CHANNEL_ICON.get(row.channel) or TIER_ICON.get(row.tier, "○")
        icon_style = HEAT.get(row.heat) if row.tier == "new" else TIER_STYLE.get(row.tier, "")
        right, right_style = self._right(row, now)
        # a hand-off shows whose lead it is at a glance; "why now" in the detail says why
        handed = f"↪ {_short(safe(row.handoff_from), HANDOFF_WIDTH)} " if row.handoff_from else ""
        name_width = max(width - len(marker) - 2 - cell_len(handed) - cell_len(right) - 1, 4)
        name = _short(safe(row.name), name_width)
        name = set_cell_size(name, name_width)
        return [
            Segment(marker, _style("bold")),
            Segment(icon + " ", _style(icon_style or "")),
            Segment(name, _style("" if row.section == "due" else "dim")),
            Segment(" "),
            *([Segment(handed, _style("magenta"))] if handed else []),
            Segment(right, _style(right_style)),
        ]

    def _right(self, row: QueueRow, now: DateTime) -> tuple[str, str]:
        if row.section == "later":
            if row.opens_at is not None:
                return f"opens {when_local(row.opens_at, self.rep_zone, now)}", "dim"
            return when_local(row.due_at, self.rep_zone, now), "dim"
        if row.tier == "new":
            return span(row.waited_minutes or 0), HEAT.get(row.heat, "")
        if row.tier == "promise":
            late = minutes_between(row.due_at, now) > 0
            stamp = when_local(row.due_at, self.rep_zone, now)
            return f"{stamp} ✱", "bold red" if late else "bold yellow"
        if row.tier == "nurture":
            return ("check-in" if row.status == "won" else "nurture"), "green"
        return f"att {min(row.step + 1, row.steps)}/{row.steps}", ""

    def _set_virtual_height(self, height: int) -> None:
        """A new virtual size normally costs a full layout pass (~35 ms here).

        When the scrollbar stays as it was (the list was and still is taller
        than the view), update the scroll metrics only. Textual is pinned
        exactly (8.2.8), so the private `_scroll_update` cannot shift under us.
        """
        size = Size(self.scrollable_content_region.width, height)
        if size == self.virtual_size:
            return
        view = max(self.container_size.height, 1)
        if self.virtual_size.height > view and height > view:
            self.set_reactive(QueueList.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.lines))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
