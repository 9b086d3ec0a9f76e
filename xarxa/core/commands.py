"""What the CLI commands share."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xarxa.core.validation import InputError

SHOWN = 1000


def plain(text: object) -> str:
    """User text fit for one line or cell of a terminal: no control characters."""
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
                   for c in str(text))


def refuse(command: BaseCommand, exc: InputError, summary: str) -> CommandError:
    """Write each problem on its own line (the first thousand) to stderr and
    return the error that ends the command with status 2."""
    for problem in exc.problems[:SHOWN]:
        command.stderr.write(str(problem))
    if len(exc.problems) > SHOWN:
        command.stderr.write(_("… and %(n)d more problems") % {"n": len(exc.problems) - SHOWN})
    return CommandError(summary, returncode=2)


class DescribedCommand(BaseCommand):
    """A command whose help text keeps its own lines (a description of the
    JSON it writes, say)."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        from argparse import RawDescriptionHelpFormatter

        return super().create_parser(prog_name, subcommand,
                                     formatter_class=RawDescriptionHelpFormatter, **kwargs)
