"""Data a rep types: names one-spaced; sources and tags in one spelling, the first seen."""

from __future__ import annotations

from dataclasses import replace

import pytest

from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.drafts import draft_for
from leaddesk.core.reads.lead_list import LeadFilter, filter_choices, lead_page
from leaddesk.core.store.models import Lead
from leaddesk.core.transfer.importing import import_file, open_source
from leaddesk.core.writes.leads import add_lead, update_lead

NY = "+1 212 555 0142"


def add(settings, now, name: str, source: str = "", tags: str = "") -> int:
    draft = LeadDraft(name=name, phones=[(NY, "")], source=source, tags=tags)
    return add_lead(draft, now, settings)


def test_names_are_trimmed_and_inner_spaces_collapsed(store, settings, now):
    lead_id = add(settings, now, "  Ana \t  María   López ")
    assert Lead.get_by_id(lead_id).name == "Ana María López"
    draft = replace(draft_for(lead_id), name="Ana  María", company="  Acme   Roofing ")
    update_lead(lead_id, draft, now, settings)
    lead = Lead.get_by_id(lead_id)
    assert (lead.name, lead.company) == ("Ana María", "Acme Roofing")


def test_a_source_keeps_the_first_spelling_seen(store, settings, now):
    first = add(settings, now, "Ann", source="Referral")
    second = add(settings, now, "Bob", source="  referral ")
    third = add(settings, now, "Cy", source="REFERRAL")
    assert {Lead.get_by_id(i).source for i in (first, second, third)} == {"Referral"}
    assert filter_choices().sources == ("Referral",)


def test_tags_keep_the_first_spelling_seen(store, settings, now):
    add(settings, now, "Ann", tags="VIP, roof")
    second = add(settings, now, "Bob", tags="vip,  Roof, new ,VIP")
    assert Lead.get_by_id(second).tags == "VIP, roof, new"
    assert filter_choices().tags == ("new", "roof", "VIP")


def test_an_edit_may_correct_the_only_spelling(store, settings, now):
    lead_id = add(settings, now, "Ann", source="referal")
    update_lead(lead_id, replace(draft_for(lead_id), source="Referral"), now, settings)
    assert Lead.get_by_id(lead_id).source == "Referral"
    other = add(settings, now, "Bob", source="trade show")
    update_lead(other, replace(draft_for(other), source="REFERRAL"), now, settings)
    assert Lead.get_by_id(other).source == "Referral"


@pytest.mark.parametrize("spelled", ["referral", "Referral"])
def test_the_source_filter_ignores_case(store, settings, now, spelled):
    add(settings, now, "Ann", source="Referral")
    Lead.update(source="referral").where(Lead.name == "Ann").execute()  # saved before this
    add(settings, now, "Bob", source="Referral")
    rows = lead_page(LeadFilter(source=spelled), 0, 10).rows
    assert sorted(r.name for r in rows) == ["Ann", "Bob"]


def test_an_import_uses_the_stored_spelling_and_its_own_first(store, settings, now, tmp_path):
    add(settings, now, "Ann", source="Web Form", tags="Hot")
    path = tmp_path / "leads.csv"
    path.write_text(
        "name,phone,source,tags\n"
        "Bob  Ray,(212) 555-0100,web form,hot\n"
        "Cy,(212) 555-0101,Trade Show,Roof\n"
        "Di,(212) 555-0102,trade show,roof\n",
        encoding="utf-8",
    )
    import_file(open_source(path), now, settings, rejects_path=tmp_path / "rejects.csv")
    got = {lead.name: (lead.source, lead.tags) for lead in Lead.select()}
    assert got == {
        "Ann": ("Web Form", "Hot"),
        "Bob Ray": ("Web Form", "Hot"),
        "Cy": ("Trade Show", "Roof"),
        "Di": ("Trade Show", "Roof"),
    }
