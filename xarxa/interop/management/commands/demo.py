"""`xarxa demo [--if-empty] [--without-illustrative]`: load the ISOM demo network
(see xarxa/interop/demo/)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from xarxa.core.commands import refuse
from xarxa.core.validation import InputError
from xarxa.core.writes import Actor
from xarxa.interop.demo_loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo: Barcelona's districts and barris, the networks of ISOM's page "
        "«Treball en xarxa» and what ISOM does in them. Records the page does not state "
        "(dates, people, universities) are flagged illustrative. Loading it again changes "
        "nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true",
            help="do nothing when the database already holds an organisation",
        )
        parser.add_argument(
            "--without-illustrative", action="store_true",
            help="load only what the page states: leave out the illustrative records and "
                 "whatever points to them. It adds, it never deletes: illustrative records of "
                 "an earlier load stay (start from an empty database to be rid of them)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = load_demo(actor=Actor.cli("demo"), if_empty=options["if_empty"],
                                illustrative=not options["without_illustrative"])
        except InputError as exc:
            raise refuse(self, exc, _("Nothing was loaded: %(n)d problem(s) found.")
                         % {"n": len(exc.problems)}) from None
        self.stdout.write(summary)
