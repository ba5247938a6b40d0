"""Add or edit a lead: every field, several phones, errors beside their fields.

The form checks the draft with the core (`domain.validate.validate_draft`,
`when.parse_day`) and asks the core for duplicates (a read, on the DB
thread). It never writes: it returns what the rep chose — save this draft,
or open an existing lead instead — and the desk saves it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from leaddesk.core.domain.errors import InvalidDraft, InvalidInput, LeadDeskError
from leaddesk.core.domain.phone_text import NOT_VALID
from leaddesk.core.domain.phones import parse_phone
from leaddesk.core.domain.validate import LeadDraft, validate_draft
from leaddesk.core.domain.when import parse_day
from leaddesk.core.domain.zone_names import zone_choices
from leaddesk.core.reads.drafts import Duplicate, find_duplicates
from leaddesk.ui.render import safe

if TYPE_CHECKING:
    from leaddesk.ui.host import DeskHost


@dataclass(frozen=True)
class LeadFormResult:
    """Save `draft`, or open the existing lead `open_lead` instead."""

    draft: LeadDraft | None = None
    open_lead: int | None = None


# (draft field, label, placeholder) in screen order; the phones come after "title".
FIELDS_BEFORE_PHONES = (
    ("name", "name", "full name"),
    ("company", "company", ""),
    ("title", "title", "job title"),
)
FIELDS_AFTER_PHONES = (
    ("email", "email", "name@example.com"),
    ("address", "address", "street and number"),
    ("city", "city", ""),
    ("region", "region", "state / province"),
    ("postcode", "postcode", ""),
    ("country", "country", "two letters, e.g. US (default: the phone's)"),
    ("source", "source", "where you met them: web form, trade show, referral …"),
    ("interest", "interest", "what they want"),
    ("first_contact_on", "first contact", "2026-11-20, yesterday, nov 20 (blank: none)"),
    ("tz_override", "time zone", "blank: from the phone; Eastern, PST, London, America/Chicago"),
    ("tags", "tags", "comma separated: hot, commercial"),
    ("notes", "notes", ""),
)
HINT = (
    "enter or ctrl+s save · tab next field · ctrl+n another phone · ctrl+r remove this phone"
    " · escape cancel"
)


@lru_cache(maxsize=1)
def _zone_names() -> list[str]:
    import zoneinfo

    return sorted(zoneinfo.available_timezones())


class LeadForm(ModalScreen[LeadFormResult | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "save", tooltip="save the lead", id="form-save"),
        Binding("escape", "cancel", "cancel", tooltip="close without saving", id="form-cancel"),
        Binding(
            "ctrl+n", "add_phone", "add phone", tooltip="another phone row", id="form-add-phone"
        ),
        Binding(
            "ctrl+r",
            "remove_phone",
            "remove phone",
            tooltip="remove the phone row with the cursor",
            id="form-remove-phone",
        ),
        Binding(
            "ctrl+o",
            "open_existing",
            "open existing",
            tooltip="open the existing lead instead of saving a duplicate",
            id="form-open-existing",
        ),
    ]

    app: DeskHost

    def __init__(
        self,
        title: str,
        today: date,
        draft: LeadDraft | None = None,
        lead_id: int | None = None,
        errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.today = today
        self.draft = draft or LeadDraft(name="", phones=[("", "")])
        self.lead_id = lead_id  # editing this lead (excluded from duplicates)
        self.initial_errors = errors or {}
        self.duplicates: list[Duplicate] = []
        self._warned: LeadDraft | None = None  # the draft the duplicate warning was for
        self._rows = 0  # phone rows made so far (ids stay unique after removals)

    # --- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="lead-form"):
            yield Label(Text(self.title_text, style="bold"), id="form-title")
            for field, label, placeholder in FIELDS_BEFORE_PHONES:
                yield self._row(field, label, placeholder)
            for raw, label in self.draft.phones or [("", "")]:
                yield self._phone_row(raw, label)
            for field, label, placeholder in FIELDS_AFTER_PHONES:
                yield self._row(field, label, placeholder)
            yield Static("", id="form-duplicates")
        # Outside the scrolling fields, docked: how to save and what is wrong stay
        # on screen however short the terminal (80×24 scrolls the fields).
        with Vertical(id="form-footer"):
            yield Static("", id="form-message")
            yield Static(Text(HINT, style="dim"), id="form-hint")

    def _row(self, field: str, label: str, placeholder: str) -> Horizontal:
        value = getattr(self.draft, field)
        if field == "first_contact_on":
            value = value.isoformat() if value else ""
        suggester = None
        if field == "tz_override":
            suggester = SuggestFromList(_zone_names(), case_sensitive=False)
        return Horizontal(
            Label(label, classes="form-label"),
            Input(
                value or "",
                placeholder=placeholder,
                id=f"f-{field}",
                compact=True,
                suggester=suggester,
                classes="form-input",
            ),
            Static("", id=f"e-{field}", classes="form-error"),
            classes="form-row",
        )

    def _phone_row(self, raw: str = "", label: str = "") -> Horizontal:
        n = self._rows
        self._rows += 1
        return Horizontal(
            Label("phone", classes="form-label"),
            Input(raw, placeholder="(212) 555-0142", compact=True, classes="phone-number"),
            Input(label, placeholder="label", compact=True, classes="phone-label"),
            Static("", classes="form-error phone-error"),
            classes="form-row phone-row",
            id=f"phone-row-{n}",
        )

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()
        if self.initial_errors:
            self.show_errors(self.initial_errors)

    # --- reading the form ----------------------------------------------------------

    def _value(self, field: str) -> str:
        return self.query_one(f"#f-{field}", Input).value

    def _phone_rows(self) -> list[Horizontal]:
        return list(self.query(".phone-row").results(Horizontal))

    def collect(self) -> tuple[LeadDraft, dict[str, str]]:
        """The draft as typed, and every field error the core finds in it."""
        errors: dict[str, str] = {}
        try:
            first_contact = parse_day(self._value("first_contact_on"), self.today)
        except InvalidInput as exc:
            errors["first_contact_on"] = str(exc)
            first_contact = None
        phones = [
            (
                row.query_one(".phone-number", Input).value,
                row.query_one(".phone-label", Input).value,
            )
            for row in self._phone_rows()
        ]
        texts = {f: self._value(f) for f, _, _ in (*FIELDS_BEFORE_PHONES, *FIELDS_AFTER_PHONES)}
        texts.pop("first_contact_on")
        zone = texts.pop("tz_override").strip()
        draft = replace(
            self.draft,
            **texts,
            tz_override=zone or None,
            first_contact_on=first_contact,
            phones=phones,
        )
        try:
            validate_draft(draft, self.app.settings)
        except InvalidDraft as exc:
            errors.update(exc.errors)
        return draft, errors

    def show_errors(self, errors: dict[str, str]) -> None:
        for error in self.query(".form-error").results(Static):
            error.update("")
        if "tz_override" not in errors:
            self._show_zone(self._value("tz_override"))
        rows = self._phone_rows()
        marked: list[Input] = []
        for key, message in errors.items():
            if key.startswith("phones."):
                index = int(key.split(".")[1])
                if index >= len(rows):
                    continue
                target = rows[index].query_one(".phone-error", Static)
                marked.append(rows[index].query_one(".phone-number", Input))
            else:
                target = self.query_one(f"#e-{key}", Static)
                marked.append(self.query_one(f"#f-{key}", Input))
            target.update(Text("✗ " + safe(message), style="red"))
        # the cursor goes to the first field in error, top to bottom
        first = next((i for i in self.query(Input).results(Input) if i in marked), None)
        count = len(errors)
        if count:
            noun = "field needs" if count == 1 else "fields need"
            self._message(f"✗ {count} {noun} fixing — nothing saved yet", "bold red")
        if first is not None:
            # At the end of what was typed, nothing selected: the next key goes on
            # with the text instead of replacing it (a field in error stays so).
            first.select_on_focus = False
            first.focus()
            first.action_end()

    def _message(self, text: str, style: str = "") -> None:
        self.query_one("#form-message", Static).update(Text(text, style=style))

    # --- actions -----------------------------------------------------------------

    @on(Input.Changed, "#f-tz_override")
    def _zone_typed(self, event: Input.Changed) -> None:
        self._show_zone(event.value)

    def _show_zone(self, typed: str) -> None:
        """The zone a typed name stands for, shown before saving ('PST → America/Los_Angeles')."""
        text = typed.strip()
        shown = self.query_one("#e-tz_override", Static)
        choices = zone_choices(text)
        if len(choices) == 1 and choices[0] != text:
            shown.update(Text(f"→ {choices[0]}", style="green"))
        elif len(choices) > 1:
            shown.update(Text(f"? could be {' or '.join(choices)}", style="yellow"))
        else:
            shown.update("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        draft, errors = self.collect()
        self.show_errors(errors)
        if errors:
            return
        if self._warned is not None and self._warned == draft:
            self.dismiss(LeadFormResult(draft=draft))  # saved anyway, after the warning
            return
        doubtful = self._mark_doubtful()
        self._message("checking for duplicates …", "dim")
        self.run_worker(self._check_duplicates(draft, doubtful), group="form", exclusive=True)

    def _mark_doubtful(self) -> bool:
        """⚠ beside each number phonenumbers calls invalid (kept, but flagged)."""
        doubtful = False
        for row in self._phone_rows():
            raw = row.query_one(".phone-number", Input).value
            try:
                valid = not raw.strip() or parse_phone(raw, self.app.settings.default_region).valid
            except LeadDeskError:
                continue  # validation has said what is wrong with it
            if not valid:
                doubtful = True
                note = Text(f"⚠ {NOT_VALID}: kept as typed", style="yellow")
                row.query_one(".phone-error", Static).update(note)
        return doubtful

    async def _check_duplicates(self, draft: LeadDraft, doubtful: bool = False) -> None:
        try:
            found = await self.app.db.run(find_duplicates, draft, self.app.settings, self.lead_id)
        except LeadDeskError as exc:
            # a locked or broken database: say so and keep what was typed
            self._message(f"✗ could not check for duplicates: {exc}", "bold red")
            return
        if not found and doubtful:
            # the number is kept, but only once the rep has seen the warning
            self._warned = draft
            self._message(f"⚠ a phone is {NOT_VALID} · enter saves it anyway", "bold yellow")
            return
        if not found:
            self.dismiss(LeadFormResult(draft=draft))
            return
        self.duplicates = found
        self._warned = draft
        lines = Text("⚠ already in your leads:\n", style="bold yellow")
        for duplicate in found[:3]:
            lines.append("  " + safe(duplicate.describe) + "\n", style="yellow")
        first = found[0]
        lines.append(
            f"ctrl+o open #{first.lead_id} instead · enter save anyway · or change the form",
            style="bold",
        )
        self.query_one("#form-duplicates", Static).update(lines)
        self._message("")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_existing":
            return bool(self.duplicates)
        return True

    def action_open_existing(self) -> None:
        if self.duplicates:
            self.dismiss(LeadFormResult(open_lead=self.duplicates[0].lead_id))

    async def action_add_phone(self) -> None:
        rows = self._phone_rows()
        row = self._phone_row()
        await self.query_one("#lead-form").mount(row, after=rows[-1] if rows else 2)
        row.query_one(".phone-number", Input).focus()

    async def action_remove_phone(self) -> None:
        rows = self._phone_rows()
        focused = self.focused
        current = next((r for r in rows if focused is not None and focused in r.children), None)
        if current is None:
            self._message("move to a phone row to remove it", "dim")
            return
        if len(rows) == 1:
            for field in current.query(Input).results(Input):
                field.value = ""
            return
        index = rows.index(current)
        await current.remove()
        rows = self._phone_rows()
        rows[min(index, len(rows) - 1)].query_one(".phone-number", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
