"""The reports over HTTP: an organisation's "Treball en xarxa" page (as a
page, an embeddable fragment and Markdown), in the language asked for and
as of a day, showing only what the viewer may see."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from xarxa.core import dates
from xarxa.directory.models import Organization
from xarxa.directory.views import viewer, visible_organization
from xarxa.reports import annual, pdf
from xarxa.reports import facts as f
from xarxa.reports import page as p
from xarxa.reports.indicators import FIRST_YEAR, LAST_YEAR

LANGUAGES = [(code, name) for code, name in settings.LANGUAGES]


class PageQuery(forms.Form):
    lang = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, required=False)
    as_of = forms.CharField(label=_("As of"), required=False, max_length=10,
                            help_text=_("A year, a month or a day: 2019, 2019-06. Blank: today."))

    def clean_as_of(self) -> str | None:
        try:
            return dates.parse(self.cleaned_data.get("as_of") or None)
        except dates.PartialDateError as problem:
            raise forms.ValidationError(str(problem)) from problem


def _query(request: HttpRequest) -> tuple[PageQuery, str, str | None]:
    form = PageQuery(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    lang = data.get("lang") or (translation.get_language() or "ca")[:2]
    return form, lang, data.get("as_of")


def _document(request: HttpRequest, pk: str, lang: str, as_of: str | None
              ) -> tuple[Organization, p.Document]:
    org = visible_organization(request, pk, "area")
    with translation.override(lang):
        gathered = f.gather(org, viewer(request), f.Period.day(as_of), lang=lang)
        return org, p.build(gathered)


def page(request: HttpRequest, pk: str) -> HttpResponse:
    """The page, with the choice of language and date, and its other forms."""
    form, lang, as_of = _query(request)
    org, doc = _document(request, pk, lang, as_of)
    return render(request, "reports/page.html", {
        "org": org, "doc": doc, "form": form, "lang": lang, "as_of": as_of or "",
        "today": dates.as_of_text(None),
    }, status=400 if form.errors else 200)


def page_fragment(request: HttpRequest, pk: str) -> HttpResponse:
    """The page as a fragment of HTML for the entity's own website: no
    styles, no scripts, every text escaped."""
    form, lang, as_of = _query(request)
    __, doc = _document(request, pk, lang, as_of)
    response = render(request, "reports/page_fragment.html", {"doc": doc},
                      status=400 if form.errors else 200)
    # Another site may fetch it (without cookies: what a visitor sees).
    response["Access-Control-Allow-Origin"] = "*"
    return response


def page_markdown(request: HttpRequest, pk: str) -> HttpResponse:
    form, lang, as_of = _query(request)
    org, doc = _document(request, pk, lang, as_of)
    response = HttpResponse(p.markdown(doc), content_type="text/markdown; charset=utf-8",
                            status=400 if form.errors else 200)
    response["Content-Disposition"] = f'inline; filename="{filename(org.pk, lang)}.md"'
    return response


def filename(pk: str, lang: str, suffix: str = "treball-en-xarxa") -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in pk)[:80] or "xarxa"
    return f"{safe}-{suffix}-{lang}"


# -- The annual report -----------------------------------------------------------

REPORT_FORMATS = {"pdf": "application/pdf", "md": "text/markdown; charset=utf-8",
                  "html": "text/html; charset=utf-8"}


def reported(request: HttpRequest, pk: str, year: int, *related: str) -> Organization:
    """The organisation a report of `year` is about, or 404: a year out of
    the reports' range, an organisation the viewer may not see."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return visible_organization(request, pk, *related)


def _annual(request: HttpRequest, pk: str, year: int) -> annual.Annual:
    return annual.build(reported(request, pk, year, "area"), viewer(request), year)


def annual_report(request: HttpRequest, pk: str, year: int) -> HttpResponse:
    """The annual report as a page of the site, with its downloads."""
    a = _annual(request, pk, year)
    response = render(request, "reports/annual.html", {"a": a, "facts": a.facts,
                                                       "indicators": a.indicators})
    private(request, response)
    return response


def annual_file(request: HttpRequest, pk: str, year: int, fmt: str) -> HttpResponse:
    """The annual report as PDF, Markdown or a standalone HTML document. A
    PDF is made once per state of the records and reader (`pdf.kept_pdf`)."""
    if fmt not in REPORT_FORMATS:
        raise Http404
    org = reported(request, pk, year, "area")
    v = viewer(request)
    lang = (translation.get_language() or "ca")[:2]
    if fmt == "pdf":
        body = pdf.kept_pdf(("annual", org.pk, year, lang, pdf.audience(v)),
                            lambda: annual.render_pdf(annual.build(org, v, year)))
    elif fmt == "md":
        body = annual.markdown(annual.build(org, v, year)).encode()
    else:
        body = annual.render_html(annual.build(org, v, year), standalone=True).encode()
    response = HttpResponse(body, content_type=REPORT_FORMATS[fmt])
    name = f"{filename(org.pk, lang, f'memoria-{year}')}.{fmt}"
    response.headers["Content-Disposition"] = content_disposition_header(fmt == "pdf", name) or ""
    private(request, response)
    return response


def private(request: HttpRequest, response: HttpResponse) -> None:
    """What a signed-in person sees is theirs: no shared cache keeps it."""
    if viewer(request).authenticated:
        response.headers["Cache-Control"] = "private"
