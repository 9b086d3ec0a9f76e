"""Events, participations, campaigns and themes in the admin, through the one
write path (`WritePathAdmin`): each record on its own page, no inlines. An
event's page lists its participations and activities with links, and offers
to add a participation to it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Left
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from xarxa.activity.models import Campaign, Event, Participation, Theme
from xarxa.activity.repeat import repeat_all, year_of
from xarxa.core import dates
from xarxa.core.admin import ClassificationFilter, CurrentFilter, WritePathAdmin
from xarxa.core.fields import EventTimeField
from xarxa.core.validation import InputError
from xarxa.directory.models import Organization
from xarxa.territory.models import Area

# How many participations or activities an event's page lists before linking
# to the rest.
LISTED = 100


def change_url(obj: models.Model) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])


def list_url(model: type[models.Model], **query: str) -> str:
    from urllib.parse import urlencode

    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(query)}" if query else url


def link(obj: models.Model | None) -> Any:
    if obj is None:
        return "—"
    return format_html('<a href="{}">{}</a>', change_url(obj), obj)


def table(head: Iterable[Any], rows: list[tuple[Any, ...]], more: Any = "") -> SafeString:
    """A small read-only table; every cell escaped unless already safe."""
    header = format_html_join("", "<th>{}</th>", ((h,) for h in head))
    body = format_html_join(
        "", "<tr>{}</tr>",
        ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows))
    return format_html('<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>{}',
                       header, body, more)


def with_current(choices: list[tuple[str, Any]], current: Iterable[str]) -> list[tuple[str, Any]]:
    """Xarxa's words, and any other word a record holds (other publishers'
    words are kept), so that editing the record does not lose it."""
    known = {value for value, __ in choices}
    return [*choices, *((v, v) for v in current if v and v not in known)]


def ordered(chosen: Iterable[str], choices: Iterable[tuple[str, Any]]) -> list[str]:
    """The chosen words in the order of the choices."""
    wanted = set(chosen)
    return [value for value, __ in choices if value in wanted]


class OrderedMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes feeding a JSON list of words or ids, kept in the choices' order."""

    widget = forms.CheckboxSelectMultiple

    def clean(self, value: Any) -> list[str]:
        return ordered(super().clean(value), self.choices)  # type: ignore[arg-type]


# -- Events --------------------------------------------------------------------

def event_days(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """An event's first and last day, as text that compares like dates: a time
    of day is left out, and an event without an end lasts its start."""
    return queryset.annotate(event_first=Left("start_date", 10),
                             event_last=Left(Coalesce("end_date", "start_date"), 10))


class EventDatesFilter(CurrentFilter):
    """Under way, over or to come today. An event without an end takes place
    on its start (a one-day festival is not under way for ever), and one
    with a time of day is under way all that day."""

    labels = (_("under way"), _("over"), _("to come"))

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() not in ("current", "ended", "future"):
            return queryset
        queryset = event_days(queryset).filter(start_date__isnull=False)
        current = dates.current_q(start="event_first", end="event_last")
        not_started = Q(event_first__gt=dates.as_of_text(None))
        if self.value() == "current":
            return queryset.filter(current)
        if self.value() == "ended":
            return queryset.exclude(current).exclude(not_started)
        return queryset.filter(not_started)


class StatusFilter(admin.SimpleListFilter):
    """The status shown (`Event.shown_status`): the one given, or else held once
    the event is over and planned until then."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(Event.Status.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value not in Event.Status.values:
            return queryset
        day = dates.as_of_text(None)
        # Over: its last day is before today ("2025" is over once 2025 is).
        over = Q(event_last__lt=day) & ~Q(event_last=day[:7]) & ~Q(event_last=day[:4])
        derived = Q(status="") | Q(status__isnull=True)
        if value == Event.Status.HELD:
            return event_days(queryset).filter(Q(status=value) | (derived & over))
        if value == Event.Status.PLANNED:
            return event_days(queryset).filter(
                Q(status=value) | (derived & (Q(event_last__isnull=True) | ~over)))
        return queryset.filter(status=value)


class BodyFilter(admin.SimpleListFilter):
    """The body whose meeting it is, or the network whose activity it is:
    the organisations that have events, by name (the first two hundred)."""

    title = _("body or network")
    parameter_name = "organization"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        having = Organization.objects.filter(Exists(Event.objects.filter(organization=OuterRef("pk"))))
        return [(pk, name) for pk, name in having.order_by("name").values_list("pk", "name")[:200]]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(organization_id=self.value()) if self.value() else queryset


class AreaFilter(admin.SimpleListFilter):
    """The areas events take place in (the first two hundred by name)."""

    title = _("area")
    parameter_name = "area"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        having = Area.objects.filter(Exists(Event.objects.filter(area=OuterRef("pk"))))
        return [(pk, name) for pk, name in having.order_by("name").values_list("pk", "name")[:200]]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(area_id=self.value()) if self.value() else queryset


class SuggestingInput(forms.TextInput):
    """A text input that suggests Xarxa's words (an HTML datalist) and takes
    any other, as other publishers' classifications are kept."""

    def __init__(self, suggestions: list[tuple[str, Any]], attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.suggestions = suggestions

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        list_id = f"{(attrs or {}).get('id') or 'id_' + name}_suggestions"
        attrs = {**(attrs or {}), "list": list_id}
        options = format_html_join("", '<option value="{}">{}</option>',
                                   ((value_, label) for value_, label in self.suggestions))
        return format_html('{}<datalist id="{}">{}</datalist>',
                           super().render(name, value, attrs, renderer), list_id, options)


@admin.action(permissions=["add"], description=_("Repeat next year"))
def repeat_next_year(modeladmin: WritePathAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    """Make the next year's edition of each selected event (with its
    activities and organisers); say which were made and which were refused."""
    made = []
    for event in queryset.order_by("start_date", "pk"):
        year = year_of(event.start_date)
        try:
            result = repeat_all(event, (year or 0) + 1, actor=modeladmin.actor(request))
        except InputError as exc:
            for problem in exc.problems:
                modeladmin.message_user(request, str(problem), messages.ERROR)
            continue
        made.append(result.edition)
    if made:
        modeladmin.message_user(request, format_html(
            "{} {}", ngettext("Made %(n)d edition:", "Made %(n)d editions:", len(made))
            % {"n": len(made)},
            format_html_join(", ", '<a href="{}">{}</a>', ((change_url(e), e.pk) for e in made))),
            messages.SUCCESS)


@admin.register(Event)
class EventAdmin(WritePathAdmin):
    list_display = ("name", "show_classification", "start_date", "end_date", "show_status",
                    "organization", "show_organisers", "campaign", "parent", "id")
    list_select_related = ("organization", "parent", "campaign")
    list_filter = (ClassificationFilter, EventDatesFilter, StatusFilter, AreaFilter, BodyFilter)
    search_fields = ("name", "id", "location", "identifiers")
    autocomplete_fields = ("organization", "parent", "area", "campaign", "repeat_of")
    actions = [*WritePathAdmin.actions, repeat_next_year]
    shown_lists = ("show_participations", "show_activities", "show_editions")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match is not None and match.url_name == "activity_event_changelist":
            # The organisers column, in one query for the page.
            queryset = queryset.prefetch_related(Prefetch(
                "participations",
                queryset=Participation.objects.filter(role__in=Participation.ORGANISER_ROLES)
                .select_related("organization", "on_behalf_of")))
        return queryset

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest,
                              **kwargs: Any) -> forms.Field | None:
        if isinstance(db_field, EventTimeField):
            # Long enough for a time with its offset (2025-10-04T18:00+02:00),
            # which the model turns into the event's wall-clock time.
            kwargs.setdefault("widget", forms.TextInput(
                attrs={"size": 18, "placeholder": _("YYYY-MM-DD HH:MM")}))
            kwargs.setdefault("max_length", 40)
            kwargs.setdefault("help_text", _(
                "A date (2025-10-04, or 2025-10, 2025) or a date and time (2025-10-04 18:00), "
                "in the event's time zone."))
            return db_field.formfield(**kwargs)
        if db_field.name == "classification":
            kwargs.setdefault("widget", SuggestingInput(list(Event.Classification.choices)))
        if db_field.name == "timezone":
            kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "Europe/Madrid"}))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        status = form.base_fields.get("status")
        if status is not None:
            choices = [("", gettext("(from the dates)")), *Event.Status.choices]
            form.base_fields["status"] = forms.ChoiceField(
                label=status.label, help_text=status.help_text, required=False,
                choices=with_current(choices, [obj.status] if obj else []))
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, *self.shown_lists] if obj is not None else fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        out = [(name, {**options, "fields": [f for f in options["fields"]
                                             if f not in self.shown_lists]})
               for name, options in fieldsets]
        out.insert(1, (_("Participations and activities"), {"fields": list(self.shown_lists)}))
        return out

    @admin.display(description=_("status"))
    def show_status(self, event: Event) -> str:
        status = event.shown_status()
        return str(dict(Event.Status.choices).get(status, status))

    @admin.display(description=_("organisers"))
    def show_organisers(self, event: Event) -> str:
        return ", ".join(str(org) for org in event.organisers())

    @admin.display(description=_("participations"))
    def show_participations(self, event: Event) -> SafeString:
        rows = list(Participation.objects.filter(event=event)
                    .select_related("person", "organization", "on_behalf_of")
                    .order_by("role", "pk")[:LISTED + 1])
        roles = dict(Participation.Role.choices)
        shown = [(link(p), link(p.on_behalf_of) if p.on_behalf_of_id else "",
                  roles.get(p.role, p.role), "" if p.hours is None else p.hours,
                  "" if p.people_reached is None else p.people_reached)
                 for p in rows[:LISTED]]
        add = format_html('<p><a class="addlink" href="{}?{}">{}</a></p>',
                          reverse("admin:activity_participation_add"),
                          f"event={quote(event.pk)}", _("Add a participation"))
        if not shown:
            return format_html("<p>{}</p>{}", _("None yet."), add)
        more = format_html('<p><a href="{}">{}</a></p>', list_url(Participation, event=event.pk),
                           _("All of them")) if len(rows) > LISTED else ""
        return table([_("who"), _("on behalf of"), _("role"), _("hours"), _("people reached")],
                     shown, format_html("{}{}", more, add))

    @admin.display(description=_("activities it holds"))
    def show_activities(self, event: Event) -> Any:
        rows = list(event.children.order_by("start_date", "pk")[:LISTED + 1])
        if not rows:
            return "—"
        more = format_html('<p><a href="{}">{}</a></p>', list_url(Event, parent=event.pk),
                           _("All of them")) if len(rows) > LISTED else ""
        return table([_("event"), _("start"), _("end"), _("classification")],
                     [(link(e), e.start_date or "", e.end_date or "", e.classification)
                      for e in rows[:LISTED]], more)

    @admin.display(description=_("editions"))
    def show_editions(self, event: Event) -> Any:
        first = event.first_edition()
        editions = list(Event.objects.filter(Q(pk=first.pk) | Q(repeat_of=first))
                        .order_by("start_date", "pk")[:LISTED])
        if len(editions) < 2:
            return "—"
        return format_html_join(", ", "{}", ((link(e) if e.pk != event.pk else e.pk,)
                                             for e in editions))


# -- Participations -------------------------------------------------------------

class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(Participation.Role.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(role=self.value()) if self.value() else queryset


@admin.register(Participation)
class ParticipationAdmin(WritePathAdmin):
    list_display = ("event", "show_participant", "on_behalf_of", "show_role", "hours",
                    "people_reached")
    list_select_related = ("event", "person", "organization", "on_behalf_of")
    list_filter = (RoleFilter,)
    search_fields = ("id", "event__name", "event__id", "person__name", "organization__name",
                     "on_behalf_of__name")
    autocomplete_fields = ("event", "person", "organization", "on_behalf_of")

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest,
                              **kwargs: Any) -> forms.Field | None:
        if db_field.name == "objectives":
            return OrderedMultipleChoiceField(
                label=db_field.verbose_name, required=False,
                choices=list(Participation.Objective.choices))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        role = form.base_fields.get("role")
        if role is not None:
            form.base_fields["role"] = forms.ChoiceField(
                label=role.label, required=False, initial=Participation.Role.PARTICIPANT,
                choices=with_current([("", "—"), *Participation.Role.choices],
                                     [obj.role] if obj else []))
        objectives = form.base_fields.get("objectives")
        if objectives is not None and obj is not None:
            objectives.choices = with_current(  # type: ignore[attr-defined]
                list(Participation.Objective.choices), obj.objectives or [])
        return form

    @admin.display(description=_("participant"))
    def show_participant(self, participation: Participation) -> Any:
        return participation.person if participation.person_id else participation.organization

    @admin.display(description=_("role"), ordering="role")
    def show_role(self, participation: Participation) -> str:
        return str(dict(Participation.Role.choices).get(participation.role, participation.role))


# -- Campaigns and themes --------------------------------------------------------

def theme_choices() -> list[tuple[str, str]]:
    return list(Theme.objects.order_by("name").values_list("pk", "name"))


@admin.register(Campaign)
class CampaignAdmin(WritePathAdmin):
    list_display = ("name", "organization", "start_date", "end_date", "show_values",
                    "show_themes", "show_action_count", "id")
    list_select_related = ("organization",)
    search_fields = ("name", "id", "description")
    autocomplete_fields = ("organization",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(action_count=Count("actions"))

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        self._themes = dict(theme_choices())  # the names of the page's themes, in one query
        return super().changelist_view(request, extra_context)

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest,
                              **kwargs: Any) -> forms.Field | None:
        if db_field.name == "values":
            return OrderedMultipleChoiceField(
                label=db_field.verbose_name, required=False, choices=list(Campaign.Value.choices),
                help_text=_("The values of the cooperative identity it promotes."))
        if db_field.name == "themes":
            return OrderedMultipleChoiceField(
                label=db_field.verbose_name, required=False, choices=theme_choices,
                help_text=_("The themes it addresses (an editable list: Themes)."))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "show_actions", "show_reach"] if obj is not None else fields

    @admin.display(description=_("values promoted"))
    def show_values(self, campaign: Campaign) -> str:
        return ", ".join(campaign.value_labels())

    @admin.display(description=_("themes"))
    def show_themes(self, campaign: Campaign) -> str:
        names = getattr(self, "_themes", None) or dict(theme_choices())
        return ", ".join(str(names.get(t, t)) for t in campaign.themes or [])

    @admin.display(description=_("actions"), ordering="action_count")
    def show_action_count(self, campaign: Campaign) -> int:
        return getattr(campaign, "action_count", 0)

    @admin.display(description=_("actions"))
    def show_actions(self, campaign: Campaign) -> Any:
        rows = list(Event.objects.filter(campaign=campaign)
                    .annotate(reached=models.Sum("participations__people_reached"))
                    .order_by("start_date", "pk")[:LISTED + 1])
        if not rows:
            return "—"
        more = format_html('<p><a href="{}">{}</a></p>', list_url(Event, campaign=campaign.pk),
                           _("All of them")) if len(rows) > LISTED else ""
        return table([_("event"), _("start"), _("classification"), _("people reached")],
                     [(link(e), e.start_date or "", e.classification,
                       "" if e.reached is None else e.reached) for e in rows[:LISTED]], more)

    @admin.display(description=_("reach"))
    def show_reach(self, campaign: Campaign) -> str:
        reach = campaign.reach()
        return ngettext("%(people)d people reached by %(n)d action (and the activities it "
                        "holds)", "%(people)d people reached by %(n)d actions (and the "
                        "activities they hold)", reach.actions) % {
            "people": reach.people, "n": reach.actions}


@admin.register(Theme)
class ThemeAdmin(WritePathAdmin):
    list_display = ("name", "description", "id")
    search_fields = ("name", "id", "description")
