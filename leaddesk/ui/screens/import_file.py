"""`i`: import a spreadsheet. Type a path, see the mapping and exactly what would
happen (a dry run), press enter to import with a progress bar, read the summary.

The core does the work (`importing.open_source`, `import_file`) on the app's
database thread; this screen only shows its answers. The import commits a batch
of rows at a time, as the CLI's does, so the write lock is held for a fraction of
a second at a time and another program on the same store (a second desk, a cron
job) writes in between (issue 15). Escape during an import stops it after the
batch under way: the batches before it are kept, each lead whole, and importing
the same file again finishes it (those rows come back as duplicates).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static

from leaddesk.core.domain.errors import LeadDeskError
from leaddesk.core.transfer.importing import (
    ImportCancelled,
    ImportSummary,
    Source,
    import_file,
    open_source,
    preview_lines,
)
from leaddesk.ui.render import safe

if TYPE_CHECKING:
    from leaddesk.ui.host import DeskHost

HINT = (
    "enter: preview, then import · ctrl+o: update duplicates instead of skipping them"
    " · pgup/pgdn: scroll · escape: close (while importing: stop, whole batches kept)"
)


def _preview(path: str, now, settings, progress) -> tuple[Source, ImportSummary]:
    source = open_source(path)
    summary = import_file(source, now, settings, dry_run=True, rejects_path=None, progress=progress)
    return source, summary


class ImportScreen(ModalScreen[ImportSummary | None]):
    BINDINGS = [
        Binding("escape", "close", "close", id="import-close"),
        Binding("ctrl+o", "toggle_update", "update duplicates", id="import-update"),
        Binding("pageup", "scroll_body(-1)", "scroll up", show=False, id="import-page-up"),
        Binding("pagedown", "scroll_body(1)", "scroll down", show=False, id="import-page-down"),
    ]

    app: DeskHost

    def __init__(self) -> None:
        super().__init__()
        self.state = "path"  # path | previewing | previewed | importing | done
        self.previewed: tuple[str, float] | None = None  # path and mtime shown
        self.on_duplicate = "skip"
        self.result: ImportSummary | None = None
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id="import"):
            yield Label(Text("Import a spreadsheet", style="bold"), id="import-title")
            yield Input(placeholder="path to a .csv / .tsv / .txt file or a leaddesk .jsonl export",
                        id="import-path")  # fmt: skip
            with VerticalScroll(id="import-body"):
                yield Static("", id="import-summary")
                yield Static("", id="import-mapping")
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Static(Text(HINT, style="dim"), id="import-hint")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one(Input).focus()

    # --- steps -------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.state == "previewed":
            self.state = "path"
            self._say("enter to preview this file", "dim")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = str(Path(event.value.strip()).expanduser()) if event.value.strip() else ""
        if self.state == "done":
            self.dismiss(self.result)
        elif self.state in ("previewing", "importing"):
            return
        elif not path:
            self._say("type the path of a file first", "red")
        elif self.state == "previewed" and self.previewed == (path, _mtime(path)):
            self.run_worker(self._import(path), group="import", exclusive=True)
        else:
            self.run_worker(self._preview(path), group="import", exclusive=True)

    async def _preview(self, path: str) -> None:
        self.state = "previewing"
        self._say("reading … (a dry run: nothing is written)", "dim")
        progress = self._progress(path)
        try:
            source, summary = await self.app.db.run(
                _preview, path, self.app.now(), self.app.settings, progress
            )
        except (LeadDeskError, OSError) as exc:
            self.query_one("#import-mapping", Static).update("")
            self._failed(exc, path)
            return
        finally:
            self.query_one(ProgressBar).display = False
        self.state = "previewed"
        self.previewed = (path, _mtime(path))
        self._show_mapping(source)
        lines = preview_lines(summary, limit=5)
        lines.insert(1, f"enter imports this file · duplicates: {self.on_duplicate} (ctrl+o)")
        self._say("\n".join(lines), "")

    async def _import(self, path: str) -> None:
        self.state = "importing"
        progress = self._progress(path)
        self._say("importing … (escape stops it: the rows imported so far are kept)", "")

        def work() -> ImportSummary:
            source = open_source(path)
            return import_file(
                source,
                self.app.now(),
                self.app.settings,
                on_duplicate=self.on_duplicate,
                progress=progress,
            )

        try:
            summary = await self.app.db.run(work)
        except (LeadDeskError, OSError) as exc:
            self.query_one(ProgressBar).display = False
            self._failed(exc, path)
            return
        self.result = summary
        self.state = "done"
        lines = preview_lines(summary, limit=5)
        lines += ["", "enter or escape closes"]
        self._say("\n".join(lines), "green")

    def _progress(self, path: str) -> Callable[[int, int], None]:
        """A progress callback for the database thread, feeding the bar; it
        raises when the rep cancels (between batches: those committed stay)."""
        self._cancel.clear()
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=max(_size(path), 1), progress=0)
        loop = asyncio.get_running_loop()

        def progress(done: int, total: int) -> None:
            # on the database thread: hand the number to the event loop, never block
            loop.call_soon_threadsafe(partial(bar.update, total=total, progress=done))
            if self._cancel.is_set():
                raise ImportCancelled("stopped by the rep")

        return progress

    def _failed(self, exc: BaseException, path: str) -> None:
        self.state = "path"
        if isinstance(exc, OSError):
            self._say(f"✗ cannot read {path}: {exc.strerror or exc}", "red")
        else:
            self._say(f"✗ {exc}", "red")

    # --- keys --------------------------------------------------------------------

    def action_toggle_update(self) -> None:
        if self.state in ("importing", "done"):
            return
        self.on_duplicate = "update" if self.on_duplicate == "skip" else "skip"
        what = (
            "update: a duplicate fills in what its lead is missing"
            if self.on_duplicate == "update"
            else "skip: duplicates are left out"
        )
        self.state = "path" if self.state == "previewed" else self.state
        self._say(f"duplicates: {what} · enter to preview again", "")

    def action_scroll_body(self, direction: int) -> None:
        body = self.query_one("#import-body", VerticalScroll)
        if direction > 0:
            body.scroll_page_down()
        else:
            body.scroll_page_up()

    def action_close(self) -> None:
        if self.state in ("importing", "previewing"):
            self._cancel.set()
            self._say("cancelling …", "yellow")
            return
        self.dismiss(self.result)

    # --- display -------------------------------------------------------------------

    def _say(self, text: str, style: str) -> None:
        self.query_one("#import-summary", Static).update(Text(safe_lines(text), style=style))

    def _show_mapping(self, source: Source) -> None:
        if source.mapping is None:
            text = f"{source.path.name}: a leaddesk JSONL export (every field kept)"
        else:
            assert source.table is not None
            head = f"{source.path.name} ({source.table.description}); columns:"
            text = "\n".join([head, *(f"  {line}" for line in source.mapping.lines())])
        self.query_one("#import-mapping", Static).update(Text(safe_lines(text)))


def safe_lines(text: str) -> str:
    """Each line through `safe` (file content is never markup, never raw control chars)."""
    return "\n".join(safe(line) for line in text.split("\n"))


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def _mtime(path: str) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return -1.0
