"""What the report tests share: reading a page's text, and the English
words of the reports that a translated page must not show."""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "xarxa" / "locale"


def text_of(page: str) -> str:
    """The words of an HTML page, as a reader sees them."""
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@cache
def english_words(lang: str, where: str = "reports/") -> tuple[str, ...]:
    """The fixed words of the reports' English strings (between their
    placeholders, at least three words long) that `lang` translates
    differently: one of them on a page in `lang` is a string left
    untranslated."""
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    found = set()
    for entry in po:
        if not any(path.startswith(where) for path, __ in entry.occurrences):
            continue
        for msgid, msgstr in ((entry.msgid, entry.msgstr or entry.msgstr_plural.get(0, "")),
                              (entry.msgid_plural, entry.msgstr_plural.get(1, ""))):
            if not msgid:
                continue
            for part in re.split(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}|[«»:;,.()…—]", msgid):
                part = part.strip()
                if len(part.split()) >= 3 and part not in msgstr:
                    found.add(part)
    return tuple(sorted(found))


def untranslated(text: str, lang: str) -> list[str]:
    return [words for words in english_words(lang) if words in text]
