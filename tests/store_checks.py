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

A touch saved without its lead update breaks the link after it (or the end),
and a lead update saved without its touch breaks the end.
"""

from __future__ import annotations

import itertools
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
        first = json.loads(touches[0][5])["lead"]
        if first["attempts"] != 0 or first["last_touch_at"] is not None:
            problems.append(f"{where}: touch {touches[0][0]} does not start from a new lead")
        for previous, touch in itertools.pairwise(touches):
            before = json.loads(touch[5])["lead"]
            was = json.loads(previous[5])["lead"]
            left = {
                "next_due_at": previous[3],
                "next_channel": previous[4],
                "last_touch_at": previous[1],
                "attempts": was["attempts"] + previous[2],
            }
            got = {k: before[k] for k in left}
            if got != left:
                problems.append(
                    f"{where}: touch {touch[0]} starts from {got}, "
                    f"but touch {previous[0]} left {left}"
                )
        newest = touches[-1]
        end = (due, channel, last_at)
        if end != (newest[3], newest[4], newest[1]):
            problems.append(
                f"{where}: is at {end} but its newest touch {newest[0]} left "
                f"{(newest[3], newest[4], newest[1])}"
            )
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
