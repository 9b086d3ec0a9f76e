from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xarxa.core import popolo
from xarxa.core.fields import PartialDateField
from xarxa.core.models import PopoloModel, Visibility, visibility_field
from xarxa.core.popolo import F
from xarxa.core.text import search_text
from xarxa.core.trees import check_parent
from xarxa.core.validation import Problem


def popolo_lists() -> list[F]:
    return [
        F("other_names", kind=popolo.LIST),
        F("identifiers", kind=popolo.LIST),
        F("contact_details", kind=popolo.LIST),
        F("links", kind=popolo.LIST),
    ]


def organization_search_text(row: dict) -> str:
    others = [o.get("name") for o in row.get("other_names") or [] if isinstance(o, dict)]
    return search_text(row.get("name"), row.get("id"), more=[o for o in others if isinstance(o, str)])


def read_search_text(obj: dict, row: dict, pointer: str) -> list[Problem]:
    """The importer's rows carry the folded names, as saves do."""
    row["search_text"] = organization_search_text(row)
    return []


class Organization(PopoloModel):
    """An entity (a cooperative, an association), a network it belongs to (a
    federation, a platform, a coordinadora), or a body of such a network (its
    board, a commission, a working group), which has the network as `parent`."""

    class Classification(models.TextChoices):
        COOPERATIVE = "cooperative", _("cooperative")
        ASSOCIATION = "association", _("association")
        FOUNDATION = "foundation", _("foundation")
        FEDERATION = "federation", _("federation")
        PLATFORM = "platform", _("platform")
        COORDINADORA = "coordinadora", _("neighbourhood coordinating body")
        NETWORK = "network", _("network")
        PUBLIC_BODY = "public body", _("public body")
        UNIVERSITY = "university", _("university")
        COMPANY = "company", _("company")
        # Bodies of a network
        ASSEMBLY = "assembly", _("assembly")
        BOARD = "board", _("board")
        STANDING_COMMITTEE = "standing committee", _("standing committee")
        COMMISSION = "commission", _("commission")
        WORKING_GROUP = "working group", _("working group")

    # A body is kept by the network (or body) it is part of.
    OWNER_FROM = ("parent_id",)
    KEPT_BY = ("id", "owner_id")

    name = models.TextField(_("name"))
    classification = models.CharField(
        _("classification"), max_length=200, blank=True,
        help_text=_("cooperative, federation, board, commission… (other publishers' words are kept)"),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children", db_index=False,
        help_text=_("For a body (board, commission, working group): the network it belongs to."),
    )
    area = models.ForeignKey(
        "territory.Area", verbose_name=_("area of its seat"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="organizations", db_index=False,
    )
    abstract = models.TextField(_("abstract"), blank=True)
    description = models.TextField(_("description"), blank=True)
    founding_date = PartialDateField(_("founded"))
    dissolution_date = PartialDateField(_("dissolved"))
    image = models.TextField(_("image URL"), blank=True)
    other_names = models.JSONField(
        _("other names"), default=list, blank=True,
        help_text=_('Names in other languages or former names: [{"name": "…", "lang": "es"}]'),
    )
    identifiers = models.JSONField(
        _("identifiers"), default=list, blank=True,
        help_text=_('[{"scheme": "nif", "identifier": "…"}]'),
    )
    contact_details = models.JSONField(_("contact details"), default=list, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    # Derived from the names, for accent-insensitive search (core.text.fold).
    search_text = models.TextField(editable=False, default="")

    POPOLO = popolo.Spec(
        "organizations",
        [
            F("name"),
            F("classification", max_length=200),
            F("parent_id", kind=popolo.REF, ref="organizations"),
            F("area_id", kind=popolo.REF, ref="areas"),
            F("abstract"),
            F("description"),
            F("founding_date", kind=popolo.DATE),
            F("dissolution_date", kind=popolo.DATE),
            F("image"),
            *popolo_lists(),
        ],
        date_pairs=[("founding_date", "dissolution_date")],
        read_hook=read_search_text,
        hook_columns=("search_text",),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        # Declared here, not with db_index, so PostgreSQL gets no unused
        # varchar_pattern_ops twin per index (docs/performance.md).
        indexes = [
            # Bodies only: nine organisations in ten have no parent, and
            # SQLite's statistics cannot tell, so with every row in it the
            # index was chosen for `parent IS NULL` (the directory's networks
            # list, 19 → 2.5 ms without; docs/performance.md).
            models.Index(fields=["parent"], name="org_parent",
                         condition=models.Q(parent__isnull=False)),
            models.Index(fields=["area"], name="org_area"),
            models.Index(fields=["classification"], name="org_classification"),
        ]

    def clean(self) -> None:
        super().clean()
        check_parent(self)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = organization_search_text(self.row())
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, "search_text"}
        super().save(*args, **kwargs)

    def network(self) -> Organization:
        """The network a body belongs to (itself when it is not a body)."""
        node, hops = self, 0
        while node.parent is not None and hops < 50:
            node, hops = node.parent, hops + 1
        return node

    def name_in(self, lang: str) -> str:
        for other in self.other_names:
            if other.get("lang") == lang and other.get("name"):
                return str(other["name"])
        return self.name


class Person(PopoloModel):
    """Someone who sits on a board, goes to a commission or represents an
    entity. Personal data: private by default (see issue on visibility)."""

    ID_FROM = None

    visibility = visibility_field(Visibility.PRIVATE)
    name = models.TextField(_("name"))
    sort_name = models.TextField(_("sort name"), blank=True)
    given_name = models.TextField(_("given name"), blank=True)
    family_name = models.TextField(_("family name"), blank=True)
    additional_name = models.TextField(_("additional name"), blank=True)
    honorific_prefix = models.TextField(_("honorific prefix"), blank=True)
    honorific_suffix = models.TextField(_("honorific suffix"), blank=True)
    patronymic_name = models.TextField(_("patronymic name"), blank=True)
    email = models.TextField(_("e-mail"), blank=True)
    gender = models.TextField(_("gender"), blank=True)
    birth_date = PartialDateField(_("born"))
    death_date = PartialDateField(_("died"))
    image = models.TextField(_("image URL"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    biography = models.TextField(_("biography"), blank=True)
    national_identity = models.TextField(_("national identity"), blank=True)
    other_names = models.JSONField(_("other names"), default=list, blank=True)
    identifiers = models.JSONField(_("identifiers"), default=list, blank=True)
    contact_details = models.JSONField(_("contact details"), default=list, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)

    POPOLO = popolo.Spec(
        "persons",
        [
            F("name"),
            *(F(k) for k in ("sort_name", "given_name", "family_name", "additional_name",
                             "honorific_prefix", "honorific_suffix", "patronymic_name",
                             "email", "gender")),
            F("birth_date", kind=popolo.DATE),
            F("death_date", kind=popolo.DATE),
            *(F(k) for k in ("image", "summary", "biography", "national_identity")),
            *popolo_lists(),
        ],
        date_pairs=[("birth_date", "death_date")],
        default_visibility=Visibility.PRIVATE,
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_name", "name"]

    def __str__(self) -> str:
        return self.name or self.id
