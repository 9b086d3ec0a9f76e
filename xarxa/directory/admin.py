from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xarxa.core.admin import ClassificationFilter, CurrentFilter, WritePathAdmin, current_column
from xarxa.directory.models import Organization, Person


class ExistenceFilter(CurrentFilter):
    title = _("existence")
    parameter_name = "existence"
    start_field = "founding_date"
    end_field = "dissolution_date"
    labels = (_("active"), _("dissolved"), _("not yet founded"))


@admin.register(Organization)
class OrganizationAdmin(WritePathAdmin):
    list_display = ("name", "show_classification", "parent", "area", "founding_date",
                    "dissolution_date", "exists_today", "id")
    list_select_related = ("parent", "area")
    list_filter = (ClassificationFilter, ExistenceFilter)
    # identifiers: a NIF or a registry number finds its entity.
    search_fields = ("name", "id", "identifiers")
    autocomplete_fields = ("parent", "area")

    exists_today = current_column("founding_date", "dissolution_date", _("active today"))


@admin.register(Person)
class PersonAdmin(WritePathAdmin):
    list_display = ("name", "sort_name", "birth_date", "death_date", "id")
    search_fields = ("name", "sort_name", "id", "identifiers")
