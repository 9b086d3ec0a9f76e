from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xarxa.core import popolo
from xarxa.core.models import PopoloModel
from xarxa.core.popolo import F
from xarxa.core.trees import check_parent


class Area(PopoloModel):
    """A place with official boundaries: a city, a district, a barri. Areas
    form a tree (el Congrés i els Indians, barri 62, lies in Sant Andreu,
    district 09, in Barcelona); an organisation's seat is in one of them."""

    class Classification(models.TextChoices):
        COUNTRY = "country", _("country")
        REGION = "region", _("region")
        CITY = "city", _("city")
        DISTRICT = "district", _("district")
        NEIGHBOURHOOD = "neighbourhood", _("neighbourhood")

    name = models.TextField(_("name"))
    identifier = models.CharField(
        _("official code"), max_length=200, blank=True,
        help_text=_("The code the authority gives it: 09 for Sant Andreu, 62 for el Congrés."),
    )
    classification = models.CharField(
        _("classification"), max_length=200, blank=True,
        help_text=_("city, district, neighbourhood… (any word other publishers use is kept)"),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("within"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children", db_index=False,
    )
    geometry = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)

    POPOLO = popolo.Spec(
        "areas",
        [
            F("name"),
            F("identifier", max_length=200),
            F("classification", max_length=200),
            F("parent_id", kind=popolo.REF, ref="areas"),
            F("geometry", kind=popolo.JSON),
        ],
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]
        # Declared here, not with db_index, so PostgreSQL gets no unused
        # varchar_pattern_ops twin per index (docs/performance.md).
        indexes = [
            models.Index(fields=["parent"], name="area_parent"),
            models.Index(fields=["identifier"], name="area_identifier"),
            models.Index(fields=["classification"], name="area_classification"),
        ]

    def clean(self) -> None:
        check_parent(self)

    def ancestors(self) -> list[Area]:
        chain: list[Area] = []
        node = self.parent
        while node is not None and len(chain) < 50:
            chain.append(node)
            node = node.parent
        return chain
