"""Errors the core raises for bad input: each carries one clear, user-facing line."""


class LeadDeskError(Exception):
    """Base for every error that is the user's input, not a bug (but see InternalError)."""


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


class OutsideHours(NeedsConfirmation):
    """A call outcome logged outside the lead's calling window, with no dial inside it.

    Logged only when the rep confirms (desk: the same key again; CLI:
    `--outside-hours`); `opens_at` is when the window opens next (None: never
    within the search horizon), `zone` the lead's zone for showing it.
    """

    def __init__(self, message: str, opens_at: object | None = None, zone: str = "") -> None:
        super().__init__(message)
        self.opens_at = opens_at
        self.zone = zone


class CallBlocked(InvalidInput):
    """A call refused for its number: suppressed, or at a cap. `block` is the
    `domain.caps.Block` saying which rule and until when."""

    def __init__(self, message: str, block: object) -> None:
        super().__init__(message)
        self.block = block


class InternalError(LeadDeskError):
    """A bug met by a desk job, already logged with its traceback: a LeadDeskError
    so that every handler shows it as one line and the rep's desk stays open."""


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
