"""The one error a broken config file gives, shared by config.py and its section parsers."""

from leaddesk.core.domain.errors import LeadDeskError


class ConfigError(LeadDeskError):
    pass
