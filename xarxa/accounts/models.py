"""Who works for which organisation, and with what rights.

A federation or a neighbourhood coordinadora runs one Xarxa for all its
members: each person signs in once and holds a role in one or more
organisations. Site administrators (Django superusers) manage everything.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.Model):
    """A user's role in an organisation: an administrator manages the
    organisation's people and records, an editor edits its records, a viewer
    sees what is private to it."""

    class Level(models.TextChoices):
        ADMINISTRATOR = "administrator", _("administrator")
        EDITOR = "editor", _("editor")
        VIEWER = "viewer", _("viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="xarxa_roles",
    )
    organization = models.ForeignKey(
        # An organisation people still work for is not deleted by accident.
        "directory.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT,
        related_name="roles",
    )
    level = models.CharField(_("role"), max_length=20, choices=Level.choices)
    created_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_role_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_level_display()} — {self.organization}"


def token_hash(token: str) -> str:
    """Invitation tokens are kept hashed: a copy of the database lets nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation, sent by e-mail, to join an organisation with a role. The
    link it carries works once, until it expires."""

    email = models.EmailField(_("e-mail"))
    organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT,
        related_name="invitations",
    )
    level = models.CharField(_("role"), max_length=20, choices=Role.Level.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
