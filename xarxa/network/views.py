"""The pages that record memberships, seats and representations: every save
goes through `core.writes` (core.forms.edit_record)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xarxa.accounts.rules import Viewer, viewer_of
from xarxa.core.forms import edit_record
from xarxa.core.models import PopoloModel
from xarxa.network.forms import MembershipEndForm, MembershipForm, PostForm, default_owner
from xarxa.network.models import Membership, Post

M = TypeVar("M", bound=PopoloModel)


def record_to_edit(request: HttpRequest, records: QuerySet[M] | type[M], pk: str) -> M:
    """The record an edit page is about: a private record the signed-in
    person may not see is "not found", as everywhere (rules.require_sees);
    the edit page itself says who may edit it."""
    obj: Any = get_object_or_404(records, pk=pk)
    if request.user.is_authenticated:
        viewer_of(request).require_sees(obj)
    return obj


def _param(request: HttpRequest, name: str) -> str:
    return str(request.GET.get(name, ""))[:200]


def membership_page(obj: PopoloModel) -> str:
    """Where a membership is seen: the page of its member organisation, or of
    the organisation represented, or of the body it is in."""
    assert isinstance(obj, Membership)
    org = obj.member_organization_id or obj.on_behalf_of_id or obj.organization_id
    if not org and obj.post_id:
        org = Post.objects.filter(pk=obj.post_id).values_list("organization_id", flat=True).first()
    return reverse("organization", args=[org]) if org else "/"


def post_page(obj: PopoloModel) -> str:
    assert isinstance(obj, Post)
    return reverse("organization", args=[obj.organization_id])


def membership_new(request: HttpRequest) -> HttpResponse:
    """`?organization=<network or body>&member=<organisation>&post=<seat>`
    fill the form in; `on_behalf_of` too."""
    viewer = viewer_of(request)
    body, member = _param(request, "organization"), _param(request, "member")
    post_id, on_behalf_of = _param(request, "post"), _param(request, "on_behalf_of")
    initial: dict[str, str | None] = {}
    if post_id:
        post = viewer.visible(Post.objects.filter(pk=post_id)).first()
        if post is not None:
            initial["post"], body = post.pk, post.organization_id
    initial |= {"organization": body or None, "member_organization": member or None,
                "on_behalf_of": on_behalf_of or None}
    initial["owner"] = default_owner(viewer, member, on_behalf_of)
    return edit_record(request, MembershipForm, initial={k: v for k, v in initial.items() if v},
                       title=_("New membership"), success=membership_page,
                       template="network/membership_form.html")


def membership_edit(request: HttpRequest, pk: str) -> HttpResponse:
    membership = record_to_edit(request, Membership, pk)
    return edit_record(request, MembershipForm, instance=membership,
                       title=_("Edit membership"), success=membership_page,
                       template="network/membership_form.html")


def membership_end(request: HttpRequest, pk: str) -> HttpResponse:
    """Say when a membership ended (today unless told otherwise)."""
    membership = record_to_edit(request, Membership.objects.select_related(
        "person", "member_organization", "organization", "post", "on_behalf_of"), pk)
    initial = {} if membership.end_date else {"end_date": timezone.localdate().isoformat()}
    viewer = viewer_of(request)
    return edit_record(request, MembershipEndForm, instance=membership, initial=initial,
                       title=_("End a membership"), success=membership_page,
                       template="network/membership_end.html",
                       context={"member_shown": _shown_member(viewer, membership)})


def _shown_member(viewer: Viewer, membership: Membership) -> str:
    """The member's name, or "a person" when the viewer may not see them."""
    if membership.person_id and not viewer.sees(membership.person):
        return _("a person")
    return str(membership.member or "?")


def post_new(request: HttpRequest) -> HttpResponse:
    """`?organization=<body>` fills the body in."""
    viewer = viewer_of(request)
    body = _param(request, "organization")
    initial = {"organization": body, "owner": default_owner(viewer, body)}
    return edit_record(request, PostForm, initial={k: v for k, v in initial.items() if v},
                       title=_("New seat"), success=post_page)


def post_edit(request: HttpRequest, pk: str) -> HttpResponse:
    post = record_to_edit(request, Post, pk)
    return edit_record(request, PostForm, instance=post, title=_("Edit seat"), success=post_page)
