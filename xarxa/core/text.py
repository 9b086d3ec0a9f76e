"""Text as people type it when they search: without accents, case or
punctuation, so "congres indians" finds "Congrés i els Indians"."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, no accents, words separated by single spaces.
    The Catalan "l·l" becomes "ll", as people type it."""
    text = unicodedata.normalize("NFKD", text.replace("·", "").replace("ŀ", "l").replace("Ŀ", "L"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub(" ", text).strip()


def search_text(*parts: str | None, more: Iterable[str] = ()) -> str:
    """What a record is found by: its folded names, each once."""
    seen: list[str] = []
    for part in (*parts, *more):
        folded = fold(part or "")
        if folded and folded not in seen:
            seen.append(folded)
    return " | ".join(seen)


def words(query: str) -> list[str]:
    """The folded words of a query, at most eight (each must match)."""
    return fold(query).split()[:8]


# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """A CSV or XLSX cell a spreadsheet shows as text and never runs as a
    formula: text starting with = + - @, a tab or a carriage return gets a
    leading apostrophe. Other values are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
