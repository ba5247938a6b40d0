"""The keys of the desk's modal screens, for `?` and for remapping by id.

The desk's, the queue's and the app's keys come from ui/actions.py; the
modals keep their own bindings (each has an id), collected here.
"""

from __future__ import annotations

from textual.binding import Binding


def modal_bindings() -> list[Binding]:
    """The bindings of the desk's modal screens (remappable by id like the desk's)."""
    from leaddesk.ui.screens.compose import ComposeScreen
    from leaddesk.ui.screens.find import FindScreen
    from leaddesk.ui.screens.help import HelpScreen
    from leaddesk.ui.screens.invite import InviteScreen
    from leaddesk.ui.screens.lead_form import LeadForm
    from leaddesk.ui.screens.lead_list import LeadListScreen
    from leaddesk.ui.screens.note import NoteScreen
    from leaddesk.ui.screens.picker import NextContactPicker
    from leaddesk.ui.widgets.lead_table import LeadTable

    owners = (
        LeadForm, FindScreen, LeadListScreen, LeadTable, NoteScreen, NextContactPicker, HelpScreen,
        ComposeScreen, InviteScreen,
    )  # fmt: skip
    return [b for owner in owners for b in owner.BINDINGS if isinstance(b, Binding)]
