"""The one formatter for rates (`percent`)."""

from __future__ import annotations

import pytest

from leaddesk.core.domain.text import percent


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [(12, 32, "38%"), (1, 3, "33%"), (2, 3, "67%"), (29, 200, "15%"), (0, 5, "0%"), (3, 0, "–")],
)
def test_percent_rounds_halves_up(part, whole, text):
    assert percent(part, whole) == text
