"""Every `[mail]` key the parsers accept is documented: in the README's config
section and in `leaddesk mail --help` (issue 16)."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from leaddesk.cli import main
from leaddesk.config_mail import _TEXT_KEYS
from leaddesk.config_mail_in import MAIL_IN_KEYS

KEYS = {*_TEXT_KEYS, "security", "port", "per_minute", *MAIL_IN_KEYS}
README = Path(__file__).parents[2] / "README.md"


def test_the_readme_s_mail_table_names_every_key_and_no_password():
    block = re.search(r"```toml\n\[mail\]\n(.*?)```", README.read_text(), re.S)
    assert block is not None
    documented = set(re.findall(r"^([a-z_]+) =", block.group(1), re.M))
    assert documented == KEYS


def test_mail_help_names_every_key():
    result = CliRunner().invoke(main, ["mail", "--help"])
    assert result.exit_code == 0
    named = set(re.findall(r"[a-z_]+", result.stdout))
    assert named >= KEYS
