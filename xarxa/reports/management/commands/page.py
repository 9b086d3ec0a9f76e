"""`xarxa page ORG --lang ca|es|en [--as-of DATE] --format html|fragment|md -o FILE`:
an organisation's "Treball en xarxa" page, written from its records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from xarxa.accounts.rules import command_viewer
from xarxa.core import dates
from xarxa.directory.models import Organization
from xarxa.reports import facts as f
from xarxa.reports import page as p

FORMATS = ("html", "fragment", "md")


class Command(BaseCommand):
    help = ("Write an organisation's \"Treball en xarxa\" page from its records: its community, "
            "the networks it collaborates with, its seats and representations, its awareness "
            "work and its training. --format html gives a whole page, fragment a piece of HTML "
            "for the entity's own website, md Markdown. The command sees every record; --public "
            "writes what a visitor of the site would see.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organization", help="the organisation's id (isom)")
        parser.add_argument("--lang", default="ca", choices=["ca", "es", "en"])
        parser.add_argument("--as-of", default=None, help="a date: 2019, 2019-06, 2019-06-30 (today)")
        parser.add_argument("--format", default="html", choices=FORMATS)
        parser.add_argument("-o", "--output", default=None, help="the file to write (stdout)")
        parser.add_argument("--public", action="store_true",
                            help="only what a visitor of the site may see")

    def handle(self, *args: Any, **options: Any) -> None:
        lang = options["lang"]
        with translation.override(lang):
            text = render_page(options["organization"], lang, options["as_of"], options["format"],
                               public=options["public"])
        write_out(self, text.encode(), options["output"])


def render_page(pk: str, lang: str, as_of: str | None, fmt: str, *, public: bool = False) -> str:
    """The page as text, in the active language; CommandError(2) for bad input."""
    try:
        day = dates.parse(as_of) if as_of else None
    except dates.PartialDateError as problem:
        raise CommandError(f"--as-of: {problem}", returncode=2) from None
    v = command_viewer(public)
    org = Organization.objects.select_related("area").filter(pk=pk).first()
    if org is None or not v.sees(org):
        raise CommandError(_('No organisation has the id "%(id)s".') % {"id": pk}, returncode=2)
    doc = p.build(f.gather(org, v, f.Period.day(day), lang=lang))
    if fmt == "md":
        return p.markdown(doc)
    template = "reports/page_fragment.html" if fmt == "fragment" else "reports/page_standalone.html"
    return render_to_string(template, {"doc": doc})


def write_out(command: BaseCommand, data: bytes, output: str | None) -> None:
    """Write to the file named, or to stdout; one clear line when it cannot."""
    if not output or output == "-":
        command.stdout.write(data.decode("utf-8", "replace"), ending="")
        return
    try:
        with open(output, "wb") as out:
            out.write(data)
    except OSError as problem:
        raise CommandError(_("Cannot write %(file)s: %(reason)s")
                           % {"file": output, "reason": problem.strerror or problem},
                           returncode=2) from None
