"""Each section parser beside config.py raises the shared ConfigError itself (from
config_errors), so no caller has to hand the error type in."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaddesk.config_compliance import compliance
from leaddesk.config_errors import ConfigError
from leaddesk.config_mail import parse_mail
from leaddesk.config_role import with_role
from leaddesk.config_team import team_settings
from leaddesk.core.domain.settings import Settings

PATH = Path("/home/ana/.config/leaddesk/config.toml")


def where(path: Path, key: str, text: str) -> str:
    return f"{path}: {key}"


def test_team_raises_config_error():
    with pytest.raises(ConfigError, match=r"config.toml: team.claim_minutes: must be a whole"):
        team_settings({"claim_minutes": 0}, PATH, Settings().team, [])


def test_compliance_raises_config_error():
    data = {"compliance": {"packs": "us"}}
    with pytest.raises(ConfigError, match=r"config.toml: compliance.packs: must be a list"):
        compliance(Settings(), data, PATH, "", [], where)


def test_mail_raises_config_error():
    with pytest.raises(ConfigError, match=r"config.toml: mail.port: must be a whole number"):
        parse_mail({"port": "25"}, PATH, [])


def test_role_raises_config_error():
    with pytest.raises(ConfigError, match=r"rep.manager: must be true or false"):
        with_role({"manager": "yes"}, Settings(), lambda key: f"{PATH}: {key}")
