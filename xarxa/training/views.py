"""The pages of agreements, their documents and the placements under them.

What an agreement is now (draft, signed, in force, expiring, expired,
renewed) follows from its dates (`xarxa.training.status`); the list puts
what expires soon first. Documents and placements are private by default:
a page lists only those the person may see, a student is named only to
whom may see the person, and a document is sent only to whom may see it,
always as an attachment.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from xarxa.accounts.rules import Viewer, viewer_of
from xarxa.activity.calendar_views import point_text, when_text
from xarxa.core import dates
from xarxa.core.forms import RefWidget, edit_record
from xarxa.core.models import Visibility
from xarxa.directory.models import Organization
from xarxa.training import documents
from xarxa.training import status as agreement_status
from xarxa.training.forms import AgreementForm, DocumentForm, PlacementForm
from xarxa.training.models import (
    Agreement,
    AgreementDocument,
    Placement,
    Programme,
    kind_label,
    role_label,
)

PAGE_SIZE = 50
# The expiring agreements listed first, and the documents and placements an
# agreement's page lists.
EXPIRING_SHOWN = 50
SHOWN_ON_AGREEMENT = 100
# Parties an agreement may list that the party filter looks through (SQLite,
# which has no JSON containment).
PARTY_FILTER_DEPTH = 20


# -- Who may add what -----------------------------------------------------------

def may_add_to(viewer: Viewer, agreement: Agreement) -> bool:
    """Documents and placements are added by those who keep the agreement
    and by the editors of its parties (the host, the university)."""
    return viewer.can_edit(agreement) or any(
        viewer.can_act_for(org) for org in agreement.party_ids())


def _signed_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


# -- Parties, as the reader may see them ----------------------------------------

def party_q(org_id: str) -> Q:
    """Agreements that have `org_id` among their parties."""
    if connection.vendor == "postgresql":
        return Q(parties__contains=[{"organization_id": org_id}])
    q = Q()
    for i in range(PARTY_FILTER_DEPTH):
        q |= Q(**{f"parties__{i}__organization_id": org_id})
    return q


def visible_orgs(viewer: Viewer, ids: set[str]) -> dict[str, Organization]:
    if not ids:
        return {}
    found = viewer.visible(Organization.objects.filter(pk__in=sorted(ids))).only(
        "id", "name", "other_names", "visibility", "owner_id")
    return {o.pk: o for o in found}


def parties_of(agreement: Agreement, orgs: dict[str, Organization], lang: str) -> list[dict[str, Any]]:
    """Each party with its role; an organisation the reader may not see is
    "an organisation"."""
    out = []
    for party in agreement.parties:
        if not isinstance(party, dict):
            continue
        org = orgs.get(str(party.get("organization_id", "")))
        role = party.get("role") or ""
        out.append({"org": org, "name": org.name_in(lang) if org else "",
                    "role": role_label(role) if role else ""})
    return out


def date_text(value: str | None) -> str:
    """A partial date in the reader's language."""
    return point_text(value) if value else ""


def span_text(start: str | None, end: str | None) -> str:
    return when_text(start, end) if start else (_("until %(end)s") % {"end": date_text(end)}
                                                 if end else "")


def describe(agreement: Agreement, orgs: dict[str, Organization], lang: str) -> dict[str, Any]:
    status = agreement.status()
    return {
        "agreement": agreement,
        "parties": parties_of(agreement, orgs, lang),
        "kind": kind_label(agreement.kind) if agreement.kind else "",
        "status": status,
        "status_label": agreement_status.LABELS[status],
        "ends": agreement.effective_end,
        "ends_text": date_text(agreement.effective_end),
        "days_left": agreement.days_left(),
        "warnings": agreement.warnings(),
    }


# -- The list -------------------------------------------------------------------

class AgreementFilter(forms.Form):
    org = forms.CharField(label=gettext_lazy("Party"), required=False, max_length=200,
                          widget=RefWidget("organizations"))
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("any")), *((s, agreement_status.LABELS[s])
                                            for s in agreement_status.STATUSES)]


@require_safe
def agreements(request: HttpRequest) -> HttpResponse:
    """`/agreements/`: those the person may see, what expires soon first."""
    viewer = viewer_of(request)
    lang = get_language() or ""
    form = AgreementFilter(request.GET)
    found: Any = viewer.visible(Agreement.objects.with_renewed())
    query: dict[str, str] = {}
    org = None
    unknown = False
    if form.is_valid():
        org_id = form.cleaned_data["org"].strip()
        if org_id:
            query["org"] = org_id
            org = viewer.visible(Organization.objects.filter(pk=org_id)).first()
            if org is None:
                unknown = True
                found = found.none()
            else:
                found = found.filter(party_q(org_id))
        if form.cleaned_data["status"]:
            query["status"] = form.cleaned_data["status"]
            found = found.with_status(form.cleaned_data["status"])
    notice = agreement_status.default_notice()
    today = dates.as_of_text(None)
    expiring = list(
        found.filter(signed_on__isnull=False, signed_on__lte=today, is_renewed=False)
        .expiring_within(notice)
        .order_by(Coalesce("extended_until", "end_date"), "name", "id")[:EXPIRING_SHOWN + 1])
    page = Paginator(found.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    listed = [*expiring[:EXPIRING_SHOWN], *page.object_list]
    orgs = visible_orgs(viewer, {pid for a in listed for pid in a.party_ids()})
    return render(request, "training/agreements.html", {
        "form": form,
        "org": org,
        "org_name": org.name_in(lang) if org else "",
        "unknown": unknown,
        "notice": notice,
        "expiring": [describe(a, orgs, lang) for a in expiring[:EXPIRING_SHOWN]],
        "more_expiring": len(expiring) > EXPIRING_SHOWN,
        "page": page,
        "rows": [describe(a, orgs, lang) for a in page.object_list],
        "page_link": "?" + urlencode(query) + ("&" if query else ""),
        "can_add": viewer.site_admin or bool(viewer.editable),
    })


# -- An agreement's page ----------------------------------------------------------

def person_name(viewer: Viewer, person: Any, fallback: str) -> str:
    if person is None:
        return ""
    return person.name if viewer.sees(person) else fallback


@require_safe
def agreement(request: HttpRequest, pk: str) -> HttpResponse:
    viewer = viewer_of(request)
    lang = get_language() or ""
    obj = get_object_or_404(Agreement.objects.with_renewed(), pk=pk)
    viewer.require_sees(obj)
    renews = viewer.visible(Agreement.objects.filter(pk=obj.renews_id)).first() \
        if obj.renews_id else None
    renewals = list(viewer.visible(Agreement.objects.filter(renews=obj)).order_by("start_date"))
    programmes = list(viewer.visible(Programme.objects.filter(pk__in=obj.programmes or []))
                      .select_related("university").order_by("name"))
    docs = list(viewer.visible(obj.documents.all()).order_by("title", "id")[:SHOWN_ON_AGREEMENT])
    hidden_docs = obj.documents.count() - len(docs) if len(docs) < SHOWN_ON_AGREEMENT else 0
    placements = list(viewer.visible(obj.placements.all())
                      .select_related("student", "programme", "host")
                      .order_by("-start_date", "id")[:SHOWN_ON_AGREEMENT])
    orgs = visible_orgs(viewer, set(obj.party_ids()) | {p.host_id for p in placements})
    return render(request, "training/agreement.html", {
        "a": describe(obj, orgs, lang),
        "dates": {key: date_text(getattr(obj, key)) for key in (
            "signed_on", "start_date", "end_date", "extended_until")},
        "agreement": obj,
        "renews": renews,
        "renewals": renewals,
        "programmes": programmes,
        "documents": [{"document": d, "size": documents.human_size(d.size),
                       "type": documents.TYPES.get(d.content_type, "").upper()} for d in docs],
        "hidden_documents": max(hidden_docs, 0),
        "placements": [{
            "placement": p,
            "student": person_name(viewer, p.student, _("a student")),
            "host": orgs[p.host_id].name_in(lang) if p.host_id in orgs else "",
            "when": span_text(p.start_date, p.end_date),
        } for p in placements],
        "can_edit": viewer.can_edit(obj),
        "can_add": may_add_to(viewer, obj),
    })


# -- Forms ------------------------------------------------------------------------

def agreement_new(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    mine = viewer.acting_for()
    return edit_record(
        request, AgreementForm, title=_("New agreement"),
        initial={"owner": mine[0] if mine else None, "visibility": Visibility.MEMBERS,
                 "party_0_organization": mine[0] if mine else None},
        success=lambda obj: reverse("agreement", args=[obj.pk]),
        template="training/agreement_form.html",
        context={"cancel_url": reverse("agreements")},
    )


def agreement_edit(request: HttpRequest, pk: str) -> HttpResponse:
    if (redirect := _signed_in(request)) is not None:
        return redirect
    obj = get_object_or_404(Agreement, pk=pk)
    viewer_of(request).require_sees(obj)
    return edit_record(
        request, AgreementForm, instance=obj,
        title=_("Edit the agreement %(agreement)s") % {"agreement": obj.name},
        success=lambda a: reverse("agreement", args=[a.pk]),
        template="training/agreement_form.html",
    )


def _agreement_to_add_to(request: HttpRequest, pk: str) -> Agreement:
    viewer = viewer_of(request)
    obj = get_object_or_404(Agreement, pk=pk)
    viewer.require_sees(obj)
    if not may_add_to(viewer, obj):
        raise PermissionDenied
    return obj


def document_new(request: HttpRequest, pk: str) -> HttpResponse:
    if (redirect := _signed_in(request)) is not None:
        return redirect
    obj = _agreement_to_add_to(request, pk)
    back = reverse("agreement", args=[obj.pk])
    return edit_record(
        request, DocumentForm, title=_("New document of %(agreement)s") % {"agreement": obj.name},
        initial={"owner": obj.owner_id, "visibility": Visibility.PRIVATE},
        success=lambda doc: back, form_kwargs={"agreement": obj},
        context={"cancel_url": back},
    )


def attachment(document: AgreementDocument) -> FileResponse:
    """A document's file as an attachment the browser never renders in a
    page, with the type read from its content when it was stored."""
    name = document.file.name or ""
    if not documents.is_stored_name(name) or not default_storage.exists(name):
        raise Http404
    response = FileResponse(
        default_storage.open(name, "rb"), as_attachment=True, filename=document.download_name(),
        content_type=document.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def document_download(request: HttpRequest, pk: str) -> FileResponse:
    viewer = viewer_of(request)
    document = get_object_or_404(AgreementDocument.objects.select_related("agreement"), pk=pk)
    viewer.require_sees(document)
    viewer.require_sees(document.agreement)
    return attachment(document)


@require_safe
def placement(request: HttpRequest, pk: str) -> HttpResponse:
    viewer = viewer_of(request)
    lang = get_language() or ""
    obj = get_object_or_404(Placement.objects.select_related(
        "agreement", "host", "student", "programme__university", "academic_tutor",
        "entity_tutor"), pk=pk)
    viewer.require_sees(obj)
    return render(request, "training/placement.html", {
        "placement": obj,
        "agreement": obj.agreement if viewer.sees(obj.agreement) else None,
        "host": obj.host.name_in(lang) if viewer.sees(obj.host) else "",
        "programme": obj.programme if viewer.sees(obj.programme) else None,
        "university": (obj.programme.university.name_in(lang)
                       if obj.programme and viewer.sees(obj.programme.university) else ""),
        "kind": dict(Placement.Kind.choices).get(obj.kind, obj.kind),
        "student": person_name(viewer, obj.student, _("a student")),
        "academic_tutor": person_name(viewer, obj.academic_tutor, _("a person")),
        "entity_tutor": person_name(viewer, obj.entity_tutor, _("a person")),
        "when": span_text(obj.start_date, obj.end_date),
        "final_report": date_text(obj.final_report_received),
        "can_edit": viewer.can_edit(obj),
    })


def placement_new(request: HttpRequest, pk: str) -> HttpResponse:
    if (redirect := _signed_in(request)) is not None:
        return redirect
    obj = _agreement_to_add_to(request, pk)
    hosts = obj.party_ids(Agreement.PartyRole.HOST)
    return edit_record(
        request, PlacementForm,
        title=_("New placement under %(agreement)s") % {"agreement": obj.name},
        initial={"owner": hosts[0] if len(hosts) == 1 else obj.owner_id,
                 "visibility": Visibility.PRIVATE},
        success=lambda p: reverse("placement", args=[p.pk]), form_kwargs={"agreement": obj},
        context={"cancel_url": reverse("agreement", args=[obj.pk])},
    )


def placement_edit(request: HttpRequest, pk: str) -> HttpResponse:
    if (redirect := _signed_in(request)) is not None:
        return redirect
    obj = get_object_or_404(Placement.objects.select_related("agreement"), pk=pk)
    viewer_of(request).require_sees(obj)
    return edit_record(
        request, PlacementForm, instance=obj, title=_("Edit the placement"),
        success=lambda p: reverse("placement", args=[p.pk]),
        form_kwargs={"agreement": obj.agreement},
    )
