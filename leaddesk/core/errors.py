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


class InvalidDraft(InvalidInput):
    """A lead draft with one or more bad fields: `errors` maps each field to its message.

    Phone rows are keyed `phones.N` (N = the row's index in the draft). The
    text of the exception joins every message, for the CLI's one line.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))
