"""`xarxa history ID`: who changed a record, when, through what, and how."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from xarxa.history.models import Change


def describe(change: Change) -> list[str]:
    when = timezone.localtime(change.at).strftime("%Y-%m-%d %H:%M:%S")
    head = f"{when}  {change.get_action_display()}  {change.model} {change.object_id}  " + _(
        "by %(who)s") % {"who": change.actor_label}
    lines = [head]
    before, after = change.before or {}, change.after or {}
    if change.action == Change.Action.CREATE:
        lines += [f"    + {key}: {show(value)}" for key, value in after.items() if key != "id"]
    elif change.action == Change.Action.DELETE:
        lines += [f"    - {key}: {show(value)}" for key, value in before.items() if key != "id"]
    else:
        for key in change.changed_keys():
            lines.append(f"    {key}: {show(before.get(key))} → {show(after.get(key))}")
    return lines


def show(value: Any) -> str:
    if value is None:
        return "∅"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:200] + "…"


class Command(BaseCommand):
    help = "Print the history of a record, given its id as written in the Popolo export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", help="the record's id (e.g. isom)")
        parser.add_argument("--limit", type=int, default=0, help="only the last N changes")

    def handle(self, *args: Any, **options: Any) -> None:
        changes = Change.objects.filter(object_id=options["id"]).order_by("at", "id")
        if options["limit"]:
            ids = list(changes.reverse().values_list("id", flat=True)[: options["limit"]])
            changes = changes.filter(id__in=ids)
        found = False
        for change in changes.iterator():
            found = True
            self.stdout.write("\n".join(describe(change)))
        if not found:
            raise CommandError(_('No history for "%(id)s": no record has ever had that id.')
                               % {"id": options["id"]})
