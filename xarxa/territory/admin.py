from __future__ import annotations

from django.contrib import admin

from xarxa.core.admin import ClassificationFilter, WritePathAdmin
from xarxa.territory.models import Area


@admin.register(Area)
class AreaAdmin(WritePathAdmin):
    list_display = ("name", "identifier", "show_classification", "parent", "id")
    list_select_related = ("parent",)
    list_filter = (ClassificationFilter,)
    search_fields = ("name", "id", "identifier")
    autocomplete_fields = ("parent",)
