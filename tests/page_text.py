"""Reading pages as a person reads them: the text, without tags, in one line."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def text_of(response_or_html, region: str = "main") -> str:
    """The visible text of a page's <main> (or of the element whose id is
    `region`, or of a fragment), tags dropped, entities decoded and
    whitespace collapsed: "ISOM · since 2009"."""
    raw = getattr(response_or_html, "content", response_or_html)
    page = raw.decode() if isinstance(raw, bytes) else str(raw)
    pattern = (r"<main\b.*?</main>" if region == "main" else
               r"<(\w+)[^>]*\bid=\"" + re.escape(region) + r"\".*?</\1>")
    main = re.search(pattern, page, re.S)
    body = main.group(0) if main else page
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    text = html.unescape(_TAG.sub(" ", body))
    text = _SPACE.sub(" ", text)
    return re.sub(r" ([,.)])", r"\1", text).replace("( ", "(").strip()
