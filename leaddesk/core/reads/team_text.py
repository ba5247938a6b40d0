"""Plain-text and JSON forms of the team's numbers (`leaddesk stats --team`), and
the leaderboard order the desk's Team tab shows. No SQL here (see stats/team.py).
"""

from __future__ import annotations

from leaddesk.core.domain.tz import tz
from leaddesk.core.reads.stats.team import RepRow, TeamReport
from leaddesk.core.reads.stats_text import PERIOD_FIGURES, figures_json

# (heading, how to show it) for each column of a period's table.
TEAM_COLUMNS = tuple((head, show) for _, head, show in PERIOD_FIGURES if head)
NAME_WIDTH = 14


def leaderboard(report: TeamReport, key: str) -> list[RepRow]:
    """The reps by connects in period `key`, most first (then dials, then name)."""

    def rank(row: RepRow) -> tuple[int, int, str]:
        tally = row.period(key).tally
        return (-tally.connects, -tally.dials, row.name.casefold())

    return sorted(report.reps, key=rank)


def team_json(report: TeamReport) -> dict[str, object]:
    """The stable JSON of `leaddesk stats --team --json` (README "The team's numbers")."""
    zone = tz(report.zone)
    end = report.now.in_timezone(zone).isoformat()

    def row(r: RepRow) -> dict[str, object]:
        out: dict[str, object] = {
            "rep": r.name,
            "leads_owned": r.leads_owned,
            "overdue_promises": r.overdue_promises,
        }
        for p in r.periods:
            out[p.period.key] = figures_json(p)
        return out

    return {
        "now": end,
        "timezone": report.zone,
        "periods": {
            p.key: {"label": p.label, "start": p.start.in_timezone(zone).isoformat(), "end": end}
            for p in report.periods
        },
        "reps": [row(r) for r in report.reps],
        "totals": {**row(report.totals), "rep": None},
    }


def _cut(name: str, width: int = NAME_WIDTH) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _line(name: str, values: list[str], sizes: list[int]) -> str:
    body = " ".join(v.rjust(size) for v, size in zip(values, sizes, strict=True))
    return f"{name.ljust(NAME_WIDTH)} {body}".rstrip()


def team_lines(report: TeamReport) -> list[str]:
    """The human tables of `leaddesk stats --team`: one per period, by connects."""
    local = report.now.in_timezone(tz(report.zone))
    lines = [f"The team's numbers · {report.zone} · {local:%a %Y-%m-%d %H:%M}"]
    for period in report.periods:
        rows = [*leaderboard(report, period.key), report.totals]
        cells = [[show(r.period(period.key)) for _, show in TEAM_COLUMNS] for r in rows]
        heads = [head for head, _ in TEAM_COLUMNS]
        sizes = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
        lines += ["", _line(period.label, heads, sizes)]
        lines += [_line(_cut(r.name), c, sizes) for r, c in zip(rows, cells, strict=True)]
    lines += ["", f"{'now'.ljust(NAME_WIDTH)} {'leads owned':>11} {'overdue promises':>16}"]
    for r in [*report.reps, report.totals]:
        lines.append(
            f"{_cut(r.name).ljust(NAME_WIDTH)} {r.leads_owned:>11,} {r.overdue_promises:>16,}"
        )
    return lines
