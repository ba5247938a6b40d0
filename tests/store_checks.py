"""Independent checks of a store file after crashes and concurrent writers.

Plain sqlite3, not the program's models: the checks must not share a bug with
the code they check. Every touch stores what it scheduled and the lead's
scheduling fields before it, so the touches of a lead form a chain that the
lead's current state must end:

- the first touch starts from an untouched lead (no attempts, no last touch);
- each touch's `before` is exactly what the previous touch scheduled, at the
  previous touch's time, with the attempt count it left;
- the lead ends where its newest touch left it; with no touch, it is untouched;
- attempts = the number of touches counted as attempts.

A system touch that records only what it changed (a schedule shift: the due
time; an assignment: the owner) is a link too: it must start from where the
chain is, and it moves only what it recorded.

A touch saved without its lead update breaks the link after it (or the end),
and a lead update saved without its touch breaks the end.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def connect(path: str | Path) -> sqlite3.Connection:
    # Read-write like the next start of the program: it recovers the WAL a
    # killed process left behind. The checks only read.
    return sqlite3.connect(path)


def integrity_problems(con: sqlite3.Connection) -> list[str]:
    problems = []
    (result,) = con.execute("PRAGMA integrity_check").fetchone()
    if result != "ok":
        problems.append(f"integrity_check: {result}")
    for row in con.execute("PRAGMA foreign_key_check"):
        problems.append(f"foreign key broken: {row}")
    return problems


def chain_problems(con: sqlite3.Connection) -> list[str]:
    """Every lead's touches against its state (see the module docstring)."""
    problems: list[str] = []
    leads = con.execute(
        "SELECT id, attempts, next_due_at, next_channel, last_touch_at FROM lead"
    ).fetchall()
    received = dict(
        con.execute("SELECT lead_id, count(*) FROM touch WHERE outcome = 'received' GROUP BY 1")
    )
    for lead_id, attempts, due, channel, last_at in leads:
        where = f"lead {lead_id}"
        if received.get(lead_id) != 1:
            problems.append(f"{where}: {received.get(lead_id, 0)} 'received' touches, not 1")
        touches = con.execute(
            "SELECT id, at, counted, scheduled_due_at, scheduled_channel, before FROM touch"
            " WHERE lead_id = ? AND outcome != 'received' ORDER BY id",
            (lead_id,),
        ).fetchall()
        if not touches:
            if attempts != 0 or last_at is not None:
                problems.append(f"{where}: changed (attempts {attempts}) without any touch")
            continue
        if attempts != sum(t[2] for t in touches):
            counted = sum(t[2] for t in touches)
            problems.append(f"{where}: attempts {attempts} but {counted} counted touches")
        # What the lead should look like after each touch; None: not known yet.
        left: dict[str, object] = {}
        for touch_id, at, counted, sched_due, sched_channel, raw in touches:
            before = json.loads(raw)["lead"]
            if "attempts" not in before:
                # A system touch that records only what it changed (a schedule
                # shift: next_due_at; an assignment: owner). It must start from
                # where the chain is and leaves the rest of the lead alone.
                got = {k: before[k] for k in before if k in left}
                if got != {k: left[k] for k in got}:
                    problems.append(f"{where}: touch {touch_id} starts from {got}, not {left}")
                if "next_due_at" in before:
                    left = {**left, "next_due_at": sched_due, "next_channel": sched_channel}
                continue
            start = {k: before[k] for k in ("next_due_at", "next_channel", "last_touch_at",
                                            "attempts")}  # fmt: skip
            if "attempts" not in left and (start["attempts"] != 0 or start["last_touch_at"]):
                problems.append(f"{where}: touch {touch_id} does not start from a new lead")
            got = {k: start[k] for k in left}
            if got != left:
                problems.append(f"{where}: touch {touch_id} starts from {got}, but {left} was left")
            left = {
                "next_due_at": sched_due,
                "next_channel": sched_channel,
                "last_touch_at": at,
                "attempts": start["attempts"] + counted,
            }
        end = {"next_due_at": due, "next_channel": channel, "last_touch_at": last_at}
        expected = {k: left[k] for k in end if k in left}
        if {k: end[k] for k in expected} != expected:
            problems.append(f"{where}: is at {end} but its newest touch left {expected}")
    return problems


def touch_sequence(con: sqlite3.Connection) -> list[tuple[int, int]]:
    """(touch id, lead id) of every logged touch, oldest first."""
    return con.execute(
        "SELECT id, lead_id FROM touch WHERE outcome != 'received' ORDER BY id"
    ).fetchall()


def check_store(path: str | Path) -> list[str]:
    con = connect(path)
    try:
        return integrity_problems(con) + chain_problems(con)
    finally:
        con.close()
