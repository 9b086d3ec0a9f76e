"""`xarxa agreements`: what needs action, the agreements by status, and the
warnings of Ley 40/2015.

    xarxa agreements expiring [--within DAYS] [--as-of DATE] [--format text|json|csv]
    xarxa agreements list [--status STATUS ...] [--as-of DATE] [--format ...]
    xarxa agreements check [--format ...]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xarxa.core import dates
from xarxa.core.text import spreadsheet_cell
from xarxa.directory.models import Organization
from xarxa.training import status as agreement_status
from xarxa.training.models import Agreement, kind_label, role_label

FORMATS = ("text", "json", "csv")
CSV_COLUMNS = ["id", "name", "kind", "status", "signed_on", "start_date", "end_date",
               "extended_until", "days_left", "parties", "warnings"]


def csv_safe(value: Any) -> object:
    """A cell a spreadsheet will not run as a formula."""
    return spreadsheet_cell("" if value is None else str(value))


def as_of_day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(dates.as_of_text(value or None))
    except dates.PartialDateError as exc:
        raise CommandError(_("--as-of: %(problem)s") % {"problem": exc}) from None


def non_negative(value: str) -> int:
    import argparse

    try:
        days = int(value)
    except ValueError:
        days = -1
    if days < 0:
        raise argparse.ArgumentTypeError(
            _("%(value)s is not a number of days (a whole number, 0 or more)")
            % {"value": repr(value)})
    return days


class Command(BaseCommand):
    help = ("Agreements: those expiring and not renewed (what needs action), a list by status, "
            "and the warnings of Ley 40/2015 for public bodies.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{expiring,list,check}")

        expiring = sub.add_parser(
            "expiring", help="signed agreements whose end (or extension) falls within the "
                             "window and that no agreement renews, soonest first")
        expiring.add_argument("--within", type=non_negative, default=None, metavar="DAYS",
                              help="days ahead (default: XARXA_AGREEMENT_NOTICE_DAYS, 90)")
        self.common(expiring)

        listing = sub.add_parser("list", help="agreements and their status")
        listing.add_argument("--status", action="append", choices=agreement_status.STATUSES,
                             help="only agreements of this status (repeat for several)")
        self.common(listing)

        check = sub.add_parser("check", help="the warnings of Ley 40/2015 (art. 49 h) for "
                                             "agreements of Spanish public bodies")
        self.common(check)

    def common(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", default=None, metavar="DATE",
                            help="the day to judge on (default: today)")
        parser.add_argument("--format", choices=FORMATS, default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        day = as_of_day(options.get("as_of"))
        action = options["action"]
        queryset = Agreement.objects.with_renewed()
        if action == "expiring":
            within = options.get("within")
            if within is None:
                within = agreement_status.default_notice()
            text = day.isoformat()
            queryset = queryset.filter(
                Q(signed_on__isnull=False, signed_on__lte=text), is_renewed=False,
            ).expiring_within(within, day)
            rows = self.describe(queryset, day)
            rows.sort(key=lambda r: (r["days_left"], r["name"], r["id"]))
            empty = _("No agreement expires within %(days)d days of %(day)s.") % {
                "days": within, "day": text}
        elif action == "list":
            wanted = options.get("status") or []
            if wanted:
                condition = Q()
                for status in wanted:
                    condition |= agreement_status.status_q(status, day)
                queryset = queryset.filter(condition)
            rows = self.describe(queryset.order_by("end_date", "name", "id"), day)
            empty = _("No agreement.")
        else:
            rows = [r for r in self.describe(
                queryset.filter(public_sector=True).order_by("end_date", "name", "id"), day)
                if r["warnings"]]
            empty = _("No agreement has warnings.")
        self.write(rows, options["format"], action, empty)

    def describe(self, agreements: Iterable[Agreement], day: dt.date) -> list[dict[str, Any]]:
        agreements = list(agreements)
        ids = {pid for a in agreements for pid in a.party_ids()}
        names: dict[str, str] = {}
        wanted = sorted(ids)
        for i in range(0, len(wanted), 900):
            names.update(Organization.objects.filter(pk__in=wanted[i:i + 900])
                         .values_list("id", "name"))
        return [{
            "id": a.pk,
            "name": a.name,
            "kind": a.kind,
            "status": a.status(day),
            "signed_on": a.signed_on,
            "start_date": a.start_date,
            "end_date": a.end_date,
            "extended_until": a.extended_until,
            "end": a.effective_end,
            "days_left": a.days_left(day),
            "parties": [
                {"organization_id": p.get("organization_id"),
                 "name": names.get(p.get("organization_id", "")), "role": p.get("role")}
                for p in a.parties if isinstance(p, dict)],
            "warnings": a.warnings(),
        } for a in agreements]

    # -- output ------------------------------------------------------------------
    def write(self, rows: list[dict[str, Any]], fmt: str, action: str, empty: str) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        elif fmt == "csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            for row in rows:
                writer.writerow([csv_safe(v) for v in (
                    row["id"], row["name"], row["kind"], row["status"], row["signed_on"],
                    row["start_date"], row["end_date"], row["extended_until"], row["days_left"],
                    "; ".join(party_text(p) for p in row["parties"]),
                    "; ".join(row["warnings"]))])
            self.stdout.write(out.getvalue(), ending="")
        elif not rows:
            self.stdout.write(empty)
        else:
            for row in rows:
                self.stdout.write("\n".join(self.text(row, action)))

    def text(self, row: dict[str, Any], action: str) -> list[str]:
        status = str(agreement_status.LABELS[row["status"]])
        head = f"{row['name']} [{row['id']}]"
        if action == "expiring":
            left = row["days_left"]
            head = "  ".join((row["end"], ngettext("%(n)d day left", "%(n)d days left", left)
                              % {"n": left}, head))
        else:
            span = f"{row['start_date'] or '…'} – {row['end'] or '…'}"
            head = "  ".join((status, span, head))
        lines = [head]
        if row["kind"] and action != "check":
            lines.append("    " + _("kind: %(kind)s") % {"kind": kind_label(row["kind"])})
        if row["parties"]:
            lines.append("    " + _("parties: %(parties)s") % {
                "parties": "; ".join(party_text(p) for p in row["parties"])})
        for warning in row["warnings"]:
            lines.append("    " + _("warning: %(warning)s") % {"warning": warning})
        return lines


def party_text(party: dict[str, Any]) -> str:
    name = party.get("name") or party.get("organization_id") or ""
    role = party.get("role")
    return f"{name} ({role_label(role)})" if role else name
