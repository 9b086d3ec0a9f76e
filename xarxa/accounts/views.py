"""A person's own page (the organisations they work for), the people of an
organisation (for its administrators), and invitations.

Every change goes through `accounts.actions`, which checks it and records it
in the history.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xarxa.accounts import actions
from xarxa.accounts.forms import InvitationForm, NewAccountForm, RoleForm
from xarxa.accounts.models import Invitation, Role
from xarxa.accounts.rules import Viewer, viewer_of
from xarxa.directory.models import Organization

ROLES_PER_PAGE = 100
INVITATIONS_SHOWN = 50
BACKEND = "xarxa.accounts.backends.UsernameOrEmailBackend"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My organisations: the roles this person holds, each with the pages
    they work on."""
    user_id: Any = request.user.pk
    roles = (Role.objects.filter(user_id=user_id).select_related("organization")
             .order_by("organization__name", "organization_id"))
    page = Paginator(roles, ROLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/home.html", {"page": page})


# -- The people of an organisation ---------------------------------------------

def administered(request: HttpRequest, pk: str) -> Organization:
    """The organisation, if this person administers it: 404 when they may
    not even see it, 403 when they see it but do not administer it."""
    org = get_object_or_404(Organization, pk=pk)
    viewer = viewer_of(request)
    viewer.require_sees(org)
    if not viewer.can_administer(org.pk):
        raise PermissionDenied
    return org


def org_name(org: Organization) -> str:
    return str(org.name_in((get_language() or "ca")[:2]))


def people_page(org: Organization) -> str:
    return reverse("organization-people", args=[org.pk])


@login_required
def people(request: HttpRequest, pk: str) -> HttpResponse:
    return render_people(request, administered(request, pk), InvitationForm())


def render_people(request: HttpRequest, org: Organization, invitation_form: InvitationForm,
                  status: int = 200) -> HttpResponse:
    roles = Role.objects.filter(organization=org).select_related("user").order_by(
        "user__username", "pk")
    page = Paginator(roles, ROLES_PER_PAGE).get_page(request.GET.get("page"))
    pending = (Invitation.objects.filter(organization=org, accepted_at__isnull=True,
                                         expires_at__gt=timezone.now())
               .select_related("invited_by").order_by("-created_at")[:INVITATIONS_SHOWN])
    return render(request, "accounts/people.html", {
        "org": org, "page": page, "pending": pending, "form": invitation_form,
        "levels": Role.Level.choices, "invitation_days": settings.XARXA_INVITATION_DAYS,
    }, status=status)


def after_change(request: HttpRequest, org: Organization) -> HttpResponseRedirect:
    # Someone who has just stepped down no longer manages this page.
    if Viewer(request.user).can_administer(org.pk):
        return HttpResponseRedirect(people_page(org))
    return HttpResponseRedirect(reverse("home"))


def refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def role_change(request: HttpRequest, pk: str, role_id: int) -> HttpResponse:
    org = administered(request, pk)
    # Only a role in this organisation: administering one gives no hold on another's.
    role = get_object_or_404(Role.objects.select_related("user"), pk=role_id, organization=org)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return HttpResponseRedirect(people_page(org))
    try:
        actions.change_role(role, form.cleaned_data["level"], acting_user=request.user)
    except ValidationError as exc:
        refused(request, exc)
        return HttpResponseRedirect(people_page(org))
    messages.success(request, _("%(user)s is now %(level)s of %(org)s.") % {
        "user": role.user.get_username(), "level": role.get_level_display(),
        "org": org_name(org)})
    return after_change(request, org)


@login_required
@require_POST
def role_remove(request: HttpRequest, pk: str, role_id: int) -> HttpResponse:
    org = administered(request, pk)
    role = get_object_or_404(Role.objects.select_related("user"), pk=role_id, organization=org)
    try:
        actions.revoke_role(role, acting_user=request.user)
    except ValidationError as exc:
        refused(request, exc)
        return HttpResponseRedirect(people_page(org))
    messages.success(request, _("%(user)s no longer holds a role in %(org)s.") % {
        "user": role.user.get_username(), "org": org_name(org)})
    return after_change(request, org)


@login_required
@require_POST
def invite(request: HttpRequest, pk: str) -> HttpResponse:
    org = administered(request, pk)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return render_people(request, org, form, status=400)
    invited = actions.invite(form.cleaned_data["email"], org, form.cleaned_data["level"],
                             acting_user=request.user, base_url=request.build_absolute_uri("/"))
    email = invited.invitation.email
    if invited.mailed:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
    else:
        messages.warning(request, _(
            "The invitation to %(email)s could not be mailed: send them this link yourself: "
            "%(link)s") % {"email": email, "link": invited.link})
    return HttpResponseRedirect(people_page(org))


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, pk: str, invitation_id: int) -> HttpResponse:
    org = administered(request, pk)
    invitation = get_object_or_404(Invitation, pk=invitation_id, organization=org)
    actions.withdraw_invitation(invitation, acting_user=request.user)
    messages.success(request, _("The invitation to %(email)s no longer works.")
                     % {"email": invitation.email})
    return HttpResponseRedirect(people_page(org))


# -- Taking up an invitation ---------------------------------------------------

REFUSALS = {
    # reason: (status, message)
    "unknown": (404, gettext_lazy("This invitation link is not valid. Check that you copied all of it, "
                       "or ask for a new invitation.")),
    "used": (410, gettext_lazy("This invitation has already been accepted. Sign in to reach your "
                    "organisations.")),
    "expired": (410, gettext_lazy("This invitation has expired. Ask the organisation's administrator "
                       "for a new one.")),
}


def invitation_refused(request: HttpRequest, reason: str) -> HttpResponse:
    status, message = REFUSALS[reason]
    return render(request, "accounts/invitation_refused.html", {"message": message},
                  status=status)


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Signed in: accept, and hold the role. Not signed in: sign in first,
    or make an account here, which accepts at once."""
    try:
        invitation = actions.find_invitation(token)
    except actions.InvitationRefused as exc:
        return invitation_refused(request, exc.reason)
    form: NewAccountForm | None = None
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                return accepted(request, actions.accept_invitation(
                    token, acting_user=request.user), invitation)
            form = NewAccountForm(request.POST, email=invitation.email)
            if form.is_valid():
                with transaction.atomic():
                    user = form.save()
                    role = actions.accept_invitation(token, acting_user=user)
                login(request, user, backend=BACKEND)
                return accepted(request, role, invitation)
        except actions.InvitationRefused as exc:
            return invitation_refused(request, exc.reason)
    elif not request.user.is_authenticated:
        form = NewAccountForm(email=invitation.email)
    # The link is the key; it never travels to other sites in a Referer, as
    # the site's policy is "same-origin" (not "no-referrer", under which the
    # browser would send the form with a null Origin, refused as forged).
    return render(request, "accounts/invitation.html", {
        "invitation": invitation, "org": invitation.organization, "form": form,
    }, status=400 if form is not None and form.is_bound else 200)


def accepted(request: HttpRequest, role: Role, invitation: Invitation) -> HttpResponse:
    values: dict[str, Any] = {"level": role.get_level_display(),
                              "org": org_name(invitation.organization)}
    if role.level == invitation.level:
        messages.success(request, _("Welcome: you are now %(level)s of %(org)s.") % values)
    else:
        messages.info(request, _("You already were %(level)s of %(org)s, and remain so.")
                      % values)
    return HttpResponseRedirect(reverse("home"))
