"""What organisations do in their networks: events (festivals, activities,
meetings of a body, trainings, awareness actions), who took part in them and
for how many hours, and the awareness campaigns events are actions of."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from xarxa.core import popolo, times
from xarxa.core.fields import EventTimeField, PartialDateField
from xarxa.core.models import PopoloModel
from xarxa.core.popolo import F
from xarxa.core.validation import Problem

if TYPE_CHECKING:
    from xarxa.directory.models import Organization


@dataclass(frozen=True)
class Reach:
    """What a campaign's actions add up to."""

    actions: int  # the events that are its actions
    people: int  # the people reached, as its participations record them


class Theme(PopoloModel):
    """A theme an awareness campaign addresses (people's socio-economic
    situations, the environment, the dynamisation of neighbourhoods, job
    creation…): an editable list, shared by every campaign."""

    name = models.TextField(_("name"))
    description = models.TextField(_("description"), blank=True)

    POPOLO = popolo.Spec("themes", [F("name"), F("description")])

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]


class Campaign(PopoloModel):
    """An awareness campaign: what it promotes (the values of the cooperative
    identity), the themes it addresses, and its actions, which are events."""

    OWNER_FROM = ("organization_id",)

    class Value(models.TextChoices):
        # The values of the cooperative identity (International Co-operative
        # Alliance, Statement on the Cooperative Identity, 1995).
        SELF_HELP = "self-help", _("self-help")
        SELF_RESPONSIBILITY = "self-responsibility", _("self-responsibility")
        DEMOCRACY = "democracy", _("democracy")
        EQUALITY = "equality", _("equality")
        EQUITY = "equity", _("equity")
        SOLIDARITY = "solidarity", _("solidarity")

    name = models.TextField(_("name"))
    description = models.TextField(_("description"), blank=True)
    organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("run by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="campaigns", db_index=False,
    )
    start_date = PartialDateField(_("start"))
    end_date = PartialDateField(_("end"))
    values = models.JSONField(
        _("values promoted"), default=list, blank=True,
        help_text=_('Among: "self-help", "self-responsibility", "democracy", "equality", '
                    '"equity", "solidarity".'),
    )
    themes = models.JSONField(
        _("themes"), default=list, blank=True, help_text=_("The ids of the themes it addresses."),
    )
    links = models.JSONField(_("links"), default=list, blank=True)

    POPOLO = popolo.Spec(
        "campaigns",
        [
            F("name"),
            F("description"),
            F("organization_id", kind=popolo.REF, ref="organizations"),
            F("start_date", kind=popolo.DATE),
            F("end_date", kind=popolo.DATE),
            F("values", kind=popolo.STRINGS, choices=tuple(Value.values)),
            F("themes", kind=popolo.REFS, ref="themes"),
            F("links", kind=popolo.LIST),
        ],
        date_pairs=[("start_date", "end_date")],
    )

    class Meta:
        verbose_name = _("awareness campaign")
        verbose_name_plural = _("awareness campaigns")
        ordering = ["-start_date", "name"]
        indexes = [models.Index(fields=["organization"], name="campaign_organization")]

    def reach(self) -> Reach:
        """Its actions (the events of the campaign) and the people they reached:
        the sum of `people_reached` of the participations in those events and
        in the activities they hold, each event counted once."""
        actions = list(Event.objects.filter(campaign=self).values_list("pk", flat=True))
        events = set(actions)
        level = actions
        while level:  # a festa major holds activities, which may hold others
            level = [pk for pk in Event.objects.filter(parent__in=level)
                     .values_list("pk", flat=True) if pk not in events]
            events.update(level)
        people = 0
        step = 500
        ids = sorted(events)
        for i in range(0, len(ids), step):
            total = Participation.objects.filter(event__in=ids[i:i + step]).aggregate(
                total=models.Sum("people_reached"))["total"]
            people += total or 0
        return Reach(actions=len(actions), people=people)

    def value_labels(self) -> list[str]:
        """Its values in the user's language."""
        labels = dict(self.Value.choices)
        return [str(labels.get(v, v)) for v in self.values or []]


def event_rules(row: dict[str, Any]) -> list[Problem]:
    problems = []
    zone_problem = times.check_zone(row.get("timezone") or None)
    if zone_problem:
        return [Problem("timezone", zone_problem)]
    try:
        order = times.check_order(row.get("start_date"), row.get("end_date"),
                                  row.get("timezone") or None)
    except ValueError:
        order = None  # a malformed time is reported by its own field
    if order:
        problems.append(Problem("end_date", order))
    for key in ("start_date", "end_date"):
        value = row.get(key)
        try:
            skipped = times.check_exists(value, row.get("timezone") or None)
        except ValueError:
            skipped = None  # a malformed time is reported by its own field
        if skipped:
            problems.append(Problem(key, skipped))
    if row.get("repeat_of_id") and row.get("repeat_of_id") == row.get("id"):
        problems.append(Problem("repeat_of_id", _g("an event cannot repeat itself")))
    return problems


def read_event_times(obj: dict[str, Any], row: dict[str, Any], pointer: str) -> list[Problem]:
    """A time given with an offset is read in the event's own time zone."""
    zone = obj.get("timezone")
    if isinstance(zone, str) and zone and zone != times.default_zone() \
            and times.check_zone(zone) is None:
        for key in ("start_date", "end_date"):
            value = obj.get(key)
            if isinstance(value, str) and times.TIME_RE.match(value):
                with contextlib.suppress(times.EventTimeError):  # reported when the key was read
                    row[key] = times.parse(value, zone)
    return []


def write_event_times(row: dict[str, Any], out: dict[str, Any]) -> None:
    """Popolo wants a time of day with its UTC offset."""
    zone = row.get("timezone") or None
    for key in ("start_date", "end_date"):
        if times.has_time(out.get(key)):
            with contextlib.suppress(times.EventTimeError):
                out[key] = times.with_offset(out[key], zone)


class Event(PopoloModel):
    """Something that happens: a festa major and the activities it holds, a
    meeting of a FEDAIA commission, a training course, an awareness action.
    Its `organization` is the body whose meeting it is, or the network whose
    activity it is: the hours given to it count for that network."""

    OWNER_FROM = ("organization_id",)

    class Classification(models.TextChoices):
        FESTIVAL = "festival", _("festival")
        COMMUNITY_ACTIVITY = "community activity", _("community activity")
        MEETING = "meeting", _("meeting")
        ASSEMBLY = "assembly", _("assembly")
        TRAINING = "training", _("training")
        AWARENESS_ACTION = "awareness action", _("awareness action")
        WORKSHOP = "workshop", _("workshop")
        TALK = "talk", _("talk")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    name = models.TextField(_("name"))
    description = models.TextField(_("description"), blank=True)
    classification = models.CharField(
        _("classification"), max_length=200, blank=True,
        help_text=_("festival, community activity, meeting, assembly, training, awareness "
                    "action… (other publishers' words are kept)"),
    )
    start_date = EventTimeField(
        _("start"), help_text=_("A date (2025-10-04) or a date and time (2025-10-04T18:00)."))
    end_date = EventTimeField(_("end"))
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True,
        help_text=_("The times are wall-clock times in this zone; blank, the installation's "
                    "(Europe/Madrid unless XARXA_EVENT_TIME_ZONE says otherwise)."),
    )
    location = models.TextField(_("place"), blank=True)
    area = models.ForeignKey(
        "territory.Area", verbose_name=_("area"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="events", db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=200, blank=True,
        help_text=_("planned, held or cancelled; left blank, it follows from the dates."),
    )
    organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("body or network"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="events", db_index=False,
        help_text=_("The body whose meeting it is (a FEDAIA commission), or the network "
                    "whose activity it is. The hours given to it count for that network."),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children", db_index=False,
        help_text=_("A festa major holds its activities."),
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("action of the campaign"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="actions", db_index=False,
    )
    yearly = models.BooleanField(
        _("held every year"), default=False,
        help_text=_("`xarxa events repeat --year` makes next year's edition."),
    )
    repeat_of = models.ForeignKey(
        "self", verbose_name=_("edition of"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="editions", db_index=False,
        help_text=_("The first edition of a yearly event."),
    )
    identifiers = models.JSONField(_("identifiers"), default=list, blank=True)

    POPOLO = popolo.Spec(
        "events",
        [
            F("name"),
            F("description"),
            F("classification", max_length=200),
            F("start_date", kind=popolo.TIME),
            F("end_date", kind=popolo.TIME),
            F("timezone", max_length=64),
            F("location"),
            F("area_id", kind=popolo.REF, ref="areas"),
            F("status", max_length=200),
            F("organization_id", kind=popolo.REF, ref="organizations"),
            F("parent_id", kind=popolo.REF, ref="events"),
            F("campaign_id", kind=popolo.REF, ref="campaigns"),
            F("yearly", kind=popolo.BOOL),
            F("repeat_of_id", kind=popolo.REF, ref="events"),
            F("identifiers", kind=popolo.LIST),
        ],
        read_hook=read_event_times,
        write_hook=write_event_times,
        rules=[event_rules],
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start_date", "name"]
        # Declared here, not with db_index, so PostgreSQL gets no unused
        # varchar_pattern_ops twin per index (docs/performance.md).
        indexes = [
            models.Index(fields=["organization", "start_date"], name="event_organization"),
            models.Index(fields=["parent"], name="event_parent"),
            models.Index(fields=["classification"], name="event_classification"),
            models.Index(fields=["area", "start_date"], name="event_area"),
            models.Index(fields=["campaign"], name="event_campaign"),
            models.Index(fields=["repeat_of"], name="event_repeat_of"),
            models.Index(fields=["start_date"], name="event_start"),
            # The hours of a federation's members join a quarter of a million
            # participations to their events to keep the year's: this answers
            # from the index, without reading each event's row (SQLite;
            # docs/performance.md, "Activity").
            models.Index(fields=["id", "start_date", "status"], name="event_id_start"),
        ]

    def clean(self) -> None:
        from xarxa.core.trees import check_parent

        super().clean()
        check_parent(self)

    def shown_status(self) -> str:
        """The status given, or else what the dates say: held once it is over."""
        if self.status:
            return self.status
        from xarxa.core import dates

        day = dates.as_of_text(None)
        last = self.end_date or self.start_date
        if last is None:
            return self.Status.PLANNED
        return self.Status.HELD if times.last_day(last).isoformat() < day else self.Status.PLANNED

    def hours(self) -> float | None:
        """How long it lasts, when its start and end have a time of day."""
        return times.duration_hours(self.start_date, self.end_date, self.timezone)

    def organisers(self) -> list[Organization]:
        """The organisations that organise it: those taking part as organiser or
        co-organiser, or on whose behalf someone does. Reads the event's
        prefetched participations when a list prefetched them."""
        roles: list[str] = [str(role) for role in Participation.ORGANISER_ROLES]
        cached = getattr(self, "_prefetched_objects_cache", {}).get("participations")
        rows = cached if cached is not None else (
            self.participations.filter(role__in=roles).select_related("organization", "on_behalf_of"))
        found: list[Organization] = []
        for participation in sorted((p for p in rows if p.role in roles),
                                    key=lambda p: (roles.index(p.role), p.pk)):
            who = participation.organization or participation.on_behalf_of
            if who is not None and who not in found:
                found.append(who)
        return found

    def first_edition(self) -> Event:
        """The first edition of its series of yearly editions (itself when it
        repeats nothing)."""
        first, seen = self, {self.pk}
        while first.repeat_of_id and first.repeat_of_id not in seen:
            seen.add(first.repeat_of_id)
            first = first.repeat_of  # type: ignore[assignment]
        return first


def participation_rules(row: dict[str, Any]) -> list[Problem]:
    problems = []
    person, organization = row.get("person_id"), row.get("organization_id")
    if bool(person) == bool(organization):
        problems.append(Problem("person_id", _g(
            "a participation has one participant: a person (person_id) or an organisation "
            "(organization_id)")))
    elif organization and organization == row.get("on_behalf_of_id"):
        problems.append(Problem("on_behalf_of_id", _g(
            "an organisation takes part on its own behalf; leave on_behalf_of_id empty")))
    hours = row.get("hours")
    if isinstance(hours, int | float | Decimal) and not 0 <= hours < 100_000:
        # The importer's rule for a quantity (core.popolo), for every other door too.
        problems.append(Problem("hours", _g("must be a number from 0 to 99999")))
    return problems


class Participation(PopoloModel):
    """Who took part in an event — a person or an organisation, perhaps on
    behalf of another — with what role, how many hours it took and how many
    people it reached."""

    ID_FROM = None
    OWNER_FROM = ("organization_id", "on_behalf_of_id")
    # Whoever keeps the event keeps the attendance list too.
    KEPT_BY = ("owner_id", "event__owner_id")

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("organiser")
        CO_ORGANISER = "co-organiser", _("co-organiser")
        PARTICIPANT = "participant", _("participant")
        SPEAKER = "speaker", _("speaker")
        VOLUNTEER = "volunteer", _("volunteer")

    class Objective(models.TextChoices):
        MISSION = "mission", _("spread the mission")
        VALUES = "values", _("spread the values")
        SOCIAL_RIGHTS = "social rights", _("spread social rights")
        AWARENESS = "awareness", _("raise awareness in society")
        NETWORKING = "networking", _("network with other entities")
        TRAINING = "training", _("train and be trained")

    ORGANISER_ROLES = (Role.ORGANISER, Role.CO_ORGANISER)

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="participations",
        db_index=False,
    )
    person = models.ForeignKey(
        "directory.Person", verbose_name=_("person"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="participations", db_index=False,
    )
    organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="participations", db_index=False,
    )
    on_behalf_of = models.ForeignKey(
        "directory.Organization", verbose_name=_("on behalf of"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="participations_for", db_index=False,
    )
    role = models.CharField(_("role"), max_length=200, blank=True, default="participant")
    hours = models.DecimalField(
        _("hours"), max_digits=7, decimal_places=2, null=True, blank=True,
        help_text=_("Hours invested. Left blank, the event's length counts when its times "
                    "are known."),
    )
    people_reached = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    objectives = models.JSONField(
        _("objectives"), default=list, blank=True,
        help_text=_('Such as "mission", "values", "social rights", "awareness".'),
    )
    notes = models.TextField(_("notes"), blank=True)

    POPOLO = popolo.Spec(
        "participations",
        [
            F("event_id", kind=popolo.REF, ref="events"),
            F("person_id", kind=popolo.REF, ref="persons"),
            F("organization_id", kind=popolo.REF, ref="organizations"),
            F("on_behalf_of_id", kind=popolo.REF, ref="organizations"),
            F("role", max_length=200),
            F("hours", kind=popolo.DECIMAL),
            F("people_reached", kind=popolo.INT),
            F("objectives", kind=popolo.STRINGS),
            F("notes"),
        ],
        rules=[participation_rules],
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["event_id", "role"]
        indexes = [
            models.Index(fields=["event"], name="participation_event"),
            models.Index(fields=["person"], name="participation_person"),
            models.Index(fields=["organization"], name="participation_organization"),
            models.Index(fields=["on_behalf_of"], name="participation_on_behalf_of"),
        ]

    def __str__(self) -> str:
        who = self.person if self.person_id else self.organization
        text = f"{who or '?'} → {self.event if self.event_id else '?'}"
        if self.on_behalf_of_id:
            text += " (" + _g("on behalf of %(org)s") % {"org": self.on_behalf_of} + ")"
        return text

    @classmethod
    def field_for(cls, key: str) -> str:
        if key == "person_id":
            return "person"
        return super().field_for(key)
