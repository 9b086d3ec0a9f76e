from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xarxa.core.admin import CurrentFilter, WritePathAdmin, current_column
from xarxa.network.models import Membership, Post


@admin.register(Post)
class PostAdmin(WritePathAdmin):
    list_display = ("label", "organization", "role", "area", "start_date", "end_date",
                    "is_current", "id")
    list_select_related = ("organization", "area")
    list_filter = (CurrentFilter,)
    search_fields = ("label", "id", "role", "organization__name")
    autocomplete_fields = ("organization", "area")

    is_current = current_column()


@admin.register(Membership)
class MembershipAdmin(WritePathAdmin):
    list_display = ("show_member", "organization", "post", "on_behalf_of", "role",
                    "start_date", "end_date", "is_current")
    list_select_related = ("person", "member_organization", "organization", "post",
                           "on_behalf_of")
    list_filter = (CurrentFilter,)
    search_fields = ("id", "person__name", "member_organization__name", "organization__name",
                     "post__label", "on_behalf_of__name", "role", "label")
    autocomplete_fields = ("person", "member_organization", "organization", "post",
                           "on_behalf_of", "area")

    is_current = current_column()

    @admin.display(description=_("member"))
    def show_member(self, membership: Membership) -> Any:
        return membership.member
