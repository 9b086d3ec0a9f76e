"""`xarxa campaigns [--organization ORG]`: the awareness campaigns, the values
they promote, the themes they address, their actions and their reach."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q
from django.utils.translation import gettext as _

from xarxa.activity.management.commands.events import shown
from xarxa.activity.models import Campaign, Participation, Theme
from xarxa.core.commands import refuse
from xarxa.core.validation import InputError, Problem
from xarxa.directory.models import Organization


class Command(BaseCommand):
    help = (
        "List the awareness campaigns: the values they promote, the themes they address, "
        "their actions (events) and the people those reached. With --organization, the "
        "campaigns it runs or whose actions it organises or takes part in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", metavar="ORG",
                            help="only the campaigns of this organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        campaigns = Campaign.objects.select_related("organization").order_by("-start_date", "name")
        if org := options.get("organization"):
            if not Organization.objects.filter(pk=org).exists():
                raise refuse(self, InputError([Problem("--organization", _(
                    'no organisation has the id "%(id)s"') % {"id": shown(org)})]),
                    _("No campaigns listed.")) from None
            took_part = Participation.objects.filter(
                Q(organization_id=org) | Q(on_behalf_of_id=org)).values("event__campaign_id")
            campaigns = campaigns.filter(Q(organization_id=org) | Q(pk__in=took_part))
        themes = dict(Theme.objects.values_list("pk", "name"))
        blocks = []
        for campaign in campaigns:
            reach = campaign.reach()
            period = " – ".join(d or "…" for d in (campaign.start_date, campaign.end_date)) \
                if campaign.start_date or campaign.end_date else _("no dates")
            lines = [f"{campaign.pk}  {shown(campaign.name)}  ({period})"]
            if campaign.organization_id:
                lines.append("  " + _("run by: %(org)s") % {"org": shown(campaign.organization)})
            lines.append("  " + _("values: %(values)s") % {
                "values": ", ".join(campaign.value_labels()) or "—"})
            lines.append("  " + _("themes: %(themes)s") % {
                "themes": ", ".join(shown(themes.get(t, t)) for t in campaign.themes) or "—"})
            lines.append("  " + _("actions: %(actions)d, people reached: %(people)d") % {
                "actions": reach.actions, "people": reach.people})
            blocks.append("\n".join(lines))
        self.stdout.write("\n\n".join(blocks) if blocks else _("No campaigns."))
