"""The desk screen: the panes, and one door from a key to the rooms.

Every desk key runs `act('<id>')`: the action registry (ui/actions.py) says
whether it is enabled, whether it needs a lead on screen, and which
`do_<name>` method runs it. The rooms do the work: loading (pages, the lead
on screen, the change check), claims, calls, writes, sessions and forms.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.actions import parse
from textual.app import ActiveBinding, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from leaddesk.core.domain.hours import promise_warning
from leaddesk.core.domain.lead_state import OUTCOMES
from leaddesk.ui.actions import BY_ID, DeskState, bindings
from leaddesk.ui.desk.base import DeskBase
from leaddesk.ui.desk.calls import DeskCalls
from leaddesk.ui.desk.claims import DeskClaims
from leaddesk.ui.desk.forms import DeskForms
from leaddesk.ui.desk.inbox import DeskInbox
from leaddesk.ui.desk.loading import CHANGE_CHECK_SECONDS, DeskLoader, Subject
from leaddesk.ui.desk.mailing import DeskMailing
from leaddesk.ui.desk.sessions import DeskSessions
from leaddesk.ui.desk.writes import DeskWrites
from leaddesk.ui.widgets.desk_footer import DeskFooter
from leaddesk.ui.widgets.lead_detail import LeadDetail
from leaddesk.ui.widgets.queue_list import QueueList
from leaddesk.ui.widgets.status import DeskHeader, StatusLine
from leaddesk.ui.widgets.touch_history import TouchHistory

FOOTER_FIRST = ("help", "quit")  # action ids
COMPACT_BELOW = 120  # columns

DEMO_LEADS = 60
LOAD_KEYS_AFTER = 0.5  # seconds after the first lead is painted (load_keys)

EMPTY_TEXT = """\
No leads yet.

  D        load 60 demo leads to try the desk
  A        add a lead
  i        import a spreadsheet (CSV from Excel, Google, Outlook, a CRM)
  q        quit, then add your own:

  {leaddesk} add --name "Dana Whitfield" --phone "(212) 555-0142"
  {leaddesk} import leads.csv

Every key is listed under ?."""


def load_keys() -> None:
    """The keys' machinery, kept out of the desk's start (issue 15 point 2: ~3 % of its
    CPU to the first lead): loaded just after that lead is painted, so the first key is
    as quick as the next. Each room also imports what it needs on first use."""
    import leaddesk.core.desk.dialer
    import leaddesk.core.desk.heartbeat
    import leaddesk.core.desk.keystroke
    import leaddesk.core.reads.queue.place  # noqa: F401


class DeskScreen(DeskBase):
    BINDINGS = bindings("desk")

    def __init__(self) -> None:
        super().__init__()
        self.claims = DeskClaims(self, refused=lambda: self.loader.start_reload())
        self.loader = DeskLoader(self, self.claims)
        self.calls = DeskCalls(self, self.loader)
        self.writes = DeskWrites(self, self.loader, self.claims, self.calls)
        self.sessions = DeskSessions(self, self.loader, self.writes)
        self.forms = DeskForms(self, self.loader, self.writes)
        self._footer_state: DeskState | None = None  # the state the footer's keys follow
        self.mailing = DeskMailing(self, self.loader, self.writes)
        self.writes.after_logged = self.mailing.offer_invitation
        self.inbox = DeskInbox(self, self.writes)

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.app.settings.rep_timezone, id="header")
        with Horizontal(id="panes"):
            yield QueueList(id="queue")
            with Vertical(id="right"):
                yield LeadDetail(id="detail")
                yield TouchHistory(id="history")
        yield Static(Text(EMPTY_TEXT.format(leaddesk=self.app.command)), id="empty")
        yield StatusLine(id="status")
        narrow = self.app.size.width < COMPACT_BELOW
        yield DeskFooter(compact=narrow, show_command_palette=not narrow)

    def on_mount(self) -> None:
        self._footer_state = self.state()  # what compose's footer shows
        self.queue.focus()
        self.header.tick(self.app.now())
        self.set_interval(1.0, self._tick)
        self.set_interval(CHANGE_CHECK_SECONDS, self._periodic_check)
        self.run_worker(self._first_load(), group="read")
        for warning in self.app.startup_warnings:
            self.status.error(warning)
        self.sessions.close_stale()
        self.inbox.start()

    async def _first_load(self) -> None:
        # The first page and its first lead only: LATER, the header's counts and
        # the totals are read after that paint (DeskLoader.show), not before it;
        # the footer's keys are built after it too (DeskFooter).
        try:
            await self.loader.reload(full=False)
        finally:
            self.call_after_refresh(self._release_footer)

    def _release_footer(self) -> None:
        for footer in self.query(DeskFooter):  # none when the desk is closing already
            footer.release()
        # a moment later, not on the heels of the paint: the footer's keys are built
        # then, and a first key pressed sooner imports what it needs itself
        self.set_timer(LOAD_KEYS_AFTER, load_keys)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The footer lists these in order: `? help` and `q quit` first, so a
        narrow terminal (80 columns) cuts outcome keys (all in `?`), not them."""
        found = super().active_bindings
        first = {k: b for k, b in found.items() if b.binding.id in FOOTER_FIRST}
        return {**first, **{k: b for k, b in found.items() if k not in first}}

    def on_resize(self) -> None:
        # Where columns are few, less space between keys and no `^p palette` (ctrl+p
        # still opens it; `?` lists it): more keys stay visible, none is cut.
        footer, narrow = self.query_one(DeskFooter), self.size.width < COMPACT_BELOW
        if footer.compact != narrow:
            footer.compact, footer.show_command_palette = narrow, not narrow
            footer.refresh(recompose=True)  # show_command_palette does not recompose

    def _tick(self) -> None:
        self.header.tick(self.app.now())

    def _periodic_check(self) -> None:
        self.run_worker(self.loader.check_for_changes, group="check", exclusive=True)

    def subject(self) -> Subject | None:
        """The lead on screen: every action that acts on a lead acts on this one."""
        return self.loader.subject()

    # --- the one door -------------------------------------------------------------------

    def state(self) -> DeskState:
        return DeskState(
            empty=self.loader.empty,
            calling=self.calls.call is not None,
            pinned=self.loader.pinned is not None,
            cadences=len(self.app.settings.cadences),
            manager=self.app.settings.role.manager,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "act" or not parameters:
            return True
        found = BY_ID.get(str(parameters[0]))
        return found is None or self.state().allows(found)

    def action_act(self, action_id: str) -> None:
        action = BY_ID[action_id]
        if not self.state().allows(action):
            return
        pending, self.writes.pending = self.writes.pending, None
        subject = self.subject()
        if (
            pending is not None
            and pending.action_id == action_id
            and subject is not None
            and subject.lead_id == pending.lead_id
        ):
            self.write(pending.retry)  # the same key again on the same lead: confirmed
            return
        if action.on_lead and subject is None:
            self.status.error("no lead selected")
            return
        _, name, params = parse(action.run)
        getattr(self, f"do_{name}")(*params)

    # --- what each action does (a line or two: the rooms do the work) --------------------

    def _lead(self) -> int:
        subject = self.subject()
        assert subject is not None  # action_act checked it
        return subject.lead_id

    def do_outcome(self, name: str, pick: bool = False) -> None:
        action_id = f"outcome-{name}" + ("-pick" if pick else "")
        spec = OUTCOMES[name]
        if name == "email" and not pick and self.app.settings.mail.configured:
            self.do_compose_mail()  # [mail] is set: the email itself, sent with enter
            return
        if not (pick or spec.needs_time):
            self.writes.log(action_id, name)  # on the lead on screen when its turn comes
            return
        from leaddesk.ui.screens.picker import NextContactPicker  # its parser loads with it

        subject = self.subject()
        assert subject is not None
        verb = {"callback": "Call back", "appointment": "Appointment with"}.get(
            name, f"{spec.label.capitalize()} — next contact for"
        )
        settings = self.app.settings
        zones, places = (subject.zone,), ()
        view = self.loader.view
        if view is not None and view.id == subject.lead_id:
            # the lead's own window: its jurisdictions' rules as well as the company's
            zones, places = view.call_zones or zones, view.jurisdictions
        picker = NextContactPicker(
            f"{verb} {subject.name}",
            self.app.now(),
            subject.zone,
            settings.rep_timezone,
            settings.rules.morning_hour,
            warn=partial(promise_warning, zones=zones, settings=settings, places=places)
            if spec.needs_time
            else None,
        )

        def chosen(at: object) -> None:
            if at is None:
                self.status.info("cancelled — nothing logged")
            else:
                self.writes.log(action_id, name, subject.lead_id, next_at=at)

        self.app.push_screen(picker, chosen)

    def do_compose_mail(self) -> None:
        subject = self.subject()
        assert subject is not None
        self.mailing.compose(subject.lead_id, subject.name)

    def do_close_lost(self) -> None:
        self.writes.close_lost(self._lead())

    def do_toggle_mail(self) -> None:
        self.writes.toggle_mail(self._lead())

    def do_clear_dnc(self) -> None:
        self.writes.clear_dnc(self._lead())

    def do_move_cadence(self) -> None:
        from leaddesk.ui.screens.choices import CadenceChooser

        subject = self.subject()
        assert subject is not None
        view = self.loader.view
        current = view.cadence if view is not None and view.id == subject.lead_id else "?"

        def chosen(name: str | None) -> None:
            if name is None:
                self.status.info("cancelled — cadence unchanged")
            else:
                self.writes.move_cadence(subject.lead_id, name)

        chooser = CadenceChooser(subject.name, current, self.app.settings.cadences)
        self.app.push_screen(chooser, chosen)

    def do_shift(self) -> None:
        from leaddesk.ui.screens.choices import ShiftPrompt

        def chosen(days: int | None) -> None:
            if days is None:
                self.status.info("cancelled — schedule unchanged")
            else:
                self.writes.shift(days)

        self.app.push_screen(ShiftPrompt(), chosen)

    def do_take_lead(self) -> None:
        self.writes.assign(self._lead(), self.app.settings.rep_name)

    def do_to_pool(self) -> None:
        self.writes.assign(self._lead(), None)

    def do_undo(self) -> None:
        self.writes.undo()

    def do_demo(self) -> None:
        self.writes.demo(DEMO_LEADS)

    def do_reload(self) -> None:
        self.loader.start_reload()

    def do_dial(self) -> None:
        self.calls.dial()

    def do_cancel_call(self) -> None:
        self.calls.cancel()

    def do_session(self) -> None:
        self.sessions.toggle()

    def do_stats(self) -> None:
        from leaddesk.ui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    def do_team_stats(self) -> None:
        from leaddesk.ui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(team=True))

    def do_lead_add(self) -> None:
        self.forms.add()

    def do_lead_edit(self) -> None:
        self.forms.edit(self._lead())

    def do_note(self) -> None:
        self.forms.note()

    def do_import_file(self) -> None:
        self.forms.import_file()

    # The modal screens below load on first use (their reads and widgets are not
    # needed for the desk's first screen; each costs its import once, ~10 ms).

    def do_find(self) -> None:
        from leaddesk.ui.screens.find import FindScreen

        self.app.push_screen(FindScreen(), self.loader.open)

    def do_lead_list(self) -> None:
        from leaddesk.ui.screens.lead_list import LeadListScreen

        self.app.push_screen(LeadListScreen(), self.loader.open)

    def do_back_to_queue(self) -> None:
        self.loader.back_to_queue()
        self.calls.subject_changed()
        self.refresh_bindings()

    # --- messages from the queue ------------------------------------------------------

    def on_queue_list_highlighted(self, message: QueueList.Highlighted) -> None:
        if message.moved:
            # The rep moved on: a pending confirmation lapses, `o` no longer
            # means the touch just logged, and a found lead gives way to the queue.
            self.writes.pending = None
            self.writes.note_target = None
        self.loader.highlighted(message.lead_id, message.moved)
        self.calls.subject_changed()
        if self.state() != self._footer_state:
            self.refresh_bindings()

    def refresh_bindings(self) -> None:
        # The footer rebuilds all its keys (~50 widgets restyled) on every refresh,
        # and which keys it shows depends only on `state()`: a cursor move that
        # leaves the state alone (nearly all, and the desk's first highlight)
        # skips it. Every refresh, Textual's own included, records the state.
        self._footer_state = self.state()
        super().refresh_bindings()

    def on_queue_list_need_page(self, message: QueueList.NeedPage) -> None:
        self.loader.need_page(message.index)
