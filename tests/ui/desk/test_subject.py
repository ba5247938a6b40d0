"""One subject: every action of the registry that acts on a lead acts on the lead
on screen — a lead found with `/` and pinned — never on the queue's selection.

The desk's boundary with the core is the database thread: every call through it
is recorded, and the call the action makes must name the pinned lead.
"""

from __future__ import annotations

from functools import partial

import pendulum
import pytest
from desk_helpers import lead, settle

from leaddesk.core.domain.settings import Cadence, CadenceStep, Settings
from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.ui.actions import ACTIONS
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.screens.choices import CadenceChooser
from leaddesk.ui.screens.lead_form import LeadForm
from leaddesk.ui.screens.note import NoteScreen
from leaddesk.ui.screens.picker import NextContactPicker
from leaddesk.ui.widgets.lead_detail import LeadDetail

LEAD_ACTIONS = [action for action in ACTIONS if action.on_lead]
# The core function each kind of lead action reaches, with the lead as first argument.
CORE_CALL = {
    "outcome": "outcome_key",
    "close_lost": "outcome_key",
    "toggle_mail": "outcome_key",
    "clear_dnc": "outcome_key",
    "move_cadence": "outcome_key",
    "take_lead": "assign",
    "to_pool": "assign",
    "dial": "dial_target",
    "lead_edit": "draft_for",
    "note": "add_note",
    "compose_mail": "rendered",
}


def test_every_lead_action_is_walked() -> None:
    assert {action.name for action in LEAD_ACTIONS} == set(CORE_CALL)
    assert len(LEAD_ACTIONS) > 20


def answer(screen: object) -> object:
    """What a rep would choose in the modal an action opens."""
    if isinstance(screen, NextContactPicker):
        return pendulum.datetime(2026, 11, 24, 16, 0, tz="UTC")
    if isinstance(screen, CadenceChooser):
        return "re-engage"
    if isinstance(screen, NoteScreen):
        return "they asked for a brochure"
    raise AssertionError(f"unexpected modal {screen!r}")


@pytest.mark.parametrize("action", LEAD_ACTIONS, ids=lambda action: action.id)
async def test_a_lead_action_acts_on_the_pinned_lead(new_app, desk_settings, clock, action):
    settings = Settings(
        rep_name="tester",
        rep_timezone="America/Chicago",
        dialer="copy",
        cadences={
            **desk_settings.cadences,
            "re-engage": Cadence("re-engage", (CadenceStep(0, "call"), CadenceStep(1440, "call"))),
        },
    )
    dana = lead(settings, "Dana Whitfield", "(212) 555-0142", 30)
    ravi = lead(settings, "Ravi Patel", "(312) 555-0177", 20)
    log_outcome(dana, "not-interested", clock.now(), settings)  # out of the queue for 90 days
    app = new_app(settings)
    calls: list[tuple[str, tuple[object, ...]]] = []
    run = app.db.run

    async def recording(fn, *args, **kwargs):
        inner, given = (fn.func, fn.args + args) if isinstance(fn, partial) else (fn, args)
        calls.append((getattr(inner, "__name__", ""), given))
        return await run(fn, *args, **kwargs)

    app.db.run = recording
    async with app.run_test(size=(120, 35)) as pilot:
        desk = app.screen
        await settle(pilot, lambda: isinstance(desk, DeskScreen) and desk.queue.selected, "ready")
        assert desk.queue.selected_lead_id == ravi
        await pilot.press("slash", *"whitf")
        await settle(pilot, lambda: getattr(app.screen, "hits", None), "found")
        await pilot.press("enter")
        detail = desk.query_one(LeadDetail)
        await settle(pilot, lambda: detail.lead_id == dana and desk.subject().pinned, "pinned")
        calls.clear()
        desk.action_act(action.id)
        wanted = CORE_CALL[action.name]
        for _ in range(3):  # an action may open a modal (or two: a note after an edit)
            await settle(pilot, lambda: any(name == wanted for name, _ in calls)
                         or app.screen is not desk, "the action")  # fmt: skip
            if app.screen is desk or isinstance(app.screen, LeadForm):
                break
            app.screen.dismiss(answer(app.screen))
        await settle(pilot, lambda: any(name == wanted for name, _ in calls), wanted)
    acted_on = [given[0] for name, given in calls if name == wanted]
    assert acted_on[0] == dana, (action.id, calls)
