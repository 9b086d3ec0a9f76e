"""HTML to PDF with WeasyPrint: the annual report and the federation's
report come out of the same HTML and inline SVG charts as their pages.

WeasyPrint fetches nothing from the network: the documents carry their
charts inline and their styles in the page, and any other URL is refused
(`no_fetch`), so a name or link in the records cannot make the server
reach anywhere.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

# The report's styles for print, read once.
PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.4; color: #222; }
h1 { font-size: 18pt; margin: 0 0 4mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 0.4pt solid #999; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; font-size: 8.5pt; }
th, td { border-bottom: 0.3pt solid #bbb; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; }
figure { margin: 3mm 0; break-inside: avoid; }
svg { max-width: 100%; height: auto; }
.muted { color: #666; }
.no-print, nav, form, .site-header, .site-footer, .skip { display: none; }
a { color: inherit; text-decoration: none; }
"""


def _fetcher() -> Any:
    """WeasyPrint's URL fetcher that fetches nothing: an image or a style
    named by a URL is left out, never requested."""
    from weasyprint.urls import URLFetcher

    class NoFetch(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"not fetched: {url[:80]}")

    return NoFetch()


def html_to_pdf(html: str) -> bytes:
    """The PDF of a whole HTML document (its own <style> applies, then the
    print styles above)."""
    from weasyprint import CSS, HTML  # imported here: a second to load, only for PDFs

    fetcher = _fetcher()
    document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank")
    return bytes(document.write_pdf(stylesheets=[CSS(string=PRINT_CSS, url_fetcher=fetcher)]))


# -- PDFs made once per state of the records ------------------------------------

# Laying a long memòria out takes WeasyPrint seconds (docs/performance.md):
# a PDF is kept, per process, for as long as nothing is written anywhere —
# the newest history id (every write makes one) is part of its key, so a
# kept PDF is never stale. A few at most: they are hundreds of kilobytes.
KEPT = 16
_kept: OrderedDict[Hashable, bytes] = OrderedDict()
_lock = threading.Lock()


def audience(viewer: Any) -> Hashable:
    """What a viewer's reports depend on: everything, the public's, or the
    signed-in's with the organisations whose private records they see."""
    if viewer.site_admin:
        return "all"
    if not viewer.authenticated:
        return "public"
    return ("members", tuple(sorted(viewer.orgs)))


def kept_pdf(key: Hashable, make: Callable[[], bytes]) -> bytes:
    """The PDF for `key` (which names what it shows and for whom) as of the
    records' present state: kept, or made and kept."""
    from xarxa.history.models import newest_change_id

    full = (key, newest_change_id())
    with _lock:
        found = _kept.get(full)
        if found is not None:
            _kept.move_to_end(full)
            return found
    made = make()
    with _lock:
        _kept[full] = made
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return made


def forget() -> None:
    with _lock:
        _kept.clear()
