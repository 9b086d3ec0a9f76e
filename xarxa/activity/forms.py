"""The forms of events, participations ("log hours") and campaigns. Every
save goes through `core.writes` (core.forms.RecordForm)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xarxa.accounts.rules import Viewer
from xarxa.activity.models import Campaign, Event, Participation, Theme
from xarxa.core import dates, times
from xarxa.core.templatetags.xarxa import partial_date
from xarxa.directory.models import Person
from xarxa.network.forms import FormDefaults
from xarxa.network.models import Membership

TIME_HELP = _("A date (2025-10-04, or 2025-10 or 2025) or a date and time (2025-10-04T18:00), "
              "in the event's time zone.")
# How many of the acting organisation's recent meetings "log hours" offers first.
RECENT_EVENTS = 12


def with_current(choices: list[tuple[str, Any]], *current: Any) -> list[tuple[str, Any]]:
    """`choices`, and the values a record already has that they lack (other
    publishers' words are kept, and shown as they are)."""
    known = {value for value, __ in choices}
    extra = [(str(v), str(v)) for v in current if v and str(v) not in known]
    return [*choices, *extra]


def theme_name(theme: Theme, lang: str) -> str:
    """A theme's name in `lang` when one of its other names is in it."""
    for other in (theme.extra or {}).get("other_names") or []:
        if isinstance(other, dict) and other.get("lang") == lang and other.get("name"):
            return str(other["name"])
    return theme.name


class EventForm(FormDefaults):
    LOOKUP_FIELDS = {"organization": "organizations", "parent": "events", "area": "areas"}

    class Meta:
        model = Event
        fields = ["name", "classification", "description", "start_date", "end_date", "timezone",
                  "location", "area", "organization", "parent", "campaign", "status", "yearly",
                  "visibility", "owner"]

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, viewer=viewer, **kwargs)
        self.fields["classification"] = forms.ChoiceField(
            label=_("classification"), required=False,
            choices=with_current([("", "—"), *Event.Classification.choices],
                                 self.instance.classification))
        self.fields["status"] = forms.ChoiceField(
            label=_("status"), required=False,
            choices=with_current([("", _("follows from the dates")), *Event.Status.choices],
                                 self.instance.status))
        self.order_fields(self.Meta.fields)
        for name in ("start_date", "end_date"):
            self.fields[name].help_text = TIME_HELP
            self.fields[name].widget.attrs["placeholder"] = "2025-10-04T18:00"
        self.fields["timezone"].widget.attrs["placeholder"] = "Europe/Madrid"


class ParticipationForm(FormDefaults):
    """Who took part in one event; the event is the page's (`event=`)."""

    LOOKUP_FIELDS = {"organization": "organizations", "on_behalf_of": "organizations"}
    PERSON_FIELDS = ("person",)

    class Meta:
        model = Participation
        fields = ["organization", "person", "on_behalf_of", "role", "hours", "people_reached",
                  "objectives", "notes", "visibility", "owner"]
        labels = {"person": _("or a person")}
        help_texts = {
            "on_behalf_of": _("The organisation a person (or another organisation) takes part "
                              "for."),
        }

    def __init__(self, *args: Any, viewer: Viewer, event: Event | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, viewer=viewer, **kwargs)
        self.event = event
        current = self.instance
        self.fields["role"] = forms.ChoiceField(
            label=_("role"), choices=with_current(list(Participation.Role.choices), current.role),
            initial=Participation.Role.PARTICIPANT)
        self.fields["objectives"] = forms.MultipleChoiceField(
            label=_("objectives"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=with_current(list(Participation.Objective.choices), *(current.objectives or [])))
        hours = self.fields["hours"]
        assert isinstance(hours, forms.DecimalField)
        hours.localize = True  # "2,5" in Catalan and Spanish, "2.5" in English
        hours.widget = forms.TextInput(attrs={"inputmode": "decimal"})
        hours.widget.is_localized = True
        self.order_fields(self.Meta.fields)

    def values(self) -> dict[str, Any]:
        values = super().values()
        if self.event is not None:
            values["event"] = self.event
        return values

    def _post_clean(self) -> None:
        if self.event is not None:
            self.instance.event = self.event
        super()._post_clean()  # type: ignore[misc]


class LogHoursForm(ParticipationForm):
    """"We gave 3 hours to FEDAIA's commission": one of the acting
    organisation's recent meetings (or any event), who went, the hours."""

    LOOKUP_FIELDS = {**ParticipationForm.LOOKUP_FIELDS, "event": "events"}

    recent_event = forms.ChoiceField(label=_("a recent meeting"), required=False)

    class Meta(ParticipationForm.Meta):
        fields = ["event", "organization", "person", "on_behalf_of", "role", "hours",
                  "people_reached", "objectives", "notes", "visibility", "owner"]
        labels = {"event": _("or another event"), "person": _("or one of its people"),
                  "organization": _("who (an organisation)")}
        help_texts = {
            "event": _("Type some words of its name."),
            "person": _("A person takes part on behalf of the organisation above."),
            "hours": _("Hours invested, preparation included (such as 3 or 2.5)."),
        }

    def __init__(self, *args: Any, viewer: Viewer, acting: str | None = None,
                 **kwargs: Any) -> None:
        self.acting = acting
        super().__init__(*args, viewer=viewer, **kwargs)
        self.fields["event"].required = False
        recent = self.recent_events()
        recent_field = self.fields["recent_event"]
        assert isinstance(recent_field, forms.ChoiceField)
        recent_field.choices = [("", "—"), *recent]
        if not recent:
            del self.fields["recent_event"]
        if acting:
            people = viewer.visible(Person.objects.filter(
                Q(owner_id=acting) | Q(memberships__organization_id=acting)
                | Q(memberships__on_behalf_of_id=acting)))
            self.person_choices("person", people)
        self.order_fields(["recent_event", *self.Meta.fields])

    def recent_events(self) -> list[tuple[str, str]]:
        """The latest meetings (and other events, up to today) of the networks
        and bodies the acting organisation is a current member of."""
        if not self.acting:
            return []
        today = dates.as_of_text(None)
        bodies = (Membership.objects.current(today)
                  .filter(self.viewer.visible_q(Membership))
                  .filter(Q(member_organization_id=self.acting) | Q(on_behalf_of_id=self.acting))
                  .values("organization_id"))
        events = (self.viewer.visible(Event.objects.filter(organization_id__in=bodies))
                  .filter(start_date__lte=f"{today}T99")
                  .order_by("-start_date", "pk")[:RECENT_EVENTS])
        return [(e.pk, f"{partial_date(times.day_of(e.start_date)) if e.start_date else ''} · "
                       f"{e.name}") for e in events]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data: dict[str, Any] = self.cleaned_data
        recent = data.get("recent_event")
        if recent and not data.get("event"):
            event = self.viewer.visible(Event.objects.filter(pk=recent)).first()
            if event is None:
                self.add_error("recent_event", _("Choose one of the events offered."))
            data["event"] = event
        if not data.get("event") and not self.has_error("event"):
            self.add_error("event", _("Choose the event: a recent meeting, or type its name."))
        if data.get("person") and data.get("organization"):
            # A person goes on behalf of the organisation named as who.
            if not data.get("on_behalf_of"):
                data["on_behalf_of"] = data["organization"]
            data["organization"] = None
        return data

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["event"] = self.cleaned_data["event"]
        return values


class CampaignForm(FormDefaults):
    LOOKUP_FIELDS = {"organization": "organizations"}

    class Meta:
        model = Campaign
        fields = ["name", "description", "organization", "start_date", "end_date", "values",
                  "themes", "visibility", "owner"]

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, viewer=viewer, **kwargs)
        current = self.instance
        self.fields["values"] = forms.MultipleChoiceField(
            label=_("values promoted"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=with_current(list(Campaign.Value.choices), *(current.values or [])),
            help_text=_("The values of the cooperative identity."))
        lang = (get_language() or "ca")[:2]
        themes = viewer.visible(Theme.objects.all()).order_by("name")
        self.fields["themes"] = forms.MultipleChoiceField(
            label=_("themes"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=with_current([(t.pk, theme_name(t, lang)) for t in themes],
                                 *(current.themes or [])))
        self.order_fields(self.Meta.fields)


def next_year(event: Event) -> int:
    """The year a "repeat next year" makes: the one after the event's, or
    after this one when the event has no date."""
    start = event.start_date
    return (int(start[:4]) if start else timezone.localdate().year) + 1
