"""The public face of the registry: organisations and how they belong.

People are personal data, private by default: these pages show organisations
and the ties between organisations only. (The web application issue adds
accounts, roles and per-record visibility.)
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from xarxa.core import dates
from xarxa.directory.models import Organization
from xarxa.network.models import Membership

PAGE_SIZE = 50


def directory(request: HttpRequest) -> HttpResponse:
    """Networks and entities (not their bodies), searchable by name."""
    query = request.GET.get("q", "").strip()[:200]
    orgs = Organization.objects.filter(parent__isnull=True).select_related("area")
    if query:
        orgs = orgs.filter(Q(name__icontains=query) | Q(id__icontains=query))
    page = Paginator(orgs.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/directory.html", {"page": page, "query": query})


def organization(request: HttpRequest, pk: str) -> HttpResponse:
    org = get_object_or_404(Organization.objects.select_related("parent", "area__parent__parent"),
                            pk=pk)
    today = dates.as_of_text(None)
    ties = (
        Membership.objects.filter(member_organization=org)
        .select_related("organization__parent", "post", "on_behalf_of")
        .order_by("organization__name", "start_date")
    )
    belongs = [describe(m, today) for m in ties]
    members = (
        Membership.objects.filter(organization=org, member_organization__isnull=False)
        .select_related("member_organization", "on_behalf_of")
        .order_by("member_organization__name")[:500]
    )
    return render(request, "directory/organization.html", {
        "org": org,
        "area_chain": [org.area, *org.area.ancestors()] if org.area else [],
        "current": [t for t in belongs if t["current"]],
        "past": [t for t in belongs if not t["current"]],
        "bodies": org.children.order_by("name"),
        "members": [describe(m, today) for m in members],
    })


def describe(m: Membership, today: str) -> dict[str, object]:
    years = dates.years_between(m.start_date, today) if m.start_date else None
    return {
        "membership": m,
        "current": dates.is_current(m.start_date, m.end_date, today),
        "years": years,
    }
