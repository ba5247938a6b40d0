"""Hostile and broken input at the command line: one clear line on stderr, a
non-zero exit, no traceback, nothing half-written; and nothing a terminal would
obey ever printed (lead fields with escapes, bidi overrides, markup).

Broken databases and config files: test_hostile_store.py. Property tests:
test_properties.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from store_checks import check_store

from leaddesk.core.domain.text import CONTROLS

NOW = "2026-11-23T14:00:00-05:00"

# What a lead can carry in from a spreadsheet or a web form.
HOSTILE = {
    "markup": "[bold red]Mallory[/] [link=http://evil.example]x[/link]",
    "ansi": "Eve \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \x1b[2J",
    "c1": "Trudy \x9b31m csi",
    # NUL is refused by validation (tests/core/transfer/test_nul_text.py); the rest print.
    "controls": "Bob\x07\x08\x7f\rOverwrite",
    "rtl_override": "Invoice \u202egnp.exe",
    "rtl_text": "שלום עליכם مرحبا",
    "emoji": "Zoë 👩🏽‍💻 🚀",
    "combining": "Ä\u0308\u0301 Z\u0335\u0321a\u0336lgo",
}


def clean(text: str, *, newlines: bool = True) -> bool:
    """Nothing in `text` that a terminal would obey instead of show."""
    return not CONTROLS.search(text) and (newlines or "\n" not in text)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "cli.db"  # where the `cli` fixture (conftest.py) keeps it


def one_clear_line(result, code: int = 1) -> str:
    assert result.exit_code == code, (result.output, result.exception)
    assert "Traceback" not in result.output and "internal error" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("leaddesk: ")
    assert clean(result.stderr)
    assert result.stdout == ""
    return lines[0]


def counts(db: Path) -> dict[str, int]:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        tables = ("lead", "touch", "phone", "appointment")
        found = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        found["updated"] = con.execute("SELECT max(updated_at) FROM lead").fetchone()[0]
        return found
    finally:
        con.close()


# --- lead fields are printed literally and safely ---------------------------------


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_fields_print_literally_and_never_raw(cli, kind):
    value = HOSTILE[kind]
    added = cli("add", "--name", value, "--phone", "(212) 555-0142", "--company", value,
                "--notes", f"{value}\nsecond line", "--json")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["name"] == value.strip()
    logged = cli("log", "1", "no-answer", "--note", value, "--json")
    assert json.loads(logged.stdout)["name"] == value.strip()
    shown = cli("show", "1", "--json")
    data = json.loads(shown.stdout)
    assert (data["name"], data["company"]) == (value.strip(), value.strip())
    assert [t["note"] for t in data["touches"] if t["outcome"] == "no-answer"] == [value.strip()]
    outputs = [added, logged, shown]
    for args in (("show", "1"), ("due",), ("log", "1", "voicemail"), ("undo",), ("undo",)):
        outputs.append(cli(*args))
    due = cli("due", "--json")
    outputs.append(due)
    assert json.loads(due.stdout)[0]["name"] == value.strip()
    for result in outputs:
        assert result.exit_code == 0, result.output
        assert clean(result.stdout) and clean(result.stderr), repr(result.output)
    text = cli("show", "1").stdout
    if kind == "markup":
        assert value in text, "markup is shown, not interpreted"
    if kind in ("rtl_text", "emoji", "combining"):
        assert value in text, "text that is only text stays exactly as typed"


def test_the_real_program_writes_no_escape_to_the_terminal(tmp_path):
    program = Path(sys.executable).with_name("leaddesk")
    env = dict(os.environ, LEADDESK_DB=str(tmp_path / "p.db"))
    name = HOSTILE["ansi"] + HOSTILE["c1"] + HOSTILE["rtl_override"]
    runs = [
        [program, "--now", NOW, "add", "--name", name, "--phone", "(212) 555-0142"],
        [program, "--now", NOW, "show", "1"],
        [program, "--now", NOW, "due"],
        [program, "--now", NOW, "show", "1", "--json"],
        [program, "--now", NOW, "show", "\x1b[2J"],
    ]
    for argv in runs:
        done = subprocess.run(argv, env=env, capture_output=True, timeout=60)
        for stream in (done.stdout, done.stderr):
            text = stream.decode("utf-8")
            assert clean(text), (argv, text)
    shown = subprocess.run(runs[3], env=env, capture_output=True, timeout=60, text=True)
    assert json.loads(shown.stdout)["name"] == name


def test_bytes_that_are_not_utf8_are_one_clear_line(tmp_path):
    program = Path(sys.executable).with_name("leaddesk")
    env = dict(os.environ, LEADDESK_DB=str(tmp_path / "p.db"))
    for args in (["add", "--name", b"Bad \x9b\xff byte"], ["show", b"\xff"]):
        done = subprocess.run([program, "--now", NOW, *args], env=env, capture_output=True,
                              timeout=60)  # fmt: skip
        assert done.returncode == 1, done.stderr
        (line,) = done.stderr.decode("utf-8").splitlines()
        assert line.startswith("leaddesk: ") and clean(line), line
    assert (
        b"not text"
        in subprocess.run(
            [program, "--now", NOW, "add", "--name", b"\x9b"], env=env, capture_output=True
        ).stderr
    )


# --- bad input: one line, non-zero, nothing written ---------------------------------

LONG = "x" * 10_000
# Beyond test_cli.py's cases:
BAD_INPUT = [
    # unknown or malformed lead ids
    (("undo",), "nothing to undo"),
    (("log", "--", "-5", "no-answer"), "not a lead id"),
    (("log", "9" * 40, "no-answer"), "not a lead id"),
    (("show", "1e3"), "not a lead id"),
    (("show", ""), "not a lead id"),
    (("show", "\x1b[2J"), "not a lead id"),
    # unknown outcomes
    (("log", "1", "NO-ANSWER"), "unknown outcome"),
    (("log", "1", ""), "unknown outcome"),
    (("log", "1", "no-answer\x1b[31m"), "unknown outcome"),
    # impossible dates and times
    (("log", "1", "callback", "--next", "2026-02-30 10:00"), "not a real date"),
    (("log", "1", "callback", "--next", "2027-03-14 02:30"), "clocks skip it"),
    (("log", "1", "callback", "--next", "25:00"), "not a time of day"),
    (("log", "1", "callback", "--next", LONG), "cannot read"),
    (("add", "--name", "X", "--received", "2026-02-30T10:00"), "ISO 8601"),
    (("add", "--name", "X", "--received", "2026-03-08T02:30:00"), "clocks skip it"),
    # phones that do not parse
    (("add", "--name", "X", "--phone", "12"), "phone"),
    (("add", "--name", "X", "--phone", "not a number"), "phone"),
    (("add", "--name", "X", "--phone", "+999 555 0100"), "phone"),
    (("add", "--name", "X", "--phone", "(212) 555-01422222222"), "phone"),
    (("add", "--name", "X", "--phone", "5" * 500), "phone"),
    # absurdly long fields
    (("add", "--name", LONG), "name is too long"),
    (("add", "--name", "X", "--company", LONG), "company is too long"),
    (("add", "--name", "X", "--notes", "n" * 100_000), "notes is too long"),
    (("add", "--name", "X", "--email", "a" * 5000 + "@example.com"), "email"),
    (("log", "1", "no-answer", "--note", "z" * 30_000), "note is too long"),
    # other bad values
    (("add", "--name", "   "), "needs a name"),
    (("add", "--name", "X", "--timezone", "Mars/Base"), "IANA"),
]


@pytest.mark.parametrize(("args", "needle"), BAD_INPUT, ids=[str(i) for i in range(len(BAD_INPUT))])
def test_bad_input_is_one_clear_line_and_writes_nothing(cli, db, args, needle):
    assert cli("add", "--name", "Dana", "--phone", "(212) 555-0142").exit_code == 0
    before = counts(db)
    line = one_clear_line(cli(*args))
    assert needle in line, line
    assert counts(db) == before
    assert check_store(db) == []


USAGE = [
    ("log", "-5", "no-answer"),  # an option, as far as anyone can tell
    ("due", "--limit", "0"),
    ("due", "--limit", "10" * 20),
    ("log", "1", "no-answer", "--duration", "99999999999999999999"),
    ("log", "1", "no-answer", "--duration", "-1"),
    ("shift", "--days", "100000000000000000000"),
    ("nosuch",),
    ("--bogus",),
    ("log",),
]


@pytest.mark.parametrize("args", USAGE)
def test_a_malformed_command_is_one_line_too(cli, db, args):
    assert cli("add", "--name", "Dana", "--phone", "(212) 555-0142").exit_code == 0
    before = counts(db)
    line = one_clear_line(cli(*args), code=2)
    assert "--help" in line
    assert counts(db) == before


@pytest.mark.parametrize(
    "now", ["2026-03-08T02:30:00", "2026-02-30T10:00:00", "24:61", "\x1b[31m", "9" * 400]
)
def test_an_impossible_now_is_refused(cli, now):
    line = one_clear_line(cli("due", now=now))
    assert "clocks skip it" in line or "ISO 8601" in line or "not a date" in line


def test_a_reader_that_goes_away_is_not_an_error_message(tmp_path):
    program = Path(sys.executable).with_name("leaddesk")
    env = dict(os.environ, LEADDESK_DB=str(tmp_path / "p.db"))
    subprocess.run([program, "--now", NOW, "demo", "--leads", "200"], env=env, check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    reader = subprocess.Popen(
        f"'{program}' --now {NOW} due --limit 200 | head -c 10",
        shell=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, err = reader.communicate(timeout=60)
    assert b"Traceback" not in err and b"Broken pipe" not in err, err


def test_an_unexpected_error_is_one_line_with_the_traceback_in_the_log(cli, monkeypatch, tmp_path):
    from leaddesk.core.reads.queue import sections

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(sections, "whole_queue", broken)
    result = cli("due")
    assert result.exit_code == 70 and "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("leaddesk: internal error: KeyError") and "leaddesk.log" in line
    from leaddesk.logs import log_file

    logged = log_file().read_text()
    assert "Traceback" in logged and "a bug" in logged
