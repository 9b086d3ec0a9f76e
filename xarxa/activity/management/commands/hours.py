"""`xarxa hours ORG --year 2025` and `xarxa hours --federation FED --year 2025`:
where an organisation's hours go, per network and per body."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

import orjson
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xarxa.activity.hours import (
    FederationHours,
    Figures,
    HoursReport,
    NetworkHours,
    hours_for,
    hours_for_federation,
    parse_year,
)
from xarxa.core.commands import DescribedCommand, plain, refuse
from xarxa.core.text import spreadsheet_cell
from xarxa.core.validation import InputError

HELP = """Print the hours an organisation gave each network in a year, per network and per
body (a meeting belongs to a body, a body to its network), with the events and the
people who went. The hours are those of the participations of the organisation,
or on its behalf, in events that start in the year and were not cancelled; a
participation without hours counts the event's length when its times are known.
Events of no network are grouped "outside networks" by classification.

--format json writes:
  {"organization": {"id", "name"}, "year",
   "networks": [{"id" (null: outside networks), "name", FIGURES,
                 "bodies": [{"id" (null outside networks), "name", "classification",
                             FIGURES}]}],
   "totals": {FIGURES}}
with --federation:
  {"federation": {"id", "name"}, "year",
   "members": [{"organization": {"id", "name"}, "networks": [...], "totals": {...}}],
   "totals": {FIGURES}}  (a participation of one member on behalf of another counts
                          for both members, once in the totals)
where FIGURES are "hours" (a number), "events", "people" (distinct persons),
"organization_participations", "participations", "hours_not_recorded", and, with
--people only, "people_names".

--format csv writes one row per body (with --federation: per member and network),
one per network or member, and the total, told apart by the "level" column."""

FIGURE_KEYS = ("hours", "events", "people", "organization_participations", "participations",
               "hours_not_recorded")


def figures_json(figures: Figures, people: bool) -> dict[str, Any]:
    out: dict[str, Any] = {key: getattr(figures, key) for key in FIGURE_KEYS}
    out["hours"] = float(figures.hours)
    if people:
        out["people_names"] = list(figures.people_names)
    return out


def networks_json(networks: Iterable[NetworkHours], people: bool) -> list[dict[str, Any]]:
    return [
        {"id": net.id, "name": net.name, **figures_json(net.figures, people),
         "bodies": [{"id": line.id, "name": line.name, "classification": line.classification,
                     **figures_json(line.figures, people)} for line in net.lines]}
        for net in networks
    ]


def report_json(report: HoursReport, people: bool) -> dict[str, Any]:
    return {"organization": {"id": report.organization_id, "name": report.organization_name},
            "year": report.year, "networks": networks_json(report.networks, people),
            "totals": figures_json(report.totals, people)}


def federation_json(fed: FederationHours, people: bool) -> dict[str, Any]:
    return {
        "federation": {"id": fed.federation_id, "name": fed.federation_name}, "year": fed.year,
        "members": [{k: v for k, v in report_json(r, people).items() if k != "year"}
                    for r in fed.members],
        "totals": figures_json(fed.totals, people),
    }


def figure_cells(figures: Figures, people: bool) -> list[object]:
    cells: list[object] = [f"{figures.hours:.2f}", *(getattr(figures, k) for k in FIGURE_KEYS[1:])]
    if people:
        cells.append("; ".join(figures.people_names))
    return cells


def report_rows(report: HoursReport, people: bool, bodies: bool = True) -> list[list[object]]:
    rows: list[list[object]] = []
    for net in report.networks:
        if bodies:
            for line in net.lines:
                rows.append(["body", net.id or "", net.name, line.id or "", line.name,
                             line.classification, *figure_cells(line.figures, people)])
        rows.append(["network", net.id or "", net.name, "", "", "",
                     *figure_cells(net.figures, people)])
    return rows



class Table:
    def __init__(self, heading: str, people: bool):
        self.rows: list[tuple[str, list[str], tuple[str, ...]]] = []
        self.heading = heading
        self.people = people

    def add(self, label: str, figures: Figures, indent: int = 0, names: bool = False) -> None:
        """A row; with `names`, the people who went are listed under it (when asked for)."""
        numbers = [f"{figures.hours:.2f}", str(figures.events), str(figures.people),
                   str(figures.organization_participations), str(figures.hours_not_recorded)]
        self.rows.append(("  " * indent + plain(label), numbers,
                          figures.people_names if self.people and names else ()))

    def rule(self) -> None:
        self.rows.append(("", [], ()))

    def lines(self) -> list[str]:
        head = [_("Hours"), _("Events"), _("People"), _("As organisation"),
                _("Without hours")]
        width = max(len(self.heading), *(len(row[0]) for row in self.rows))
        widths = [max(len(h), *(len(row[1][i]) for row in self.rows if row[1]))
                  for i, h in enumerate(head)]
        titles = (h.rjust(w) for h, w in zip(head, widths, strict=True))
        out = ["  ".join([self.heading.ljust(width), *titles]).rstrip()]
        out.append("-" * len(out[0]))
        for label, numbers, names in self.rows:
            if not numbers:
                out.append(out[1])
                continue
            out.append("  ".join([label.ljust(width),
                                  *(n.rjust(w) for n, w in zip(numbers, widths, strict=True))]))
            if names:
                indent = len(label) - len(label.lstrip(" ")) + 4
                out.append(" " * indent + plain(", ".join(names)))
        return out


class Command(DescribedCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organization", nargs="?", help="the id of the organisation (e.g. isom)")
        parser.add_argument("--federation", metavar="FED",
                            help="instead of one organisation: every current member "
                                 "organisation of this federation")
        parser.add_argument("--year", help="the year, four digits (default: this year)")
        parser.add_argument("--format", choices=("text", "json", "csv"), default="text",
                            help="text (a table, the default), json or csv")
        parser.add_argument("--people", action="store_true",
                            help="list the names of the people who went (personal data)")

    def handle(self, *args: Any, **options: Any) -> None:
        org, fed = options["organization"], options["federation"]
        if bool(org) == bool(fed):
            raise CommandError(_("Name an organisation or a federation (--federation), one of the "
                                 "two."), returncode=2)
        try:
            year = parse_year(options["year"] if options["year"] is not None
                              else dt.date.today().year)
        except InputError as exc:
            raise refuse(self, exc, _("The year is not valid; nothing was counted.")) from None
        people = options["people"]
        try:
            result: HoursReport | FederationHours = (
                hours_for(org, year, people=people) if org
                else hours_for_federation(fed, year, people=people))
        except LookupError as exc:
            raise CommandError(str(exc), returncode=2) from None
        fmt = options["format"]
        if fmt == "json":
            data = (report_json(result, people) if isinstance(result, HoursReport)
                    else federation_json(result, people))
            self.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        elif fmt == "csv":
            self.stdout.write(self.csv(result, people), ending="")
        else:
            self.stdout.write("\n".join(self.text(result, people)))

    def csv(self, result: HoursReport | FederationHours, people: bool) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        extra = ["people_names"] if people else []
        figures_head = [*FIGURE_KEYS, *extra]
        if isinstance(result, HoursReport):
            writer.writerow(["level", "network_id", "network", "body_id", "body",
                             "classification", *figures_head])
            rows = report_rows(result, people)
            rows.append(["total", "", "", "", "", "", *figure_cells(result.totals, people)])
        else:
            writer.writerow(["level", "member_id", "member", "network_id", "network",
                             *figures_head])
            rows = []
            for report in result.members:
                member = [report.organization_id, report.organization_name]
                for net in report.networks:
                    rows.append(["network", *member, net.id or "", net.name,
                                 *figure_cells(net.figures, people)])
                rows.append(["member", *member, "", "", *figure_cells(report.totals, people)])
            rows.append(["total", "", "", "", "", *figure_cells(result.totals, people)])
        writer.writerows([[spreadsheet_cell(v) for v in row] for row in rows])
        return buf.getvalue()

    def text(self, result: HoursReport | FederationHours, people: bool) -> list[str]:
        if isinstance(result, HoursReport):
            title = _("Hours of %(name)s (%(id)s) in %(year)d") % {
                "name": plain(result.organization_name), "id": plain(result.organization_id),
                "year": result.year}
            table = Table(_("Network / body"), people)
            for net in result.networks:
                table.add(net.name, net.figures)
                for line in net.lines:
                    label = line.name if line.id is None or line.id != net.id else _(
                        "%(name)s (its own events)") % {"name": line.name}
                    table.add(label, line.figures, 1, names=True)
            totals = result.totals
        else:
            title = _("Hours of the members of %(name)s (%(id)s) in %(year)d") % {
                "name": plain(result.federation_name), "id": plain(result.federation_id),
                "year": result.year}
            table = Table(_("Member / network"), people)
            for report in result.members:
                table.add(f"{report.organization_name} ({report.organization_id})", report.totals)
                for net in report.networks:
                    table.add(net.name, net.figures, 1, names=True)
            totals = result.totals
        table.rule()
        table.add(_("Total"), totals)
        out = [title, "", *table.lines()]
        if isinstance(result, FederationHours) and not result.members:
            out.append(_("The federation has no member organisations today."))
        elif not totals.participations:
            out.append(_("No participations in this year."))
        if totals.hours_not_recorded:
            n = totals.hours_not_recorded
            out += ["", ngettext(
                "%(n)d participation has no hours recorded (no hours given, and the event has "
                "no start and end times); it counts 0 hours.",
                "%(n)d participations have no hours recorded (no hours given, and the events "
                "have no start and end times); they count 0 hours.", n) % {"n": n}]
        return out
