"""Property tests (hypothesis): whatever text or arguments arrive, the core and
the command line answer with a result or one clear error, never a traceback,
never a half-written row, never a terminal control in what they print."""

from __future__ import annotations

import re
import sqlite3

import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_checks import check_store

from leaddesk.core.domain.errors import LeadDeskError
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.text import CONTROLS, one_line, printable
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.store.models import Lead, Touch
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.outcomes import log_outcome

SETTINGS = Settings(rep_name="prop", rep_timezone="America/Chicago")
NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
REUSE = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as it arrives from spreadsheets and forms: any character, plus a good
# share of the hostile ones.
HOSTILE_CHARS = "\x00\x07\x08\x1b\x7f\x9b\udc9b\u202e\u2066\u200f\u0301\u2028\n\r\t[]/🚀👩🏽‍💻שلا"
texts = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(HOSTILE_CHARS)), max_size=60)
long_texts = st.one_of(texts, st.text(max_size=3).map(lambda t: t * 5000))
phones = st.one_of(
    texts,
    st.from_regex(r"\+?[0-9 ()\-.]{0,20}", fullmatch=True),
    st.sampled_from(["(212) 555-0142", "+44 20 7946 0958", "+61 2 9374 4000", "12"]),
)
whens = st.one_of(
    texts,
    st.sampled_from(["tomorrow 9", "thu 3pm", "in 2 weeks", "feb 30", "2027-03-14 02:30"]),
    st.tuples(
        st.integers(1, 9999), st.integers(0, 13), st.integers(0, 32),
        st.integers(0, 25), st.integers(0, 61),
    ).map(lambda t: "{}-{:02d}-{:02d} {:02d}:{:02d}".format(*t)),
)  # fmt: skip


def rows() -> tuple[int, int]:
    return Lead.select().count(), Touch.select().count()


@REUSE
@given(
    name=long_texts,
    company=texts,
    phone=phones,
    email=st.one_of(texts, st.emails()),
    notes=long_texts,
    tz=st.one_of(st.none(), texts, st.sampled_from(["Europe/Paris", "Mars/Base"])),
)
def test_adding_any_lead_is_a_lead_or_one_clear_error(store, name, company, phone, email, notes,
                                                      tz):  # fmt: skip
    draft = LeadDraft(name=name, company=company, phones=[(phone, "")], email=email,
                      notes=notes, tz_override=tz)  # fmt: skip
    before = rows()
    try:
        lead_id = add_lead(draft, NOW, SETTINGS)
    except LeadDeskError as exc:
        assert rows() == before, "nothing half-written"
        assert "\n" not in str(exc) and str(exc)
        return
    assert rows() == (before[0] + 1, before[1] + 1)
    saved = Lead.get_by_id(lead_id)
    assert saved.name == (one_spaced(name) or one_spaced(company))
    assert saved.notes == notes.strip()


@REUSE
@given(outcome=st.one_of(texts, st.sampled_from(["no-answer", "callback", "won", "dnc"])),
       when=st.one_of(st.none(), whens), note=long_texts)  # fmt: skip
def test_logging_anything_is_a_touch_or_one_clear_error(store, outcome, when, note):
    from leaddesk.core.domain.when import parse_when

    if not Lead.select().exists():
        add_lead(LeadDraft(name="Dana", phones=[("(212) 555-0142", "")]), NOW, SETTINGS)
    lead_id = Lead.select(Lead.id).scalar()
    before = rows()
    try:
        at = parse_when(when, NOW, "America/New_York") if when is not None else None
        log_outcome(lead_id, outcome, NOW, SETTINGS, next_at=at, note=note)
    except LeadDeskError as exc:
        assert rows() == before
        assert "\n" not in str(exc)
        return
    assert rows() == (before[0], before[1] + 1)


def one_spaced(text: str) -> str:
    """What a rep typed, as a name is kept: trimmed, runs of spaces and tabs as one space."""
    return re.sub(r"[ \t\u00a0\u3000]+", " ", text.strip())


@given(st.text())
def test_display_text_never_carries_a_control(value):
    assert not CONTROLS.search(printable(value))
    shown = one_line(value)
    assert not CONTROLS.search(shown) and "\n" not in shown and "\t" not in shown


# --- the command line ------------------------------------------------------------------

ids = st.one_of(st.integers(-5, 12).map(str), texts, st.just("9" * 30))
commands = st.one_of(
    st.tuples(st.just("add"), st.just("--name"), long_texts, st.just("--phone"), phones),
    st.tuples(st.just("add"), st.just("--name"), texts, st.just("--received"), whens),
    st.tuples(st.just("log"), ids, st.sampled_from(["no-answer", "voicemail", "busy", "won"])),
    st.tuples(st.just("log"), ids, texts, st.just("--note"), long_texts),
    st.tuples(st.just("log"), ids, st.just("callback"), st.just("--next"), whens),
    st.tuples(st.just("show"), ids),
    st.tuples(st.just("show"), ids, st.just("--json")),
    st.tuples(st.just("undo")),
    st.tuples(st.just("due"), st.just("--limit"), st.one_of(texts, st.integers().map(str))),
    st.tuples(st.just("shift"), st.just("--days"), st.integers(-3, 10**6).map(str)),
    # any words after a command (never none: that would open the desk)
    st.tuples(
        st.sampled_from(["add", "log", "show", "due", "undo", "shift", "doctor", "x", ""])
    ).flatmap(lambda head: st.lists(texts, max_size=4).map(lambda rest: head + tuple(rest))),
)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(argv=commands, now=st.one_of(st.none(), whens, st.just("2026-11-23T14:00:00-05:00")))
def test_any_command_line_answers_cleanly(cli, tmp_path, argv, now):
    db = tmp_path / "cli.db"
    if not db.exists():
        assert cli("add", "--name", "Dana", "--phone", "(212) 555-0142").exit_code == 0
    args = [a.replace("\x00", "") for a in argv]  # a real argv cannot hold NUL
    result = cli(*args, now=now.replace("\x00", "") if now else now)
    assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not CONTROLS.search(result.stdout) and not CONTROLS.search(result.stderr)
    if result.exit_code:
        assert len(result.stderr.splitlines()) == 1, result.stderr
    assert check_store(db) == []


def test_the_store_checks_read_the_cli_database(cli, tmp_path):
    assert cli("add", "--name", "Dana", "--phone", "(212) 555-0142").exit_code == 0
    con = sqlite3.connect(tmp_path / "cli.db")
    assert con.execute("SELECT count(*) FROM lead").fetchone() == (1,)
    con.close()
