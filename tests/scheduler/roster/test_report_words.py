"""The report's words for a stretch of time: a stretch that ends on a later day names that day."""

from __future__ import annotations

import pandas as pd
import pytest

from scheduler.roster.report import _span_words

TZ = "Europe/Dublin"


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("2026-11-02 01:00", "2026-11-02 05:00", "Mon 02 Nov 01:00–05:00"),
        ("2026-11-02 21:00", "2026-11-03 00:00", "Mon 02 Nov 21:00–24:00"),
        ("2026-11-02 21:00", "2026-11-03 09:00", "Mon 02 Nov 21:00–Tue 03 Nov 09:00"),
        ("2026-10-25 00:00", "2026-10-25 04:00", "Sun 25 Oct 00:00–04:00"),  # Dublin's 25-hour day
    ],
)
def test_a_stretch_in_words(start: str, end: str, words: str) -> None:
    assert _span_words(pd.Timestamp(start, tz=TZ), pd.Timestamp(end, tz=TZ)) == words
