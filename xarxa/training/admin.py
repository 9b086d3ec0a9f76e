"""The admin of agreements, their documents, degree programmes and placements,
through the one write path (`xarxa.core.admin.WritePathAdmin`).

Documents are private: the admin never links to a file's storage; its own
download view (admin login and the view permission required) sends the file
as an attachment. A placement's student is shown only on the placement's own
page, never in a list.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xarxa.core.admin import WritePathAdmin
from xarxa.directory.models import Organization
from xarxa.training import documents
from xarxa.training import status as agreement_status
from xarxa.training.models import (
    Agreement,
    AgreementDocument,
    Placement,
    Programme,
    kind_label,
    role_label,
)

# How many documents and placements an agreement's page lists.
SHOWN_ON_AGREEMENT = 100


def admin_url(model: Any, view: str, *args: Any, query: dict[str, str] | None = None) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}",
                  args=[quote(a) for a in args])
    return f"{url}?{urlencode(query)}" if query else url


@admin.register(Programme)
class ProgrammeAdmin(WritePathAdmin):
    list_display = ("name", "university", "level", "id")
    list_select_related = ("university",)
    search_fields = ("name", "id", "identifiers")
    autocomplete_fields = ("university",)


class AgreementStatusFilter(admin.SimpleListFilter):
    """The status today, derived from the dates (`xarxa.training.status`)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(s, agreement_status.LABELS[s]) for s in agreement_status.STATUSES]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in agreement_status.STATUSES:
            return queryset.filter(agreement_status.status_q(self.value() or ""))
        return queryset


class AgreementWarningsFilter(admin.SimpleListFilter):
    """Agreements of public bodies beyond what Ley 40/2015 (art. 49 h) allows."""

    title = _("Ley 40/2015 warnings")
    parameter_name = "warnings"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("with warnings")), ("no", _("without warnings"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() not in ("yes", "no"):
            return queryset
        # Only public bodies' agreements can have them: a few, read once.
        warned = [a.pk for a in Agreement.objects.filter(public_sector=True).only(
            "id", "public_sector", "signed_on", "start_date", "end_date", "extended_until")
            if a.warnings()]
        if self.value() == "yes":
            return queryset.filter(pk__in=warned)
        return queryset.exclude(pk__in=warned)


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        values = (Agreement.objects.order_by("kind").exclude(kind="")
                  .values_list("kind", flat=True).distinct()[:200])
        return [(v, kind_label(v)) for v in values]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(kind=self.value())
        return queryset


@admin.register(Agreement)
class AgreementAdmin(WritePathAdmin):
    list_display = ("name", "show_kind", "show_parties", "start_date", "end_date",
                    "extended_until", "show_status", "show_warnings")
    list_select_related = ("renews",)
    list_filter = (AgreementStatusFilter, AgreementWarningsFilter, KindFilter, "public_sector")
    search_fields = ("name", "id", "description")
    autocomplete_fields = ("renews",)
    shown_on_change = ("show_status", "show_warnings", "related_records")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_renewed()  # type: ignore[attr-defined]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += [f for f in self.shown_on_change if f not in fields]
        return fields

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        # The parties' names for the page, in one query.
        ids = {pid for agreement in changelist.result_list for pid in agreement.party_ids()}
        names = dict(Organization.objects.filter(pk__in=ids).values_list("id", "name"))
        for agreement in changelist.result_list:
            agreement.party_names = names
        return changelist

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        for warning in obj.warnings():
            messages.warning(request, gettext("Warning: %(warning)s.") % {"warning": warning})

    @admin.display(description=_("kind"), ordering="kind")
    def show_kind(self, obj: Agreement) -> str:
        return kind_label(obj.kind)

    @admin.display(description=_("parties"))
    def show_parties(self, obj: Agreement) -> str:
        names = getattr(obj, "party_names", None)
        if names is None:
            names = dict(Organization.objects.filter(pk__in=obj.party_ids())
                         .values_list("id", "name"))
        shown = []
        for party in obj.parties:
            if not isinstance(party, dict):
                continue
            org = str(party.get("organization_id", ""))
            role = party.get("role")
            name = str(names.get(org) or org)
            shown.append(f"{name} ({role_label(role)})" if role else name)
        return "; ".join(shown)

    @admin.display(description=_("status"))
    def show_status(self, obj: Agreement) -> str:
        return obj.status_label()

    @admin.display(description=_("warnings"))
    def show_warnings(self, obj: Agreement) -> str:
        return "; ".join(obj.warnings())

    @admin.display(description=_("documents and placements"))
    def related_records(self, obj: Agreement) -> str:
        if not obj.pk:
            return ""
        add_document = admin_url(AgreementDocument, "add", query={"agreement": obj.pk})
        placement_query = {"agreement": obj.pk}
        hosts = obj.party_ids(Agreement.PartyRole.HOST)
        if len(hosts) == 1:
            placement_query["host"] = hosts[0]
        add_placement = admin_url(Placement, "add", query=placement_query)
        docs = list(obj.documents.order_by("title", "id")[:SHOWN_ON_AGREEMENT])
        placements = list(obj.placements.select_related("host", "programme")
                          .order_by("-start_date", "id")[:SHOWN_ON_AGREEMENT])
        doc_items = format_html_join(
            "", '<li><a href="{}">{}</a> ({}, {}) — <a href="{}">{}</a></li>',
            ((admin_url(AgreementDocument, "change", d.pk), str(d), d.content_type,
              documents.human_size(d.size), admin_url(AgreementDocument, "download", d.pk),
              gettext("download")) for d in docs))
        placement_items = format_html_join(
            "", '<li><a href="{}">{}</a>: {}, {} – {}{}</li>',
            ((admin_url(Placement, "change", p.pk), str(p), p.host.name, p.start_date or "?",
              p.end_date or "?", f", {p.programme.name}" if p.programme else "")
             for p in placements))
        return format_html(
            '<p><a href="{}">{}</a> · <a href="{}">{}</a></p>'
            "<p>{}</p><ul>{}</ul><p>{}</p><ul>{}</ul>",
            add_document, gettext("Add a document"), add_placement, gettext("Add a placement"),
            gettext("Documents: %(n)d") % {"n": len(docs)}, doc_items,
            gettext("Placements: %(n)d") % {"n": len(placements)}, placement_items,
        )


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(WritePathAdmin):
    list_display = ("__str__", "agreement", "content_type", "show_size", "download_link")
    list_select_related = ("agreement",)
    search_fields = ("title", "id", "agreement__name")
    autocomplete_fields = ("agreement",)
    readonly_on_change = ("download_link", "content_type", "show_size", "sha256")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))
        if obj is not None:
            # A stored file is replaced by uploading another document, and never
            # linked to where it is stored: it is downloaded from the admin.
            fields = [f for f in fields if f != "file"]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += [f for f in self.readonly_on_change if f not in fields]
        return fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        file_field = form.base_fields.get("file")
        if file_field is not None:
            file_field.help_text = _(
                "PDF, OpenDocument text or spreadsheet, Word (DOCX), Excel (XLSX), PNG or JPEG; "
                "at most %(max)d MiB. The type is read from the content.") % {
                "max": documents.max_bytes() // (1024 * 1024)}
        return form

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        own = [path("<path:object_id>/download/", self.admin_site.admin_view(self.download_view),
                    name=f"{opts.app_label}_{opts.model_name}_download")]
        return own + super().get_urls()

    def download_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        """The file, as an attachment the browser never renders in a page."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        from xarxa.training.views import attachment  # the pages send files alike

        return attachment(obj)

    @admin.display(description=_("size"), ordering="size")
    def show_size(self, obj: AgreementDocument) -> str:
        return documents.human_size(obj.size)

    @admin.display(description=_("file"))
    def download_link(self, obj: AgreementDocument) -> str:
        if not obj.pk or not obj.file.name:
            return ""
        return format_html('<a href="{}">{}</a>', admin_url(AgreementDocument, "download", obj.pk),
                           gettext("download"))


@admin.register(Placement)
class PlacementAdmin(WritePathAdmin):
    # No student and no tutors in the list: people's names only on a
    # placement's own page (see `xarxa.training.models.may_see_student`).
    list_display = ("__str__", "agreement", "host", "programme", "kind", "start_date",
                    "end_date", "final_report_received")
    list_select_related = ("agreement", "host", "programme")
    list_filter = ("kind",)
    search_fields = ("id", "agreement__name", "host__name")
    autocomplete_fields = ("agreement", "host", "student", "programme", "academic_tutor",
                           "entity_tutor")
