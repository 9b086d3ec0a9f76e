"""Small views every page uses."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from xarxa.accounts.rules import viewer_of
from xarxa.core.models import model_for
from xarxa.core.text import words

LOOKUP_LIMIT = 20
# The collections a form's lookup box may search, and the text fields it looks in.
LOOKUPS = {
    "organizations": ("search_text",),
    "events": ("name",),
    "areas": ("name",),
    "persons": ("name",),
}


def lookup(request: HttpRequest, collection: str) -> HttpResponse:
    """`<option>`s for a form's lookup box (core.forms.RefWidget): records
    whose name holds every word typed, among those the person may see."""
    if collection not in LOOKUPS:
        raise Http404
    model = model_for(collection)
    query = request.GET.get("q") or next(
        (v for k, v in request.GET.items() if k not in ("q",)), "")
    text = str(query)[:200]
    terms = words(text)
    found = viewer_of(request).visible(model._default_manager.all())
    if collection == "organizations":
        for term in terms:
            found = found.filter(search_text__contains=term)
    else:
        # Names are matched as typed, and also without accents where the
        # typed word had none to lose ("comissio" is not "comissió" for the
        # database, but "comissió" and "tècnica" are found as typed).
        raw = text.split()[:8]
        for i, term in enumerate(terms):
            q = Q()
            for field in LOOKUPS[collection]:
                q |= Q(**{f"{field}__icontains": term})
                if i < len(raw) and raw[i].lower() != term:
                    q |= Q(**{f"{field}__icontains": raw[i]})
            found = found.filter(q | Q(pk=term))
    records = list(found.order_by(*model._meta.ordering or ["pk"])[:LOOKUP_LIMIT]) if terms else []
    return render(request, "core/lookup_options.html", {"records": records})
