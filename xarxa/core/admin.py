"""The admin, through the one write path.

Every model admin of Xarxa inherits `WritePathAdmin`: its saves and deletes go
through `xarxa.core.writes`, so a change made in the admin is validated and
recorded in the history exactly like one made by an import or the CLI. The
helpers below (JSON list fields, partial-date inputs, filters by date and
classification) are shared by the admins of every domain package.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import model_ngettext, quote, unquote
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms.fields import InvalidJSONInput
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from xarxa.core import dates, popolo, writes
from xarxa.core.fields import PartialDateField
from xarxa.core.models import PopoloModel, classification_label
from xarxa.core.validation import Problem

# The one place the admin's name is set.
admin.site.site_header = _("Xarxa")
admin.site.site_title = _("Xarxa")

# Refused deletions are reported one message each, up to this many.
MAX_REFUSALS_SHOWN = 10
# A JSON value longer than this (a district's boundary) is shown on one line.
MAX_INDENTED_JSON = 10_000


class WriteRefused(Exception):
    """`writes` refused a change the form had accepted (someone else changed or
    referred to the record meanwhile); the admin says why instead of failing."""

    def __init__(self, messages_: list[str]):
        self.messages = messages_
        super().__init__("; ".join(messages_))


def refusal(exc: ValidationError | writes.ConflictError) -> WriteRefused:
    return WriteRefused(exc.messages if isinstance(exc, ValidationError) else [str(exc)])


def describe(problem: Problem) -> str:
    """A problem of a JSON list, worded for the admin: "item 2, url: …"."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in problem.path.split("/") if t]
    if not tokens:
        return problem.message
    where = [str(_("item %(n)d") % {"n": int(t) + 1}) if t.isdigit() else t for t in tokens]
    return str(_("%(where)s: %(problem)s") % {"where": ", ".join(where),
                                             "problem": problem.message})


class PopoloJSONField(forms.JSONField):
    """A JSON value (other names, identifiers, contact details, links, sources,
    other publishers' keys) edited as indented text, and checked by the very
    function the Popolo importer uses, so both accept the same things."""

    def __init__(self, *, spec_field: popolo.F | None, empty: Any, **kwargs: Any) -> None:
        self.spec_field = spec_field
        self.empty = empty
        kwargs.pop("show_hidden_initial", None)
        super().__init__(**kwargs)

    def empty_value_(self) -> Any:
        return self.empty() if callable(self.empty) else self.empty

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, InvalidJSONInput):
            return value
        text = json.dumps(value, ensure_ascii=False, cls=self.encoder)
        if len(text) <= MAX_INDENTED_JSON:
            text = json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)
        return text

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value is None:
            return self.empty_value_()
        if self.spec_field is not None:
            problems: list[Problem] = []
            popolo.read_value(self.spec_field, value, "", problems)
            if problems:
                raise ValidationError([describe(p) for p in problems], code="popolo")
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        empty = self.empty_value_()
        before = empty if initial is None else initial
        after = empty if data is None else data
        return json.dumps(before, sort_keys=True, cls=self.encoder) != json.dumps(
            after, sort_keys=True, cls=self.encoder
        )


def spec_field_for(model: type[PopoloModel], db_field: models.Field) -> popolo.F | None:
    """The Popolo rule of a JSON column: the same F the importer reads it with."""
    spec = getattr(model, "POPOLO", None)
    for f in spec.json_fields if spec else ():
        if f.col in (db_field.name, db_field.attname):
            return f
    return None


class ClassificationFilter(admin.SimpleListFilter):
    """The classifications in use, named in the user's language when Xarxa
    knows the word (other publishers' words are shown as they are)."""

    title = _("classification")
    parameter_name = "classification"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        model = model_admin.model
        values = (
            model._default_manager.order_by("classification")
            .exclude(classification="").values_list("classification", flat=True).distinct()[:200]
        )
        return [(v, classification_label(model, v)) for v in values]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(classification=self.value())
        return queryset


class CurrentFilter(admin.SimpleListFilter):
    """Current, ended or not yet started today, derived from the dates with
    the same rule as everywhere else (`dates.current_q`); never a stored flag."""

    title = _("today")
    parameter_name = "today"
    start_field = "start_date"
    end_field = "end_date"
    labels: tuple[Any, Any, Any] = (_("current"), _("ended"), _("not yet started"))

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(zip(("current", "ended", "future"), self.labels, strict=True))

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        current = dates.current_q(start=self.start_field, end=self.end_field)
        not_started = models.Q(**{f"{self.start_field}__gt": dates.as_of_text(None)})
        if self.value() == "current":
            return queryset.filter(current)
        if self.value() == "ended":
            return queryset.exclude(current).exclude(not_started)
        if self.value() == "future":
            return queryset.filter(not_started)
        return queryset


def current_column(start: str = "start_date", end: str = "end_date",
                   description: Any = None) -> Any:
    """A yes/no column: does the record hold today (the rule of `dates.is_current`)."""

    @admin.display(boolean=True, description=description or _("current today"))
    def is_current(self: Any, obj: models.Model) -> bool:
        return dates.is_current(getattr(obj, start), getattr(obj, end))

    return is_current


@admin.action(permissions=["delete"], description=_("Delete selected %(verbose_name_plural)s"))
def delete_selected(modeladmin: WritePathAdmin, request: HttpRequest,
                    queryset: QuerySet) -> HttpResponse | None:
    """Django's confirmation page, then one `writes.delete` per record: those
    nothing points to are deleted, the others are named with the reason."""
    if not request.POST.get("post"):
        return django_delete_selected(modeladmin, request, queryset)
    __, __, perms_needed, protected = modeladmin.get_deleted_objects(queryset, request)
    if perms_needed or protected:
        return django_delete_selected(modeladmin, request, queryset)
    deleted = modeladmin.delete_each(request, queryset)
    if deleted:
        # Django's own wording, so its translations serve.
        modeladmin.message_user(request, gettext("Successfully deleted %(count)d %(items)s.") % {
            "count": deleted, "items": model_ngettext(modeladmin.opts, deleted)},
            messages.SUCCESS)
    return None


class RefusalsShown(admin.ModelAdmin):
    """A refused write is told as a message on the page, not a crash."""

    def changeform_view(self, request: HttpRequest, object_id: str | None = None,
                        form_url: str = "", extra_context: Any = None) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except WriteRefused as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())


class WritePathAdmin(RefusalsShown):
    """A model admin whose every write goes through `xarxa.core.writes`.

    Forms validate with the models' own rules (ModelForm runs `full_clean`),
    so errors show next to their fields; then `save_model` hands only the
    changed fields to `writes.update`, or the whole record to `writes.create`,
    and `delete_model` / `delete_queryset` call `writes.delete`. No inlines:
    each record is edited on its own page, so each change is one history row.
    """

    actions = [delete_selected]
    show_full_result_count = False  # one COUNT(*) less on tables of a million rows
    list_per_page = 50
    record_fields = ("version", "created_at", "updated_at")
    list_fields = ("other_names", "identifiers", "contact_details", "links", "other_label")
    source_fields = ("sources", "extra")

    def get_autocomplete_fields(self, request: HttpRequest) -> Any:
        # The owner is one organisation among a hundred thousand: a search box.
        fields = tuple(super().get_autocomplete_fields(request))
        if "owner" not in fields and any(f.name == "owner" for f in self.model._meta.fields):
            fields += ("owner",)
        return fields

    # -- who -------------------------------------------------------------------
    def actor(self, request: HttpRequest) -> writes.Actor:
        return writes.Actor.of_user(request.user, "admin")

    # -- the form --------------------------------------------------------------
    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest,
                              **kwargs: Any) -> forms.Field | None:
        if isinstance(db_field, models.JSONField):
            kwargs.setdefault("widget", widgets.AdminTextareaWidget(
                attrs={"rows": 6, "style": "font-family: monospace"}))
            empty = None if db_field.null else db_field.default
            return db_field.formfield(
                form_class=PopoloJSONField, spec_field=spec_field_for(self.model, db_field),
                empty=empty, **kwargs,
            )
        if isinstance(db_field, PartialDateField):
            kwargs.setdefault("widget", forms.TextInput(
                attrs={"size": 12, "placeholder": _("YYYY-MM-DD")}))
            if not db_field.help_text:
                kwargs.setdefault("help_text", _(
                    "A year (2009), a month (2015-06) or a day (2021-06-15)."))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        id_field = form.base_fields.get("id")
        if obj is None and id_field is not None:
            # writes.create makes an id when none is given.
            id_field.required = False
            source = self.model.ID_FROM
            id_field.help_text = (
                _("Leave it blank to make one from the %(field)s.") % {
                    "field": self.model._meta.get_field(source).verbose_name}
                if source else _("Leave it blank to get a random one.")
            )
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # The id is what exports, URLs and other publishers refer to.
            fields = ["id", *fields, *self.record_fields]
        return fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if self.fieldsets:
            return self.fieldsets
        fields = list(self.get_fields(request, obj))
        lists = [f for f in fields if f in self.list_fields]
        sources = [f for f in fields if f in self.source_fields]
        record = [f for f in fields if f in self.record_fields]
        access = [f for f in fields if f in ("visibility", "owner")]
        main = [f for f in fields if f not in {*lists, *sources, *record, *access, "id"}]
        if "id" in fields:
            main.insert(0, "id")
        fieldsets: list[tuple[Any, dict[str, Any]]] = [(None, {"fields": main})]
        if access:
            fieldsets.append((_("Who sees it and who keeps it"), {"fields": access}))
        if lists:
            fieldsets.append((_("Names, identifiers, contacts and links"),
                              {"fields": lists, "classes": ["collapse"]}))
        if sources:
            fieldsets.append((_("Sources"), {"fields": sources, "classes": ["collapse"]}))
        if record:
            fieldsets.append((_("Record"), {"fields": record, "classes": ["collapse"]}))
        return fieldsets

    # -- writing ---------------------------------------------------------------
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        model = type(obj)
        try:
            if change:
                names = {f.name for f in model._meta.concrete_fields if f.editable}
                values = {name: getattr(obj, name) for name in form.changed_data if name in names}
                writes.update(obj, values, actor=self.actor(request))
                return
            values = {
                f.name: getattr(obj, f.name) for f in model._meta.concrete_fields if f.editable
            }
            saved = writes.create(model, values, actor=self.actor(request))
        except (ValidationError, writes.ConflictError) as exc:
            raise refusal(exc) from exc
        # The admin goes on with `obj` (to log it and to redirect to it).
        for f in model._meta.concrete_fields:
            setattr(obj, f.attname, getattr(saved, f.attname))
        obj._state.adding = False
        obj._state.db = saved._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any,
                     change: bool) -> None:
        # Many-to-many fields and inlines would be saved behind writes' back.
        if formsets or form._meta.model._meta.many_to_many:
            raise ImproperlyConfigured(
                f"{type(self).__name__}: inlines and many-to-many fields do not go "
                "through xarxa.core.writes"
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        try:
            writes.delete(obj, actor=self.actor(request))
        except ValidationError as exc:
            raise refusal(exc) from exc

    def delete_view(self, request: HttpRequest, object_id: str,
                    extra_context: Any = None) -> HttpResponse:
        try:
            # Django's view runs in a transaction: a refusal undoes its log entry.
            return super().delete_view(request, object_id, extra_context)
        except WriteRefused as exc:
            for message in exc.messages:
                messages.error(request, message)
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                        args=[object_id], current_app=self.admin_site.name)
            )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.delete_each(request, queryset)

    def delete_each(self, request: HttpRequest, objects: Iterable[Any]) -> int:
        """Delete each record on its own through `writes.delete`; say which
        ones were refused and why. Returns how many were deleted."""
        deleted, refused = 0, 0
        for obj in objects:
            try:
                with transaction.atomic():
                    # Django's own delete view passes a list too.
                    self.log_deletions(request, [obj])  # type: ignore[arg-type]
                    writes.delete(obj, actor=self.actor(request))
            except ValidationError as exc:
                refused += 1
                if refused <= MAX_REFUSALS_SHOWN:
                    for message in exc.messages:
                        messages.error(request, message)
            else:
                deleted += 1
        if refused > MAX_REFUSALS_SHOWN:
            messages.error(request, ngettext(
                "%(n)d more record was not deleted.", "%(n)d more records were not deleted.",
                refused - MAX_REFUSALS_SHOWN) % {"n": refused - MAX_REFUSALS_SHOWN})
        return deleted

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """The confirmation page lists only the records themselves when deleting
        them touches nothing else (every reference to them is PROTECT): walking
        a federation's thousands of memberships to list them would be slow, and
        `writes.delete` says which kinds of records still point to it."""
        if not self.deletes_only_itself():
            return super().get_deleted_objects(objs, request)
        opts = self.model._meta
        shown = []
        for obj in objs:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                          args=[quote(obj.pk)], current_app=self.admin_site.name)
            shown.append(format_html('{}: <a href="{}">{}</a>',
                                     capfirst(opts.verbose_name), url, obj))
        return shown, {opts.verbose_name_plural: len(shown)}, set(), []

    def deletes_only_itself(self) -> bool:
        keep = (models.PROTECT, models.RESTRICT, models.DO_NOTHING)
        return all(rel.on_delete in keep for rel in self.model._meta.related_objects
                   if getattr(rel, "on_delete", None) is not None)

    # -- history ---------------------------------------------------------------
    def history_view(self, request: HttpRequest, object_id: str,
                     extra_context: Any = None) -> HttpResponse:
        """The record's history is its rows in `history.Change`."""
        url = reverse("admin:history_change_changelist", current_app=self.admin_site.name)
        query = urlencode({"model": self.model._meta.label_lower,
                           "object_id": unquote(object_id)})
        return HttpResponseRedirect(f"{url}?{query}")

    # -- columns ---------------------------------------------------------------
    @admin.display(description=_("classification"), ordering="classification")
    def show_classification(self, obj: Any) -> str:
        return classification_label(type(obj), obj.classification)

