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
