from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from xarxa.core import dates, popolo
from xarxa.core.fields import PartialDateField
from xarxa.core.models import PopoloModel
from xarxa.core.popolo import F
from xarxa.core.validation import Problem


class DatedQuerySet(models.QuerySet):
    def current(self, as_of: dt.date | str | None = None) -> DatedQuerySet:
        """What holds on `as_of` (today by default), derived from the dates."""
        return self.filter(dates.current_q(as_of))


def post_rules(row: dict[str, Any]) -> list[Problem]:
    if not row.get("organization_id"):
        return [Problem("organization_id", _g("a post belongs to an organisation (organization_id)"))]
    return []


class Post(PopoloModel):
    """A seat in a body: the presidency of FEDAIA's board, a vocal's seat, the
    place a federation holds in the Taula's working group. A post can stay
    empty (vacant) or be held by someone the source does not name."""

    ID_FROM = "label"
    OWNER_FROM = ("organization_id",)

    label = models.TextField(_("label"))
    other_label = models.JSONField(_("other labels"), default=list, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("body"), on_delete=models.PROTECT,
        related_name="posts", db_index=False,
    )
    area = models.ForeignKey(
        "territory.Area", verbose_name=_("area"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="posts", db_index=False,
    )
    start_date = PartialDateField(_("start"))
    end_date = PartialDateField(_("end"))
    contact_details = models.JSONField(_("contact details"), default=list, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)

    objects = DatedQuerySet.as_manager()

    POPOLO = popolo.Spec(
        "posts",
        [
            F("label"),
            F("other_label", kind=popolo.STRINGS),
            F("role", max_length=200),
            F("organization_id", kind=popolo.REF, ref="organizations"),
            F("area_id", kind=popolo.REF, ref="areas"),
            F("start_date", kind=popolo.DATE),
            F("end_date", kind=popolo.DATE),
            F("contact_details", kind=popolo.LIST),
            F("links", kind=popolo.LIST),
        ],
        date_pairs=[("start_date", "end_date")],
        rules=[post_rules],
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["organization_id", "label"]
        # Declared here, not with db_index, so PostgreSQL gets no unused
        # varchar_pattern_ops twin per index (docs/performance.md).
        indexes = [
            models.Index(fields=["organization"], name="post_organization"),
            models.Index(fields=["area"], name="post_area"),
        ]

    def __str__(self) -> str:
        return self.label or self.id


def read_member(obj: dict[str, Any], row: dict[str, Any], pointer: str) -> list[Problem]:
    """Popolo names a person member with `person_id` and any member with
    `member: {"@type": "Person" | "Organization", "id": …}`."""
    problems: list[Problem] = []
    row["person_id"] = None
    row["member_organization_id"] = None
    person_id = obj.get("person_id")
    if person_id is not None and (not isinstance(person_id, str) or not person_id):
        problems.append(Problem(f"{pointer}/person_id", _g("must be an id (a string)")))
        person_id = None
    row["person_id"] = person_id
    member = obj.get("member")
    if member is None:
        return problems
    kind = member.get("@type") if isinstance(member, dict) else None
    ident = member.get("id") if isinstance(member, dict) else None
    if kind not in ("Person", "Organization") or not isinstance(ident, str) or not ident:
        problems.append(Problem(f"{pointer}/member", _g(
            'must be {"@type": "Person" or "Organization", "id": "…"}')))
    elif kind == "Person":
        if person_id and person_id != ident:
            problems.append(Problem(f"{pointer}/member", _g(
                "names another person than person_id")))
        row["person_id"] = ident
    else:
        if person_id:
            problems.append(Problem(f"{pointer}/member", _g(
                "a membership has one member: an organisation or a person, not both")))
        row["member_organization_id"] = ident
    return problems


def write_member(row: dict[str, Any], out: dict[str, Any]) -> None:
    if row.get("person_id"):
        out["person_id"] = row["person_id"]
    elif row.get("member_organization_id"):
        out["member"] = {"@type": "Organization", "id": row["member_organization_id"]}


def membership_rules(row: dict[str, Any]) -> list[Problem]:
    person, org_member = row.get("person_id"), row.get("member_organization_id")
    organization, post = row.get("organization_id"), row.get("post_id")
    if (person or org_member) and (organization or post) and not (person and org_member) and (
        org_member != organization
    ):
        return []  # the usual membership: one member, somewhere to be
    problems = []
    if not organization and not post:
        problems.append(Problem("organization_id", _g(
            "a membership needs an organisation (organization_id) or a post (post_id)")))
    if not person and not org_member and not post:
        problems.append(Problem("member", _g(
            "a membership needs a member (person_id or member); only a seat in a post "
            "may leave its holder unknown")))
    if person and org_member:
        problems.append(Problem("member", _g(
            "a membership has one member: an organisation or a person, not both")))
    if org_member and org_member == organization:
        problems.append(Problem("member", _g("an organisation cannot be a member of itself")))
    return problems


class Membership(PopoloModel):
    """A tie with dates: ISOM federated in FEDAIA since 2015; ISOM on FEDAIA's
    board; ISOM in the Taula's working group on behalf of FEDAIA; a person in
    a board seat on behalf of ISOM. The member is a person or an organisation;
    it may be left unknown only for a seat (a post) whose holder is not named."""

    ID_FROM = None
    OWNER_FROM = ("member_organization_id", "on_behalf_of_id", "organization_id")
    # A network keeps the memberships in it and its bodies, too.
    KEPT_BY = ("owner_id", "organization_id")

    person = models.ForeignKey(
        "directory.Person", verbose_name=_("person"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="memberships", db_index=False,
    )
    member_organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("member organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="memberships", db_index=False,
    )
    organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("in (organisation or body)"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="members", db_index=False,
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="memberships", db_index=False,
    )
    on_behalf_of = models.ForeignKey(
        "directory.Organization", verbose_name=_("on behalf of"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="represented_by", db_index=False,
    )
    area = models.ForeignKey(
        "territory.Area", verbose_name=_("area"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="memberships", db_index=False,
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    label = models.TextField(_("label"), blank=True)
    start_date = PartialDateField(_("start"))
    end_date = PartialDateField(_("end"))
    contact_details = models.JSONField(_("contact details"), default=list, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)

    objects = DatedQuerySet.as_manager()

    POPOLO = popolo.Spec(
        "memberships",
        [
            F("label"),
            F("role", max_length=200),
            F("organization_id", kind=popolo.REF, ref="organizations"),
            F("post_id", kind=popolo.REF, ref="posts"),
            F("on_behalf_of_id", kind=popolo.REF, ref="organizations"),
            F("area_id", kind=popolo.REF, ref="areas"),
            F("start_date", kind=popolo.DATE),
            F("end_date", kind=popolo.DATE),
            F("contact_details", kind=popolo.LIST),
            F("links", kind=popolo.LIST),
        ],
        date_pairs=[("start_date", "end_date")],
        read_hook=read_member,
        write_hook=write_member,
        hook_keys=("member", "person_id"),
        hook_columns=("person_id", "member_organization_id"),
        id_optional=True,
        rules=[membership_rules],
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization_id", "start_date"]
        # Declared here, not with db_index, so PostgreSQL gets no unused
        # varchar_pattern_ops twin per index (docs/performance.md).
        indexes = [
            models.Index(fields=["person"], name="membership_person"),
            models.Index(fields=["member_organization"], name="membership_member_organizatio"),
            models.Index(fields=["organization"], name="membership_organization"),
            models.Index(fields=["post"], name="membership_post"),
            models.Index(fields=["on_behalf_of"], name="membership_on_behalf_of"),
        ]

    def __str__(self) -> str:
        member = self.person or self.member_organization
        where = self.post or self.organization
        text = f"{member or '?'} → {where or '?'}"
        if self.on_behalf_of_id:
            text += " (" + _g("on behalf of %(org)s") % {"org": self.on_behalf_of} + ")"
        return text

    @property
    def member(self) -> models.Model | None:
        return self.person or self.member_organization

    def is_current(self, as_of: dt.date | str | None = None) -> bool:
        return dates.is_current(self.start_date, self.end_date, as_of)

    @classmethod
    def field_for(cls, key: str) -> str:
        if key == "member":
            return "member_organization"
        return super().field_for(key)

    def clean(self) -> None:
        super().clean()
        from django.core.exceptions import ValidationError

        post = self.post if self.post_id else None
        if post is not None and self.organization_id and post.organization_id != self.organization_id:
            raise ValidationError({"post": _g(
                "the post belongs to another organisation than the membership")})
