"""Who may see and who may edit what: one place, used by every page, feed,
search and export, so a rule cannot hold in one door and leak through another.

- A record is seen by anyone when public, by any signed-in user when for
  members, and by the people of the organisations that keep it when private.
- A record is edited by the editors and administrators of the organisations
  that keep it: its owner (and, for some records, the organisation it is in:
  a network keeps the memberships in its bodies). Roles in an organisation
  reach its bodies: FEDAIA's editors keep its commissions.
- Site administrators see and edit everything.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import HttpRequest

from xarxa.core.models import Visibility

EDIT_LEVELS = ("administrator", "editor")
# How deep bodies nest: a working group of a commission of a federation.
MAX_BODY_DEPTH = 6


def kept_by(model: type[models.Model]) -> tuple[str, ...]:
    """The lookups that name the organisations keeping a record of `model`."""
    return tuple(getattr(model, "KEPT_BY", ("owner_id",)))


class Viewer:
    """The person asking, with the organisations they act for, computed once
    per request (`request.viewer`)."""

    def __init__(self, user: Any) -> None:
        self.user = user if user is not None else AnonymousUser()

    @cached_property
    def authenticated(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_active)

    @cached_property
    def site_admin(self) -> bool:
        return self.authenticated and bool(self.user.is_superuser)

    @cached_property
    def roles(self) -> dict[str, str]:
        """Organisation id → role level, as granted (without bodies)."""
        if not self.authenticated:
            return {}
        from xarxa.accounts.models import Role

        user_id: Any = self.user.pk
        return dict(Role.objects.filter(user_id=user_id).values_list("organization_id", "level"))

    @cached_property
    def orgs(self) -> frozenset[str]:
        """The organisations whose private records this person sees: those
        they hold any role in, and their bodies."""
        return with_bodies(self.roles)

    @cached_property
    def editable(self) -> frozenset[str]:
        """The organisations this person edits for: editor or administrator
        roles, and their bodies."""
        return with_bodies([o for o, level in self.roles.items() if level in EDIT_LEVELS])

    @cached_property
    def administered(self) -> frozenset[str]:
        return with_bodies([o for o, level in self.roles.items() if level == "administrator"])

    # -- seeing ------------------------------------------------------------
    def visible_q(self, model: type[models.Model], prefix: str = "") -> Q:
        """A filter keeping the records of `model` (reached through `prefix`,
        such as "organization__") that this person may see."""
        if self.site_admin:
            return Q()
        q = Q(**{f"{prefix}visibility": Visibility.PUBLIC})
        if self.authenticated:
            q |= Q(**{f"{prefix}visibility": Visibility.MEMBERS})
            if self.orgs:
                for lookup in kept_by(model):
                    q |= Q(**{f"{prefix}{lookup}__in": sorted(self.orgs)})
        return q

    def visible_or_none_q(self, model: type[models.Model], relation: str) -> Q:
        """For an optional relation: kept when it is empty or visible."""
        if self.site_admin:
            return Q()  # `Q(...) | Q()` would keep only the empty relations
        return Q(**{f"{relation}__isnull": True}) | self.visible_q(model, f"{relation}__")

    def visible(self, queryset: models.QuerySet) -> models.QuerySet:
        if self.site_admin:
            return queryset
        return queryset.filter(self.visible_q(queryset.model))

    def sees(self, obj: models.Model | None) -> bool:
        if obj is None:
            return False
        if self.site_admin:
            return True
        visibility = getattr(obj, "visibility", Visibility.PUBLIC)
        if visibility == Visibility.PUBLIC:
            return True
        if not self.authenticated:
            return False
        if visibility == Visibility.MEMBERS:
            return True
        return bool(keepers(obj) & self.orgs)

    def require_sees(self, obj: models.Model) -> None:
        """Refuse as if the record did not exist: a private record's id says
        nothing to whom may not see it."""
        from django.http import Http404

        if not self.sees(obj):
            raise Http404

    # -- editing -----------------------------------------------------------
    def can_edit(self, obj: models.Model) -> bool:
        if not self.authenticated:
            return False
        if self.site_admin:
            return True
        return bool(keepers(obj) & self.editable)

    def can_act_for(self, org_id: str | None) -> bool:
        """May this person create records kept by `org_id`?"""
        if not self.authenticated or not org_id:
            return self.site_admin
        return self.site_admin or org_id in self.editable

    def can_administer(self, org_id: str) -> bool:
        return self.site_admin or (self.authenticated and org_id in self.administered)

    def require_edit(self, obj: models.Model) -> None:
        if not self.can_edit(obj):
            raise PermissionDenied

    def acting_for(self) -> list[str]:
        """The organisations this person may create records for, their own
        first (not their bodies), for a form's "on behalf of" choice."""
        return sorted(o for o, level in self.roles.items() if level in EDIT_LEVELS)


class OperatorViewer(Viewer):
    """Whoever runs the command line on the server: the installation's
    operator, who sees everything (as a site administrator does)."""

    def __init__(self) -> None:
        super().__init__(None)

    site_admin = True  # type: ignore[assignment]
    authenticated = True  # type: ignore[assignment]

    @cached_property
    def roles(self) -> dict[str, str]:
        return {}


def command_viewer(public: bool = False) -> Viewer:
    """The viewer of a command: the operator, or with `--public` a visitor."""
    return Viewer(None) if public else OperatorViewer()


def keepers(obj: models.Model) -> set[str]:
    """The ids of the organisations that keep `obj` (see `kept_by`)."""
    out: set[str] = set()
    for lookup in kept_by(type(obj)):
        value: Any = obj
        for step in lookup.split("__"):
            value = getattr(value, step, None)
            if value is None:
                break
        if value:
            out.add(str(value))
    return out


def with_bodies(org_ids: Any) -> frozenset[str]:
    """`org_ids` and every body under them, down the `parent` tree."""
    from xarxa.directory.models import Organization

    found = set(org_ids)
    frontier = set(found)
    for __ in range(MAX_BODY_DEPTH):
        if not frontier:
            break
        children = set(Organization.objects.filter(parent_id__in=sorted(frontier))
                       .values_list("id", flat=True)) - found
        found |= children
        frontier = children
    return frozenset(found)


def viewer_of(request: HttpRequest) -> Viewer:
    viewer = getattr(request, "_xarxa_viewer", None)
    if viewer is None:
        viewer = Viewer(getattr(request, "user", None))
        request._xarxa_viewer = viewer  # type: ignore[attr-defined]
    return viewer
