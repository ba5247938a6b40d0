"""Which key does what, for `?`: groups built from the bindings' own metadata.

Every binding with an id is listed under the first group whose prefixes
match its id (an id ending in "-" is a prefix), with its key as remapped by
`[keys]`, its tooltip (or description) and its id. A binding no group claims
is listed under "More", so a new key is never missing from the help: to
place it, add its id (or a prefix) to a group here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding
from textual.keys import format_key

from leaddesk.core.domain.rules import OUTCOMES

HELP_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("Log the call (then the next lead is selected)", ("outcome-",)),
    ("Move", ("cursor-", "page-", "first-lead", "last-lead", "back-to-queue")),
    ("Lead", ("lead-add", "lead-edit", "note", "lead-close-lost", "lead-do-not-mail")),
    ("Calls, sessions, your numbers", ("dial", "call-cancel", "session", "stats")),
    ("Find", ("find", "lead-list")),
    ("Desk", ("undo", "refresh", "load-demo", "import")),
    ("App", ("help", "command-palette", "quit")),
    ("In the forms and lists", ("form-", "find-", "list-", "note-", "picker-", "help-")),
]
OTHER_GROUP = "More"


def group_of(binding_id: str) -> tuple[str, int]:
    """The group of a binding id, and the position of the matching prefix in it."""
    for title, prefixes in HELP_GROUPS:
        for position, prefix in enumerate(prefixes):
            if binding_id == prefix or (prefix.endswith("-") and binding_id.startswith(prefix)):
                return title, position
    return OTHER_GROUP, 0


def key_display(keys: str) -> str:
    """ "question_mark" → "?", "u,ctrl+z" → "u / ctrl+z"."""
    shown = []
    for key in filter(None, keys.split(",")):
        *modifiers, last = key.strip().split("+")
        shown.append("+".join([*modifiers, format_key(last)]))
    return " / ".join(shown)


def describe(binding: Binding) -> str:
    """What a binding does, in words: outcome keys say their outcome."""
    binding_id = binding.id or ""
    if binding_id.startswith("outcome-"):
        name = binding_id.removeprefix("outcome-").removesuffix("-pick")
        spec = OUTCOMES.get(name)
        if spec is not None:
            return spec.label + (
                ", pick the next date first" if binding_id.endswith("-pick") else ""
            )
    return binding.tooltip or binding.description or binding.action


HelpRow = tuple[str, str, str]  # keys, what, binding id


def help_groups(
    bindings: Iterable[Binding], keymap: Mapping[str, str]
) -> list[tuple[str, list[HelpRow]]]:
    """Every binding with an id, once, grouped in HELP_GROUPS order, keys as remapped."""
    grouped: dict[str, list[tuple[int, HelpRow]]] = {title: [] for title, _ in HELP_GROUPS}
    grouped[OTHER_GROUP] = []
    seen: set[str] = set()
    for binding in bindings:
        if not binding.id or binding.id in seen:
            continue
        seen.add(binding.id)
        keys = keymap.get(binding.id, binding.key)
        title, position = group_of(binding.id)
        grouped[title].append((position, (key_display(keys), describe(binding), binding.id)))
    # In the order of the group's prefixes, then in the order the bindings came.
    return [
        (title, [row for _, row in sorted(rows, key=lambda pair: pair[0])])
        for title, rows in grouped.items()
        if rows
    ]


def modal_bindings() -> list[Binding]:
    """The bindings of the desk's modal screens (remappable by id like the desk's)."""
    from leaddesk.ui.screens.find import FindScreen
    from leaddesk.ui.screens.help import HelpScreen
    from leaddesk.ui.screens.lead_form import LeadForm
    from leaddesk.ui.screens.lead_list import LeadListScreen
    from leaddesk.ui.screens.note import NoteScreen
    from leaddesk.ui.screens.picker import NextContactPicker
    from leaddesk.ui.widgets.lead_table import LeadTable

    owners = (
        LeadForm, FindScreen, LeadListScreen, LeadTable, NoteScreen, NextContactPicker, HelpScreen
    )  # fmt: skip
    return [b for owner in owners for b in owner.BINDINGS if isinstance(b, Binding)]
