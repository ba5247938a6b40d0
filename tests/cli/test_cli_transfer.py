"""import / export / letters / backup / restore from the command line, with --now:
stable JSON, private files, one clear line on stderr for every bad input."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

from test_cli import add_dana, as_json, ok

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def fails(result, *words: str) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    line = result.stderr.strip()
    assert line.startswith("leaddesk: ") and "\n" not in line and "Traceback" not in line
    for word in words:
        assert word in line
    return line


def test_import_shows_the_mapping_then_the_summary(cli, tmp_path):
    out = ok(cli("import", str(DATA / "hubspot_bom.csv"), "--rejects", str(tmp_path / "r.csv")))
    lines = out.splitlines()
    assert lines[0] == "hubspot_bom.csv (utf-8-sig, comma); columns:"
    columns = [line for line in lines if line.startswith("  '")]
    shown = {line.split("→")[0].strip(): line.split("→")[1].strip() for line in columns}
    assert len(shown) == 17
    assert shown["'Mobile Phone Number'"] == "phone (mobile)"
    assert shown["'Create Date'"] == "received"
    assert shown["'Record ID'"] == "(not imported)"
    assert "imported 3 · updated 0 · skipped 0 duplicates · rejected 0 — of 3 rows read" in lines
    due = as_json(cli("due", "--json"))
    assert {d["name"] for d in due} == {"Keisha Rivera", "Derek Mitchell", "Mei Chen"}


def test_import_json_summary_and_dry_run(cli, tmp_path):
    rejects = tmp_path / "r.csv"
    dry = as_json(cli("import", str(DATA / "bad_rows.csv"), "--dry-run", "--json"))
    assert (dry["dry_run"], dry["imported"], dry["rejected"], dry["rejects_file"]) == (
        True,
        6,
        5,
        None,
    )
    assert as_json(cli("due", "--json")) == [], "a dry run writes nothing"
    real = as_json(cli("import", str(DATA / "bad_rows.csv"), "--json", "--rejects", str(rejects)))
    assert (
        real["rows_read"]
        == real["imported"] + real["updated"] + real["skipped_duplicate"] + real["rejected"]
    )
    assert {k: v for k, v in real.items() if k not in ("dry_run", "rejects_file")} == {
        k: v for k, v in dry.items() if k not in ("dry_run", "rejects_file")
    }
    assert real["rejects_file"] == str(rejects)
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    assert [r["line"] for r in real["rejects"]] == [3, 4, 5, 10, 11]
    again = as_json(cli("import", str(DATA / "bad_rows.csv"), "--json", "--rejects", str(rejects)))
    assert (again["imported"], again["skipped_duplicate"]) == (0, 6)


def test_import_map_and_update(cli, tmp_path):
    lead_id = add_dana(cli)
    sheet = tmp_path / "s.csv"
    sheet.write_text("Who,Cell,Tel,Role\nDana,(917) 555-0100,(212) 555-0142,Owner\n")
    result = as_json(
        cli("import", str(sheet), "--map", "Who=name", "--map", "Cell=phone:mobile",
            "--map", "Role=title", "--on-duplicate", "update", "--json")
    )  # fmt: skip
    assert (result["updated"], result["imported"]) == (1, 0)
    shown = as_json(cli("show", str(lead_id), "--json"))
    assert [p["label"] for p in shown["phones"]] == ["", "mobile"]
    assert shown["title"] == "Owner"


def test_import_mistakes_are_one_line(cli, tmp_path):
    fails(cli("import", str(tmp_path / "nope.csv")), "no file")
    fails(cli("import", str(DATA / "duplicates.csv"), "--map", "Shoe=phone"), "no column 'shoe'")
    fails(cli("import", str(DATA / "unclosed_quote.csv")), "line 3", "never ends")
    fails(cli("import", str(DATA / "no_contact_columns.csv")), "no phone, email or address")
    fails(cli("import", str(DATA / "duplicates.csv"), "--encoding", "klingon"), "unknown encoding")
    assert as_json(cli("due", "--json")) == []


def test_export_csv_jsonl_ics(cli, tmp_path):
    lead_id = add_dana(cli)
    ok(cli("log", str(lead_id), "callback", "--next", "2026-11-24 10:00"))
    csv_out = ok(cli("export"))
    assert csv_out.startswith("id,name,company,")
    assert ",'+12125550142," in csv_out
    path = tmp_path / "leads.csv"
    result = cli("export", "--format", "csv", "-o", str(path), "--bom", "--status", "engaged")
    assert "exported 1 leads to" in ok(result) + result.stderr
    assert (
        path.read_bytes().startswith(b"\xef\xbb\xbf") and stat.S_IMODE(path.stat().st_mode) == 0o600
    )
    lines = ok(cli("export", "--format", "jsonl")).splitlines()
    assert json.loads(lines[0])["format"] == "leaddesk-export" and len(lines) == 2
    ics = ok(cli("export", "--format", "ics"))
    assert "DTSTART;TZID=America/New_York:20261124T100000" in ics
    fails(cli("export", "--status", "vip"), "unknown status 'vip'")


def test_jsonl_through_the_cli_into_an_empty_database(cli, tmp_path):
    add_dana(cli)
    export = tmp_path / "all.jsonl"
    ok(cli("export", "--format", "jsonl", "-o", str(export)))
    other = str(tmp_path / "other.db")
    out = ok(cli("import", str(export), db_path=other))
    assert "leaddesk JSONL export" in out and "imported 1" in out
    assert as_json(cli("show", "1", "--json", db_path=other))["name"] == "Dana Whitfield"


def test_letters_and_mark_sent(cli, tmp_path):
    ok(cli("add", "--name", "Ada Post", "--address", "1 Mill Rd", now="2026-11-23T09:00:00-05:00"))
    listed = cli("letters", "--until", "in 1 day")
    assert ok(listed).splitlines()[1].startswith("1,Ada Post,,1 Mill Rd,")
    assert "1 letter(s) due" in listed.stderr
    merge = tmp_path / "merge.csv"
    sent = cli("letters", "-o", str(merge), "--mark-sent")
    assert "1 letter(s) logged as sent" in sent.stderr
    assert stat.S_IMODE(merge.stat().st_mode) == 0o600
    touches = as_json(cli("show", "1", "--json"))["touches"]
    assert touches[0]["channel"] == "letter" and touches[0]["outcome"] == "letter"
    assert ok(cli("letters")).splitlines() == [
        "lead_id,name,company,address_1,address_2,address_3,city,region,postcode,country,due_at"
    ]


def test_backup_and_restore(cli, tmp_path):
    add_dana(cli)
    backup = tmp_path / "backup.db"
    made = as_json(cli("backup", str(backup), "--json"))
    assert (made["leads"], made["file"]) == (1, str(backup))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    ok(cli("add", "--name", "After", "--phone", "312 555 0177"))
    no = cli("restore", str(backup), input="n\n")
    assert no.exit_code == 1
    assert no.stderr.splitlines() == [
        "replace it? [y/N]: n",
        "leaddesk: restore cancelled: nothing changed",
    ]
    assert len(as_json(cli("due", "--json"))) == 2
    yes = ok(cli("restore", str(backup), "--yes"))
    assert yes.startswith(f"restored 1 leads from {backup}; the previous database (2 leads) is at ")
    assert [d["name"] for d in as_json(cli("due", "--json"))] == ["Dana Whitfield"]
    fails(cli("restore", str(DATA / "duplicates.csv"), "--yes"), "not a SQLite database")
    fails(cli("backup", str(tmp_path / "cli.db")), "the database itself")


def test_restore_prompt_shows_both_sides(cli, tmp_path):
    add_dana(cli)
    backup = tmp_path / "b.db"
    ok(cli("backup", str(backup)))
    result = cli("restore", str(backup), input="y\n")
    out = ok(result)
    assert f"restore {backup}: 1 leads" in out and "(the current database is copied to" in out
    con = sqlite3.connect(tmp_path / "cli.db")
    assert con.execute("SELECT COUNT(*) FROM lead").fetchone() == (1,)
    con.close()


def test_backup_and_restore_on_postgresql_through_jsonl(cli, pg_url, tmp_path):
    ok(cli("add", "--name", "Dana Whitfield", "--phone", "(212) 555-0142", db_path=pg_url))
    copy = tmp_path / "team.jsonl"
    out = ok(cli("backup", str(copy), db_path=pg_url))
    assert out == f"backed up 1 leads, 1 touches to {copy}\n"
    ok(cli("add", "--name", "Ravi Patel", "--phone", "(312) 555-0177", db_path=pg_url))
    refused = cli("restore", str(copy), db_path=pg_url, input="n\n")
    assert refused.exit_code == 1 and "restore cancelled: nothing changed" in refused.stderr
    assert "replacing postgresql://" in refused.stdout and ": 2 leads" in refused.stdout
    done = ok(cli("restore", str(copy), "--yes", db_path=pg_url))
    assert done.startswith(f"restored 1 leads from {copy}; the previous database (2 leads) is at ")
    names = [d["name"] for d in as_json(cli("due", "--json", db_path=pg_url))]
    assert names == ["Dana Whitfield"]
    fails(cli("restore", str(DATA / "duplicates.csv"), "--yes", db_path=pg_url), "not a leaddesk")


def test_backup_into_a_missing_folder_is_an_error_not_a_new_tree(cli, tmp_path):
    add_dana(cli)
    target = tmp_path / "no" / "such" / "folder" / "b.db"
    fails(cli("backup", str(target)), f"no folder {target.parent}")
    assert not (tmp_path / "no").exists()


def test_a_config_file_that_is_not_there_is_an_error(tmp_path):
    from click.testing import CliRunner

    from leaddesk.cli import main

    missing = tmp_path / "cnofig.toml"
    result = CliRunner().invoke(main, ["--config", str(missing), "due"])
    assert result.exit_code != 0
    assert f"no config file {missing}" in result.output
    assert "Traceback" not in result.output
