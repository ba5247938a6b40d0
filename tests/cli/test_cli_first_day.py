"""Issue 12, the CLI side of a rep's first day: duplicates on `add`, doubtful
numbers and extensions, and a command the empty desk can print as typed."""

from __future__ import annotations

import json

import pytest
from test_cli import add_dana, ok


def test_add_warns_about_a_phone_or_email_already_on_a_lead(cli):
    first = add_dana(cli)
    result = cli("add", "--name", "Dana W.", "--phone", "212.555.0142", "--json")
    made = json.loads(ok(result))
    assert made["duplicates"] == [
        {"id": first, "name": "Dana Whitfield", "matches": ["phone +1 212-555-0142"]}
    ]
    assert made["id"] == first + 1  # the default is to add it, with the warning
    assert f"already on lead {first} (Dana Whitfield)" in result.stderr


def test_on_duplicate_skip_adds_nothing(cli):
    first = add_dana(cli)
    result = cli("add", "--name", "Dana W.", "--phone", "(212) 555-0142", "--on-duplicate", "skip")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "not added" in result.stderr
    assert cli("show", str(first + 1)).exit_code == 1  # no such lead


@pytest.mark.parametrize("typed", ["555-0104", "(999) 555-0121"])
def test_a_number_that_is_not_valid_is_kept_and_flagged(cli, typed):
    result = cli("add", "--name", "Ina Valid", "--phone", typed)
    lead_id = int(ok(result))
    assert f"phone {typed} is not a valid number (kept as typed" in result.stderr
    shown = ok(cli("show", str(lead_id)))
    assert f"{typed} (not a valid number)" in shown
    assert "+1 5550104" not in shown and "+1 999-555-0121" not in shown


def test_an_extension_is_kept_shown_and_exported(cli):
    lead_id = int(ok(cli("add", "--name", "Exa Tension", "--phone", "(212) 555-0142 ext 3")))
    assert "+1 212-555-0142 ext. 3" in ok(cli("show", str(lead_id)))
    assert "+12125550142 ext. 3" in ok(cli("export"))
