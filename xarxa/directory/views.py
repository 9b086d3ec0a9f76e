"""The public face of the registry: the directory, an organisation's page
(its two communities: territorial and belonging), a network's page, a
person's page and an organisation's history.

Everything shown passes the viewer's rules (`xarxa.accounts.rules`): a
record the viewer may not see is left out, and a page about one answers 404.
A tie is shown only when it and the organisations at its ends are visible; a
person the viewer may not see is "a person", never a name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from xarxa.accounts.rules import Viewer, viewer_of, with_bodies
from xarxa.activity.models import Event, Participation
from xarxa.core import dates, times
from xarxa.core.models import PopoloModel, _collections
from xarxa.core.paging import CappedPaginator
from xarxa.core.templatetags.xarxa import partial_date
from xarxa.core.text import fold, words
from xarxa.directory.models import Organization, Person
from xarxa.history.models import Change
from xarxa.network.models import Membership, Post
from xarxa.territory.models import Area
from xarxa.training.models import Agreement, Placement

PAGE_SIZE = 50
# Long lists are cut: the page says how many more there are.
MEMBERS_SHOWN = 100
TIES_SHOWN = 200
EVENTS_SHOWN = 10
SEATS_PER_BODY = 30
# The classifications of networks, offered by the directory's network filter.
NETWORK_KINDS = (
    Organization.Classification.FEDERATION, Organization.Classification.PLATFORM,
    Organization.Classification.COORDINADORA, Organization.Classification.NETWORK,
)
BODY_KINDS = (
    Organization.Classification.ASSEMBLY, Organization.Classification.BOARD,
    Organization.Classification.STANDING_COMMITTEE, Organization.Classification.COMMISSION,
    Organization.Classification.WORKING_GROUP,
)
# How deep bodies nest under a network (a working group of a commission).
BODY_DEPTH = 3


def lang() -> str:
    return (get_language() or "ca")[:2]


def viewer(request: HttpRequest) -> Viewer:
    return viewer_of(request)


def visible_organization(request: HttpRequest, pk: str, *related: str) -> Organization:
    """The organisation `pk`, or 404 when it does not exist or the viewer may
    not see it (a private organisation looks like one that does not exist)."""
    # Boundaries are heavy, and the map fetches its own (`organization_map`).
    steps = [r.split("__") for r in related if r.startswith("area")]
    heavy = {"__".join(s[:i]) + "__geometry" for s in steps for i in range(1, len(s) + 1)}
    org = Organization.objects.select_related(*related).defer(*sorted(heavy)).filter(pk=pk).first()
    if org is None:
        raise Http404
    viewer(request).require_sees(org)
    return org


def membership_q(v: Viewer) -> Q:
    """Memberships the viewer may see: the tie itself, the organisations at its
    ends and on whose behalf, and its seat."""
    return (v.visible_q(Membership)
            & v.visible_or_none_q(Organization, "member_organization")
            & v.visible_or_none_q(Organization, "organization")
            & v.visible_or_none_q(Organization, "on_behalf_of")
            & v.visible_or_none_q(Post, "post"))


def participation_q(v: Viewer) -> Q:
    """Participations the viewer may see, in events they may see, by
    organisations they may see."""
    return (v.visible_q(Participation)
            & v.visible_q(Event, "event__")
            & v.visible_or_none_q(Organization, "organization")
            & v.visible_or_none_q(Organization, "on_behalf_of"))


def person_name(v: Viewer, person: Person | None) -> str | None:
    """The person's name when the viewer may see them, else None ("a person")."""
    return person.name if person is not None and v.sees(person) else None


def when(value: str | None) -> str:
    """An event time in the user's language: "4 October 2025, 10:30"."""
    if not value:
        return ""
    if times.has_time(value):
        return f"{partial_date(times.day_of(value))}, {value[11:16]}"
    return partial_date(value)


def area_chain(area: Area | None, v: Viewer) -> list[Area]:
    """The area and the areas it lies in, those the viewer may see."""
    if area is None:
        return []
    return [a for a in [area, *area.ancestors()] if v.sees(a)]


# -- The directory -----------------------------------------------------------

@dataclass
class AreaTree:
    """Every area, read once (they are few: a city's barris and districts, a
    country's municipalities), for the search by place and the area filter."""

    rows: dict[str, tuple[str, str | None, str]]  # id → (name, parent id, classification)
    children: dict[str | None, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, v: Viewer) -> AreaTree:
        rows = {pk: (name, parent, kind) for pk, name, parent, kind in v.visible(
            Area.objects.all()).order_by("name").values_list("id", "name", "parent_id",
                                                             "classification")}
        tree = cls(rows)
        for pk, (__, parent, __kind) in rows.items():
            tree.children.setdefault(parent, []).append(pk)
        return tree

    def below(self, pk: str) -> set[str]:
        """`pk` and every area within it."""
        found, frontier = {pk}, [pk]
        while frontier:
            frontier = [c for p in frontier for c in self.children.get(p, []) if c not in found]
            found.update(frontier)
        return found

    def path_text(self, pk: str) -> str:
        """The folded names of the area and of those it lies in."""
        names: list[str] = []
        node: str | None = pk
        hops = 0
        while node is not None and node in self.rows and hops < 20:
            names.append(fold(self.rows[node][0]))
            node, hops = self.rows[node][1], hops + 1
        return " ".join(names)

    def matching(self, word: str) -> list[str]:
        """The areas whose name, or the name of an area they lie in, holds `word`."""
        return sorted(pk for pk in self.rows if word in self.path_text(pk))

    def options(self, limit: int = 2000) -> list[tuple[str, str]]:
        """The areas in the order of the tree (a city, its first district and
        that district's barris…), indented by depth, for the area filter."""
        out: list[tuple[str, str]] = []
        stack = [(pk, 0) for pk in reversed(self.children.get(None, []))]
        while stack and len(out) < limit:
            pk, depth = stack.pop()
            out.append((pk, "\u2003" * depth + self.rows[pk][0]))
            stack.extend((c, depth + 1) for c in reversed(self.children.get(pk, [])))
        return out


def directory(request: HttpRequest) -> HttpResponse:
    """Networks and entities (not their bodies): found by every word of their
    names or of their seat's barri, district or city, accents aside; filtered
    by classification, area and network."""
    v = viewer(request)
    query = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("classification", "")[:200]
    area = request.GET.get("area", "")[:200]
    network = request.GET.get("network", "")[:200]
    tree = AreaTree.load(v)

    orgs = v.visible(Organization.objects.filter(parent__isnull=True))
    for word in words(query):
        orgs = orgs.filter(Q(search_text__contains=word) | Q(area_id__in=tree.matching(word)))
    if kind:
        orgs = orgs.filter(classification=kind)
    if area:
        orgs = orgs.filter(area_id__in=sorted(tree.below(area)) if area in tree.rows else [])
    network_org = None
    if network:
        network_org = v.visible(Organization.objects.filter(pk=network)).first()
        places = sorted(with_bodies([network])) if network_org else []
        # The network's memberships, read through their index, then their
        # members: SQLite ran an EXISTS once per organisation (3.5 s at
        # 100,000; docs/performance.md).
        orgs = orgs.filter(pk__in=Membership.objects.filter(organization_id__in=places)
                           .filter(dates.current_q()).filter(v.visible_q(Membership))
                           .values("member_organization_id"))
    # Not the barris' boundaries: 21 KB each, sorted with every row.
    orgs = orgs.select_related("area").defer("area__geometry").order_by("name", "id")
    page = CappedPaginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))

    context = {
        "page": page, "query": query, "kind": kind, "area": area, "network": network,
        "kinds": [c for c in Organization.Classification.choices if c[0] not in BODY_KINDS],
        "areas": tree.options(),
        "areas_by_id": {pk: row[0] for pk, row in tree.rows.items()},
        "filtered": bool(query or kind or area or network),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        return htmx_part(render(request, "directory/results.html", context))
    networks = list(v.visible(Organization.objects.filter(
        parent__isnull=True, classification__in=NETWORK_KINDS)).order_by("name")[:500])
    if network_org is not None and network_org not in networks:
        networks.append(network_org)
    context["networks"] = networks
    return htmx_part(render(request, "directory/directory.html", context))


# -- An organisation ---------------------------------------------------------

@dataclass
class Tie:
    """A membership as a page shows it: whether it holds today, for how
    long, and what the viewer may do with it."""

    membership: Membership
    current: bool
    years: int | None
    person: str | None = None  # the member's name, when a person the viewer sees
    can_edit: bool = False

    @property
    def where(self) -> Organization | None:
        """The organisation or body it is in (a seat's body when only the seat is named)."""
        m = self.membership
        if m.organization_id:
            return m.organization
        return m.post.organization if m.post_id and m.post is not None else None


def tie(m: Membership, v: Viewer, today: str) -> Tie:
    current = dates.is_current(m.start_date, m.end_date, today)
    years = dates.years_between(m.start_date, today) if m.start_date and current else None
    return Tie(m, current, years, person_name(v, m.person) if m.person_id else None,
               v.can_edit(m))


@dataclass
class Belonging:
    """A network and the organisation's ties with it and its bodies."""

    network: Organization
    direct: list[Tie] = field(default_factory=list)  # in the network itself
    seats: list[Tie] = field(default_factory=list)  # in its bodies

    @property
    def current(self) -> bool:
        return any(t.current for t in (*self.direct, *self.seats))


def belongings(ties: Iterable[Tie]) -> list[Belonging]:
    """Ties grouped by the network they are in (a body's network)."""
    found: dict[str, Belonging] = {}
    for t in ties:
        where = t.where
        if where is None:
            continue
        network, hops = where, 0
        while network.parent_id and network.parent is not None and hops < BODY_DEPTH:
            network, hops = network.parent, hops + 1
        group = found.setdefault(network.pk, Belonging(network))
        (group.direct if where.pk == network.pk else group.seats).append(t)
    return sorted(found.values(), key=lambda b: fold(b.network.name_in(lang())))


@dataclass
class Activity:
    """A participation as a page lists it."""

    participation: Participation
    when: str
    role: str
    hours: Decimal | None
    person: str | None


def activity(p: Participation, v: Viewer) -> Activity:
    length = p.hours if p.hours is not None else p.event.hours()
    # "2.5", not "2.50": the template localises the number ("2,5" in Catalan).
    hours = None if length is None else Decimal(f"{length:.2f}".rstrip("0").rstrip("."))
    role = str(dict(Participation.Role.choices).get(p.role, p.role))
    return Activity(p, when(p.event.start_date), role, hours,
                    person_name(v, p.person) if p.person_id else None)


def events_of(participations: QuerySet[Participation], v: Viewer,
              today: str) -> tuple[list[Activity], list[Activity]]:
    """The upcoming (soonest first) and recent (latest first) events of these
    participations, a few of each."""
    rows = participations.filter(participation_q(v)).select_related(
        "event", "person", "organization", "on_behalf_of")
    upcoming = rows.filter(event__start_date__gte=today).order_by("event__start_date", "pk")
    recent = rows.filter(event__start_date__lt=today).order_by("-event__start_date", "pk")
    return ([activity(p, v) for p in upcoming[:EVENTS_SHOWN]],
            [activity(p, v) for p in recent[:EVENTS_SHOWN]])


def territory_of(org: Organization, v: Viewer) -> list[tuple[Area, str]]:
    """The areas of its two-dimensional community's territorial side: its
    seat and where that lies, and the areas of the events it took part in."""
    found: list[tuple[Area, str]] = []
    seen: set[str] = set()
    chain = area_chain(org.area, v)
    for i, area in enumerate(chain):
        found.append((area, "seat" if i == 0 else "within"))
        seen.add(area.pk)
    served = Participation.objects.filter(Q(organization=org) | Q(on_behalf_of=org)).filter(
        participation_q(v)).filter(event__area__isnull=False).values("event__area_id")
    for area in (v.visible(Area.objects.filter(pk__in=served)).defer("geometry")
                 .order_by("name")[:50]):
        if area.pk not in seen:
            found.append((area, "service"))
    return found


def organization(request: HttpRequest, pk: str) -> HttpResponse:
    """An organisation and its community in two dimensions, side by side:
    territorial (the areas of its seat and of what it does) and belonging
    (its networks, the seats it holds and on whose behalf), with its events,
    agreements and placements as far as the viewer may see them."""
    v = viewer(request)
    org = visible_organization(request, pk, "parent", "area__parent__parent__parent")
    today = dates.as_of_text(None)
    mq = membership_q(v)

    ties = [tie(m, v, today) for m in Membership.objects.filter(member_organization=org)
            .filter(mq).select_related(
                "organization__parent__parent", "post__organization__parent", "on_behalf_of")
            .order_by("-start_date", "pk")[:TIES_SHOWN]]
    groups = belongings(ties)
    # Others who sit somewhere for it: organisations on its behalf, and people.
    for_it = [tie(m, v, today) for m in Membership.objects.filter(on_behalf_of=org)
              .filter(mq).select_related("organization__parent", "post", "member_organization",
                                         "on_behalf_of",
                                         "person")
              .order_by("organization__name", "pk")[:TIES_SHOWN]]
    own_people = [tie(m, v, today) for m in Membership.objects.filter(
        organization=org, person__isnull=False).filter(mq).filter(dates.current_q())
        .select_related("post", "person").order_by("post__label", "pk")[:TIES_SHOWN]]
    bodies = list(v.visible(org.children.all()).order_by("name"))
    members = Membership.objects.filter(organization=org).filter(mq).filter(dates.current_q())
    member_count = members.count()

    upcoming, recent = events_of(
        Participation.objects.filter(Q(organization=org) | Q(on_behalf_of=org)), v, today)

    # The parties are a JSON list: its text finds the candidates, reading it says.
    agreements = [a for a in Agreement.objects.filter(parties__icontains=f'"{org.pk}"')
                  .filter(v.visible_q(Agreement)).with_renewed()
                  .order_by("-start_date", "name")[:50] if org.pk in a.party_ids()]
    placements = [(p, person_name(v, p.student)) for p in v.visible(
        Placement.objects.filter(host=org)).filter(v.visible_q(Agreement, "agreement__"))
        .select_related("student", "programme", "agreement").order_by("-start_date")[:50]]

    return render(request, "directory/organization.html", {
        "org": org,
        "name": org.name_in(lang()),
        "parent_name": org.parent.name_in(lang()) if org.parent else "",
        "territory": territory_of(org, v),
        "current": [g for g in groups if g.current],
        "past": [g for g in groups if not g.current],
        "for_it": [t for t in for_it if t.current],
        "for_it_past": [t for t in for_it if not t.current],
        "own_people": own_people,
        "bodies": bodies,
        "member_count": member_count,
        "is_network": bool(bodies or member_count),
        "upcoming": upcoming,
        "recent": recent,
        "agreements": agreements,
        "placements": placements,
        "can_act": v.can_act_for(org.pk),
        "can_administer": v.can_administer(org.pk),
        "today": today,
    })


# -- A network ---------------------------------------------------------------

@dataclass
class Body:
    org: Organization
    ties: list[Tie]
    count: int
    vacant: list[Post]
    can_act: bool


def network(request: HttpRequest, pk: str) -> HttpResponse:
    """A network: its members (paginated: a federation may have thousands),
    its bodies and who sits in each on whose behalf (with the vacant seats),
    its meetings, and its past members."""
    v = viewer(request)
    org = visible_organization(request, pk, "parent")
    today = dates.as_of_text(None)
    mq = membership_q(v)

    members = (Membership.objects.filter(organization=org).filter(mq)
               .filter(dates.current_q()).select_related("member_organization", "person",
                                                        "on_behalf_of")
               .order_by("member_organization__name", "person__name", "pk"))
    more_from = parse_offset(request.GET.get("from"))
    if request.headers.get("HX-Request") and "from" in request.GET:
        shown = [tie(m, v, today) for m in members[more_from:more_from + MEMBERS_SHOWN]]
        return htmx_part(render(request, "directory/network_members.html", {
            "org": org, "members": shown, "next_from": more_from + MEMBERS_SHOWN,
            "member_count": members.count()}))
    member_count = members.count()
    shown = [tie(m, v, today) for m in members[more_from:more_from + MEMBERS_SHOWN]]

    # Its bodies and theirs, one level at a time: "parent = X OR parent's
    # parent = X" cannot use an index, and scanned every organisation
    # (97 ms on PostgreSQL at 100,000, docs/performance.md).
    first = list(Organization.objects.filter(parent=org).values_list("pk", flat=True))
    second = list(Organization.objects.filter(parent_id__in=first).values_list("pk", flat=True))
    bodies = list(v.visible(Organization.objects.filter(pk__in=[*first, *second]))
                  .select_related("parent").order_by("name"))
    body_ids = [b.pk for b in bodies]
    # The first seats of every body in one query (an assembly may have thousands).
    seated = (Membership.objects.filter(organization_id__in=body_ids).filter(mq)
              .filter(dates.current_q()).annotate(n=Window(
                  RowNumber(), partition_by=[F("organization_id")],
                  order_by=[F("post__label").asc(nulls_last=True), F("pk").asc()]))
              .filter(n__lte=SEATS_PER_BODY)
              .select_related("member_organization", "person", "post", "on_behalf_of")
              .order_by("organization_id", "n"))
    by_body: dict[str, list[Tie]] = {}
    for m in seated:
        by_body.setdefault(str(m.organization_id), []).append(tie(m, v, today))
    counts = dict(Membership.objects.filter(organization_id__in=body_ids).filter(mq)
                  .filter(dates.current_q()).values_list("organization_id")
                  .annotate(n=Count("pk")).values_list("organization_id", "n"))
    # A seat is vacant when nobody holds it today, whoever may see the holder.
    posts = list(v.visible(Post.objects.filter(organization_id__in=body_ids))
                 .filter(dates.current_q()).filter(~Exists(
                     Membership.objects.filter(post=OuterRef("pk")).filter(dates.current_q())))
                 .order_by("label")[:500])
    vacant: dict[str, list[Post]] = {}
    for post in posts:
        vacant.setdefault(str(post.organization_id), []).append(post)
    body_rows = [Body(b, by_body.get(b.pk, []), counts.get(b.pk, 0), vacant.get(b.pk, []),
                      v.can_act_for(b.pk)) for b in bodies]

    meetings = v.visible(Event.objects.filter(organization_id__in=[org.pk, *body_ids])).select_related(
        "organization")
    upcoming = list(meetings.filter(start_date__gte=today).order_by("start_date", "pk")[:EVENTS_SHOWN])
    recent = list(meetings.filter(start_date__lt=today).order_by("-start_date", "pk")[:EVENTS_SHOWN])

    past = (Membership.objects.filter(organization=org, end_date__lt=today).filter(mq)
            .exclude(end_date__in=[today[:7], today[:4]])
            .select_related("member_organization", "person").order_by("-end_date", "pk"))
    past_shown = [tie(m, v, today) for m in past[:MEMBERS_SHOWN]]

    return htmx_part(render(request, "directory/network.html", {
        "org": org,
        "name": org.name_in(lang()),
        "members": shown,
        "member_count": member_count,
        "next_from": more_from + MEMBERS_SHOWN,
        "bodies": body_rows,
        "upcoming": [(e, when(e.start_date)) for e in upcoming],
        "recent": [(e, when(e.start_date)) for e in recent],
        "past": past_shown,
        "past_more": max(past.count() - len(past_shown), 0) if len(past_shown) == MEMBERS_SHOWN
        else 0,
        "can_act": v.can_act_for(org.pk),
    }))


def htmx_part(response: HttpResponse) -> HttpResponse:
    """A URL answers with a whole page or, to htmx, a part of it: caches
    must keep them apart."""
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def parse_offset(value: str | None) -> int:
    try:
        return max(0, min(int(value or 0), 10_000_000))
    except ValueError:
        return 0


# -- A person ----------------------------------------------------------------

def person(request: HttpRequest, pk: str) -> HttpResponse:
    """A person: private unless their record says otherwise. Their seats and
    representations, the events they took part in, and the placements they
    tutored, each as far as the viewer may see."""
    v = viewer(request)
    found = Person.objects.select_related("owner").filter(pk=pk).first()
    if found is None:
        raise Http404
    v.require_sees(found)
    today = dates.as_of_text(None)
    ties = [tie(m, v, today) for m in Membership.objects.filter(person=found)
            .filter(membership_q(v)).select_related(
                "organization__parent", "post__organization", "on_behalf_of")
            .order_by("-start_date", "pk")[:TIES_SHOWN]]
    upcoming, recent = events_of(Participation.objects.filter(person=found), v, today)
    placements = v.visible(Placement.objects.filter(
        Q(entity_tutor=found) | Q(academic_tutor=found) | Q(student=found))).filter(
        v.visible_q(Organization, "host__")).select_related(
        "host", "student", "programme", "entity_tutor", "academic_tutor").order_by("-start_date")
    placement_rows = [{
        "placement": p,
        "as": ("student" if p.student_id == found.pk else
               "entity tutor" if p.entity_tutor_id == found.pk else "academic tutor"),
        "student": person_name(v, p.student),
    } for p in placements[:50]]
    return render(request, "directory/person.html", {
        "person": found,
        "owner": found.owner if found.owner is not None and v.sees(found.owner) else None,
        "current": [t for t in ties if t.current],
        "past": [t for t in ties if not t.current],
        "upcoming": upcoming,
        "recent": recent,
        "placements": placement_rows,
        "can_edit": v.can_edit(found),
    })


# -- An organisation's history -----------------------------------------------

HIDDEN_KEYS = {"id"}


@dataclass
class Shown:
    change: Change
    kind: str
    diff: list[tuple[str, str, str]]
    who: str


def short(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:200] + "…"


def key_label(model: type[PopoloModel] | None, key: str) -> str:
    """A Popolo key as the forms name it ("start_date" → "start")."""
    if model is None:
        return key
    from django.core.exceptions import FieldDoesNotExist

    try:
        found = model._meta.get_field(model.field_for(key))
    except FieldDoesNotExist:  # a key the model no longer has
        return key
    return str(getattr(found, "verbose_name", key))


def history(request: HttpRequest, pk: str) -> HttpResponse:
    """The changes to an organisation and to the records it keeps, newest
    first: who changed what, when, from what to what. Only the changes of
    records the viewer may see."""
    v = viewer(request)
    org = visible_organization(request, pk)
    q = Q(model="directory.organization", object_id=org.pk)
    models: dict[str, type[PopoloModel]] = {}
    for model in _collections().values():
        label = model._meta.label_lower
        models[label] = model
        kept = model._default_manager.filter(owner=org).filter(v.visible_q(model))
        q |= Q(model=label, object_id__in=kept.values("pk"))
    changes = Change.objects.filter(q).order_by("-at", "-id")
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    # Who made a change is told to the people of the organisation, not to all.
    insider = v.site_admin or org.pk in v.orgs
    rows = []
    for change in page:
        kind = models.get(change.model)
        before, after = change.before or {}, change.after or {}
        keys = [k for k in change.changed_keys() if k not in HIDDEN_KEYS]
        rows.append(Shown(
            change, str(kind._meta.verbose_name) if kind else change.model,
            [(key_label(kind, k), short(before.get(k)), short(after.get(k))) for k in keys],
            change.actor_label if insider else change.actor_label.split(":", 1)[0]))
    return render(request, "directory/history.html", {
        "org": org, "name": org.name_in(lang()), "page": page, "rows": rows})
