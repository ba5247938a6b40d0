"""The quick path (cli/fast.py) says exactly what click says, or leaves it to click.

For a grid of argvs, the quick path either runs the command and prints what
click's `main` prints for the same argv (stdout, stderr, exit code 0), or
declines without printing anything, and then click runs it as before. The grid
names which argvs the quick path must take, so a path that declined everything
(and so was never quick) fails here too.
"""

from __future__ import annotations

import sqlite3

import pytest

from leaddesk.cli import fast, main
from tests.conftest import CLI_NOW


@pytest.fixture
def setup(tmp_path, cli, monkeypatch) -> dict[str, str]:
    """Two leads in tmp_path/cli.db, and the paths the argvs name."""
    for name, phone in (("Dana Whitfield", "(212) 555-0142"), ("Ravi Patel", "312 555 0177")):
        result = cli("add", "--name", name, "--phone", phone)
        assert result.exit_code == 0, result.output
    monkeypatch.delenv("LEADDESK_REP", raising=False)
    return {"db": str(tmp_path / "cli.db"), "config": str(tmp_path / "config.toml")}


def by_click(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        main.main(args=argv, prog_name="leaddesk")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    else:  # pragma: no cover (standalone mode always exits)
        code = 0
    out = capsys.readouterr()
    return code, out.out, out.err


def by_fast(argv: list[str], capsys) -> tuple[int, str, str] | None:
    """What the quick path printed, or None when it declined (having printed nothing)."""
    taken = fast.run(argv)
    out = capsys.readouterr()
    if not taken:
        assert (out.out, out.err) == ("", ""), argv
        return None
    return 0, out.out, out.err


def expand(argv: list[str], paths: dict[str, str]) -> list[str]:
    return [a.format(**paths) for a in argv]


SHARED = ["--db", "{db}", "--config", "{config}", "--now", CLI_NOW]

TAKEN = [
    ["--version"],
    [*SHARED, "due"],
    [*SHARED, "due", "--json"],
    [*SHARED, "due", "--limit", "1", "--json"],
    [*SHARED, "due", "--json", "--limit=1"],
    [*SHARED, "due", "--limit", " 2"],  # int() reads it, as click.INT does
    ["--now", CLI_NOW, "--config", "{config}", "--db", "{db}", "due", "--limit=10000000"],
    ["--now=" + CLI_NOW, "--db={db}", "--config={config}", "--rep", "Sam", "due", "--json"],
    ["--config", "{config}", "--now", "2026-11-24T09:00:00-05:00", "due", "--json"],  # LEADDESK_DB
]

DECLINED = [
    ["--help"],
    [*SHARED, "due", "--help"],
    [*SHARED, "due", "--limit", "0"],
    [*SHARED, "due", "--limit", "10000001"],
    [*SHARED, "due", "--limit", "x"],
    [*SHARED, "due", "--limit", "1.5"],
    [*SHARED, "due", "--limit", "-1"],
    [*SHARED, "due", "--limit"],
    [*SHARED, "due", "--limit="],
    [*SHARED, "due", "--json", "--json"],
    [*SHARED, "due", "--json=yes"],
    [*SHARED, "due", "--bogus"],
    [*SHARED, "due", "extra"],
    [*SHARED, "due", "--db", "{db}"],
    [*SHARED, "--db", "{db}", "due"],
    [*SHARED, "--", "due"],
    [*SHARED, "--verbose", "due"],
    [*SHARED, "show", "1"],
    ["--db", "{db}", "--config", "{config}", "--now", "half past nine", "due"],
    ["--db", "{db}", "--config", "{config}", "--now", "2026-13-45", "due", "--json"],
    ["--db", "{db}", "--config", "{missing}", "--now", CLI_NOW, "due"],
    ["--db", "{db}", "--config", "{folder}", "--now", CLI_NOW, "due"],
    ["--db", "{db}", "--config", "{config}", "--rep", "   ", "due"],
    ["--db", "{folder}", "--config", "{config}", "--now", CLI_NOW, "due", "--json"],
    ["--db=", "--config", "{config}", "--now", CLI_NOW, "due"],
    ["--db", "--config", "{config}", "due"],
    ["--version", "due"],
    ["due", "--version"],
]


@pytest.mark.parametrize("argv", TAKEN, ids=" ".join)
def test_the_quick_path_prints_what_click_prints(setup, tmp_path, argv, capsys, monkeypatch):
    monkeypatch.setenv("LEADDESK_DB", setup["db"])
    argv = expand(argv, setup)
    quick = by_fast(argv, capsys)
    assert quick is not None, f"the quick path declined {argv}"
    assert quick == by_click(argv, capsys)
    assert quick[1]  # it printed something


@pytest.mark.parametrize("argv", DECLINED, ids=" ".join)
def test_anything_else_is_left_to_click(setup, tmp_path, argv, capsys):
    paths = {**setup, "missing": str(tmp_path / "nope.toml"), "folder": str(tmp_path)}
    argv = expand(argv, paths)
    assert by_fast(argv, capsys) is None
    _, out, err = by_click(argv, capsys)
    assert out or err  # click answered it: help, a result, or its one-line error


def test_a_blank_rep_in_the_environment_is_left_to_click(setup, capsys, monkeypatch):
    monkeypatch.setenv("LEADDESK_REP", "  ")
    argv = expand([*SHARED, "due"], setup)
    assert by_fast(argv, capsys) is None
    code, _, err = by_click(argv, capsys)
    assert code != 0 and "--rep needs a name" in err


def test_a_name_with_terminal_codes_is_printed_by_click(setup, capsys):
    """click.echo strips ANSI codes from piped text; the quick path leaves such a
    page to it rather than strip them a second way."""
    with sqlite3.connect(setup["db"]) as conn:
        conn.execute("UPDATE lead SET name = ? WHERE id = 1", ("Dana \x1b[31mRed\x1b[0m",))
    argv = expand([*SHARED, "due"], setup)
    assert by_fast(argv, capsys) is None
    code, out, _ = by_click(argv, capsys)
    assert code == 0 and "Dana Red" in out
    # The same page as JSON escapes the codes itself: the quick path takes it.
    argv = expand([*SHARED, "due", "--json"], setup)
    quick = by_fast(argv, capsys)
    assert quick is not None and quick == by_click(argv, capsys)
    assert "\\u001b[31m" in quick[1]


def test_an_ascii_terminal_is_left_to_click(setup, capsys, monkeypatch):
    """click re-wraps an ASCII stdout to replace what it cannot encode."""

    class Ascii:
        encoding = "ascii"

    monkeypatch.setattr("sys.stdout", Ascii())
    assert fast.run(expand([*SHARED, "due", "--json"], setup)) is False
    assert fast.run(["--version"]) is False


def test_parse_reads_the_environment_as_click_does():
    """An empty LEADDESK_DB is no value, as click reads it; a given --db wins."""
    due = fast.parse(["due"], {"LEADDESK_DB": "", "LEADDESK_REP": ""})
    assert isinstance(due, fast.Due) and (due.db, due.rep_name, due.limit) == (None, None, 20)
    due = fast.parse(["--db", "a.db", "due"], {"LEADDESK_DB": "b.db", "LEADDESK_REP": "Sam"})
    assert isinstance(due, fast.Due) and (due.db, due.rep_name) == ("a.db", "Sam")


def test_the_quick_path_reads_without_peewee(setup, capsys, monkeypatch):
    """A current SQLite file is read on the quick connection (store/sql.open_quick):
    peewee's opener is never called, and the connection is closed afterwards."""
    from leaddesk.core.store import schema, sql

    def refused(*args, **kwargs):
        raise AssertionError("opened through peewee")

    monkeypatch.setattr(schema, "open_store", refused)
    argv = expand([*SHARED, "due", "--json"], setup)
    assert by_fast(argv, capsys) is not None
    assert sql._quick is None


@pytest.mark.parametrize("form", ["sqlite:///{db}", "older"])
def test_a_store_the_quick_opener_declines_is_opened_as_always(setup, capsys, monkeypatch, form):
    """A URL, or a store whose history is not this program's scripts (here: one script
    more on disk, as after an upgrade), is opened by peewee's path in the same process;
    the page is the same as click's."""
    from leaddesk.core.store import schema, sql

    opened = []
    real = schema.open_store
    monkeypatch.setattr(schema, "open_store", lambda *a, **k: opened.append(a) or real(*a, **k))
    if form == "older":
        quick = sql.open_quick

        def older(target, migrations):
            class OneMore:
                def glob(self, pattern):
                    return [*migrations.glob(pattern), migrations / "9999_next.py"]

            return quick(target, OneMore())

        monkeypatch.setattr(sql, "open_quick", older)
    db = setup["db"] if form == "older" else form.format(**setup)
    argv = expand(["--db", db, "--config", "{config}", "--now", CLI_NOW, "due", "--json"], setup)
    quick = by_fast(argv, capsys)
    assert quick is not None and opened
    assert quick == by_click(argv, capsys)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> dict[str, str]:
    """A demo store of 300 leads (promises, hand-offs, caps, lists, nurture …)."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("demo")
    paths = {"db": str(folder / "demo.db"), "config": str(folder / "config.toml")}
    (folder / "config.toml").write_text(
        '[rep]\nname = "tester"\ntimezone = "America/Chicago"\n[rules]\nmax_calls_per_24h = 2\n'
    )
    argv = ["--db", paths["db"], "--config", paths["config"], "--now", CLI_NOW]
    result = CliRunner().invoke(main, [*argv, "demo", "--leads", "300", "--seed", "15"])
    assert result.exit_code == 0, result.output
    return paths


@pytest.mark.parametrize(
    "now", [CLI_NOW, "2026-11-24T06:30:00-05:00", "2026-11-24T22:30:00-05:00", "2026-11-29T12:00Z"]
)
@pytest.mark.parametrize("page", [["--json"], ["--limit", "300", "--json"], ["--limit", "300"]])
def test_the_quick_read_is_the_desks_read_on_a_demo_store(demo_db, capsys, now, page):
    """The queue's SQL on the quick connection gives the page peewee's connection
    gives, over every kind of row the demo writes, at several hours of the day."""
    argv = ["--db", demo_db["db"], "--config", demo_db["config"], "--now", now, "due", *page]
    quick = by_fast(argv, capsys)
    assert quick is not None
    assert quick == by_click(argv, capsys)
    assert quick[1].count("\n") > 5  # a real page, not "Nothing due"


DESK_FORMS = [
    SHARED,
    ["--now=" + CLI_NOW, "--config={config}", "--db={db}", "--rep", "Sam"],
    ["--config", "{config}", "--now", CLI_NOW],  # the store from LEADDESK_DB
]


@pytest.fixture
def desks(monkeypatch) -> list[tuple]:
    """What each desk opened: its settings, the clock's kind and start, its store and
    first-run config."""
    from leaddesk.cli import desk

    opened: list[tuple] = []

    def record(settings, clock, target, first_config=None):
        opened.append((settings, type(clock), clock._start, target, first_config))

    monkeypatch.setattr(desk, "open_desk", record)
    return opened


@pytest.mark.parametrize("argv", DESK_FORMS, ids=" ".join)
def test_the_quick_path_opens_the_desk_click_opens(setup, argv, capsys, monkeypatch, desks):
    monkeypatch.setenv("LEADDESK_DB", setup["db"])
    argv = expand(argv, setup)
    assert by_fast(argv, capsys) == (0, "", "")
    assert by_click(argv, capsys) == (0, "", "")
    assert len(desks) == 2 and desks[0] == desks[1]
    assert desks[0][3] == setup["db"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "{db}", "--config", "{config}", "--now", "half past nine"],
        ["--db", "{folder}", "--config", "{config}", "--now", CLI_NOW],
        ["--db", "{db}", "--config", "{missing}", "--now", CLI_NOW],
        ["--db", "{db}", "--config", "{config}", "--rep", "   "],
    ],
    ids=" ".join,
)
def test_a_desk_that_cannot_open_is_left_to_click(setup, tmp_path, argv, capsys, desks):
    paths = {**setup, "missing": str(tmp_path / "nope.toml"), "folder": str(tmp_path)}
    argv = expand(argv, paths)
    assert by_fast(argv, capsys) is None
    code, _, err = by_click(argv, capsys)
    assert code != 0 and err.startswith(("leaddesk: ", "Usage:")), err
    assert desks == []


def test_a_failure_in_the_desk_is_said_as_click_says_it(setup, capsys, monkeypatch):
    from leaddesk.cli import desk
    from leaddesk.core.domain.errors import StoreError

    def broken(*args, **kwargs):
        raise StoreError("database is read-only: somewhere")

    monkeypatch.setattr(desk, "open_desk", broken)
    argv = expand(SHARED, setup)
    with pytest.raises(SystemExit) as quick:
        fast.run(argv)
    said = capsys.readouterr()
    assert (quick.value.code, said.out, said.err) == by_click(argv, capsys)
    assert said.err == "leaddesk: database is read-only: somewhere\n"
