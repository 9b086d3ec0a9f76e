from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xarxa.core import popolo
from xarxa.core.fields import PartialDateField
from xarxa.core.models import PopoloModel
from xarxa.core.popolo import F


class Event(PopoloModel):
    """Something that happens on dates: a festa major, a commission meeting,
    a legislative period in another publisher's data. The community issue
    adds participation, places and hours; this is its Popolo core."""

    name = models.TextField(_("name"))
    description = models.TextField(_("description"), blank=True)
    classification = models.CharField(_("classification"), max_length=200, blank=True)
    start_date = PartialDateField(_("start"))
    end_date = PartialDateField(_("end"))
    location = models.TextField(_("place"), blank=True)
    status = models.CharField(_("status"), max_length=200, blank=True)
    organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="events", db_index=False,
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children", db_index=False,
    )
    identifiers = models.JSONField(_("identifiers"), default=list, blank=True)

    POPOLO = popolo.Spec(
        "events",
        [
            F("name"),
            F("description"),
            F("classification", max_length=200),
            F("start_date", kind=popolo.DATE),
            F("end_date", kind=popolo.DATE),
            F("location"),
            F("status", max_length=200),
            F("organization_id", kind=popolo.REF, ref="organizations"),
            F("parent_id", kind=popolo.REF, ref="events"),
            F("identifiers", kind=popolo.LIST),
        ],
        date_pairs=[("start_date", "end_date")],
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start_date", "name"]
        # Declared here, not with db_index, so PostgreSQL gets no unused
        # varchar_pattern_ops twin per index (docs/performance.md).
        indexes = [
            models.Index(fields=["organization"], name="event_organization"),
            models.Index(fields=["parent"], name="event_parent"),
            models.Index(fields=["classification"], name="event_classification"),
        ]

    def clean(self) -> None:
        from xarxa.core.trees import check_parent

        super().clean()
        check_parent(self)
