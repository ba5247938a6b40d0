"""Editing leads, notes, duplicates and the lead list — the core behind A, E, o and L."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pendulum
import pytest
from core_helpers import world

from leaddesk.core.domain.errors import InvalidDraft, InvalidInput, NotFound
from leaddesk.core.domain.validate import LeadDraft, normalise_tags, validate_draft
from leaddesk.core.reads.drafts import draft_for, find_duplicates
from leaddesk.core.reads.lead_list import UNASSIGNED, LeadFilter, filter_choices, lead_page
from leaddesk.core.store.models import Appointment, Lead, Phone, Touch
from leaddesk.core.writes.leads import add_lead, add_note, set_touch_note, update_lead
from leaddesk.core.writes.outcomes import log_outcome, undo_last

NY, LA = "(212) 555-0142", "(415) 555-0100"


# --- validation, field by field ---------------------------------------------------


def test_every_bad_field_is_reported_at_once_keyed_by_field(settings):
    draft = LeadDraft(
        name="",
        phones=[("(212) 555-0142", "mobile"), ("call me", "work"), ("212 555 0142", "home")],
        email="nope",
        tz_override="Mars/Base",
        tags="x" * 201,
    )
    with pytest.raises(InvalidDraft) as info:
        validate_draft(draft, settings)
    errors = info.value.errors
    assert list(errors) == ["name", "phones.1", "phones.2", "email", "tz_override", "tags"]
    assert "needs a name" in errors["name"]
    assert errors["phones.1"].startswith("phone (work):")
    assert "the same number as phone 1" in errors["phones.2"]
    assert "not an email address" in errors["email"]
    assert "not an IANA zone" in errors["tz_override"]
    assert "tags is too long" in errors["tags"]
    # the CLI's one line names every problem
    assert "needs a name" in str(info.value) and "Mars/Base" in str(info.value)


def test_blank_phone_rows_are_skipped_and_a_long_label_refused(settings):
    assert validate_draft(LeadDraft(name="A", phones=[("", ""), (NY, "")]), settings)
    with pytest.raises(InvalidDraft) as info:
        validate_draft(LeadDraft(name="A", phones=[(NY, "x" * 41)]), settings)
    assert list(info.value.errors) == ["phones.0"]


def test_tags_are_normalised():
    assert normalise_tags(" hot ,  multi  site,, HOT, vip ") == "hot, multi site, vip"


# --- update_lead ---------------------------------------------------------------------


def test_an_edit_saves_every_field_and_round_trips_through_draft_for(make_lead, settings, now):
    lead_id = make_lead("Dana", phone=NY)
    draft = LeadDraft(
        name="Dana Whitfield",
        phones=[(NY, "mobile"), ("+1 312 555 0177", "office")],
        email="Dana@Whitfield.example",
        company="Whitfield Roofing",
        title="Owner",
        address="12 Elm St",
        city="Albany",
        region="NY",
        postcode="12207",
        country="us",
        source="trade show",
        interest="metal roof",
        first_contact_on=date(2026, 11, 20),
        tz_override=None,
        tags="hot, commercial",
        notes="met at booth 237",
    )
    result = update_lead(lead_id, draft, now, settings)
    assert "name" in result.changed and "phones" in result.changed
    back = draft_for(lead_id)
    assert back == replace(
        draft, email="dana@whitfield.example", country="US", received_at=back.received_at
    )


def test_unchanged_numbers_keep_their_row_and_bad_flag(make_lead, settings, now):
    lead_id = make_lead("Dana", phones=[NY, "+1 312 555 0177"])
    log_outcome(lead_id, "wrong-number", now, settings)
    bad = Phone.get((Phone.lead == lead_id) & (Phone.bad == True))  # noqa: E712
    draft = replace(draft_for(lead_id), phones=[("+1 713 555 0100", "new"), (bad.raw, "old")])
    update_lead(lead_id, draft, now.add(minutes=1), settings)
    rows = list(Phone.select().where(Phone.lead == lead_id).order_by(Phone.position))
    assert [(r.e164, r.bad, r.label) for r in rows] == [
        ("+17135550100", False, "new"),
        ("+12125550142", True, "old"),
    ]
    assert rows[1].id == bad.id  # the same row: undo of the wrong number still finds it


def test_a_new_phone_moves_the_zone_and_the_due_call_into_its_window(make_lead, settings, now):
    lead_id = make_lead("Dana", phone=NY)
    log_outcome(lead_id, "no-answer", now, settings)
    # Next: a call at 15:00 New York. Tonight 20:30 New York is 17:30 in LA.
    evening = pendulum.datetime(2026, 11, 24, 1, 30, tz="UTC")  # 20:30 NY
    Lead.update(next_due_at=evening).where(Lead.id == lead_id).execute()
    draft = replace(draft_for(lead_id), phones=[("+61 2 9374 4000", "")])  # Sydney
    result = update_lead(lead_id, draft, now, settings)
    lead = Lead.get_by_id(lead_id)
    assert (lead.timezone, lead.timezone_source) == ("Australia/Sydney", "phone")
    assert lead.call_zones == "Australia/Sydney|AU US"  # the address is still in the US
    # 12:30 Sydney on Tuesday is inside their window: the call stays put.
    assert lead.next_due_at == evening
    assert {"phones", "zone"} <= set(result.changed)
    Lead.update(next_due_at=pendulum.datetime(2026, 11, 24, 12, 0, tz="UTC")).where(
        Lead.id == lead_id
    ).execute()  # 23:00 Sydney: closed
    update_lead(lead_id, replace(draft, phones=[("(206) 555-0100", "")]), now, settings)
    lead = Lead.get_by_id(lead_id)
    assert lead.timezone == "America/Los_Angeles"
    # 04:00 in Seattle: moved to their 08:00
    assert lead.next_due_at.in_timezone("America/Los_Angeles").format("YYYY-MM-DD HH:mm") == (
        "2026-11-24 08:00"
    )


def test_a_zone_override_moves_the_call_and_a_promise_keeps_its_time(make_lead, settings, now):
    lead_id = make_lead("Dana", phone=NY)
    at = pendulum.datetime(2026, 11, 24, 13, 30, tz="UTC")  # 08:30 New York
    log_outcome(lead_id, "callback", now, settings, next_at=at)
    draft = replace(draft_for(lead_id), tz_override="America/Los_Angeles")  # 05:30 there
    update_lead(lead_id, draft, now, settings)
    lead = Lead.get_by_id(lead_id)
    assert (lead.timezone, lead.timezone_source) == ("America/Los_Angeles", "manual")
    assert lead.next_due_at == at and Appointment.get().at == at


def test_a_lead_without_a_number_gains_one_and_is_called(make_lead, settings, now):
    lead_id = make_lead("Sam", phone=None)
    assert Lead.get_by_id(lead_id).next_due_at is None
    update_lead(lead_id, LeadDraft(name="Sam", phones=[(NY, "")]), now, settings)
    lead = Lead.get_by_id(lead_id)
    assert (lead.next_channel, lead.next_due_at, lead.priority) == ("call", now, 1)


def test_an_emailed_new_lead_that_gains_a_number_is_called(make_lead, settings, now):
    lead_id = make_lead("Sam", phone=None, email="sam@ito.example")
    assert Lead.get_by_id(lead_id).next_channel == "email"
    draft = replace(draft_for(lead_id), phones=[(NY, "")])
    update_lead(lead_id, draft, now, settings)
    assert Lead.get_by_id(lead_id).next_channel == "call"


def test_removing_every_number_falls_back_to_email(make_lead, settings, now):
    lead_id = make_lead("Dana", phone=NY, email="dana@x.example")
    update_lead(lead_id, replace(draft_for(lead_id), phones=[]), now, settings)
    lead = Lead.get_by_id(lead_id)
    assert lead.next_channel == "email" and lead.next_due_at is not None
    assert lead.call_zones == "|US" and lead.timezone_source == "rep"  # US address


def test_an_edit_is_not_a_touch_and_undo_skips_it(make_lead, settings, now):
    lead_id = make_lead("Dana", phone=NY)
    log_outcome(lead_id, "no-answer", now, settings)
    touches = Touch.select().count()
    update_lead(lead_id, replace(draft_for(lead_id), name="Dana W."), now, settings)
    assert Touch.select().count() == touches
    result = undo_last(now, settings)
    assert result.outcome == "no-answer"  # the touch before the edit
    assert Lead.get_by_id(lead_id).name == "Dana W."  # the edit stays


def test_a_bad_edit_writes_nothing(make_lead, settings, now):
    lead_id = make_lead("Dana", phone=NY)
    before = world(lead_id)
    with pytest.raises(InvalidDraft):
        update_lead(lead_id, LeadDraft(name="Dana", phones=[("12", "")]), now, settings)
    with pytest.raises(NotFound):
        update_lead(9999, LeadDraft(name="X"), now, settings)
    assert world(lead_id) == before


# --- duplicates ----------------------------------------------------------------------


def test_duplicates_by_number_in_any_format_or_by_email(make_lead, settings, now):
    dana = make_lead("Dana", phone=NY, email="dana@x.example")
    ravi = make_lead("Ravi", phone="+1 312 555 0177")
    draft = LeadDraft(name="D", phones=[("212.555.0142", ""), ("nonsense", "")])
    [dup] = find_duplicates(draft, settings)
    assert (dup.lead_id, dup.matches) == (dana, ("phone +1 212-555-0142",))
    both = find_duplicates(
        LeadDraft(name="x", email="DANA@x.example", phones=[("312-555-0177", "")]), settings
    )
    assert [(d.lead_id, d.matches) for d in both] == [
        (dana, ("email dana@x.example",)),
        (ravi, ("phone +1 312-555-0177",)),
    ]
    assert "#1 Dana (new) has the same email" in both[0].describe
    assert find_duplicates(draft, settings, exclude=dana) == []
    assert find_duplicates(LeadDraft(name="n", phones=[(LA, "")]), settings) == []


# --- notes -------------------------------------------------------------------------


def test_a_note_is_a_touch_and_undo_leaves_the_lead_exactly_as_before(make_lead, settings, now):
    lead_id = make_lead("Dana", phone=NY)
    before = world(lead_id)
    result = add_note(lead_id, "  prefers mornings  ", now, settings)
    touch = Touch.get_by_id(result.touch_id)
    assert (touch.channel, touch.outcome, touch.note) == ("note", "note", "prefers mornings")
    assert world(lead_id)["lead"] == before["lead"]  # the schedule is untouched
    assert undo_last(now, settings).outcome == "note"
    assert world(lead_id) == before


def test_notes_are_bounded_and_never_empty(make_lead, settings, now):
    lead_id = make_lead("Dana", phone=NY)
    with pytest.raises(InvalidInput, match="empty"):
        add_note(lead_id, "   ", now, settings)
    with pytest.raises(InvalidInput, match="too long"):
        add_note(lead_id, "x" * 20_001, now, settings)
    with pytest.raises(NotFound):
        add_note(9999, "hi", now, settings)


def test_a_note_on_the_touch_just_logged_goes_to_it_and_its_promise(make_lead, settings, now):
    lead_id = make_lead("Dana", phone=NY)
    at = now.add(days=1)
    logged = log_outcome(lead_id, "callback", now, settings, next_at=at)
    set_touch_note(logged.touch_id, "call her cell", now)
    set_touch_note(logged.touch_id, "after 3", now)
    assert Touch.get_by_id(logged.touch_id).note == "call her cell\nafter 3"
    assert Appointment.get().note == "call her cell\nafter 3"
    undo_last(now, settings)  # the touch and its note go together
    assert not Touch.select().where(Touch.id == logged.touch_id).exists()
    with pytest.raises(NotFound, match="undone"):
        set_touch_note(logged.touch_id, "too late", now)


# --- the lead list -----------------------------------------------------------------


def test_the_lead_list_pages_in_name_order_with_filters(make_lead, settings, now):
    ids = {
        name: make_lead(name, phone=f"(212) 555-01{i:02d}", source=source, tags=tags)
        for i, (name, source, tags) in enumerate(
            [
                ("Cara", "web form", "hot"),
                ("Abe", "trade show", "hot, commercial"),
                ("Bea", "web form", ""),
                ("Dan", "referral", "commercial"),
            ]
        )
    }
    log_outcome(ids["Bea"], "no-answer", now, settings)
    page = lead_page(LeadFilter(), 0, 2)
    assert page.total == 4 and [r.name for r in page.rows] == ["Abe", "Bea"]
    assert [r.name for r in lead_page(LeadFilter(), 2, 2).rows] == ["Cara", "Dan"]

    def names(**f) -> list[str]:
        return [r.name for r in lead_page(LeadFilter(**f), 0, 50).rows]

    assert names(status="working") == ["Bea"]
    assert names(source="web form") == ["Bea", "Cara"]
    assert names(tag="commercial") == ["Abe", "Dan"]
    assert names(tag="HOT", source="web form") == ["Cara"]
    assert names(owner=UNASSIGNED) == ["Abe", "Bea", "Cara", "Dan"]
    assert names(owner="tester") == []
    choices = filter_choices()
    assert choices.sources == ("referral", "trade show", "web form")
    assert choices.tags == ("commercial", "hot")
    assert UNASSIGNED in choices.owners and "tester" in choices.owners
    assert add_lead(LeadDraft(name="Eve"), now, settings) > 0


def test_a_pendulum_date_is_stored_like_a_plain_date(make_lead, settings, now):
    """The desk's dates come from pendulum; sqlite3 binds only `datetime.date` itself."""
    lead_id = add_lead(LeadDraft(name="Eve", first_contact_on=pendulum.date(2026, 11, 20)), now,
                       settings)  # fmt: skip
    update_lead(lead_id, LeadDraft(name="Eve", first_contact_on=pendulum.date(2026, 11, 21)),
                now, settings)  # fmt: skip
    assert Lead.get_by_id(lead_id).first_contact_on == date(2026, 11, 21)


def test_the_saved_line_names_fields_as_a_rep_says_them(make_lead, settings, now):
    lead_id = make_lead("José Álvarez", phone=NY)
    draft = replace(draft_for(lead_id), tz_override="Europe/London")
    result = update_lead(lead_id, draft, now, settings)
    assert {"tz_override", "zone"} <= set(result.changed)  # the API keeps the field names
    assert result.summary == "saved José Álvarez: time zone"
    draft = replace(draft, first_contact_on=date(2026, 11, 2), postcode="12207")
    summary = update_lead(lead_id, draft, now, settings).summary
    assert summary == "saved José Álvarez: postcode, first contact"
