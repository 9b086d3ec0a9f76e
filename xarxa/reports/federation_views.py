"""A federation's report over HTTP: the page of a network's year, with a
year picker, and the same report as PDF or Markdown. Only what the viewer
may see; a body's address leads to its network's report."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language

from xarxa.accounts.rules import viewer_of
from xarxa.directory.models import Organization
from xarxa.reports import federation as fed
from xarxa.reports import pdf
from xarxa.reports.facts import ancestors, network_of
from xarxa.reports.indicators import FIRST_YEAR, LAST_YEAR
from xarxa.reports.views import filename, reported
from xarxa.reports.views import private as _private

FORMATS = {"pdf": "application/pdf", "md": "text/markdown; charset=utf-8"}


def _network_of_body(request: HttpRequest, body: Organization) -> Organization:
    """The network a body belongs to (404 when the viewer may not see it)."""
    network = network_of(body, ancestors([body]))
    viewer_of(request).require_sees(network)
    return network


def federation(request: HttpRequest, pk: str, year: int) -> HttpResponse:
    """The report as a page of the site, with the year picker and downloads.
    `?year=2024` (the picker's form) leads to that year's address."""
    asked = request.GET.get("year", "").strip()
    if asked:
        if asked.isdigit() and FIRST_YEAR <= int(asked) <= LAST_YEAR:
            return HttpResponseRedirect(reverse("reports:federation", args=[pk, int(asked)]))
        raise Http404
    network = reported(request, pk, year)
    if network.parent_id:
        up = _network_of_body(request, network)
        return HttpResponseRedirect(reverse("reports:federation", args=[up.pk, year]))
    report = fed.build(network, viewer_of(request), year)
    response = render(request, "reports/federation.html", {"r": report, "title": fed.title(report)})
    _private(request, response)
    return response


def federation_file(request: HttpRequest, pk: str, year: int, fmt: str) -> HttpResponse:
    """The report as a PDF (a download) or as Markdown."""
    if fmt not in FORMATS:
        raise Http404
    network = reported(request, pk, year)
    if network.parent_id:
        up = _network_of_body(request, network)
        return HttpResponseRedirect(reverse("reports:federation_file", args=[up.pk, year, fmt]))
    v = viewer_of(request)
    lang = (get_language() or "ca")[:2]
    if fmt == "pdf":
        content = pdf.kept_pdf(("federation", network.pk, year, lang, pdf.audience(v)),
                               lambda: fed.render_pdf(fed.build(network, v, year)))
    else:
        content = fed.markdown(fed.build(network, v, year)).encode()
    response = HttpResponse(content, content_type=FORMATS[fmt])
    name = f"{filename(network.pk, lang, f'federacio-{year}')}.{fmt}"
    response.headers["Content-Disposition"] = content_disposition_header(fmt == "pdf", name) or ""
    _private(request, response)
    return response
