"""The pages of events, participations ("log hours") and campaigns. What
they show is filtered by the viewer (accounts.rules): a participation shows
when it and the organisations at both of its ends may be seen, and a person
is named only to whom may see them. Every save goes through `core.writes`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, QuerySet, Sum, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xarxa.accounts.rules import Viewer, viewer_of
from xarxa.activity.forms import (
    CampaignForm,
    EventForm,
    LogHoursForm,
    ParticipationForm,
    next_year,
    theme_name,
)
from xarxa.activity.models import Campaign, Event, Participation, Theme
from xarxa.activity.repeat import repeat
from xarxa.core import times, writes
from xarxa.core.forms import edit_record
from xarxa.core.models import PopoloModel
from xarxa.core.templatetags.xarxa import partial_date
from xarxa.core.validation import InputError
from xarxa.directory.models import Organization
from xarxa.network.forms import default_owner
from xarxa.network.views import record_to_edit

# Lists on a page stop here and say how many more there are.
PARTICIPATIONS_SHOWN = 200
EVENTS_SHOWN = 100
# How deep the activities of a campaign's actions are followed for its reach.
MAX_EVENT_DEPTH = 6
ROLE_ORDER = [Participation.Role.ORGANISER, Participation.Role.CO_ORGANISER,
              Participation.Role.SPEAKER, Participation.Role.PARTICIPANT,
              Participation.Role.VOLUNTEER]


def _param(request: HttpRequest, name: str) -> str:
    return str(request.GET.get(name, ""))[:200]


def _lang() -> str:
    return (get_language() or "ca")[:2]


# -- when -----------------------------------------------------------------------


def moment_text(value: str) -> str:
    """An event time in the user's language: "4 d'octubre de 2025, 10:30"."""
    day = partial_date(times.day_of(value))
    if not times.has_time(value):
        return day
    return f"{day}, {clock(value)}"


def clock(value: str) -> str:
    return formats.time_format(dt.datetime.fromisoformat(value).time(), "TIME_FORMAT")


def when(event: Event) -> str:
    """When an event happens, in the user's language; times are the event's
    own wall-clock times, with its zone named when it is not the usual one."""
    start, end = event.start_date, event.end_date
    if not start:
        return ""
    text = moment_text(start)
    if end and times.has_time(start) and times.has_time(end) and \
            times.day_of(start) == times.day_of(end):
        text += f"–{clock(end)}"
    elif end and end != start:
        text += f" – {moment_text(end)}"
    if event.timezone and event.timezone != times.default_zone() and (
            times.has_time(start) or times.has_time(end)):
        text += f" ({event.timezone})"
    return text


# -- what a viewer sees ---------------------------------------------------------


def visible_participations(viewer: Viewer, participations: QuerySet[Participation]) -> QuerySet:
    """The participations shown: visible, and so are the organisations at
    both ends (a person who may not be seen is shown without a name)."""
    return (participations.filter(viewer.visible_q(Participation))
            .filter(viewer.visible_or_none_q(Organization, "organization"))
            .filter(viewer.visible_or_none_q(Organization, "on_behalf_of")))


def shown(viewer: Viewer, obj: Any) -> Any:
    """`obj` if the viewer may see it, else None."""
    return obj if obj is not None and viewer.sees(obj) else None


def can_record(viewer: Viewer) -> bool:
    """May this person record anything (edit for some organisation)?"""
    return viewer.site_admin or bool(viewer.editable)


# -- event --------------------------------------------------------------------


def event(request: HttpRequest, pk: str) -> HttpResponse:
    viewer = viewer_of(request)
    record = get_object_or_404(Event.objects.select_related(
        "organization", "area", "parent", "campaign", "repeat_of"), pk=pk)
    viewer.require_sees(record)
    role_order = Case(*(When(role=role, then=Value(n)) for n, role in enumerate(ROLE_ORDER)),
                      default=Value(len(ROLE_ORDER)), output_field=IntegerField())
    taking_part = visible_participations(viewer, Participation.objects.filter(event=record))
    rows = list(taking_part.select_related("person", "organization", "on_behalf_of")
                .order_by(role_order, "pk")[:PARTICIPATIONS_SHOWN + 1])
    more = len(rows) > PARTICIPATIONS_SHOWN
    rows = rows[:PARTICIPATIONS_SHOWN]
    totals = (taking_part.aggregate(n=Count("pk"), hours=Sum("hours"), people=Sum("people_reached"))
              if more else {"n": len(rows), "hours": sum(p.hours or 0 for p in rows),
                            "people": sum(p.people_reached or 0 for p in rows)})
    lang = _lang()
    roles = dict(Participation.Role.choices)
    objectives = dict(Participation.Objective.choices)
    organisers: list[Organization] = []
    participations = []
    for p in rows:
        p.event = record  # the rights below read the event's owner from here
        if p.role in Participation.ORGANISER_ROLES:
            who = p.organization or p.on_behalf_of
            if who is not None and who not in organisers:
                organisers.append(who)
        participations.append({
            "participation": p,
            "person": shown(viewer, p.person),
            "organization": p.organization,
            "on_behalf_of": p.on_behalf_of,
            "role": roles.get(p.role, p.role),
            "objectives": [str(objectives.get(o, o)) for o in p.objectives or []],
            "can_edit": viewer.can_edit(p),
        })
    children = list(viewer.visible(record.children.all()).order_by("start_date", "pk")
                    [:EVENTS_SHOWN + 1])
    can_edit = viewer.can_edit(record)
    statuses = dict(Event.Status.choices)
    status = record.shown_status()
    return render(request, "activity/event.html", {
        "event": record,
        "when": when(record),
        "hours": record.hours(),
        "status": statuses.get(status, status),
        "organization": shown(viewer, record.organization),
        "area": shown(viewer, record.area),
        "parent": shown(viewer, record.parent),
        "campaign": shown(viewer, record.campaign),
        "repeat_of": shown(viewer, record.repeat_of),
        "children": [{"event": c, "when": when(c)} for c in children[:EVENTS_SHOWN]],
        "more_children": len(children) > EVENTS_SHOWN,
        "organisers": organisers,
        "participations": participations,
        "more_participations": (totals["n"] or 0) - len(rows),
        "totals": totals,
        "lang": lang,
        "can_edit": can_edit,
        "can_record": can_record(viewer),
        "can_repeat": can_edit and record.yearly,
        "next_year": next_year(record),
    })


def event_page(obj: PopoloModel) -> str:
    return reverse("event", args=[obj.pk])


def event_new(request: HttpRequest) -> HttpResponse:
    """`?organization=<body>` and `?parent=<event>` fill the form in (an
    activity of a festival takes its place, area and campaign)."""
    viewer = viewer_of(request)
    body, parent_id = _param(request, "organization"), _param(request, "parent")
    initial: dict[str, Any] = {}
    parent = viewer.visible(Event.objects.filter(pk=parent_id)).first() if parent_id else None
    if parent is not None:
        initial |= {"parent": parent.pk, "area": parent.area_id, "location": parent.location,
                    "campaign": parent.campaign_id, "timezone": parent.timezone}
        body = body or parent.organization_id or ""
    initial |= {"organization": body, "owner": default_owner(viewer, body)}
    return edit_record(request, EventForm, initial={k: v for k, v in initial.items() if v},
                       title=_("New event"), success=event_page)


def event_edit(request: HttpRequest, pk: str) -> HttpResponse:
    record = record_to_edit(request, Event, pk)
    return edit_record(request, EventForm, instance=record, title=_("Edit event"),
                       success=event_page)


@require_POST
def event_repeat(request: HttpRequest, pk: str) -> HttpResponse:
    """Make next year's edition of a yearly event (activities and organisers
    with it: activity.repeat), then show it."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("event", args=[pk]))
    record = record_to_edit(request, Event, pk)
    viewer_of(request).require_edit(record)
    year = next_year(record)
    try:
        edition = repeat(record, year, actor=writes.Actor.of_user(request.user, "web"))
    except InputError as exc:
        for problem in exc.problems:
            messages.error(request, problem.message)
        return HttpResponseRedirect(event_page(record))
    messages.success(request, _("Made the %(year)d edition.") % {"year": year})
    return HttpResponseRedirect(event_page(edition))


# -- participations -------------------------------------------------------------


def participation_page(obj: PopoloModel) -> str:
    assert isinstance(obj, Participation)
    return reverse("event", args=[obj.event_id])


def participation_new(request: HttpRequest, pk: str) -> HttpResponse:
    record = record_to_edit(request, Event, pk)
    viewer = viewer_of(request)
    acting = default_owner(viewer)
    return edit_record(request, ParticipationForm, initial={"organization": acting, "owner": acting},
                       title=_("Who took part in %(event)s") % {"event": record.name},
                       success=participation_page, form_kwargs={"event": record},
                       template="activity/participation_form.html",
                       context={"cancel_url": event_page(record)})


def participation_edit(request: HttpRequest, pk: str) -> HttpResponse:
    participation = record_to_edit(request, Participation.objects.select_related("event"), pk)
    return edit_record(request, ParticipationForm, instance=participation,
                       title=_("Participation in %(event)s") % {"event": participation.event.name},
                       success=participation_page, form_kwargs={"event": participation.event},
                       template="activity/participation_form.html")


def log_hours(request: HttpRequest) -> HttpResponse:
    """The quick page: "we gave 3 hours to FEDAIA's commission".
    `?organization=<who>` (one the person edits for) and `?event=<event>`."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    viewer = viewer_of(request)
    if not can_record(viewer):
        raise PermissionDenied
    acting: str | None = _param(request, "organization")
    if acting and not viewer.can_act_for(acting):
        raise PermissionDenied
    acting = acting or default_owner(viewer)
    acting_org = Organization.objects.filter(pk=acting).first() if acting else None
    kwargs: dict[str, Any] = {"viewer": viewer, "acting": acting}
    if request.method == "POST":
        form = LogHoursForm(request.POST, **kwargs)
        if form.is_valid():
            obj = form.save_through(request)
            if obj is not None:
                assert isinstance(obj, Participation)
                messages.success(request, logged_message(obj))
                where = acting or obj.organization_id or obj.on_behalf_of_id
                return HttpResponseRedirect(reverse("organization", args=[where]) if where
                                            else event_page(obj.event))
    else:
        initial: dict[str, Any] = {"organization": acting, "owner": acting,
                                   "role": Participation.Role.PARTICIPANT}
        event_id = _param(request, "event")
        if event_id and viewer.visible(Event.objects.filter(pk=event_id)).exists():
            initial["event"] = event_id
        form = LogHoursForm(initial=initial, **kwargs)
    return render(request, "activity/log_hours.html", {
        "form": form, "title": _("Log hours"), "acting_org": acting_org,
        "cancel_url": reverse("organization", args=[acting]) if acting else "/",
    }, status=400 if form.is_bound and form.errors else 200)


def logged_message(participation: Participation) -> str:
    event_name = participation.event.name
    if participation.hours is not None:
        return _("Logged %(hours)s hours at %(event)s.") % {
            "hours": floatformat(participation.hours, -2), "event": event_name}
    return _("Recorded the participation in %(event)s.") % {"event": event_name}


# -- campaigns ------------------------------------------------------------------


def campaign(request: HttpRequest, pk: str) -> HttpResponse:
    viewer = viewer_of(request)
    record = get_object_or_404(Campaign.objects.select_related("organization"), pk=pk)
    viewer.require_sees(record)
    lang = _lang()
    themes = viewer.visible(Theme.objects.filter(pk__in=list(record.themes or [])))
    theme_names = sorted(theme_name(t, lang) for t in themes)
    actions = list(viewer.visible(Event.objects.filter(campaign=record))
                   .order_by("start_date", "pk")[:EVENTS_SHOWN + 1])
    more = len(actions) > EVENTS_SHOWN
    actions = actions[:EVENTS_SHOWN]
    reach = action_reach(viewer, [a.pk for a in actions])
    rows = [{"event": a, "when": when(a), **reach.get(a.pk, {"people": 0, "hours": 0})}
            for a in actions]
    return render(request, "activity/campaign.html", {
        "campaign": record,
        "organization": shown(viewer, record.organization),
        "values": record.value_labels(),
        "themes": theme_names,
        "actions": rows,
        "more_actions": more,
        "total_people": sum(r["people"] for r in rows),
        "total_hours": sum(r["hours"] for r in rows),
        "can_edit": viewer.can_edit(record),
        "can_record": can_record(viewer),
    })


def action_reach(viewer: Viewer, actions: list[str]) -> dict[str, dict[str, Any]]:
    """For each action (an event), the people reached and the hours given in
    it and in the activities it holds, as far as the viewer may see them:
    one query per level of activities, one for the participations."""
    root = {pk: pk for pk in actions}
    level = list(actions)
    for __ in range(MAX_EVENT_DEPTH):
        if not level:
            break
        below = viewer.visible(Event.objects.filter(parent_id__in=level)).values_list("pk", "parent_id")
        level = []
        for pk, parent in below:
            if pk not in root:
                root[pk] = root[parent]
                level.append(pk)
    totals: dict[str, dict[str, Any]] = {pk: {"people": 0, "hours": 0} for pk in actions}
    if not root:
        return totals
    sums = (Participation.objects.filter(event_id__in=sorted(root))
            .filter(viewer.visible_q(Participation)).values("event_id")
            .annotate(people=Sum("people_reached"), hours=Sum("hours")).order_by())
    for row in sums:
        total = totals[root[row["event_id"]]]
        total["people"] += row["people"] or 0
        total["hours"] += row["hours"] or 0
    return totals


def campaign_page(obj: PopoloModel) -> str:
    return reverse("campaign", args=[obj.pk])


def campaign_new(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    acting = default_owner(viewer, _param(request, "organization"))
    initial = {"organization": acting, "owner": acting} if acting else {}
    return edit_record(request, CampaignForm, initial=initial, title=_("New campaign"),
                       success=campaign_page)


def campaign_edit(request: HttpRequest, pk: str) -> HttpResponse:
    record = record_to_edit(request, Campaign, pk)
    return edit_record(request, CampaignForm, instance=record, title=_("Edit campaign"),
                       success=campaign_page)
