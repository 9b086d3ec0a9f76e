"""`xarxa events list [filters]` and `xarxa events repeat [EVENT] --year YEAR`."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xarxa.activity.models import Event, Participation
from xarxa.activity.repeat import Repeated, repeat_all, repeat_yearly
from xarxa.core.commands import refuse
from xarxa.core.models import classification_label
from xarxa.core.validation import InputError, Problem
from xarxa.core.writes import Actor
from xarxa.directory.models import Organization
from xarxa.territory.models import Area

HELP = """List events, or make next year's edition of yearly ones.

  xarxa events list [--organization ORG] [--area AREA] [--year YEAR] [--classification C]
      one line per event: start, end, status, classification, id and name. ORG
      takes the events of the organisation and its bodies and those it took part
      in (itself or on its behalf); AREA takes the areas within it too.

  xarxa events repeat [EVENT] --year YEAR [--dry-run]
      make the YEAR edition of EVENT (its activities and organisers with it), or,
      without EVENT, of every event marked yearly that has no edition that year
      (from the latest edition). All or nothing."""


def shown(text: Any) -> str:
    """User text made safe for a terminal: no control characters (escape
    sequences), no line breaks."""
    return "".join(" " if unicodedata.category(c)[0] == "C" else c for c in str(text or ""))


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return lines


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        from argparse import RawDescriptionHelpFormatter

        kwargs.setdefault("formatter_class", RawDescriptionHelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,repeat}")
        listing = actions.add_parser("list", help="list events")
        listing.add_argument("--organization", metavar="ORG",
                             help="events of this organisation, its bodies, or that it took part in")
        listing.add_argument("--area", metavar="AREA", help="events in this area or within it")
        listing.add_argument("--year", type=int, help="events that start in this year")
        listing.add_argument("--classification", metavar="C",
                             help="festival, meeting, training… (as recorded)")
        again = actions.add_parser("repeat", help="make the edition of a yearly event for a year")
        again.add_argument("event", nargs="?", metavar="EVENT",
                           help="the event's id; without it, every yearly event")
        again.add_argument("--year", type=int, required=True, help="the year of the new edition")
        again.add_argument("--dry-run", action="store_true",
                           help="say what would be made, and write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self.list(options)
        else:
            self.repeat(options)

    # -- list -----------------------------------------------------------------
    def list(self, options: dict[str, Any]) -> None:
        # Undated events last, on every database.
        events = Event.objects.order_by(F("start_date").asc(nulls_last=True), "pk")
        try:
            events = self.filtered(events, options)
        except InputError as exc:
            raise refuse(self, exc, _("No events listed.")) from None
        rows = [
            [e.start_date or "", e.end_date or "", str(dict(Event.Status.choices).get(
                e.shown_status(), e.shown_status())), shown(classification_label(Event, e.classification)),
             e.pk, shown(e.name)]
            for e in events.iterator()
        ]
        if not rows:
            self.stdout.write(_("No events."))
            return
        head = [_("start"), _("end"), _("status"), _("classification"), _("id"), _("name")]
        self.stdout.write("\n".join(table([h.upper() for h in head], rows)))

    def filtered(self, events: QuerySet[Event], options: dict[str, Any]) -> QuerySet[Event]:
        problems = []
        if org := options.get("organization"):
            if not Organization.objects.filter(pk=org).exists():
                problems.append(Problem("--organization", _('no organisation has the id "%(id)s"')
                                        % {"id": shown(org)}))
            else:
                took_part = Participation.objects.filter(
                    Q(organization_id=org) | Q(on_behalf_of_id=org)).values("event_id")
                events = events.filter(Q(organization_id=org) | Q(organization__parent_id=org)
                                       | Q(pk__in=took_part))
        if area := options.get("area"):
            if not Area.objects.filter(pk=area).exists():
                problems.append(Problem("--area", _('no area has the id "%(id)s"')
                                        % {"id": shown(area)}))
            else:
                events = events.filter(area_id__in=self.areas_within(area))
        if options.get("year") is not None:
            year = options["year"]
            if not 1 <= year <= 9999:
                problems.append(Problem("--year", _("%(year)d is not a year Xarxa can record")
                                        % {"year": year}))
            else:
                events = events.filter(start_date__startswith=f"{year:04d}")
        if options.get("classification"):
            events = events.filter(classification=options["classification"])
        if problems:
            raise InputError(problems)
        return events

    def areas_within(self, area: str) -> set[str]:
        found, level = {area}, [area]
        while level:
            level = [pk for pk in Area.objects.filter(parent_id__in=level).values_list("pk", flat=True)
                     if pk not in found]
            found.update(level)
        return found

    # -- repeat ---------------------------------------------------------------
    def repeat(self, options: dict[str, Any]) -> None:
        year, dry_run = options["year"], options["dry_run"]
        actor = Actor.cli("events")
        nothing = _("Nothing was written: %(n)d problem(s) found.")
        try:
            with transaction.atomic():
                if options["event"]:
                    event = Event.objects.filter(pk=options["event"]).first()
                    if event is None:
                        raise InputError([Problem(shown(options["event"]),
                                                  _("no event has this id"))])
                    made = [repeat_all(event, year, actor=actor)]
                else:
                    made = repeat_yearly(year, actor=actor)
                for result in made:
                    self.stdout.write(self.describe(result))
                if dry_run:
                    transaction.set_rollback(True)
        except InputError as exc:
            raise refuse(self, exc, nothing % {"n": len(exc.problems)}) from None
        if not made:
            self.stdout.write(_("Every yearly event already has its %(year)d edition.")
                              % {"year": year})
        elif dry_run:
            self.stdout.write(_("Dry run: nothing was written."))

    def describe(self, result: Repeated) -> str:
        edition = result.edition
        line = _("%(source)s → %(edition)s (%(start)s)") % {
            "source": result.source.pk, "edition": edition.pk, "start": edition.start_date}
        extra = []
        if result.events:
            extra.append(ngettext("%(n)d activity", "%(n)d activities", len(result.events))
                         % {"n": len(result.events)})
        if result.participations:
            extra.append(ngettext("%(n)d organiser", "%(n)d organisers", result.participations)
                         % {"n": result.participations})
        return line + (": " + ", ".join(extra) if extra else "")
