"""The one formatter for rates (`percent`)."""

from __future__ import annotations

import pytest

from leaddesk.core.domain.text import percent, touch_subject


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [(12, 32, "38%"), (1, 3, "33%"), (2, 3, "67%"), (29, 200, "15%"), (0, 5, "0%"), (3, 0, "–")],
)
def test_percent_rounds_halves_up(part, whole, text):
    assert percent(part, whole) == text


@pytest.mark.parametrize(
    ("channel", "label", "text"),
    [
        ("call", "no answer", "the call with Naomi Fischer (no answer)"),
        ("email", "email sent", "the email to Naomi Fischer"),
        ("letter", "letter sent", "the letter to Naomi Fischer"),
        ("system", "closed as lost", "Naomi Fischer: closed as lost"),
    ],
)
def test_a_touch_is_named_as_a_rep_would(channel, label, text):
    assert touch_subject(channel, label, "Naomi Fischer") == text
