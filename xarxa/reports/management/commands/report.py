"""`xarxa report ORG --year 2025 --lang ca --format pdf|html|md -o FILE`: the
annual report of an organisation's network work; with --federation, the
report of a network on its members."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from xarxa.accounts.rules import command_viewer
from xarxa.core.commands import plain
from xarxa.core.validation import InputError
from xarxa.directory.models import Organization
from xarxa.reports import annual, federation
from xarxa.reports.indicators import report_year
from xarxa.reports.management.commands.page import write_out


class Command(BaseCommand):
    help = ("Write the annual report (memòria) of an organisation's network work for a year: "
            "its networks, bodies and seats with their dates, the hours it gave each, its "
            "events and community activities, its awareness campaigns, its agreements and "
            "placements, the indicators with the year before, the sources, and charts. "
            "--federation writes a network's report on its members instead. The command sees "
            "every record; --public writes what a visitor of the site would see.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organization", help="the organisation's id (isom)")
        parser.add_argument("--year", required=True, help="the year, such as 2025")
        parser.add_argument("--lang", default="ca", choices=["ca", "es", "en"])
        parser.add_argument("--format", default="pdf", choices=["pdf", "html", "md"])
        parser.add_argument("-o", "--output", default=None, help="the file to write (stdout)")
        parser.add_argument("--federation", action="store_true",
                            help="the network's report on its members")
        parser.add_argument("--public", action="store_true",
                            help="only what a visitor of the site may see")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt, output = options["format"], options["output"]
        with translation.override(options["lang"]):
            try:
                year = report_year(options["year"])
            except InputError as exc:  # one problem: the year's
                raise CommandError(plain(exc.problems[0]), returncode=2) from None
            if fmt == "pdf" and not output:
                raise CommandError(_("A PDF is not written to the terminal: name it with -o FILE."),
                                   returncode=2)
            v = command_viewer(options["public"])
            org = Organization.objects.select_related("area").filter(
                pk=options["organization"]).first()
            if org is None or not v.sees(org):
                raise CommandError(_('No organisation has the id "%(id)s".')
                                   % {"id": options["organization"]}, returncode=2)
            data = report_bytes(federation if options["federation"] else annual, org, v, year, fmt)
        write_out(self, data, output)


def report_bytes(report: ModuleType, org: Organization, v: Any, year: int, fmt: str) -> bytes:
    """The report of `report` (the annual one, or a federation's) as a file."""
    built = report.build(org, v, year)
    if fmt == "pdf":
        return bytes(report.render_pdf(built))
    if fmt == "md":
        return str(report.markdown(built)).encode()
    return str(report.render_html(built, standalone=True)).encode()
