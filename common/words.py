"""Small pieces of English that messages in every package share."""

from __future__ import annotations

import re


def a_or_an(number_text: str) -> str:
    """The article before a number as it is read aloud: "an" before 8, 11, 18, 80-89, 800-899, ...
    ("an 8 h shift", "an 11 h rest"), else "a" ("a 7.5 h shift", "a 10 h shift")."""
    whole = re.match(r"\d+", number_text.strip())
    if whole is None:
        return "a"
    digits = whole.group()
    # eleven and eighteen (and their thousands, millions) are read with a vowel too
    eleven = len(digits) % 3 == 2 and digits.startswith(("11", "18"))
    return "an" if digits.startswith("8") or eleven else "a"
