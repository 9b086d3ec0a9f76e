"""`xarxa import popolo FILE [--dry-run]` and `xarxa import areas FILE …`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xarxa.core.commands import refuse
from xarxa.core.validation import InputError, read_json
from xarxa.core.writes import Actor


class Command(BaseCommand):
    help = "Import data: a Popolo or Xarxa JSON document, or areas from GeoJSON."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        p = sub.add_parser("popolo", help="a Popolo JSON document, all or nothing")
        p.add_argument("file", help="the JSON file, or - for standard input")
        p.add_argument("--dry-run", action="store_true",
                       help="check everything and say what would change; write nothing")
        j = sub.add_parser("json", help="Xarxa's whole JSON document (`xarxa export json`), "
                                        "all or nothing")
        j.add_argument("file", help="the JSON file, or - for standard input")
        j.add_argument("--dry-run", action="store_true",
                       help="check everything and say what would change; write nothing")

        a = sub.add_parser("areas", help="areas (districts, barris…) from a GeoJSON file")
        a.add_argument("file")
        a.add_argument("--classification", required=True,
                       help="what the features are: district, neighbourhood, …")
        a.add_argument("--id-property", required=True,
                       help="the property holding each feature's official code")
        a.add_argument("--name-property", required=True)
        a.add_argument("--parent-property",
                       help="the property holding the code of the area each feature lies in")
        a.add_argument("--within", default="barcelona",
                       help="id of the area everything lies in (default: barcelona, "
                            "the city, created when missing)")
        a.add_argument("--within-name", default="Barcelona")
        a.add_argument("--within-classification", default="city")
        a.add_argument("--source-url", help="where the file comes from, recorded on each area")
        a.add_argument("--source-note", help="the credit its licence asks for, e.g. "
                       '"Ajuntament de Barcelona / CartoBCN, CC BY"')
        a.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        # The history says through what: the command and the file's name.
        actor = Actor.cli(f"import {options['kind']} {Path(options['file']).name}")
        report: object
        try:
            if options["kind"] in ("popolo", "json"):
                from xarxa.interop.popolo_import import import_document

                source = sys.stdin.buffer if options["file"] == "-" else Path(options["file"])
                report = import_document(
                    read_json(source), actor=actor, dry_run=options["dry_run"],
                    xarxa=options["kind"] == "json",
                )
            else:
                from xarxa.interop.areas import import_areas

                report = import_areas(
                    Path(options["file"]), actor=actor, dry_run=options["dry_run"],
                    classification=options["classification"],
                    id_property=options["id_property"], name_property=options["name_property"],
                    parent_property=options["parent_property"], within=options["within"],
                    within_name=options["within_name"],
                    within_classification=options["within_classification"],
                    source=[{k: v for k, v in (("url", options["source_url"]),
                                                ("note", options["source_note"])) if v}]
                    if options["source_url"] else None,
                )
        except InputError as exc:
            raise refuse(self, exc, _("Nothing was imported: %(n)d problem(s) found.")
                         % {"n": len(exc.problems)}) from None
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s")
                % {"file": options["file"], "reason": exc.strerror or exc}
            ) from None
        self.stdout.write(str(report))
