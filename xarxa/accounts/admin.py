"""Roles and invitations in the admin (site administrators), writing through
`accounts.actions` like the people page and `xarxa invite` do: the same
checks (an organisation keeps its last administrator) and the same history.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from xarxa.accounts import actions
from xarxa.accounts.models import Invitation, Role
from xarxa.core import admin as core_admin
from xarxa.core.admin import WriteRefused, refusal


class RefusalsShown(core_admin.RefusalsShown):
    """Refusals as messages, on the change form and on the delete page."""

    def delete_view(self, request: HttpRequest, object_id: str,
                    extra_context: Any = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except WriteRefused as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Role)
class RoleAdmin(RefusalsShown):
    list_display = ("user", "organization", "level", "created_at")
    list_select_related = ("user", "organization")
    list_filter = ("level",)
    search_fields = ("user__username", "user__email", "organization__name", "organization__id")
    autocomplete_fields = ("user", "organization")
    show_full_result_count = False
    list_per_page = 50

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A role belongs to one person in one organisation; only its level changes.
        return ("user", "organization", "created_at") if obj is not None else ("created_at",)

    def save_model(self, request: HttpRequest, obj: Role, form: Any, change: bool) -> None:
        try:
            if change:
                saved = actions.change_role(obj, obj.level, acting_user=request.user, via="admin")
            else:
                saved = actions.grant_role(obj.user, obj.organization, obj.level,
                                           acting_user=request.user, via="admin")
        except ValidationError as exc:
            raise refusal(exc) from exc
        obj.pk = saved.pk
        obj._state.adding = False
        obj._state.db = saved._state.db

    def delete_model(self, request: HttpRequest, obj: Role) -> None:
        try:
            actions.revoke_role(obj, acting_user=request.user, via="admin")
        except ValidationError as exc:
            raise refusal(exc) from exc

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Role]) -> None:
        self.revoke_each(request, queryset.select_related("user", "organization"))

    def revoke_each(self, request: HttpRequest, roles: Iterable[Role]) -> None:
        for role in roles:
            try:
                actions.revoke_role(role, acting_user=request.user, via="admin")
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)


@admin.action(description=_("Withdraw the selected invitations"))
def withdraw(modeladmin: InvitationAdmin, request: HttpRequest,
             queryset: QuerySet[Invitation]) -> None:
    count = 0
    for invitation in queryset:
        if invitation.usable:
            actions.withdraw_invitation(invitation, acting_user=request.user, via="admin")
            count += 1
    modeladmin.message_user(request, ngettext(
        "%(n)d invitation withdrawn.", "%(n)d invitations withdrawn.", count) % {"n": count})


@admin.register(Invitation)
class InvitationAdmin(RefusalsShown):
    """Invitations are made here (the link is mailed, and shown once), and
    withdrawn; never edited, and never deleted: they are the record of who
    was let in."""

    list_display = ("email", "organization", "level", "invited_by", "created_at", "expires_at",
                    "accepted_at", "accepted_by")
    list_select_related = ("organization", "invited_by", "accepted_by")
    list_filter = ("level",)
    search_fields = ("email", "organization__name", "organization__id")
    autocomplete_fields = ("organization",)
    fields = ("email", "organization", "level", "invited_by", "created_at", "expires_at",
              "accepted_at", "accepted_by")
    actions = [withdraw]
    show_full_result_count = False
    list_per_page = 50

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if obj is not None else ("email", "organization", "level")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Invitation, form: Any, change: bool) -> None:
        if change:
            return  # every field is read-only
        invited = actions.invite(obj.email, obj.organization, obj.level, acting_user=request.user,
                                 base_url=request.build_absolute_uri("/"), via="admin")
        obj.pk = invited.invitation.pk
        obj._state.adding = False
        obj._state.db = invited.invitation._state.db
        text = (gettext("The invitation was mailed. Its link: %(link)s") if invited.mailed
                else gettext("The invitation could not be mailed: send this link yourself: "
                             "%(link)s"))
        messages.info(request, text % {"link": invited.link})
