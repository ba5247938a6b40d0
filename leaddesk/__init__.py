"""leaddesk: who to call next, and one key to log the call."""

__version__ = "0.1.0"
