"""The history in the admin: read only, because a history that can be edited
is no history. Each row shows who changed what, and the values before and
after, side by side."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from xarxa.core.models import PopoloModel
from xarxa.history.models import Change


def recorded_models() -> list[type[PopoloModel]]:
    return [m for m in apps.get_models() if issubclass(m, PopoloModel)]


def kind_label(label: str) -> str:
    try:
        return str(capfirst(apps.get_model(label)._meta.verbose_name))
    except (LookupError, ValueError):
        return label


def key_label(model_label: str, key: str) -> str:
    """A Popolo key as the admin names its field: "founded (founding_date)"."""
    try:
        model = apps.get_model(model_label)
        name = model.field_for(key)
        verbose = model._meta.get_field(name).verbose_name
    except (LookupError, ValueError, AttributeError, FieldDoesNotExist):
        return key
    return f"{verbose} ({key})"


def shown(value: Any) -> str:
    """A value as text for the diff table; escaped by format_html later."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=2)


class KindFilter(admin.SimpleListFilter):
    """The kinds of record Xarxa keeps, named in the user's language; no
    query over the (large) history table to find them."""

    title = _("kind of record")
    parameter_name = "model"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return sorted(
            ((m._meta.label_lower, capfirst(m._meta.verbose_name)) for m in recorded_models()),
            key=lambda choice: str(choice[1]),
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(model=self.value())
        return queryset


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "kind", "record")
    list_filter = ("action", KindFilter)
    search_fields = ("=object_id", "object_repr")
    show_full_result_count = False
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("at", "actor", "actor_label", "action", "kind", "record", "batch")}),
        (_("What changed"), {"fields": ("diff",)}),
        (_("Whole record"), {"fields": ("before", "after"), "classes": ["collapse"]}),
    )
    readonly_fields = ("at", "actor", "actor_label", "action", "kind", "record", "batch",
                       "diff", "before", "after")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("kind of record"), ordering="model")
    def kind(self, change: Change) -> str:
        return kind_label(change.model)

    @admin.display(description=_("record"), ordering="object_id")
    def record(self, change: Change) -> str:
        text = change.object_repr or change.object_id
        if change.action == Change.Action.DELETE:
            return format_html("{} <small>({})</small>", text, change.object_id)
        app_label, __, model_name = change.model.partition(".")
        try:
            url = reverse(f"admin:{app_label}_{model_name}_change",
                          args=[quote(change.object_id)], current_app=self.admin_site.name)
        except NoReverseMatch:
            return format_html("{} <small>({})</small>", text, change.object_id)
        return format_html('<a href="{}">{}</a> <small>({})</small>', url, text,
                           change.object_id)

    @admin.display(description=_("changes"))
    def diff(self, change: Change) -> str:
        """A table of the keys that changed, with their values before and after.
        Every value is user text: format_html escapes it all."""
        before, after = change.before or {}, change.after or {}
        missing = "—"
        rows = format_html_join(
            "\n",
            '<tr><th scope="row">{}</th><td><pre style="white-space: pre-wrap">{}</pre></td>'
            '<td><pre style="white-space: pre-wrap">{}</pre></td></tr>',
            (
                (key_label(change.model, key),
                 shown(before[key]) if key in before else missing,
                 shown(after[key]) if key in after else missing)
                for key in change.changed_keys()
            ),
        )
        return format_html(
            '<table><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            _("field"), _("before"), _("after"), rows,
        )
