"""Queries: what the desk and the CLI show. Nothing here writes a lead's state."""
