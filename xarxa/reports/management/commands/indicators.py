"""`xarxa indicators ORG --year 2025 --format csv|xlsx|json -o FILE`: an
organisation's indicators for its memòria and its social balance."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import orjson
from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from xarxa.accounts.rules import Viewer
from xarxa.activity.hours import UnknownOrganization
from xarxa.core.commands import DescribedCommand, plain
from xarxa.core.validation import InputError
from xarxa.reports.indicator_files import FORMATS, as_csv, as_json, as_xlsx
from xarxa.reports.indicators import indicators_for, report_year

LANGUAGES = ("ca", "es", "en")

HELP = """Write an organisation's indicators for a year beside the year before, with
the change: networks joined and left, bodies and seats held, representation,
hours per network and per person, events organised and co-organised, people
reached, agreements in force, placements hosted and hours tutored (docs/reports.md,
"Indicators", defines each).

--format csv (the default; UTF-8 with a byte order mark, for Excel) and json go to
standard output without -o; xlsx needs -o FILE. The operator sees everything;
--public counts only what a visitor of the organisation's page sees (and names
no person)."""


def refused(message: str) -> CommandError:
    return CommandError(message, returncode=2)



class Command(DescribedCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organization", help="the id of the organisation (e.g. isom)")
        parser.add_argument("--year", help="the year, four digits (default: last year)")
        parser.add_argument("--format", default=None, metavar="csv|xlsx|json",
                            help="csv (the default), xlsx or json")
        parser.add_argument("-o", "--output", default=None, metavar="FILE",
                            help="the file to write (default: standard output; xlsx needs one)")
        parser.add_argument("--lang", default=None, metavar="ca|es|en",
                            help="the language of the labels (default: the command's)")
        parser.add_argument("--public", action="store_true",
                            help="only what a visitor sees (default: everything)")

    def handle(self, *args: Any, **options: Any) -> None:
        language = options["lang"] or translation.get_language() or "en"
        if language not in LANGUAGES:
            raise refused(_("--lang: %(value)s is not one of ca, es, en.")
                          % {"value": plain(language)[:40]})
        with translation.override(language):
            self.write(options)

    def write(self, options: dict[str, Any]) -> None:
        fmt = (options["format"] or "csv").lower()
        if fmt not in FORMATS:
            raise refused(_("--format: %(value)s is not one of csv, xlsx, json.")
                          % {"value": plain(options["format"])[:40]})
        try:
            year = report_year(options["year"] if options["year"] is not None
                               else dt.date.today().year - 1)
        except InputError as exc:  # one problem: the year's
            raise refused(plain(exc.problems[0])) from None
        output = options["output"]
        if fmt == "xlsx" and output in (None, "-"):
            raise refused(_("An XLSX file is not written to the terminal: name it with -o FILE."))
        viewer = Viewer(None) if options["public"] else None
        try:
            ind = indicators_for(options["organization"], year, viewer)
        except UnknownOrganization as exc:
            raise refused(plain(exc)) from None

        if fmt == "xlsx":
            data = as_xlsx(ind)
        elif fmt == "json":
            data = orjson.dumps(as_json(ind), option=orjson.OPT_INDENT_2) + b"\n"
        else:
            data = as_csv(ind)
        if output in (None, "-"):
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise refused(_("Cannot write %(file)s: %(reason)s")
                          % {"file": plain(output), "reason": exc.strerror or exc}) from None
        self.stderr.write(_("Indicators of %(name)s for %(year)d written to %(file)s.") % {
            "name": plain(ind.organization_name), "year": year, "file": plain(output)})

