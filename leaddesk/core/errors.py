"""Errors the core raises for bad input: each carries one clear, user-facing line."""


class LeadDeskError(Exception):
    """Base for every error that is the user's input, not a bug."""


class NotFound(LeadDeskError):
    pass


class InvalidInput(LeadDeskError):
    pass


class StoreError(LeadDeskError):
    """The database cannot be opened, read or written."""


class NothingToUndo(LeadDeskError):
    pass


class NeedsConfirmation(InvalidInput):
    """Allowed, but only when the rep confirms (the give-up guard)."""


class ConnectionLost(StoreError):
    """The database server went away mid-call; the next call reconnects."""
