"""Free text people write (team and agent names, token labels, notes): one line of printable text.

A control character in a name goes wherever the name goes: a carriage return splits a CSV row
(and can start a formula on the next line), a line feed breaks a calendar's content line, a
character XLSX forbids makes the workbook fail, and PostgreSQL refuses NUL. Invisible format
characters (zero-width spaces, direction marks and overrides, a byte-order mark) make two names
look alike, or a name read differently from what it holds. All are refused where the text comes
in, with where it was; the zero-width joiner and non-joiner stay, which some scripts (Persian,
Indic) and emoji need.
"""

from __future__ import annotations

import unicodedata

_KEPT_FORMAT = frozenset("\u200c\u200d")  # zero-width non-joiner and joiner: parts of words
# characters of letter or symbol classes that show nothing (Hangul fillers, the blank braille cell)
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def control_character(text: str) -> str | None:
    """Why `text` cannot be one line of plain text (its first control or invisible format
    character, named), or None."""
    for position, char in enumerate(text, start=1):
        kind = unicodedata.category(char)
        if kind in ("Cc", "Zl", "Zp") or (kind == "Cf" and char not in _KEPT_FORMAT):
            return (
                f"holds a control or invisible character ({char!r}, character {position}): "
                "write it on one line, without tabs, line breaks, direction marks or zero-width spaces"
            )
    return None


def shows_something(text: str) -> bool:
    """Whether `text` has a character a reader sees (a letter, digit, punctuation or symbol)."""
    return any(unicodedata.category(c)[0] in "LNPS" and c not in _BLANK_LOOKING for c in text)


# letters Unicode does not decompose into a base letter and a mark, as HR systems and keyboards
# without them write them (Turkish ı, Danish ø, Polish ł, ...); keys are case-folded (ß folds to ss)
_UNDECOMPOSED_LETTERS = str.maketrans(
    {
        "ı": "i",
        "ø": "o",
        "ł": "l",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
        "ĸ": "k",
    }
)


def folded_name(text: str) -> str:
    """A name as name matching compares it: any case, spaces collapsed, without accents, and letters
    Unicode does not decompose spelt as ASCII writes them ("Mehmet  Yılmaz", "MEHMET YILMAZ" and
    "mehmet yilmaz" all read "mehmet yilmaz"; "Søren Ødegård" reads "soren odegard")."""
    # Unicode's compatibility caseless match: NFKD, case-folded, NFKD again; then the marks dropped
    key = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", " ".join(text.split())).casefold())
    return "".join(c for c in key if not unicodedata.combining(c)).translate(_UNDECOMPOSED_LETTERS)
