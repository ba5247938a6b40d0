"""Data in and out: spreadsheet import, export, letters for mail merge, backup
and restore, and the demo data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from leaddesk.cli.base import Env, echo_json, fail, main, pass_env
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.when import parse_when
from leaddesk.core.store.db import mask_url
from leaddesk.output import pick


@main.command()
@click.option("--leads", type=click.IntRange(min=1, max=2_000_000), default=60, show_default=True)
@click.option("--seed", type=int, default=None, help="Repeatable data.")
@pass_env
def demo(env: Env, leads, seed):
    """Fill the database with realistic synthetic leads and history."""
    from leaddesk.core.demo import fill_demo

    now = env.clock().now()
    env.open()
    made = fill_demo(leads, now, env.settings, seed=seed)
    click.echo(f"added {made} demo leads to {mask_url(env.target)}")


# --- spreadsheets in and out ---------------------------------------------------------


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show exactly what would happen; write nothing.")
@click.option(
    "--map",
    "overrides",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Map a column yourself (e.g. 'Cell=phone:mobile', 'Fax=ignore'); repeatable.",
)
@click.option(
    "--on-duplicate",
    type=click.Choice(["skip", "update"]),
    default="skip",
    show_default=True,
    help="A row with the phone or email of a lead already there: skip it, or fill in "
    "what that lead is missing.",
)
@click.option(
    "--rejects",
    "rejects_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where rejected rows go (default: FILE's name + .rejects.csv, beside it).",
)
@click.option("--encoding", default=None, help="Read as this encoding instead of detecting it.")
@click.option("--delimiter", default=None, help="comma, semicolon, tab or one character.")
@click.option(
    "--owner",
    default=None,
    metavar="REP|round-robin",
    help="Give the new leads to a rep, or round-robin across the reps (default: the pool).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_env
def import_(env: Env, file, dry_run, overrides, on_duplicate, rejects_path, encoding, delimiter,
            owner, as_json):  # fmt: skip
    """Import leads from a spreadsheet (CSV, semicolon or tab separated) or a
    leaddesk JSONL export. A spreadsheet goes in 1,000 rows at a time: if it
    stops, the rows already in stay and importing the same file again finishes it."""
    from leaddesk.core.transfer.importing import import_file, open_source, preview_lines

    now = env.clock().now()
    source = open_source(file, overrides=overrides, encoding=encoding, delimiter=delimiter)
    if not as_json:
        if source.mapping is not None and source.table is not None:
            click.echo(f"{source.path.name} ({source.table.description}); columns:")
            for line in source.mapping.lines():
                click.echo(f"  {line}")
        else:
            click.echo(f"{source.path.name}: leaddesk JSONL export (every field kept)")
    env.open()
    with _ProgressBar(source.size, "importing") as progress:
        summary = import_file(
            source,
            now,
            env.settings,
            dry_run=dry_run,
            on_duplicate=on_duplicate,
            rejects_path=rejects_path,
            progress=progress,
            owner=owner,
        )
    if as_json:
        echo_json(summary.as_json())
        return
    for line in preview_lines(summary):
        click.echo(line)
    if dry_run:
        click.echo("dry run: nothing was written")


class _ProgressBar:
    """click's progress bar on stderr when it is a terminal, else nothing."""

    def __init__(self, total: int, label: str) -> None:
        self.total = total
        self.label = label
        self.bar: Any = None
        self.done = 0

    def __enter__(self):
        if not sys.stderr.isatty() or self.total < 1_000_000:
            return None
        self.bar = click.progressbar(length=self.total, label=self.label, file=sys.stderr)
        self.bar.__enter__()
        return self.update

    def update(self, done: int, total: int) -> None:
        self.bar.update(max(done - self.done, 0))
        self.done = done

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "ics"]),
    default="csv",
    show_default=True,
)
@click.option("-o", "--output", default=None, metavar="FILE", help="Write here (default: stdout).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    help="Only leads with this status (repeatable, or comma-separated).",
)
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 BOM (for Excel).")
@pass_env
def export(env: Env, fmt, output, statuses, bom):
    """Export leads: csv (one row per lead), jsonl (everything, re-importable)
    or ics (upcoming appointments and callbacks for your calendar)."""
    from leaddesk.core.transfer.exporting import (
        check_statuses,
        export_csv,
        export_ics,
        write_output,
    )
    from leaddesk.core.transfer.fulldump import export_jsonl

    now = env.clock().now()
    wanted = check_statuses(statuses)
    if fmt == "ics" and wanted:
        raise InvalidInput("--status does not apply to --format ics")
    env.open()
    if fmt == "csv":
        written = write_output(output, lambda out: export_csv(out, env.settings, wanted), bom=bom)
    elif fmt == "jsonl":
        written = write_output(output, lambda out: export_jsonl(out, now, wanted))
    else:
        written = write_output(output, lambda out: export_ics(out, now, env.settings))
    if written.path:
        what = "events" if fmt == "ics" else "leads"
        click.echo(f"exported {written.count} {what} to {written.path}", err=True)


@main.command()
@click.option("-o", "--output", default=None, metavar="FILE", help="Write here (default: stdout).")
@click.option(
    "--until", "until_text", default=None, metavar="WHEN", help="Due by then (default: now)."
)
@click.option(
    "--mark-sent", is_flag=True, help="Log every letter listed as sent (one transaction)."
)
@click.option("--bom", is_flag=True, help="Start with a UTF-8 BOM (for Excel / Word mail merge).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "text"]),
    default="csv",
    show_default=True,
    help="text: each letter rendered from its template, one per page.",
)
@pass_env
def letters(env: Env, output, until_text, mark_sent, bom, fmt):
    """Letters due: a mail-merge CSV of leads whose next step is a letter."""
    from leaddesk.core.transfer.exporting import take_letters, write_letters, write_output

    write = write_letters
    if fmt == "text":
        from leaddesk.cli.mail import loaded_templates
        from leaddesk.core.transfer.mailing import write_letter_texts

        templates = loaded_templates(env)

        def write(out, ls):
            ids = [letter.lead_id for letter in ls]
            return write_letter_texts(out, ids, templates, env.settings, now)

    now = env.clock().now()
    until = now
    if until_text:
        until = parse_when(
            until_text, now, env.settings.rep_timezone, env.settings.rules.morning_hour
        )
    env.open()

    def produce(out) -> int:
        done = take_letters(
            until, now, env.settings, mark_sent=mark_sent, write=lambda ls: write(out, ls)
        )
        return len(done)

    written = write_output(output, produce, bom=bom)
    verb = "logged as sent" if mark_sent else "due (not logged; --mark-sent logs them)"
    where = f" → {written.path}" if written.path else ""
    click.echo(f"{written.count} letter(s) {verb}{where}", err=True)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@pass_env
def backup(env: Env, file, as_json):
    """A consistent copy of the database in FILE (safe while the desk runs).

    SQLite: a copy of the file. PostgreSQL: every row as JSONL, which `restore`
    (and `import`) read back."""
    from leaddesk.core.store.db import sqlite_path
    from leaddesk.core.transfer.backup import backup_store
    from leaddesk.core.transfer.backup_pg import backup_pg

    env.open()
    made = backup_store(file) if sqlite_path(env.target) else backup_pg(file, env.clock().now())
    if as_json:
        echo_json(pick(made, "file=path leads touches bytes schema"))
    else:
        click.echo(f"backed up {made.leads} leads, {made.touches} touches to {made.path}")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_env
def restore(env: Env, file, yes):
    """Replace the database with the backup FILE (a copy of the current one is kept)."""
    from leaddesk import paths
    from leaddesk.core.store.db import sqlite_path
    from leaddesk.core.transfer.backup import inspect_store_file, restore_store
    from leaddesk.core.transfer.backup_pg import inspect_backup, restore_pg

    now = env.clock().now()
    sqlite = sqlite_path(env.target) is not None
    # refuse a bad file before creating anything
    if sqlite:
        inspect_store_file(file)
    else:
        inspect_backup(file)
    env.open()

    def confirm(incoming, current, aside) -> bool:
        if yes:
            return True
        click.echo(f"restore {incoming.path}: {incoming.leads} leads, {incoming.touches} touches")
        click.echo(f"replacing {current.path}: {current.leads} leads, {current.touches} touches")
        click.echo(f"(the current database is copied to {aside} first)")
        return click.confirm("replace it?", default=False, err=True)

    if sqlite:
        result = restore_store(file, now, confirm)
    else:
        folder = paths.data_dir() / "backups"
        result = restore_pg(file, now, env.settings, folder, confirm, mask_url(env.target))
    if result is None:
        fail("restore cancelled: nothing changed")
        return
    click.echo(
        f"restored {result.restored.leads} leads from {file}; "
        f"the previous database ({result.previous.leads} leads) is at {result.aside}"
    )
