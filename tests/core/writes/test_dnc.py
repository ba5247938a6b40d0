"""Do-not-call by number and address (issue 13, point 5): a lead's request covers
every lead carrying the number, now and later; registry scrubs import in one
write or not at all; exemptions apply to the registry only."""

from __future__ import annotations

import pytest

from leaddesk.core.domain.errors import InvalidInput, NothingToUndo
from leaddesk.core.reads.queue.blocked import blocked_by, listed
from leaddesk.core.reads.queue.due import due_page
from leaddesk.core.reads.suppressions import scrub_warning
from leaddesk.core.store.models import Lead, Suppression, Touch
from leaddesk.core.transfer.dnc_file import import_scrub, read_numbers
from leaddesk.core.writes.dnc import add_suppression, remove_suppression
from leaddesk.core.writes.outcomes import log_outcome, undo_last

FL = "+1 305 555 0142"
E164 = "+13055550142"


def on_the_phone(now, settings):
    return {r.lead_id for r in due_page(now, settings, limit=500) if r.channel == "call"}


def test_d_on_a_lead_hides_every_lead_carrying_the_number(make_lead, settings, now):
    a = make_lead("Ana Alvarez", phone=FL)
    b = make_lead("Ben Brook", phone=FL)
    c = make_lead("Cy Cole", phones=["+1 212 555 0177", FL])  # the number as a spare
    other = make_lead("Dee Dunn", phone="+1 212 555 0188")
    assert on_the_phone(now, settings) == {a, b, c, other}
    result = log_outcome(a, "dnc", now, settings)
    assert "on the list for 2 more leads with this number" in result.summary
    assert on_the_phone(now, settings) == {other}
    assert all(Lead.get_by_id(i).do_not_call for i in (a, b, c))
    note = Touch.get((Touch.lead == b) & (Touch.outcome == "dnc-list")).note
    assert note == f"on the do-not-call list since 2026-11-23 (request by lead {a})"
    (row,) = Suppression.select()
    assert (row.value, row.source, row.lead_id, row.added_by) == (E164, "lead", a, "tester")
    # ... and a lead added later with that number
    later = make_lead("Eve Lee", phone=FL)
    assert Lead.get_by_id(later).do_not_call
    assert blocked_by([later], now, settings)[later].reason == "dnc"


def test_undo_of_d_lifts_it_for_every_lead(make_lead, settings, now):
    a = make_lead("Ana Alvarez", phone=FL)
    b = make_lead("Ben Brook", phone=FL)
    log_outcome(a, "dnc", now, settings)
    undo_last(now.add(minutes=1), settings)
    assert not Lead.get_by_id(a).do_not_call and not Lead.get_by_id(b).do_not_call
    assert Suppression.select().count() == 0
    assert on_the_phone(now.add(minutes=1), settings) == {a, b}


def test_do_not_mail_covers_the_address(make_lead, settings, now):
    a = make_lead("Ana Alvarez", phone=FL, email="ana@example.com")
    b = make_lead("Ben Brook", phone="+1 212 555 0177", email="ANA@example.com")
    log_outcome(a, "dnm", now, settings)
    assert Lead.get_by_id(b).do_not_mail and not Lead.get_by_id(b).do_not_call


def test_manual_entries_are_lifted_on_the_record(make_lead, settings, now):
    a = make_lead("Ana Alvarez", phone=FL)
    added = add_suppression("(305) 555-0142", now, settings, reason="asked by letter")
    assert (added.value, added.leads) == (E164, 1)
    assert Lead.get_by_id(a).do_not_call
    assert remove_suppression(FL, now.add(days=1), settings) == 1
    row = Suppression.get()
    assert (row.removed_at, row.removed_by) == (now.add(days=1), "tester")
    assert listed([E164]) == {}
    with pytest.raises(InvalidInput, match="not on the do-not-call"):
        remove_suppression(FL, now.add(days=2), settings)
    with pytest.raises(InvalidInput, match="phone number"):
        add_suppression("12", now, settings)


def test_a_scrub_with_bad_rows_names_them_and_writes_nothing(make_lead, settings, now, tmp_path):
    make_lead("Ana Alvarez", phone=FL)
    scrub = tmp_path / "scrub.txt"
    scrub.write_text("305-555-0142\nnot a number\n\n+1 212 555 0199\n12\n")
    with pytest.raises(InvalidInput) as bad:
        import_scrub(scrub, now, now, settings)
    assert "nothing imported — 2 bad rows: line 2:" in str(bad.value)
    assert "line 5:" in str(bad.value) and "\n" not in str(bad.value)
    assert Suppression.select().count() == 0 and not Lead.get().do_not_call
    csv_file = tmp_path / "scrub.csv"
    csv_file.write_text("name,Phone\nx,305-555-0142\ny,212 555 0199\n")
    assert read_numbers(csv_file) == [E164, "+12125550199"]
    assert import_scrub(csv_file, now, now, settings) == (2, 1)
    assert Lead.get().do_not_call


def test_exemptions_apply_to_the_registry_only(make_lead, settings, now, tmp_path):
    enquired = make_lead("Ana Alvarez", phone=FL, source="web form")
    bought_list = make_lead("Ben Brook", phone=FL, source="purchased list")
    scrub = tmp_path / "scrub.txt"
    scrub.write_text(f"{FL}\n")
    assert import_scrub(scrub, now, now, settings) == (1, 1)
    assert not Lead.get_by_id(enquired).do_not_call  # an enquiry within 3 months
    assert Lead.get_by_id(bought_list).do_not_call
    assert blocked_by([enquired], now, settings) == {}
    # Four months on, the enquiry no longer exempts it.
    assert blocked_by([enquired], now.add(months=4), settings)[enquired].reason == "dnc"
    # A request (here a rep's manual entry) is never exempt.
    add_suppression(FL, now, settings)
    assert Lead.get_by_id(enquired).do_not_call


def test_a_scrub_older_than_31_days_is_flagged(store, settings, now, tmp_path):
    assert scrub_warning(now) == ""
    scrub = tmp_path / "scrub.txt"
    scrub.write_text(f"{FL}\n")
    import_scrub(scrub, now.subtract(days=31), now, settings)
    assert scrub_warning(now) == ""
    assert scrub_warning(now.add(days=1)) == "registry scrub 32 days old (over 31)"


def test_undo_stops_at_a_list_entry(make_lead, settings, now):
    make_lead("Ana Alvarez", phone=FL)
    add_suppression(FL, now, settings)
    with pytest.raises(NothingToUndo, match="dnc remove"):
        undo_last(now.add(minutes=1), settings)
