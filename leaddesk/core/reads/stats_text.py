"""Plain-text and JSON forms of a stats report: the `leaddesk stats` table and
JSON, and the rows the stats screen lays out. No SQL here (see core/stats.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.text import percent, span_words
from leaddesk.core.domain.tz import tz
from leaddesk.core.reads.stats.call_figures import HourRate
from leaddesk.core.reads.stats.report import PeriodStats, StatsReport

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"


def rate_text(rate: float | None) -> str:
    return "–" if rate is None else percent(rate, 1)


def minutes_text(minutes: int | None) -> str:
    return "–" if minutes is None else span_words(minutes)


def pct_text(pct: float | None) -> str:
    return "–" if pct is None else percent(pct, 100)


# (label, the team table's heading or "" = not there, how to show it) for each
# row of the periods table; the team's headings are short enough for 80 columns.
PERIOD_FIGURES: tuple[tuple[str, str, Callable[[PeriodStats], str]], ...] = (
    ("dials", "dials", lambda p: str(p.tally.dials)),
    ("connects", "conn", lambda p: str(p.tally.connects)),
    ("contact rate", "rate", lambda p: rate_text(p.tally.contact_rate)),
    ("voicemails", "", lambda p: str(p.tally.voicemails)),
    ("appointments", "appts", lambda p: str(p.tally.appointments)),
    ("wins", "wins", lambda p: str(p.tally.wins)),
    ("new leads", "new", lambda p: str(p.speed.received)),
    ("speed to lead (median)", "to lead", lambda p: minutes_text(p.speed.median_minutes)),
    ("first attempt within 1 h", "≤1h", lambda p: pct_text(p.speed.within_hour_pct)),
    ("abandoned after ≤ 2 attempts", "aband", lambda p: str(p.abandoned)),
)


def period_rows(report: StatsReport) -> list[tuple[str, list[str]]]:
    """The periods side by side: one (label, [value per period]) per figure."""
    return [(label, [show(p) for p in report.periods]) for label, _, show in PERIOD_FIGURES]


def spark(values: list[int]) -> str:
    """▁▂▅█ … one block per value, scaled to the largest."""
    top = max(values, default=0)
    if top <= 0:
        return SPARK_BLOCKS[0] * len(values)
    last = len(SPARK_BLOCKS) - 1
    return "".join(SPARK_BLOCKS[round(last * v / top)] for v in values)


def best_hours(report: StatsReport, minimum_dials: int = 10) -> list[HourRate]:
    """Hours with enough dials to judge, best connect rate first."""
    judged = [h for h in report.by_hour if h.dials >= minimum_dials]
    return sorted(judged, key=lambda h: (-(h.rate or 0), h.hour))


def ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def figures_json(p: PeriodStats) -> dict[str, object]:
    """One period's figures, as `stats --json` and `stats --team --json` give them."""
    return {
        "dials": p.tally.dials,
        "connects": p.tally.connects,
        "contact_rate": ratio(p.tally.contact_rate),
        "voicemails": p.tally.voicemails,
        "appointments": p.tally.appointments,
        "wins": p.tally.wins,
        "new_leads": p.speed.received,
        "speed_to_lead_median_minutes": p.speed.median_minutes,
        "within_hour_pct": p.speed.within_hour_pct,
        "abandoned_after_two_or_fewer": p.abandoned,
    }


def report_json(report: StatsReport) -> dict[str, object]:
    """The stable JSON of `leaddesk stats --json` (README "Your numbers")."""
    zone = tz(report.zone)
    out: dict[str, object] = {
        "now": report.now.in_timezone(zone).isoformat(),
        "rep": report.rep,
        "timezone": report.zone,
    }
    for p in report.periods:
        out[p.period.key] = {
            "label": p.period.label,
            "start": p.period.start.in_timezone(zone).isoformat(),
            "end": report.now.in_timezone(zone).isoformat(),
            **figures_json(p),
        }
    out["by_hour"] = [
        {"hour": h.hour, "dials": h.dials, "connects": h.connects, "contact_rate": ratio(h.rate)}
        for h in report.by_hour
    ]
    out["attempts_before_connect"] = dict(report.attempts_before_connect)
    out["pipeline"] = dict(report.pipeline)
    out["overdue_promises"] = {
        "count": report.overdue_count,
        "oldest": [
            {"lead_id": o.lead_id, "name": o.name, "at": o.at.in_timezone(zone).isoformat(),
             "kind": o.kind}
            for o in report.overdue
        ],
    }  # fmt: skip
    out["sparkline"] = [{"date": d.isoformat(), "dials": n} for d, n in report.sparkline]
    return out


def since_date(text: str, now: DateTime, zone: str) -> date:
    """`--since 2026-11-01`: a date in the rep's calendar, not after today."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"--since: {text!r} is not a date like 2026-11-01") from None
    if day > now.in_timezone(tz(zone)).date():
        raise InvalidInput(f"--since: {day.isoformat()} is in the future")
    return day


def report_lines(report: StatsReport) -> list[str]:
    """The compact human table of `leaddesk stats`."""
    local = report.now.in_timezone(tz(report.zone))
    lines = [f"Your numbers · {report.rep} · {report.zone} · {local:%a %Y-%m-%d %H:%M}", ""]
    rows = period_rows(report)
    width = max(len(label) for label, _ in rows)
    columns = [p.period.label for p in report.periods]
    sizes = [max(len(c), *(len(values[i]) for _, values in rows)) for i, c in enumerate(columns)]

    def line(label: str, cells: list[str]) -> str:
        body = "  ".join(cell.rjust(size) for cell, size in zip(cells, sizes, strict=True))
        return f"{label.ljust(width)}  {body}".rstrip()

    lines.append(line("", columns))
    lines += [line(label, values) for label, values in rows]
    days = [n for _, n in report.sparkline]
    lines += ["", f"dials, 30 days   {spark(days)}  (most {max(days, default=0)}/day)"]
    best = best_hours(report)[:3]
    if best:
        shown = ", ".join(f"{h.hour:02d}:00 {rate_text(h.rate)} ({h.dials})" for h in best)
        lines.append(f"best hours       {shown}  — their local time, 30 days")
    first = " ".join(f"{label}:{n}" for label, n in report.attempts_before_connect)
    lines.append(f"dials before 1st connect  {first}")
    lines.append("pipeline         " + " · ".join(f"{s} {n}" for s, n in report.pipeline))
    lines.append(f"overdue promises {report.overdue_count}")
    for o in report.overdue:
        at = o.at.in_timezone(tz(report.zone))
        lines.append(f"  {at:%a %m-%d %H:%M}  {o.kind:<11} #{o.lead_id} {o.name}")
    return lines
