"""Every change to who holds which role, and every invitation, goes through
these functions (Zulip's `actions`): the people page, the admin and the
`xarxa invite` command call the same code, so a role granted from a shell is
checked and recorded in the history like one granted in the browser.

Each runs in a transaction and writes a `history.Change` row (model
`accounts.role` or `accounts.invitation`, the role or invitation before and
after as a small dict). `acting_user` is who does it; None is the command
line.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xarxa.accounts.models import Invitation, Role, token_hash
from xarxa.core.writes import Actor, history_row, new_batch
from xarxa.directory.models import Organization
from xarxa.history.models import Change

ROLE = "accounts.role"
INVITATION = "accounts.invitation"
# A higher level includes what a lower one may do.
RANK = {Role.Level.VIEWER: 1, Role.Level.EDITOR: 2, Role.Level.ADMINISTRATOR: 3}


def actor_of(acting_user: Any, via: str) -> Actor:
    if acting_user is None:
        return Actor.cli(via)
    return Actor.of_user(acting_user, via)


def role_state(role: Role) -> dict[str, Any]:
    return {"user": role.user.get_username(), "organization": role.organization_id,
            "level": role.level}


def invitation_state(invitation: Invitation) -> dict[str, Any]:
    return {
        "email": invitation.email, "organization": invitation.organization_id,
        "level": invitation.level,
        "expires_at": invitation.expires_at.isoformat() if invitation.expires_at else None,
        "accepted_at": invitation.accepted_at.isoformat() if invitation.accepted_at else None,
        "accepted_by": invitation.accepted_by.get_username() if invitation.accepted_by else None,
    }


def _record(action: str, model: str, obj: Role | Invitation, before: Any, after: Any,
            actor: Actor, batch: str = "") -> None:
    history_row(action, model, str(obj.pk), str(obj), before, after, actor, batch).save()


def _locked_roles() -> QuerySet[Role]:
    # Only the role's own row is locked, not its user's or organisation's.
    return Role.objects.select_for_update(of=("self",)).select_related("user", "organization")


def _locked_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.select_for_update(of=("self",)).select_related(
        "organization", "accepted_by")


def check_level(level: str) -> Role.Level:
    if level not in Role.Level.values:
        raise ValidationError(
            _("%(level)s is not a role: choose administrator, editor or viewer.")
            % {"level": level}, code="bad_level")
    return Role.Level(level)


def _keep_an_administrator(role: Role) -> None:
    """Refuse to leave an organisation that has administrators without any:
    nobody could then manage its people but a site administrator. The other
    administrators' rows are locked, so two administrators stepping down at
    once cannot both succeed."""
    if role.level != Role.Level.ADMINISTRATOR:
        return
    others = (Role.objects.select_for_update()
              .filter(organization_id=role.organization_id, level=Role.Level.ADMINISTRATOR)
              .exclude(pk=role.pk))
    if not list(others.values_list("pk", flat=True)):
        raise ValidationError(
            _("%(user)s is the last administrator of %(org)s: make someone else administrator "
              "first.") % {"user": role.user.get_username(), "org": role.organization},
            code="last_administrator")


# -- Roles ---------------------------------------------------------------------

def grant_role(user: Any, organization: Organization, level: str, *,
               acting_user: Any, via: str = "web", batch: str = "") -> Role:
    """Give `user` the role `level` in `organization`; a role they already
    hold there is changed to it."""
    level = check_level(level)
    with transaction.atomic():
        existing = _locked_roles().filter(user_id=user.pk, organization_id=organization.pk).first()
        if existing is not None:
            return change_role(existing, level, acting_user=acting_user, via=via, batch=batch)
        role = Role.objects.create(user=user, organization=organization, level=level)
        _record(Change.Action.CREATE, ROLE, role, None, role_state(role),
                actor_of(acting_user, via), batch)
        return role


def change_role(role: Role, level: str, *, acting_user: Any, via: str = "web",
                batch: str = "") -> Role:
    level = check_level(level)
    with transaction.atomic():
        current = _locked_roles().get(pk=role.pk)
        if current.level == level:
            return current
        _keep_an_administrator(current)
        before = role_state(current)
        current.level = level
        current.save(update_fields=["level"])
        _record(Change.Action.UPDATE, ROLE, current, before, role_state(current),
                actor_of(acting_user, via), batch)
        role.level = level
        return current


def revoke_role(role: Role, *, acting_user: Any, via: str = "web") -> None:
    with transaction.atomic():
        current = _locked_roles().get(pk=role.pk)
        _keep_an_administrator(current)
        before = role_state(current)
        pk, repr_ = current.pk, str(current)
        current.delete()
        history_row(Change.Action.DELETE, ROLE, str(pk), repr_, before, None,
                    actor_of(acting_user, via), "").save()


# -- Invitations ---------------------------------------------------------------

@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    link: str
    mailed: bool  # False when the mail server refused it: hand the link over yourself


def invitation_link(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("invitation-accept", args=[token])


def invite(email: str, organization: Organization, level: str, *, acting_user: Any,
           base_url: str, via: str = "web") -> Invited:
    """Invite `email` to join `organization` as `level`: a random token,
    kept only as its hash, in a link mailed to them (and returned, for the
    command line). The link works once, for XARXA_INVITATION_DAYS days."""
    level = check_level(level)
    email = email.strip()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email, organization=organization, level=level, token_hash=token_hash(token),
            invited_by=acting_user,
            expires_at=timezone.now() + timedelta(days=settings.XARXA_INVITATION_DAYS),
        )
        _record(Change.Action.CREATE, INVITATION, invitation, None, invitation_state(invitation),
                actor_of(acting_user, via))
    link = invitation_link(base_url, token)
    return Invited(invitation, link, send_invitation(invitation, link, acting_user))


def send_invitation(invitation: Invitation, link: str, acting_user: Any) -> bool:
    context = {
        "invitation": invitation, "link": link, "org": invitation.organization,
        "level": invitation.get_level_display(),
        "inviter": acting_user.get_username() if acting_user is not None else "",
        "expires": timezone.localtime(invitation.expires_at),
    }
    subject = " ".join(render_to_string("accounts/invitation_subject.txt", context).split())
    body = render_to_string("accounts/invitation_email.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except (OSError, SMTPException):
        return False
    return True


def withdraw_invitation(invitation: Invitation, *, acting_user: Any, via: str = "web") -> None:
    """An invitation that should not be used: its link stops working now."""
    with transaction.atomic():
        current = _locked_invitations().get(pk=invitation.pk)
        if not current.usable:
            return
        before = invitation_state(current)
        current.expires_at = timezone.now()
        current.save(update_fields=["expires_at"])
        _record(Change.Action.UPDATE, INVITATION, current, before, invitation_state(current),
                actor_of(acting_user, via))


class InvitationRefused(Exception):
    """The link is unknown, used or expired; `reason` says which."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def find_invitation(token: str) -> Invitation:
    """The invitation a link carries, if it still works."""
    invitation = (Invitation.objects.select_related("organization", "invited_by")
                  .filter(token_hash=token_hash(token)).first())
    if invitation is None:
        raise InvitationRefused("unknown")
    if invitation.accepted_at is not None:
        raise InvitationRefused("used")
    if not invitation.usable:
        raise InvitationRefused("expired")
    return invitation


def accept_invitation(token: str, *, acting_user: Any, via: str = "web") -> Role:
    """`acting_user` takes up the invitation: they get its role (or keep a
    higher one they already hold). The link is spent."""
    with transaction.atomic():
        found = find_invitation(token)
        # Checked again under a lock: the same link followed twice at once works once.
        invitation = _locked_invitations().get(pk=found.pk)
        if invitation.accepted_at is not None:
            raise InvitationRefused("used")
        if not invitation.usable:
            raise InvitationRefused("expired")
        batch = new_batch()
        before = invitation_state(invitation)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = acting_user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        _record(Change.Action.UPDATE, INVITATION, invitation, before, invitation_state(invitation),
                actor_of(acting_user, via), batch)
        held = (Role.objects.select_related("user", "organization")
                .filter(user_id=acting_user.pk, organization_id=invitation.organization_id).first())
        if held is not None and RANK[Role.Level(held.level)] >= RANK[Role.Level(invitation.level)]:
            return held
        return grant_role(acting_user, invitation.organization, invitation.level,
                          acting_user=acting_user, via=via, batch=batch)
