"""Free text people write (team and agent names, token labels, notes): one line of printable text.

A control character in a name goes wherever the name goes: a carriage return splits a CSV row
(and can start a formula on the next line), a line feed breaks a calendar's content line, a
character XLSX forbids makes the workbook fail, and PostgreSQL refuses NUL. Bidirectional
overrides (U+202A-U+202E, U+2066-U+2069) make a name read differently from what it holds. All are
refused where the text comes in, with where it was.
"""

from __future__ import annotations

import unicodedata

_LINE_AND_DIRECTION_CONTROLS = frozenset("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def control_character(text: str) -> str | None:
    """Why `text` cannot be one line of plain text (its first control character, named), or None."""
    for position, char in enumerate(text, start=1):
        if unicodedata.category(char) == "Cc" or char in _LINE_AND_DIRECTION_CONTROLS:
            return (
                f"holds a control character ({char!r}, character {position}): "
                "write it on one line, without tabs, line breaks or direction marks"
            )
    return None
