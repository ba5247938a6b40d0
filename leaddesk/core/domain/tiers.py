"""Queue tiers, highest first: the order of the due queue."""

from __future__ import annotations

# Queue tiers, highest first. Stored on the lead as `priority` so the due
# queue is one indexed range scan; NULL means "in no queue" (lost, bad, done).
TIER_PROMISE, TIER_NEW, TIER_CADENCE, TIER_NURTURE = 0, 1, 2, 3


TIER_NAMES = {
    TIER_PROMISE: "promise",
    TIER_NEW: "new",
    TIER_CADENCE: "cadence",
    TIER_NURTURE: "nurture",
}
