"""What the quick commands import: only what they need (issue 15).

Each probe runs the real command in a fresh interpreter and reports the
modules it loaded, so an eager import added anywhere on the path (a module
top, a package `__init__`) fails here. The times are in `make bench`, not here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from leaddesk.cli import base

NOW = "2026-11-23T14:00:00-05:00"

# The probe runs the program as its `leaddesk` script does (`leaddesk.__main__.run`)
# and counts the cyclic collector's passes from there on (importing `run` itself may
# compile the package where no bytecode cache is written, and collect).
PROBE = """
import gc, json, sys
from leaddesk.__main__ import run
passes = []
def counted(phase, info):
    if phase == "start":
        passes.append(info["generation"])
gc.callbacks.append(counted)
out, sys.argv = sys.argv[1], ["leaddesk", *sys.argv[2:]]
try:
    run()
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
# pendulum's token formatter: the real module, or leaddesk's stand-in (domain/deferred.py)
formatter = getattr(sys.modules.get("pendulum.formatting.formatter"), "Formatter", None)
real = getattr(formatter, "__module__", None) == "pendulum.formatting.formatter"
with open(out, "w") as handle:
    report = {"code": code, "modules": sorted(sys.modules), "collections": passes}
    json.dump({**report, "real_formatter": real}, handle)
"""

# Never on a quick command: the desk, a server driver, the holiday calendars
# (unless configured), the migration runner (the schema is current).
NEVER = ("textual", "rich", "psycopg2", "holidays", "playhouse.migrate", "leaddesk.ui")
# Nor, when it succeeds on a SQLite file given --db and --config: the log's handlers
# and folder (only a failure or the desk writes a record), the package-resource
# readers (the rule packs are plain files), a busy write's jitter, the login (the
# config names the rep), the PostgreSQL change counter, Unicode tables for ASCII text.
UNUSED = (
    "leaddesk.logs",
    "logging.handlers",
    "platformdirs",
    "importlib.resources",
    "zipfile",
    "random",
    "getpass",
    "leaddesk.core.store.changes",
    "unicodedata",
)


# What opening a store through peewee loads: `due` on a current SQLite file needs none.
PEEWEE = (
    "peewee",
    "playhouse",
    "leaddesk.core.store.db",
    "leaddesk.core.store.models",
    "leaddesk.core.store.schema",
    "leaddesk.core.reads.scope_where",
    "leaddesk.core.reads.queue.where",
)


def probe(tmp_path: Path, *args: str, config: str = "") -> set[str]:
    """The modules `leaddesk ARGS` loaded (in a fresh interpreter); it must succeed."""
    settings = tmp_path / "config.toml"
    settings.write_text('[rep]\nname = "tester"\ntimezone = "America/Chicago"\n' + config)
    out = tmp_path / "modules.json"
    argv = ["--db", str(tmp_path / "cli.db"), "--config", str(settings), "--now", NOW]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            str(out),
            *(args if args == ("--version",) else [*argv, *args]),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(out.read_text())
    assert report["code"] == 0, done.stderr
    (tmp_path / "stdout.txt").write_text(done.stdout)
    (tmp_path / "stderr.txt").write_text(done.stderr)
    (tmp_path / "collections.json").write_text(json.dumps(report["collections"]))
    (tmp_path / "real_formatter.json").write_text(json.dumps(report["real_formatter"]))
    return set(report["modules"])


@pytest.fixture
def one_lead(tmp_path, cli) -> Path:
    """tmp_path/cli.db with lead 1, written through the CLI (as `cli` does)."""
    result = cli("add", "--name", "Dana Whitfield", "--phone", "(212) 555-0142")
    assert result.exit_code == 0, result.output
    return tmp_path


def loaded(modules: set[str], name: str) -> bool:
    return any(m == name or m.startswith(f"{name}.") for m in modules)


def test_version_loads_nothing_it_does_not_print(tmp_path):
    """`--version` is read without click (cli/fast.py): not even typing or dataclasses."""
    modules = probe(tmp_path, "--version")
    # (not pathlib: the checkout's editable install loads it at every start)
    quick = ("click", "typing", "dataclasses", "leaddesk.output", "leaddesk.cli.base")
    for name in (*NEVER, *UNUSED, *quick, "peewee", "pendulum", "phonenumbers"):
        assert not loaded(modules, name), name
    assert "leaddesk.cli.fast" in modules  # the probe saw the quick path
    assert (tmp_path / "stdout.txt").read_text().startswith("leaddesk, version ")


@pytest.mark.parametrize(
    "args",
    [("due", "--limit", "50", "--json"), ("due",), ("log", "1", "no-answer"), ("show", "1")],
    ids=["due --json", "due", "log", "show"],
)
def test_hot_commands_load_no_ui_driver_or_calendar(one_lead, args):
    modules = probe(one_lead, *args)
    assert "leaddesk.core.store.sql" in modules  # the probe works
    if args[0] == "due":  # the queue's SQL on a bare sqlite3 connection (store/sql.open_quick)
        for name in PEEWEE:
            assert not loaded(modules, name), name
        # The domain's types on its path are records (domain/record.Record), not
        # dataclasses: the module and the inspect and ast it loads cost ~40 M instructions.
        for name in ("dataclasses", "inspect", "ast"):
            assert not loaded(modules, name), name
        # nor pendulum's token formatter (~7 M instructions): nothing in `due` formats with it
        assert json.loads((one_lead / "real_formatter.json").read_text()) is False
    else:
        assert "peewee" in modules and "leaddesk.core.store.models" in modules
    for name in NEVER:
        assert not loaded(modules, name), name
    for name in UNUSED:
        # phonenumbers loads unicodedata for `show`
        if (args[0], name) != ("show", "unicodedata"):
            assert not loaded(modules, name), name
    # `due` is read without click (cli/fast.py); `log` and `show` are click's
    assert loaded(modules, "click") == (args[0] != "due")
    if args[0] != "show":  # `show` formats numbers, the others parse none
        assert not loaded(modules, "phonenumbers")
    assert not loaded(modules, "email")  # only a message being built needs it
    # pendulum's fallback parser is registered, never run (core/domain/deferred.py)
    assert not loaded(modules, "dateutil.parser._parser")
    # times are spelled by domain.text, not by pendulum's formatter and its locale
    assert not loaded(modules, "pendulum.locales.en")


@pytest.mark.parametrize("args", [("due", "--json"), ("show", "1"), ("log", "1", "no-answer")])
def test_quick_commands_run_without_a_collection(one_lead, args):
    """The collector pauses at the entry point and stays paused through a quick
    command (cli/base.QUICK): nothing they load is garbage."""
    probe(one_lead, *args)
    assert json.loads((one_lead / "collections.json").read_text()) == []


def test_a_long_command_collects(one_lead):
    """Any other command turns the collector back on as it starts."""
    export = one_lead / "out.jsonl"
    probe(one_lead, "export", "--format", "jsonl", "-o", str(export))
    assert json.loads((one_lead / "collections.json").read_text()) != []


def test_due_reads_its_toml_from_the_cache(one_lead):
    """The config and the rule packs are parsed once (core/domain/toml_cache.py): a
    second `due` loads no tomllib (~25 M instructions), and a corrupt cache changes
    nothing the rep sees — the text is parsed again and the entry rewritten."""
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "leaddesk" / "toml"
    shutil.rmtree(cache, ignore_errors=True)  # one_lead's `add` warmed it
    assert loaded(probe(one_lead, "due", "--json"), "tomllib")  # cold: the probe sees it
    cold = (one_lead / "stdout.txt").read_text()
    assert json.loads(cold)[0]["id"] == 1
    entries = sorted(cache.iterdir())
    assert len(entries) == 3  # the config, the "us" and the "ca" packs
    assert not loaded(probe(one_lead, "due", "--json"), "tomllib")
    assert (one_lead / "stdout.txt").read_text() == cold
    for entry in entries:
        entry.write_bytes(b'{"format": 1, "text": \xff')
    assert loaded(probe(one_lead, "due", "--json"), "tomllib")
    assert (one_lead / "stdout.txt").read_text() == cold
    assert (one_lead / "stderr.txt").read_text() == ""
    assert not loaded(probe(one_lead, "due", "--json"), "tomllib")  # rewritten


def test_due_names_a_cap_without_loading_phonenumbers(one_lead):
    """A number at its cap is `blocked_by: cap` in `due --json`; its spelled-out
    form is only in the refusal's message, so phonenumbers stays unloaded.
    (The cap is set after the call: logged under it, the lead would be held.)"""
    probe(one_lead, "log", "1", "no-answer")
    modules = probe(one_lead, "due", "--json", config="[rules]\nmax_calls_per_24h = 1\n")
    rows = json.loads((one_lead / "stdout.txt").read_text())
    assert [(r["id"], r["blocked_by"]) for r in rows] == [(1, "cap")]
    assert not loaded(modules, "phonenumbers")


def test_the_probe_sees_an_eager_import(one_lead):
    """Observed holidays are loaded: the same probe catches a module that is."""
    modules = probe(one_lead, "due", config='[calling_hours]\nholidays = ["US"]\n')
    assert loaded(modules, "holidays")


def test_every_command_is_listed_with_its_module():
    """`COMMANDS` names each command's module; an unlisted one would load them all."""
    for name in base.MODULES:
        __import__(f"leaddesk.cli.{name}")
    registered = base.main.commands
    assert set(registered) == set(base.COMMANDS)
    for name, command in registered.items():
        assert command.callback is not None
        assert command.callback.__module__ == f"leaddesk.cli.{base.COMMANDS[name]}", name


def test_a_postgresql_url_loads_its_driver(tmp_path, pg_url):
    """psycopg2 is handed to peewee when a server URL is opened (core/store/drivers.py)."""
    out = tmp_path / "modules.json"
    config = tmp_path / "config.toml"
    config.write_text('[rep]\nname = "tester"\ntimezone = "America/Chicago"\n')
    for args in (
        ("add", "--name", "Dana Whitfield", "--phone", "(212) 555-0142"),
        ("log", "1", "no-answer"),
        ("due", "--json"),
    ):
        argv = ["--db", pg_url, "--config", str(config), "--now", NOW, *args]
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(out), *argv],
            capture_output=True,
            text=True,
            timeout=60,
        )
        report = json.loads(out.read_text())
        assert report["code"] == 0, done.stderr
        assert "psycopg2" in report["modules"]
    rows = json.loads(done.stdout)
    assert [r["id"] for r in rows] == [1] and rows[0]["attempts"] == 1


def test_the_deferred_parser_still_parses_when_asked():
    """dateutil's parser loads on first use: pendulum's non-strict parse still works."""
    code = (
        "import sys, leaddesk.core, pendulum\n"
        "assert 'dateutil.parser._parser' not in sys.modules\n"
        "at = pendulum.parse('Nov 23 2026 10am', strict=False)\n"
        "assert 'dateutil.parser._parser' in sys.modules\n"
        "print(at.isoformat())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2026-11-23T10:00:00+00:00"


FORMATS = """
import sys
if sys.argv[1] == "deferred":
    import leaddesk.core  # registers the stand-in formatter (core/domain/deferred.py)
    assert sys.modules["pendulum.formatting.formatter"].Formatter.__module__ != (
        "pendulum.formatting.formatter"
    )
import pendulum
at = pendulum.datetime(2026, 11, 23, 10, 5, tz="America/Chicago")
print(at.format("dddd, MMMM D, YYYY [at] HH:mm"), f"{at:YYYYMMDD[T]HHmmss}")
print(pendulum.date(2000, 3, 1).format("MMMM"), at.format("Do MMM", locale="fr"))
print(pendulum.from_format("2026-11-23 10:05", "YYYY-MM-DD HH:mm", tz="UTC").isoformat())
print(pendulum.Formatter().format(at, "X"))
assert sys.modules["pendulum.formatting.formatter"].Formatter.__module__ == (
    "pendulum.formatting.formatter"
)
"""


def test_the_deferred_formatter_formats_as_pendulum_does():
    """pendulum's token formatter loads on first use and then formats, parses and
    localises exactly as it does when pendulum loads it itself."""
    done = {
        way: subprocess.run(
            [sys.executable, "-c", FORMATS, way], capture_output=True, text=True, timeout=60
        )
        for way in ("deferred", "eager")
    }
    assert done["deferred"].returncode == 0, done["deferred"].stderr
    assert done["eager"].returncode == 0, done["eager"].stderr
    assert done["deferred"].stdout == done["eager"].stdout
    assert "Monday, November 23, 2026 at 10:05" in done["deferred"].stdout


DESK_PROBE = """
import json, sys
import leaddesk.cli.desk as desk
out, sys.argv = sys.argv[1], ["leaddesk", *sys.argv[2:]]
def opened(settings, clock, target, first_config=None):
    with open(out, "w") as handle:
        json.dump({"target": target, "modules": sorted(sys.modules)}, handle)
desk.open_desk = opened
from leaddesk.__main__ import run
run()
"""


def test_the_desk_opens_without_click(one_lead):
    """`leaddesk` with only the shared options is read by cli/fast.py: click (~25 ms of
    the desk's start-up CPU) is never loaded on the way to the desk."""
    report = desk_probe(DESK_PROBE, one_lead, "desk.json", timeout=60)
    assert report["target"] == str(one_lead / "cli.db")
    assert not loaded(set(report["modules"]), "click")


def desk_probe(script: str, folder: Path, name: str, timeout: int) -> dict:
    """Run `script` as `leaddesk --db folder/cli.db --config … --now NOW` would start;
    what it wrote to folder/name (JSON)."""
    settings = folder / "config.toml"
    settings.write_text('[rep]\nname = "tester"\ntimezone = "America/Chicago"\n')
    out = folder / name
    argv = ["--db", str(folder / "cli.db"), "--config", str(settings), "--now", NOW]
    done = subprocess.run(
        [sys.executable, "-c", script, str(out), *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text())


# The real desk, headless, stopped when its first lead is painted (the footer's keys
# are built right after that paint, DeskFooter.release): what it loaded by then.
FIRST_LEAD_PROBE = """
import json, sys
out, sys.argv = sys.argv[1], ["leaddesk", *sys.argv[2:]]
from leaddesk.ui.app import LeadDeskApp
from leaddesk.ui.widgets.desk_footer import DeskFooter

def painted(footer):
    detail = footer.screen.query_one("#detail")
    shown = "\\n".join(strip.text for strip in detail.render_lines(detail.region.reset_offset))
    with open(out, "w") as handle:
        json.dump({"modules": sorted(sys.modules), "detail": shown}, handle)
    footer.app.exit()

DeskFooter.release = painted
run_app = LeadDeskApp.run
LeadDeskApp.run = lambda app: run_app(app, headless=True, size=(120, 35))
from leaddesk.__main__ import run
run()
"""


def first_lead(folder: Path) -> tuple[set[str], str]:
    """The modules the desk had loaded when its first lead was painted, and that lead's pane."""
    report = desk_probe(FIRST_LEAD_PROBE, folder, "first-lead.json", timeout=120)
    return set(report["modules"]), report["detail"]


def test_the_desk_shows_a_north_american_lead_without_phonenumbers(one_lead):
    """Importing phonenumbers was ~7 % of the desk's CPU to its first lead (issue 15
    point 2): a +1 number is shown, judged and placed from core/domain/nanp.py."""
    modules, detail = first_lead(one_lead)
    assert "Dana Whitfield" in detail and "+1 212-555-0142" in detail
    assert not loaded(modules, "phonenumbers")
    assert not loaded(modules, "leaddesk.core.domain.phones")


def test_the_probe_sees_phonenumbers_for_a_number_from_elsewhere(tmp_path, cli):
    """A UK number is phonenumbers' to judge: the same probe finds it loaded."""
    result = cli("add", "--name", "Ada Lovelace", "--phone", "+44 20 7946 0958")
    assert result.exit_code == 0, result.output
    modules, detail = first_lead(tmp_path)
    assert "Ada Lovelace" in detail and "+44 20 7946 0958" in detail
    assert loaded(modules, "phonenumbers")


def test_the_keys_machinery_loads_after_the_first_lead(one_lead):
    """The outcome keys (their writes, caps and holds), the dialer, the change check
    and finding a lead load once the first lead is painted (DeskScreen.load_keys),
    ~3 % of the desk's CPU before it; its claim needs only core/desk/cursor.py."""
    modules, _ = first_lead(one_lead)
    assert "leaddesk.core.desk.cursor" in modules  # the first lead was claimed
    for name in (
        "leaddesk.core.desk.keystroke",
        "leaddesk.core.writes.outcomes",
        "leaddesk.core.desk.dialer",
        "leaddesk.core.desk.heartbeat",
        "leaddesk.core.reads.queue.place",
    ):
        assert not loaded(modules, name), name
