"""An organisation's indicators for a year: the page, and the same table as a
CSV, XLSX or JSON download. What is counted is what the organisation's page
shows the viewer."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from xarxa.accounts.rules import viewer_of
from xarxa.activity.hours import UnknownOrganization
from xarxa.reports.indicator_files import CONTENT_TYPES, FORMATS, as_bytes
from xarxa.reports.indicators import FIRST_YEAR, LAST_YEAR, Indicators, indicators_for
from xarxa.reports.views import reported

# An id becomes part of a file name: anything else than these turns into "-".
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _indicators(request: HttpRequest, pk: str, year: int) -> Indicators:
    reported(request, pk, year)
    try:
        return indicators_for(pk, year, viewer_of(request))
    except UnknownOrganization:
        raise Http404 from None


def indicators(request: HttpRequest, pk: str, year: int) -> HttpResponse:
    ind = _indicators(request, pk, year)
    response = render(request, "reports/indicators.html", {
        "indicators": ind,
        "formats": FORMATS,
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
    })
    if viewer_of(request).authenticated:
        response.headers["Cache-Control"] = "private"
    return response


def indicators_file(request: HttpRequest, pk: str, year: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    ind = _indicators(request, pk, year)
    name = f"indicators-{UNSAFE.sub('-', pk).strip('-.') or 'organisation'}-{year}.{fmt}"
    response = HttpResponse(as_bytes(ind, fmt), content_type=CONTENT_TYPES[fmt])
    response.headers["Content-Disposition"] = content_disposition_header(True, name)
    if viewer_of(request).authenticated:
        response.headers["Cache-Control"] = "private"
    return response
