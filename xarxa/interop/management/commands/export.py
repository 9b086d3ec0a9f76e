"""`xarxa export popolo|json [-o FILE]` and `xarxa export ical ORG|--area AREA [-o FILE]`."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Export the registry: Popolo JSON, Xarxa's whole JSON document, or an iCalendar feed."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        p = sub.add_parser("popolo", help="organizations, persons, memberships, posts, areas, events")
        j = sub.add_parser("json", help="everything: the Popolo document and Xarxa's own records "
                                        "(docs/json-format.md)")
        for each in (p, j):
            each.add_argument("-o", "--output", default="-",
                              help="file to write (default: standard output)")
            each.add_argument("--no-timestamps", action="store_true",
                              help="leave out created_at/updated_at (for comparing exports)")
        c = sub.add_parser("ical", help="the events of an organisation or an area, as iCalendar")
        c.add_argument("organization", nargs="?", help="the id of the organisation")
        c.add_argument("--area", help="the id of an area, instead of an organisation")
        c.add_argument("-o", "--output", default="-", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        write: Callable[[IO[bytes]], int]
        if kind == "ical":
            from xarxa.activity.ical import calendar_for

            if bool(options["organization"]) == bool(options["area"]):
                raise CommandError(_("Name an organisation or an area (--area), one of the two."))
            try:
                feed = calendar_for(organization=options["organization"], area=options["area"])
            except LookupError as exc:
                raise CommandError(str(exc)) from None

            def write(out: IO[bytes]) -> int:
                return feed.write(out)
        else:
            timestamps = not options["no_timestamps"]
            if kind == "json":
                from xarxa.interop.xarxa_json import export_document
            else:
                from xarxa.interop.popolo_export import export_document

            def write(out: IO[bytes]) -> int:
                return export_document(out, timestamps=timestamps)

        target = options["output"]
        if target == "-":
            try:
                write(sys.stdout.buffer)
                sys.stdout.buffer.flush()
            except BrokenPipeError:  # `xarxa export popolo | head` is fine
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        # Write next to the target and move into place: never a half file.
        path = Path(target)
        fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as out:
                count = write(out)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        self.stderr.write(_("%(n)d objects written to %(file)s") % {"n": count, "file": target})
