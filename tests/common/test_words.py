"""Pieces of English shared by messages."""

from __future__ import annotations

import pytest

from common.words import a_or_an

AN = ("8", "8.5", "11", "18", "80", "800", "11000")
A = ("7.5", "10", "1", "110", "24", "")


@pytest.mark.parametrize(("number", "article"), [*((n, "an") for n in AN), *((n, "a") for n in A)])
def test_the_article_before_a_number_follows_how_it_is_read(number: str, article: str) -> None:
    assert a_or_an(number) == article
