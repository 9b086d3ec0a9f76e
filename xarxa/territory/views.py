"""Areas: a barri's page (its organisations, its events, the areas within it
and those it lies in) and the map data of an area and of an organisation's
territorial community, as GeoJSON for `static/xarxa/map.js`.

The map data holds names that users wrote: it is JSON, encoded by the
serializer, and the script puts the names into the page as text, never as
HTML."""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from xarxa.accounts.rules import viewer_of
from xarxa.activity.models import Event
from xarxa.core import dates
from xarxa.core.text import fold
from xarxa.directory import views as directory
from xarxa.directory.models import Organization
from xarxa.territory.models import Area

PAGE_SIZE = 50
EVENTS_SHOWN = 10
# A map of a city draws its districts, not every barri of every district.
SUB_AREAS_DRAWN = 200


def visible_area(request: HttpRequest, pk: str, *, geometry: bool = False) -> Area:
    rows = Area.objects.select_related("parent__parent__parent").defer(
        "parent__geometry", "parent__parent__geometry", "parent__parent__parent__geometry")
    if not geometry:
        rows = rows.defer("geometry")
    area = rows.filter(pk=pk).first()
    if area is None:
        raise Http404
    viewer_of(request).require_sees(area)
    return area


def below(area: Area) -> list[str]:
    """The area and every area within it, as ids (the tree is read level by
    level: a city holds districts, a district barris)."""
    found, frontier = {area.pk}, [area.pk]
    for __ in range(8):
        frontier = [pk for pk in Area.objects.filter(parent_id__in=frontier).values_list(
            "id", flat=True) if pk not in found]
        if not frontier:
            break
        found.update(frontier)
    return sorted(found)


def area(request: HttpRequest, pk: str) -> HttpResponse:
    """An area: the organisations whose seat is in it (or in an area within
    it), the events held in it, the areas within it and those it lies in, and
    the map with its boundary."""
    v = viewer_of(request)
    place = visible_area(request, pk)
    within = below(place)
    today = dates.as_of_text(None)

    orgs = (v.visible(Organization.objects.filter(area_id__in=within, parent__isnull=True))
            .select_related("area").defer("area__geometry").order_by("name", "id"))
    page = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    events = (v.visible(Event.objects.filter(area_id__in=within))
              .select_related("area", "organization").defer("area__geometry"))
    upcoming = events.filter(start_date__gte=today).order_by("start_date", "pk")[:EVENTS_SHOWN]
    recent = events.filter(start_date__lt=today).order_by("-start_date", "pk")[:EVENTS_SHOWN]
    children = v.visible(Area.objects.filter(parent=place)).defer("geometry").order_by("name")

    return render(request, "territory/area.html", {
        "area": place,
        "chain": [a for a in place.ancestors() if v.sees(a)][::-1],
        "children": sorted(children[:1000], key=lambda a: fold(a.name)),
        "page": page,
        "upcoming": [(e, directory.when(e.start_date)) for e in upcoming],
        "recent": [(e, directory.when(e.start_date)) for e in recent],
    })


def feature(area: Area, role: str) -> dict[str, Any]:
    """An area as a GeoJSON feature, its name as data."""
    return {
        "type": "Feature",
        "id": area.pk,
        "geometry": area.geometry,
        "properties": {"id": area.pk, "name": area.name, "role": role,
                       "url": reverse("area", args=[area.pk])},
    }


# Names are users' text: <, > and & travel escaped, so the data cannot
# become markup even where a browser would guess it is HTML.
JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def collection(features: list[dict[str, Any]]) -> HttpResponse:
    data = {"type": "FeatureCollection",
            "features": [f for f in features if is_geometry(f["geometry"])]}
    return HttpResponse(json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES),
                        content_type="application/geo+json")


def is_geometry(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("type"), str) and (
        "coordinates" in value or "geometries" in value)


def area_map(request: HttpRequest, pk: str) -> HttpResponse:
    """The area's boundary and those of the areas directly within it."""
    v = viewer_of(request)
    place = visible_area(request, pk, geometry=True)
    children = v.visible(Area.objects.filter(parent=place)).order_by("name")[:SUB_AREAS_DRAWN]
    return collection([feature(place, "area"), *(feature(a, "sub-area") for a in children)])


def organization_map(request: HttpRequest, pk: str) -> HttpResponse:
    """An organisation's territorial community: its seat (and the district it
    lies in), and the areas where it took part in events."""
    v = viewer_of(request)
    org = directory.visible_organization(request, pk, "area__parent__parent__parent")
    areas = directory.territory_of(org, v)
    ids = [a.pk for a, role in areas if role != "within"]
    # The seat's district gives the barri its place; wider areas would hide it.
    within = [a.pk for a, role in areas if role == "within"][:1]
    shapes = {a.pk: a for a in Area.objects.filter(pk__in=[*ids, *within])}
    order = {"within": 0, "service": 1, "seat": 2}  # the seat drawn last, on top
    return collection([feature(shapes[a.pk], role) for a, role in
                       sorted(areas, key=lambda item: order[item[1]]) if a.pk in shapes])
