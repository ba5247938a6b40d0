"""The due queue: who to call next, in order, each with a one-line reason.

Two sections. DUE (`due`): everything actionable now, ranked promise > new >
cadence > nurture and most overdue first, one indexed query per page. LATER
(`later`): calls whose window is closed, and work due later today, each with
the time it opens. `where` says which leads belong to which section, `rows`
turns raw columns into QueueRows (with `reasons`: why now), `sections` puts
both together (counts, the whole queue, where one lead is).
"""

# TEMPORARY (issue 11): the names of the old flat `queue` module, for the branches
# written against it while it was split (desk, cli, ui, transfer, demo). Code in
# this tree imports from the submodules; drop this once those branches are merged.
from leaddesk.core.reads.queue.due import (
    BANDS,
    band_counts,
    due_page,
    due_query,
    due_rows,
    due_statements,
)
from leaddesk.core.reads.queue.later import later_count, later_rows
from leaddesk.core.reads.queue.rows import DUE, LATER, QueueCounts, QueueRow, zone_key, zones_of
from leaddesk.core.reads.queue.sections import Place, counts, locate, whole_queue
from leaddesk.core.reads.queue.where import end_of_rep_day, new_lead_cut, open_zone_keys

__all__ = [
    "BANDS",
    "DUE",
    "LATER",
    "Place",
    "QueueCounts",
    "QueueRow",
    "band_counts",
    "counts",
    "due_page",
    "due_query",
    "due_rows",
    "due_statements",
    "end_of_rep_day",
    "later_count",
    "later_rows",
    "locate",
    "new_lead_cut",
    "open_zone_keys",
    "whole_queue",
    "zone_key",
    "zones_of",
]
