"""Spreadsheet import: real-world-shaped files in, exactly the right rows out.

Every test checks the four counts add up to the rows read, and looks in the
database for what the summary claims.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pendulum
import pytest
from core_helpers import lead_columns
from hypothesis import given, settings
from hypothesis import strategies as st
from peewee import fn

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.store.db import is_sqlite
from leaddesk.core.store.models import Appointment, Lead, Phone, Touch, ZoneSet
from leaddesk.core.transfer.importing import (
    BATCH,
    ImportCancelled,
    ImportSummary,
    import_file,
    open_source,
)
from leaddesk.core.transfer.sheet_values import local_instant, parse_sheet_date
from leaddesk.core.transfer.tabular import detect_delimiter, detect_encoding
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.outcomes import log_outcome

DATA = Path(__file__).resolve().parents[2] / "data" / "import"
CHICAGO = "America/Chicago"


def counts() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in (Lead, Phone, Touch, Appointment, ZoneSet)}


@pytest.fixture
def run(store, settings, now, tmp_path):
    """run("file.csv" | Path, **options) -> summary, rejects going to tmp_path."""

    def run(file: str | Path, *, overrides=(), encoding=None, delimiter=None, **kw):
        path = DATA / file if isinstance(file, str) else file
        kw.setdefault("rejects_path", tmp_path / "rejects.csv")
        source = open_source(path, overrides=overrides, encoding=encoding, delimiter=delimiter)
        summary = import_file(source, kw.pop("now", now), settings, **kw)
        assert summary.balanced, summary.as_json()
        return summary

    return run


def lead_named(name: str) -> Lead:
    return Lead.get(Lead.name == name)


def phones_of(lead: Lead) -> list[tuple[str, str]]:
    return [(p.label, p.e164) for p in lead.phones.order_by(Phone.position)]


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- the corpus --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "encoding", "delimiter", "read", "imported", "duplicates", "rejected"),
    [
        ("google_contacts.csv", "utf-8", ",", 3, 3, 0, 0),
        ("outlook_cp1252.csv", "cp1252", ",", 3, 3, 0, 0),
        ("hubspot_bom.csv", "utf-8-sig", ",", 3, 3, 0, 0),
        ("salesforce_leads.csv", "utf-8", ",", 2, 2, 0, 0),
        ("excel_semicolon_sep.csv", "cp1252", ";", 2, 2, 0, 0),
        ("excel_unicode_text.txt", "utf-16", "\t", 2, 2, 0, 0),
        ("utf16_no_bom.tsv", "utf-16-le", "\t", 1, 1, 0, 0),
        ("tab_separated.tsv", "utf-8", "\t", 2, 2, 0, 0),
        ("duplicates.csv", "utf-8", ",", 6, 3, 3, 0),
        ("bad_rows.csv", "utf-8", ",", 11, 6, 0, 5),
        ("messy_layout.csv", "utf-8", ",", 3, 3, 0, 0),
    ],
)
def test_each_corpus_file_imports_and_adds_up(
    run, file, encoding, delimiter, read, imported, duplicates, rejected
):
    summary = run(file)
    assert (summary.encoding, summary.delimiter) == (encoding, delimiter)
    assert (summary.rows_read, summary.imported) == (read, imported)
    assert (summary.skipped_duplicate, summary.rejected) == (duplicates, rejected)
    assert Lead.select().count() == imported
    received = Touch.select().where(Touch.outcome == "received").count()
    assert received == imported, "every imported lead has its 'received' touch"


def test_google_contacts(run):
    run("google_contacts.csv")
    dana = lead_named("Dana Whitfield")
    # Phone 1 - Type labels Phone 1 - Value; " ::: " holds two numbers in one cell
    assert phones_of(dana) == [
        ("mobile", "+12125550142"),
        ("work", "+17185550126"),
        ("work", "+17185550127"),
    ]
    assert dana.email == "dana@whitfieldroofing.example"
    assert "other email: dana.w@mail.example" in dana.notes
    assert dana.notes.startswith("Met at the roofing expo.\nWants a quote")
    assert (dana.company, dana.title) == ("Whitfield Roofing", "Owner")
    assert (dana.address, dana.city, dana.region, dana.postcode) == (
        "14 Harbor St",
        "Brooklyn",
        "NY",
        "11201",
    )
    assert dana.tags == "Trade show", "Google's own group * myContacts is dropped"
    assert dana.timezone == "America/New_York"
    assert lead_named("Ravi Patel").email == "ravi@patel.example"
    lee = lead_named("Lee Okafor")
    assert (lee.next_channel, list(lee.phones)) == ("email", [])


def test_outlook_windows_1252(run):
    run("outlook_cp1252.csv")
    jose = lead_named("José Müller")
    assert jose.title == "Einkaufsleiter", "Job Title, not Outlook's Title (Mr.)"
    assert (jose.address, jose.city, jose.country) == ("Hauptstraße 5", "München", "DE")
    assert jose.notes == "Prefers email – call after 10:00"
    # the Business Fax (+49 89 1234567) is not a number to call
    assert phones_of(jose) == [("work", "+498912345678"), ("mobile", "+4915123456789")]
    zoe = lead_named("Zoë O'Brien")
    assert (zoe.address, zoe.city, zoe.postcode, zoe.country) == (
        "12 Elm Rd",
        "Dublin",
        "D02 X285",
        "IE",
    ), "the home address, since the business one is empty"
    sam = lead_named("Sam Ito")
    assert sam.address == "500 Market St\nSuite 200"
    assert sam.country == "US"


def test_hubspot_with_bom(run):
    run("hubspot_bom.csv")
    keisha = lead_named("Keisha Rivera")
    assert phones_of(keisha) == [("", "+14045550110"), ("mobile", "+14045550111")]
    assert keisha.received_at == pendulum.datetime(2026, 11, 20, 9, 15, tz=CHICAGO)
    assert (keisha.source, keisha.tags) == ("Organic Search", "NEW")
    assert keisha.next_due_at == keisha.received_at, "due from the moment it was received"
    assert lead_named("Derek Mitchell").company == ""


def test_salesforce_dates_and_description(run):
    run("salesforce_leads.csv")
    aisha = lead_named("Aisha Haddad")
    assert aisha.received_at == pendulum.datetime(2026, 11, 19, 14, 30, tz=CHICAGO)
    assert aisha.notes == "Interested in a fleet roof inspection"
    assert (aisha.source, aisha.tags) == ("Trade Show", "Open - Not Contacted, Hot")
    assert (aisha.region, aisha.postcode, aisha.country) == ("MI", "48226", "US")


def test_european_excel_semicolons(run):
    run("excel_semicolon_sep.csv")
    juergen = lead_named("Jürgen Groß")
    assert juergen.company == "Groß & Söhne"
    assert phones_of(juergen) == [("", "+49301234567")]
    assert juergen.notes == "Rückruf; gern vormittags"
    assert juergen.received_at == pendulum.datetime(2026, 3, 5, tz=CHICAGO), "5 March, not May 3"
    assert lead_named("Anaïs Lefèvre").timezone == "Europe/Paris"


def test_unicode_text_from_excel(run):
    run("excel_unicode_text.txt")
    assert lead_named("Łucja Kowalska").company == "Kowalski Sp. z o.o."
    ota = lead_named("Ōta Hiroshi")
    assert (ota.company, ota.city, ota.timezone) == ("太田商事", "東京", "Asia/Tokyo")


def test_messy_layout(run):
    summary = run("messy_layout.csv")
    assert summary.blank_lines == 3
    sam = lead_named('Sam "The Roofer" Ito')
    assert sam.email == "sam@ito.example", "spaces around a value are trimmed"
    assert sam.notes == "line one\nline two\nline three", "CRLF inside a field becomes \\n"
    assert lead_named("Luis Coleman").notes == 'said "call me", then hung up'


def test_bad_rows_are_rejected_with_line_and_reason(run, tmp_path):
    summary = run("bad_rows.csv")
    reasons = {n.line: n.text for n in summary.rejects}
    assert sorted(reasons) == [3, 4, 5, 10, 11]
    assert "no phone, email or address" in reasons[3]
    assert "'12' has the wrong number of digits" in reasons[4]
    assert "not-an-email" in reasons[5]
    assert "needs a name" in reasons[10]
    assert "1 more value than the header has columns" in reasons[11]
    rejects = tmp_path / "rejects.csv"
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    rows = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "line,reason,Name,Phone,Email,Street,Created Date,Time Zone"
    assert rows[2].startswith("4,") and rows[2].endswith(",Bad Phone Only,12,,,,")
    assert rows[5].endswith(",Too Many,(212) 555-0105,,,,,extra value")


def test_values_that_cannot_be_read_are_kept_in_the_notes(run, now):
    summary = run("bad_rows.csv")
    warned = {n.line: n.text for n in summary.warning_notes}
    assert set(warned) == {6, 7, 8, 9}
    good_email = lead_named("Bad Phone Good Email")
    assert (good_email.email, list(good_email.phones)) == ("ok@example.com", [])
    assert "not imported: phone: phone number '555-01'" in good_email.notes
    bad_date = lead_named("Bad Date")
    assert bad_date.received_at == now and "received date not read: 31/31/2026" in bad_date.notes
    assert lead_named("Future Date").received_at == now
    assert lead_named("Bad Zone").timezone_source == "phone"
    post = lead_named("Post Only")
    assert (post.next_channel, post.address) == ("letter", "1 Letter Lane")


def test_line_numbers_are_physical_lines_across_embedded_newlines(run, tmp_path):
    path = write(
        tmp_path,
        "multi.csv",
        'Name,Phone,Notes\n\nAna,(212) 555-0100,"one\ntwo\nthree"\nBo,nope,\n\nCy,7,"a\nb"\n',
    )
    summary = run(path)
    assert [(n.line, n.text[:28]) for n in summary.rejects] == [
        (6, "no usable way to reach them:"),  # Bo: after a 3-line record and a blank line
        (8, "no usable way to reach them:"),  # Cy
    ]


def test_rejects_file_imports_again_once_fixed(run, tmp_path):
    run("bad_rows.csv")
    rejects = tmp_path / "rejects.csv"
    fixed = rejects.read_text(encoding="utf-8-sig").replace(
        ",Bad Phone Only,12,", ",Bad Phone Only,(212) 555-0188,"
    )
    again = write(tmp_path, "fixed.csv", fixed)
    summary = run(again, rejects_path=tmp_path / "rejects2.csv")
    assert (summary.imported, summary.rejected) == (1, 4)
    assert phones_of(lead_named("Bad Phone Only")) == [("", "+12125550188")]


def test_no_rejects_file_when_nothing_is_rejected(run, tmp_path):
    summary = run("tab_separated.tsv")
    assert summary.rejects_file is None
    assert not (tmp_path / "rejects.csv").exists()


def test_default_rejects_file_sits_beside_the_input(store, settings, now, tmp_path):
    path = write(tmp_path, "leads.csv", "Name,Phone\nNo Phone,\n")
    summary = import_file(open_source(path), now, settings)
    assert summary.rejects_file == str(tmp_path / "leads.rejects.csv")
    assert (tmp_path / "leads.rejects.csv").exists()


# --- duplicates ---------------------------------------------------------------------


def test_duplicates_within_the_file(run):
    summary = run("duplicates.csv")
    assert [n.line for n in summary.duplicates] == [3, 4, 6]
    assert sorted(lead.name for lead in Lead.select()) == [
        "Dana Whitfield",
        "Lee Okafor",
        "Ravi Patel",
    ]


def test_importing_the_same_file_twice_adds_nothing(run):
    first = run("google_contacts.csv")
    before = counts()
    second = run("google_contacts.csv")
    assert (second.imported, second.skipped_duplicate) == (0, first.imported)
    assert counts() == before


def test_duplicates_of_leads_already_there(run, make_lead):
    existing = make_lead("Dana Whitfield", "+1 212 555 0142")
    summary = run("duplicates.csv")
    assert summary.imported == 2
    assert f"#{existing}" in summary.duplicates[0].text


def test_post_only_rows_dedupe_on_name_and_address(run, tmp_path):
    path = write(
        tmp_path, "post.csv", "Name,Street,City\nAda,1 Mill Rd,Leeds\nAda,1 Mill Rd,Leeds\n"
    )
    assert run(path).imported == 1
    assert run(path).skipped_duplicate == 2


def test_post_only_dedupe_holds_whatever_the_address_holds(run, tmp_path):
    # found by the property test: a control character inside the address
    path = write(tmp_path, "post.csv", "Name;Street\nDana;0\x1f0\nAcme;\n")
    assert run(path).imported == 1
    assert run(path).imported == 0


def test_update_fills_what_the_lead_is_missing(run, make_lead, settings, now, tmp_path):
    lead_id = make_lead("Dana Whitfield", "+1 212 555 0142", company="")
    log_outcome(lead_id, "no-answer", now, settings)
    schedule = {
        f: getattr(Lead.get_by_id(lead_id), f) for f in ("next_due_at", "status", "attempts")
    }
    path = write(
        tmp_path,
        "more.csv",
        "Name,Phone,Mobile,Email,Company,Tags,Notes\n"
        "Dana W,(212) 555-0142,(917) 555-0100,Dana@Whitfield.example,Whitfield Roofing,vip,"
        "gate code 42\n",
    )
    summary = run(path, on_duplicate="update")
    assert (summary.updated, summary.imported, summary.skipped_duplicate) == (1, 0, 0)
    dana = Lead.get_by_id(lead_id)
    assert dana.name == "Dana Whitfield", "never overwritten"
    assert (dana.email, dana.company, dana.tags) == (
        "dana@whitfield.example",
        "Whitfield Roofing",
        "vip",
    )
    assert dana.notes == "gate code 42"
    assert phones_of(dana) == [("", "+12125550142"), ("mobile", "+19175550100")]
    assert {f: getattr(dana, f) for f in schedule} == schedule, "the schedule is left alone"
    again = run(path, on_duplicate="update")
    assert (again.updated, again.skipped_duplicate) == (0, 1)
    assert "nothing new" in again.duplicates[0].text


def test_update_never_overwrites_a_value(run, make_lead, tmp_path):
    lead_id = make_lead("Dana", "+1 212 555 0142", company="Old Co", email="old@example.com")
    path = write(tmp_path, "u.csv", "Name,Phone,Company\nDana,(212) 555-0142,New Co\n")
    summary = run(path, on_duplicate="update")
    assert (summary.updated, summary.skipped_duplicate) == (0, 1)
    assert Lead.get_by_id(lead_id).company == "Old Co"


def test_a_row_matching_two_leads_is_not_merged(run, make_lead, tmp_path):
    make_lead("A", "+1 212 555 0142")
    make_lead("B", "+1 312 555 0177", email="b@example.com")
    path = write(tmp_path, "two.csv", "Name,Phone,Email\nAB,(212) 555-0142,b@example.com\n")
    summary = run(path, on_duplicate="update")
    assert (summary.skipped_duplicate, summary.updated) == (1, 0)
    assert "several leads" in summary.duplicates[0].text


# --- the same lead as add_lead, one transaction, dry run -------------------------------


def test_an_imported_lead_is_exactly_what_add_lead_makes(run, settings, now, tmp_path):
    path = write(
        tmp_path,
        "one.csv",
        "Name,Company,Phone,Mobile,Email,Street,City,State,Zip,Source,Interest,Created,Tags\n"
        "Dana Whitfield,Whitfield Roofing,(212) 555-0142,(917) 555-0100,dana@w.example,"
        "14 Harbor St,Brooklyn,NY,11201,trade show,metal roof,2026-11-23 08:30,vip\n",
    )
    run(path)
    imported = Lead.get(Lead.name == "Dana Whitfield")
    twin = add_lead(
        LeadDraft(
            name="Dana Whitfield",
            company="Whitfield Roofing",
            phones=[("(212) 555-0142", ""), ("(917) 555-0100", "mobile")],
            email="dana@w.example",
            address="14 Harbor St",
            city="Brooklyn",
            region="NY",
            postcode="11201",
            source="trade show",
            interest="metal roof",
            received_at=pendulum.datetime(2026, 11, 23, 8, 30, tz=CHICAGO),
            tags="vip",
        ),
        now,
        settings,
    )
    ours, theirs = lead_columns(imported.id), lead_columns(twin)
    del ours["id"], theirs["id"], ours["email"], theirs["email"]
    assert ours == theirs
    strip = [(p.position, p.label, p.raw, p.e164, p.bad) for p in imported.phones]
    assert strip == [
        (p.position, p.label, p.raw, p.e164, p.bad) for p in Lead.get_by_id(twin).phones
    ]
    touch = lambda lead_id: [  # noqa: E731
        (t.at, t.channel, t.outcome, t.note) for t in Touch.select().where(Touch.lead == lead_id)
    ]
    assert touch(imported.id) == touch(twin)


def test_dry_run_writes_nothing_and_says_what_the_import_does(run, make_lead, tmp_path):
    make_lead("Dana Whitfield", "+1 212 555 0142")
    before = counts()
    dry = run("duplicates.csv", dry_run=True, rejects_path=None)
    assert counts() == before
    assert dry.dry_run and dry.rejects_file is None
    real = run("duplicates.csv")
    assert {**dry.as_json(), "dry_run": False} == {**real.as_json(), "rejects_file": None}
    assert Lead.select().count() == before["Lead"] + real.imported


def test_a_cancelled_whole_file_import_writes_nothing(run, tmp_path):
    """The desk's import (escape cancels, nothing written) is one transaction."""
    before = counts()

    def stop(done: int, total: int) -> None:
        raise ImportCancelled("stopped by the rep")

    big = write(
        tmp_path,
        "big.csv",
        "Name,Phone\n" + "".join(f"Lead {i},(212) 555-{i:04d}\n" for i in range(2500)),
    )
    with pytest.raises(ImportCancelled):
        run(big, progress=stop, whole_file=True)
    assert counts() == before
    assert not (tmp_path / "rejects.csv.partial").exists()


def test_a_stopped_import_keeps_whole_batches_and_the_same_file_finishes_it(run, tmp_path):
    """Committed a batch at a time: a stop keeps what was committed, each lead whole,
    says so, and importing the file again ends where one import would have."""
    before = counts()
    calls = []

    def stop(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise ImportCancelled("stopped by the rep")

    big = write(
        tmp_path,
        "big.csv",
        "Name,Phone\n" + "".join(f"Lead {i},(212) 555-{i:04d}\n" for i in range(2500)),
    )
    with pytest.raises(ImportCancelled, match="2,000 rows were imported before it stopped"):
        run(big, progress=stop)
    assert counts()["Lead"] == before["Lead"] + 2 * BATCH
    assert counts()["Touch"] == before["Touch"] + 2 * BATCH  # each with its history
    again = run(big)
    assert (again.imported, again.skipped_duplicate) == (500, 2 * BATCH)
    assert counts()["Lead"] == before["Lead"] + 2500
    assert Lead.select(fn.COUNT(fn.DISTINCT(Lead.name))).scalar() == 2500


def test_a_lead_added_between_batches_keeps_its_id(run, make_lead, tmp_path):
    """Ids are handed out as each batch begins: a lead another program writes while
    the file goes in takes the next id and the import's later batches follow it."""
    added = []

    def between(done: int, total: int) -> None:
        if not added:
            added.append(make_lead("Walk In", "+1 312 555 0199"))

    big = write(
        tmp_path,
        "big.csv",
        "Name,Phone\n" + "".join(f"Lead {i},(212) 555-{i:04d}\n" for i in range(1500)),
    )
    again = "Name,Phone\nLead 3 again,(212) 555-0003\nLead 1400 again,(212) 555-1400\n"
    big.write_text(big.read_text() + again.split("\n", 1)[1])
    summary = run(big, progress=between)
    assert summary.imported == 1500
    # both point at a lead of this file: one written in this batch, one in an earlier
    assert [n.text for n in summary.duplicates] == [
        "same phone or email as lead #1 (from this file)".replace("#1", f"#{i}")
        for i in (Lead.get(Lead.name == "Lead 3").id, Lead.get(Lead.name == "Lead 1400").id)
    ]
    assert Lead.get_by_id(added[0]).name == "Walk In"
    assert Lead.select().where(Lead.name.startswith("Lead ")).count() == 1500


def test_progress_reports_bytes_up_to_the_size(run, tmp_path):
    seen: list[tuple[int, int]] = []
    big = write(
        tmp_path,
        "big.csv",
        "Name,Phone\n" + "".join(f"Lead {i},(212) 555-{i:04d}\n" for i in range(2500)),
    )
    run(big, progress=lambda done, total: seen.append((done, total)))
    size = big.stat().st_size
    assert seen[-1] == (size, size)
    assert len(seen) >= 3 and all(a[0] <= b[0] for a, b in itertools.pairwise(seen))


KILLER = """
import os, signal, sys
import pendulum
from leaddesk.core.transfer.importing import import_file, open_source
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.schema import open_store
open_store(sys.argv[2])
def die(done, total):
    os.kill(os.getpid(), signal.SIGKILL)  # after the first batch went to the database
import_file(open_source(sys.argv[1]), pendulum.now("UTC"), Settings(), progress=die,
            rejects_path=sys.argv[3])
"""


def test_a_kill_mid_import_keeps_whole_batches(tmp_path, store, store_target, make_lead, run):
    make_lead("Already Here", "+1 212 555 0142")
    before = counts()
    store.close()
    big = write(
        tmp_path,
        "big.csv",
        "Name,Phone\n" + "".join(f"Lead {i},(312) 555-{i:04d}\n" for i in range(3000)),
    )
    rejects = str(tmp_path / "big.rejects.csv")
    done = subprocess.run([sys.executable, "-c", KILLER, str(big), store_target, rejects],
                          timeout=120)  # fmt: skip
    assert done.returncode == -signal.SIGKILL
    store.connect(reuse_if_open=True)
    # the first batch was committed before the kill, whole; nothing of the second
    kept = {"Lead": BATCH, "Phone": BATCH, "Touch": BATCH, "Appointment": 0}
    assert {k: v for k, v in counts().items() if k in kept} == {
        k: before[k] + kept[k] for k in kept
    }
    if is_sqlite(store):
        assert store.execute_sql("PRAGMA integrity_check").fetchone() == ("ok",)
    again = run(big)
    assert (again.imported, again.skipped_duplicate) == (3000 - BATCH, BATCH)


# --- mapping ---------------------------------------------------------------------------


def test_map_overrides_and_ignores_columns(run, tmp_path):
    path = write(
        tmp_path, "m.csv", "Who,Cell,Fax,Email\nDana,(917) 555-0100,(212) 555-0199,d@x.example\n"
    )
    source = open_source(path, overrides=["Who=name", "Cell=phone:mobile", "fax=ignore"])
    lines = "\n".join(source.mapping.lines())
    assert "'Who'" in lines and "→ name" in lines
    assert "'Fax'" in lines and "left out by --map" in lines
    run(path, overrides=["Who=name", "Cell=phone:mobile", "fax=ignore"])
    assert phones_of(lead_named("Dana")) == [("mobile", "+19175550100")]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("Nope=phone", "no column 'nope'"),
        ("Name=shoe_size", "unknown field 'shoe_size'"),
        ("Name", "write COLUMN=field"),
        ("=phone", "column name is missing"),
    ],
)
def test_map_mistakes_are_named(tmp_path, item, message):
    path = write(tmp_path, "m.csv", "Name,Phone\nDana,(212) 555-0142\n")
    with pytest.raises(InvalidInput, match=message):
        open_source(path, overrides=[item])


def test_a_column_that_loses_to_a_better_one_is_listed_as_not_imported(tmp_path):
    path = write(tmp_path, "t.csv", "Title,First Name,Last Name,Job Title,Phone\nMr.,A,B,CEO,1\n")
    source = open_source(path)
    unused = {c.header: c.note for c in source.mapping.unused}
    assert unused == {"Title": "title comes from 'Job Title'"}


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        ("no_contact_columns.csv", None, "no phone, email or address column"),
        ("unclosed_quote.csv", None, "line 3: a quoted field starts in this record and never ends"),
        ("empty.csv", "", "is empty"),
        ("blank.csv", "\n\n  \n", "no header row"),
        ("names_only.csv", "Phone\n(212) 555-0142\n", "no name or company column"),
        ("leads.xlsx", "PK\x03\x04rest of a zip", "is a spreadsheet workbook .* save it as CSV"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_whole(run, tmp_path, file, text, message):
    path = DATA / file if text is None else write(tmp_path, file, text)
    before = counts()
    with pytest.raises(InvalidInput, match=message):
        run(path)
    assert counts() == before
    assert not list(tmp_path.glob("rejects*"))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InvalidInput, match="no file"):
        open_source(tmp_path / "nope.csv")
    with pytest.raises(InvalidInput, match="is a folder"):
        open_source(tmp_path)


# --- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\ufeffa,b\n".encode(), "utf-8-sig"),
        ("a,b\n".encode("utf-16"), "utf-16"),
        ("name\tphone\nÅsa\t1\n".encode("utf-16-le"), "utf-16-le"),
        ("name\tphone\nÅsa\t1\n".encode("utf-16-be"), "utf-16-be"),
        ("Müller,1\n".encode(), "utf-8"),
        ("Müller,1\n".encode("cp1252"), "cp1252"),
        (b"plain,ascii\n", "utf-8"),
    ],
)
def test_detect_encoding(tmp_path, data, expected):
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    assert detect_encoding(path) == expected


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1,5;2,5;3\n", ";"),  # decimal commas inside semicolon fields
        ("a\tb\n1\t2\n", "\t"),
        ('name,notes\nDana,"one; two\nthree; four"\n', ","),
        ("phone\n(212) 555-0142\n", ","),  # one column: anything goes
    ],
)
def test_detect_delimiter(sample, expected):
    assert detect_delimiter(sample) == expected


@pytest.mark.parametrize(
    ("text", "month_first", "local"),
    [
        ("2026-03-05", True, (2026, 3, 5, 0, 0)),
        ("2026-03-05T14:22:00", True, (2026, 3, 5, 14, 22)),
        ("2026-03-05 14:22", False, (2026, 3, 5, 14, 22)),
        ("3/5/2026", True, (2026, 3, 5, 0, 0)),
        ("3/5/2026", False, (2026, 5, 3, 0, 0)),
        ("03/05/26 2:30 PM", True, (2026, 3, 5, 14, 30)),
        ("5.3.2026", True, (2026, 3, 5, 0, 0)),
        ("2026/03/05 09:15", True, (2026, 3, 5, 9, 15)),
        ("5 Mar 2026", True, (2026, 3, 5, 0, 0)),
        ("March 5, 2026 10:00 am", True, (2026, 3, 5, 10, 0)),
        ("12/1/2026 12:05 AM", True, (2026, 12, 1, 0, 5)),
    ],
)
def test_parse_sheet_date(text, month_first, local):
    got = parse_sheet_date(text, CHICAGO, month_first)
    assert got == pendulum.datetime(*local, tz=CHICAGO)


def test_parse_sheet_date_with_an_offset_keeps_the_instant():
    got = parse_sheet_date("2026-03-05T14:22:00Z", CHICAGO, True)
    assert got == pendulum.datetime(2026, 3, 5, 14, 22, tz="UTC")


@pytest.mark.parametrize(
    "text", ["31/31/2026", "2026-02-30", "yesterday", "13:61", "3/5/2026 25:00"]
)
def test_parse_sheet_date_refuses_what_is_not_a_date(text):
    with pytest.raises(InvalidInput):
        parse_sheet_date(text, CHICAGO, True)


def test_summary_json_is_stable(run):
    data = run("duplicates.csv").as_json()
    assert set(data) == {
        "file", "kind", "encoding", "delimiter", "dry_run", "on_duplicate", "rows_read",
        "imported", "updated", "skipped_duplicate", "rejected", "blank_lines", "warnings",
        "rejects_file", "mapping", "rejects", "duplicates", "warning_notes",
    }  # fmt: skip
    json.dumps(data)
    assert isinstance(ImportSummary, type)


def test_private_rejects_even_in_a_world_readable_folder(run, tmp_path):
    os.chmod(tmp_path, 0o755)
    run("bad_rows.csv")
    assert stat.S_IMODE((tmp_path / "rejects.csv").stat().st_mode) == 0o600


@settings(max_examples=500, deadline=None)
@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    clock=st.times(),
    zone=st.sampled_from(
        [
            "America/New_York",
            "America/Chicago",
            "Europe/London",
            "Australia/Lord_Howe",
            "Asia/Kolkata",
            "America/St_Johns",
            "UTC",
            "Pacific/Apia",
        ]
    ),
)
def test_local_instant_is_what_pendulum_says(day, clock, zone):
    expected = pendulum.datetime(
        day.year, day.month, day.day, clock.hour, clock.minute, clock.second, tz=zone
    )
    got = local_instant(day.year, day.month, day.day, clock.hour, clock.minute, clock.second, zone)
    # timestamps: Python calls an ambiguous time unequal to any time in another zone
    assert got.timestamp() == expected.timestamp() and got.tzinfo == pendulum.UTC


@pytest.mark.parametrize(
    "wall",
    [
        (2026, 3, 8, 2, 30, 0),
        (2026, 11, 1, 1, 30, 0),
        (2026, 3, 8, 0, 0, 0),
        (2026, 11, 1, 23, 59, 59),
    ],
)
def test_local_instant_on_clock_change_days(wall):
    expected = pendulum.datetime(*wall, tz="America/New_York")
    assert local_instant(*wall, "America/New_York").timestamp() == expected.timestamp()
