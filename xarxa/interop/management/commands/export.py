"""`xarxa export popolo [-o FILE]`."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from xarxa.interop.popolo_export import export_document


class Command(BaseCommand):
    help = "Export the registry as one Popolo JSON document."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        p = sub.add_parser("popolo", help="organizations, persons, memberships, posts, areas, events")
        p.add_argument("-o", "--output", default="-", help="file to write (default: standard output)")
        p.add_argument("--no-timestamps", action="store_true",
                       help="leave out created_at/updated_at (for comparing exports)")

    def handle(self, *args: Any, **options: Any) -> None:
        target = options["output"]
        timestamps = not options["no_timestamps"]
        if target == "-":
            try:
                export_document(sys.stdout.buffer, timestamps=timestamps)
                sys.stdout.buffer.flush()
            except BrokenPipeError:  # `xarxa export popolo | head` is fine
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        else:
            # Write next to the target and move into place: never a half file.
            path = Path(target)
            fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
            try:
                with os.fdopen(fd, "wb") as out:
                    count = export_document(out, timestamps=timestamps)
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
            self.stderr.write(_("%(n)d objects written to %(file)s") % {"n": count, "file": target})
