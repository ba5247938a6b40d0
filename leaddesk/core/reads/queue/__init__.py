"""The due queue: who to call next, in order, each with a one-line reason.

Two sections. DUE (`due`): everything actionable now, ranked promise > new >
cadence > nurture and most overdue first, one indexed query per page. LATER
(`later`): calls whose window is closed, and work due later today, each with
the time it opens. `where` says which leads belong to which section, `rows`
turns raw columns into QueueRows (with `reasons`: why now), `sections` puts
both together (counts, the whole queue, where one lead is).
"""

# TEMPORARY (issue 11): names the desk (leaddesk/ui) still imports from here while
# another branch rewrites it; everything else imports from the submodules. Drop
# these once the desk imports them from where they are defined.
from leaddesk.core.reads.queue.rows import DUE as DUE
from leaddesk.core.reads.queue.rows import LATER as LATER
from leaddesk.core.reads.queue.rows import QueueRow as QueueRow
from leaddesk.core.reads.queue.sections import Place as Place
from leaddesk.core.reads.queue.sections import locate as locate
