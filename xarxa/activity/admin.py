from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xarxa.activity.models import Event
from xarxa.core.admin import ClassificationFilter, CurrentFilter, WritePathAdmin


class EventDatesFilter(CurrentFilter):
    labels = (_("under way"), _("over"), _("to come"))


@admin.register(Event)
class EventAdmin(WritePathAdmin):
    list_display = ("name", "show_classification", "start_date", "end_date", "organization",
                    "parent", "location", "id")
    list_select_related = ("organization", "parent")
    list_filter = (ClassificationFilter, EventDatesFilter)
    search_fields = ("name", "id", "location", "identifiers")
    autocomplete_fields = ("organization", "parent")
