"""The due queue: who to call next, in order, each with a one-line reason.

Two sections. DUE (`due`): everything actionable now, ranked promise > new >
cadence > nurture and most overdue first, one indexed query per page. LATER
(`later`): calls whose window is closed, and work due later today, each with
the time it opens. `where` says which leads belong to which section, `rows`
turns raw columns into QueueRows (with `reasons`: why now), `sections` puts
both together (counts, the whole queue, where one lead is).
"""
