"""Your numbers (`F` in the desk, `leaddesk stats`): every figure a SQL aggregate.

Nothing here loads touches into Python: each figure is a GROUP BY / COUNT /
CASE over an index, and Python only adds up the few rows that come back.
The SQL is portable (no SQLite-only functions): instants are integer UTC
milliseconds, so ranges and differences are plain integer arithmetic.

Definitions (README "Your numbers"):
- touch figures (dials, connects, …, by hour, attempts before connect) count
  the rep's own touches; lead figures (speed to lead, abandoned, pipeline,
  overdue promises) count every lead in the store;
- a dial is a touch on the call channel; a connect is a dial whose outcome
  reached the person (CONNECT_OUTCOMES); contact rate = connects / dials;
- periods start at a local midnight of the rep's zone (this week: Monday) and
  end at `now`, inclusive; "30 days" is today and the 29 days before it.

`tallies`: the rep's call counts; `periods`; `lead_figures`: speed to lead,
abandoned, pipeline, overdue promises; `call_figures`: by hour, attempts before
connect; `report`: all of it in one call.
"""

# TEMPORARY (issue 11): the names of the old flat `stats` module, for the branches
# written against it while it was split (desk, ui). Code in this tree imports from
# the submodules; drop this once those branches are merged.
from leaddesk.core.reads.stats.call_figures import HourRate
from leaddesk.core.reads.stats.lead_figures import OverduePromise, SpeedToLead
from leaddesk.core.reads.stats.periods import Period
from leaddesk.core.reads.stats.report import PeriodStats, StatsReport, stats_report
from leaddesk.core.reads.stats.tallies import (
    CALL_OUTCOMES,
    CONNECT_OUTCOMES,
    Tally,
    rep_of,
    rep_tally,
)

__all__ = [
    "CALL_OUTCOMES",
    "CONNECT_OUTCOMES",
    "HourRate",
    "OverduePromise",
    "Period",
    "PeriodStats",
    "SpeedToLead",
    "StatsReport",
    "Tally",
    "rep_of",
    "rep_tally",
    "stats_report",
]
