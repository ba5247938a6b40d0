"""Every action of the desk, once: its id, keys, words, help group and palette title,
when it is enabled, and whether it acts on the lead on screen.

The desk's, the queue's and the app's key bindings, the `?` help, the command
palette and the desk's enablement (`check_action`) are all generated from
`ACTIONS` (the idea of harlequin's actions.py + keymap.py). A rep remaps a key
by its id in config.toml `[keys]`. To add an action: one line here and a
`do_<name>` method on the desk (or the widget or app it targets).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.keys import format_key

from leaddesk.core.domain.lead_state import OUTCOMES

# Help groups, in the order `?` shows them.
LOG = "Log the call (then the next lead is selected)"
MOVE = "Move"
LEAD = "Lead"
CALLS = "Calls, sessions, your numbers"
FIND = "Find"
DESK = "Desk"
APP = "App"
FORMS = "In the forms and lists"
GROUPS = (LOG, MOVE, LEAD, CALLS, FIND, DESK, APP, FORMS)

# When an action is offered (see DeskState.allows).
ALWAYS, LEADS, EMPTY, CALLING, PINNED, CADENCES, MANAGER = (
    "always", "leads", "empty", "calling", "pinned", "cadences", "manager"
)  # fmt: skip


@dataclass(frozen=True)
class Action:
    id: str  # the binding id a rep remaps in [keys]
    keys: str  # default keys, "" = palette only
    run: str  # the method called on its target: "outcome('busy')" → do_outcome('busy')
    label: str  # the footer's word
    group: str  # the `?` help group
    help: str = ""  # what it does, in words (the tooltip and `?`); "" = the label
    title: str = ""  # the palette's "namespace: what"; "" = not in the palette
    target: str = "desk"  # "desk", "queue" (the queue list) or "app"
    footer: bool = False
    on_lead: bool = False  # acts on the lead on screen (DeskScreen.subject)
    when: str = ALWAYS
    priority: bool = False

    @property
    def name(self) -> str:
        return self.run.split("(")[0]

    @property
    def words(self) -> str:
        return self.help or self.label


# key, outcome, footer label, shift key that opens the picker first
OUTCOME_KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("n", "no-answer", "no ans", "N"),
    ("v", "voicemail", "vm", "V"),
    ("b", "busy", "busy", "B"),
    ("g", "gatekeeper", "gk", "G"),
    ("c", "connected", "talked", "C"),
    ("l", "callback", "call back", ""),
    ("a", "appointment", "appt", ""),
    ("x", "not-interested", "no", "X"),
    ("d", "dnc", "DNC", ""),
    ("w", "wrong-number", "wrong #", ""),
    ("s", "won", "won", ""),
    ("e", "email", "email", ""),
    ("m", "letter", "letter", ""),
)
SHOWN_IN_FOOTER = {"n", "v", "b", "c", "l", "a", "x", "d"}


def _outcome_actions() -> Iterator[Action]:
    for key, name, label, shift in OUTCOME_KEYS:
        spec = OUTCOMES[name]
        yield Action(
            f"outcome-{name}", key, f"outcome('{name}')", label, LOG, spec.label,
            f"lead: log {spec.label}", footer=key in SHOWN_IN_FOOTER, on_lead=True, when=LEADS,
        )  # fmt: skip
        if not spec.needs_time:
            yield Action(
                f"outcome-{name}-pick", shift, f"outcome('{name}', True)", f"{label} + pick date",
                LOG, f"{spec.label}, pick the next date first",
                f"lead: log {spec.label}, pick next date", on_lead=True, when=LEADS,
            )  # fmt: skip


ACTIONS: tuple[Action, ...] = (
    *_outcome_actions(),
    # the queue's cursor (bindings of the queue list, which has the focus)
    Action("cursor-down", "j,down", "cursor(1)", "down", MOVE, target="queue"),
    Action("cursor-up", "k,up", "cursor(-1)", "up", MOVE, target="queue"),
    Action("page-down", "pagedown", "page(1)", "page down", MOVE, target="queue"),
    Action("page-up", "pageup", "page(-1)", "page up", MOVE, target="queue"),
    Action("first-lead", "home", "edge(-1)", "first", MOVE, target="queue"),
    Action("last-lead", "end", "edge(1)", "last", MOVE, target="queue"),
    # the lead on screen
    Action("lead-add", "A", "lead_add", "add", LEAD, "add a lead (a form)", "lead: add"),
    Action(
        "lead-edit", "E", "lead_edit", "edit", LEAD, "edit the lead on screen", "lead: edit",
        on_lead=True,
    ),
    Action(
        "note", "o", "note", "note", LEAD,
        "add a note: to the touch just logged, else to the lead on screen", "lead: note",
        on_lead=True,
    ),
    Action(
        "lead-close-lost", "K", "close_lost", "close as lost", LEAD,
        "close as lost (before 8 attempts a second K confirms)", "lead: close as lost",
        on_lead=True, when=LEADS,
    ),
    Action(
        "lead-do-not-mail", "M", "toggle_mail", "do not mail", LEAD, "do not mail: on / off",
        "lead: do not mail (on / off)", on_lead=True, when=LEADS,
    ),
    Action(
        "mail-compose", "", "compose_mail", "write email", LEAD,
        "the lead's next email, rendered from its template: enter sends it ([mail] set)",
        "lead: write and send the next email", on_lead=True, when=LEADS,
    ),
    Action(
        "lead-clear-dnc", "", "clear_dnc", "clear DNC", LEAD,
        title="lead: clear do-not-call (they asked to be called)", on_lead=True, when=LEADS,
    ),
    Action(
        "lead-move-cadence", "", "move_cadence", "cadence", LEAD,
        title="lead: move to another cadence", on_lead=True, when=CADENCES,
    ),
    Action(
        "team-take", "", "take_lead", "take", LEAD,
        title="team: take this lead (assign it to me)", on_lead=True, when=LEADS,
    ),
    Action(
        "team-pool", "", "to_pool", "to pool", LEAD,
        title="team: give this lead back to the pool", on_lead=True, when=LEADS,
    ),
    # calls
    Action(
        "dial", "enter", "dial", "dial", CALLS, "dial the lead and start the call timer",
        "call: dial", on_lead=True, when=LEADS,
    ),
    Action(
        "call-cancel", "escape", "cancel_call", "stop call timer", CALLS,
        "stop the call timer, log nothing", "call: stop the call timer", when=CALLING,
    ),
    Action(
        "session", "S", "session", "session", CALLS, "start / end a call session",
        "session: start/stop",
    ),
    Action("stats", "F", "stats", "stats", CALLS, "your numbers", "stats: your numbers"),
    Action(
        "team-stats", "", "team_stats", "team numbers", CALLS,
        "the team's numbers: every rep side by side ([rep] manager = true)",
        "stats: the team's numbers (leaderboard, charts)", when=MANAGER,
    ),
    # find
    Action(
        "find", "slash", "find", "find", FIND, "find a lead as you type", "find: search leads",
        footer=True,
    ),
    Action(
        "lead-list", "L", "lead_list", "all leads", FIND, "all leads, filtered",
        "find: lead list (filters)",
    ),
    # after call-cancel: with a call running on a found lead, escape stops the timer first
    Action(
        "back-to-queue", "escape", "back_to_queue", "back to the queue", MOVE,
        "leave a found lead, back to the queue's selection", "find: back to the queue",
        when=PINNED,
    ),
    # the desk
    Action(
        "undo", "u,ctrl+z", "undo", "undo", DESK, title="lead: undo last touch", footer=True,
        when=LEADS,
    ),
    Action("refresh", "r", "reload", "refresh", DESK, title="queue: refresh"),
    Action(
        "load-demo", "D", "demo", "demo leads", DESK, title="queue: load demo leads",
        footer=True, when=EMPTY,
    ),
    Action(
        "import", "i", "import_file", "import", DESK,
        "import a spreadsheet (CSV, or a JSONL export)", "data: import spreadsheet",
    ),
    Action(
        "queue-shift", "", "shift", "shift", DESK, title="queue: shift schedule (vacation)",
    ),
    # the app
    Action(
        "help", "question_mark", "help", "help", APP, "this help: every key",
        "app: help (every key)", target="app", footer=True,
    ),
    Action(
        "command-palette", "ctrl+p", "command_palette", "palette", APP,
        "the command palette: every action by name", target="app", priority=True,
    ),
    Action("quit", "q", "quit", "quit", APP, title="app: quit", target="app", footer=True),
)  # fmt: skip
BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}


def bindings(target: str) -> list[Binding]:
    """The key bindings of one target, each with its action's id (remappable by id).

    The desk's bindings all run `act('<id>')`: one door, so every key passes the
    same checks (enablement, the lead on screen, a pending confirmation).
    """
    made = []
    for action in ACTIONS:
        if action.target != target or not action.keys:
            continue
        run = f"act('{action.id}')" if target == "desk" else action.run
        made.append(
            Binding(
                action.keys,
                run,
                action.label,
                show=action.footer,
                tooltip=action.help,
                priority=action.priority,
                id=action.id,
            )
        )
    return made


@dataclass(frozen=True)
class DeskState:
    """What enablement depends on, as the desk sees it now."""

    empty: bool
    calling: bool
    pinned: bool
    cadences: int
    manager: bool = False

    def allows(self, action: Action) -> bool:
        return {
            ALWAYS: True,
            LEADS: not self.empty,
            EMPTY: self.empty,
            CALLING: self.calling,
            PINNED: self.pinned,
            CADENCES: not self.empty and self.cadences > 1,
            MANAGER: self.manager,
        }[action.when]


def key_display(keys: str) -> str:
    """ "question_mark" → "?", "u,ctrl+z" → "u / ctrl+z"."""
    shown = []
    for key in filter(None, keys.split(",")):
        *modifiers, last = key.strip().split("+")
        shown.append("+".join([*modifiers, format_key(last)]))
    return " / ".join(shown)


def keys_of(action: Action, keymap: Mapping[str, str]) -> str:
    return keymap.get(action.id, action.keys)


HelpRow = tuple[str, str, str]  # keys, what, binding id


def help_groups(keymap: Mapping[str, str], modal: list[Binding]) -> list[tuple[str, list[HelpRow]]]:
    """`?`: every action with keys, by group, keys as remapped; then the modals' keys."""
    grouped: dict[str, list[HelpRow]] = {title: [] for title in GROUPS}
    for action in ACTIONS:
        keys = keys_of(action, keymap)
        if keys:
            grouped[action.group].append((key_display(keys), action.words, action.id))
    seen: set[str] = set()
    for binding in modal:
        if binding.id and binding.id not in seen:
            seen.add(binding.id)
            keys = keymap.get(binding.id, binding.key)
            what = binding.tooltip or binding.description or binding.action
            grouped[FORMS].append((key_display(keys), what, binding.id))
    return [(title, rows) for title, rows in grouped.items() if rows]
