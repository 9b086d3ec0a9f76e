"""What the CLI commands share."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from xarxa.core.validation import InputError

SHOWN = 1000


def refuse(command: BaseCommand, exc: InputError, summary: str) -> CommandError:
    """Write each problem on its own line (the first thousand) to stderr and
    return the error that ends the command with status 2."""
    for problem in exc.problems[:SHOWN]:
        command.stderr.write(str(problem))
    if len(exc.problems) > SHOWN:
        command.stderr.write(_("… and %(n)d more problems") % {"n": len(exc.problems) - SHOWN})
    return CommandError(summary, returncode=2)
