"""Forms for the pages: every save goes through `core.writes`, so a change
made from a page is validated, versioned and kept in the history like one
made from the admin, the CLI or an importer.

`RecordForm` is a ModelForm that
- shows only the records the person may see in its choices, and offers as
  owner only the organisations they edit for;
- carries the record's version, so an edit made on a stale page is refused
  instead of silently undoing someone else's (the same check as the API's
  If-Match);
- turns the write path's refusals into errors next to their fields.

`edit_record` is the one view behind every create and edit page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from xarxa.accounts.rules import Viewer, viewer_of
from xarxa.core import writes
from xarxa.core.models import PopoloModel

# Fields a page never edits directly.
RECORD_FIELDS = ("id", "sources", "extra", "illustrative", "version", "created_at", "updated_at")


class RefWidget(forms.TextInput):
    """A text box for a record among thousands (an organisation, an event):
    the person types a name, htmx fetches matching records into a datalist
    (`core.views.lookup`), and the box holds the chosen record's id."""

    def __init__(self, collection: str, attrs: dict[str, Any] | None = None) -> None:
        self.collection = collection
        super().__init__(attrs)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        list_id = f"{widget_attrs.get('id', name)}-options"
        widget_attrs.update({
            "list": list_id,
            "autocomplete": "off",
            "hx-get": reverse("lookup", args=[self.collection]),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{list_id}",
            "hx-swap": "innerHTML",
        })
        context["widget"]["list_id"] = list_id
        return context

    template_name = "core/ref_widget.html"


class RecordForm(forms.ModelForm):
    """See the module's docstring. Subclasses name their model and fields;
    `version` and, when the model has one, `owner` are added here."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Large collections get a lookup box instead of a select of every record.
    LOOKUP_FIELDS: dict[str, str] = {}

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        if self.instance.pk and not self.instance._state.adding:
            self.fields["version"].initial = self.instance.version
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            queryset: Any = field.queryset
            model = queryset.model
            if name == "owner":
                continue
            if issubclass(model, PopoloModel):
                visible = viewer.visible(queryset)
                # An edit keeps what the record already points to, even where
                # the editor may not see it (a private person in the seat).
                current = getattr(self.instance, f"{name}_id", None) if self.instance.pk else None
                field.queryset = visible | queryset.filter(pk=current) if current else visible
            if name in self.LOOKUP_FIELDS:
                field.widget = RefWidget(self.LOOKUP_FIELDS[name])
        if "owner" in self.fields:
            self.limit_owner()

    def limit_owner(self) -> None:
        """The owner is one of the organisations the person edits for (any,
        for a site administrator); an existing record keeps its own."""
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        if not self.viewer.site_admin:
            allowed = set(self.viewer.editable)
            if self.instance.owner_id:
                allowed.add(self.instance.owner_id)
            owners: Any = field.queryset
            field.queryset = owners.filter(pk__in=sorted(allowed))
            field.required = True
            field.empty_label = None
        if len(self.viewer.editable) > 200 or self.viewer.site_admin:
            field.widget = RefWidget("organizations")

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields
                if name in self.cleaned_data and name not in ("version", *RECORD_FIELDS)
                and name in {f.name for f in self._meta.model._meta.get_fields()}}

    def save_through(self, request: HttpRequest) -> PopoloModel | None:
        """Create or update through `core.writes`; None when refused (the
        reasons are then errors of this form)."""
        actor = writes.Actor.of_user(request.user, "web")
        model = self._meta.model
        values = self.values()
        try:
            if self.instance._state.adding:
                obj = writes.create(model, values, actor=actor)
            else:
                obj = writes.update(self.instance, values, actor=actor,
                                    expected_version=self.cleaned_data.get("version"))
        except writes.ConflictError as exc:
            self.add_error(None, _("%(reason)s. Reload the page to see the changes, "
                                   "then make yours again.") % {"reason": exc})
            return None
        except ValidationError as exc:
            self.add_errors_of(exc)
            return None
        if not self.viewer.can_edit(obj):
            # Never reached through the offered choices; a forged form must
            # not leave a record its author cannot keep.
            raise PermissionDenied
        return obj

    def add_errors_of(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)


def edit_record(
    request: HttpRequest,
    form_class: type[RecordForm],
    *,
    instance: PopoloModel | None = None,
    initial: dict[str, Any] | None = None,
    title: str,
    success: Callable[[PopoloModel], str],
    template: str = "core/form.html",
    context: dict[str, Any] | None = None,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page that creates (no `instance`) or edits a record: signed-in
    editors only; a record is edited only by those who keep it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    viewer = viewer_of(request)
    if instance is not None:
        viewer.require_edit(instance)
    elif not (viewer.site_admin or viewer.editable):
        raise PermissionDenied
    kwargs = {"viewer": viewer, "instance": instance, **(form_kwargs or {})}
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            obj = form.save_through(request)
            if obj is not None:
                messages.success(request, _("Saved: %(record)s") % {"record": obj})
                return HttpResponseRedirect(success(obj))
    else:
        form = form_class(initial=initial or {}, **kwargs)
    return render(request, template, {
        "form": form, "title": title, "instance": instance,
        "cancel_url": success(instance) if instance is not None else reverse("home"),
        **(context or {}),
    }, status=400 if form.is_bound and form.errors else 200)

