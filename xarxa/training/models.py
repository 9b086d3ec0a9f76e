"""Agreements between organisations (educational cooperation for student
placements, collaboration, service, funding), the degree programmes they
cover, their documents, and the placements made under them (Spain's Real
Decreto 592/2014 on university students' external placements)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from xarxa.core import popolo
from xarxa.core.fields import PartialDateField
from xarxa.core.models import PopoloModel
from xarxa.core.popolo import F
from xarxa.core.validation import Problem


class Programme(PopoloModel):
    """A degree programme of a university: the Grau en Educació Social, the
    Grau en Treball Social."""

    class Level(models.TextChoices):
        BACHELOR = "bachelor", _("bachelor's degree")
        MASTER = "master", _("master's degree")
        POSTGRADUATE = "postgraduate", _("postgraduate course")
        VOCATIONAL = "vocational", _("vocational training")

    name = models.TextField(_("name"))
    university = models.ForeignKey(
        "directory.Organization", verbose_name=_("university"), on_delete=models.PROTECT,
        related_name="programmes", db_index=False,
    )
    level = models.CharField(_("level"), max_length=200, blank=True)
    identifiers = models.JSONField(
        _("identifiers"), default=list, blank=True,
        help_text=_('Such as the RUCT code: [{"scheme": "ruct", "identifier": "2500000"}]'),
    )

    POPOLO = popolo.Spec(
        "programmes",
        [
            F("name"),
            F("university_id", kind=popolo.REF, ref="organizations"),
            F("level", max_length=200),
            F("identifiers", kind=popolo.LIST),
        ],
        rules=[lambda row: [] if row.get("university_id") else [
            Problem("university_id", _g("a degree programme belongs to a university "
                                        "(university_id)"))]],
    )

    class Meta:
        verbose_name = _("degree programme")
        verbose_name_plural = _("degree programmes")
        ordering = ["name"]
        indexes = [models.Index(fields=["university"], name="programme_university")]


def agreement_rules(row: dict[str, Any]) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for i, party in enumerate(row.get("parties") or []):
        org = party.get("organization_id") if isinstance(party, dict) else None
        if isinstance(org, str) and org in seen:
            problems.append(Problem(f"parties/{i}/organization_id", _g(
                'names "%(id)s" a second time') % {"id": org}))
        if isinstance(org, str):
            seen.add(org)
    if row.get("renews_id") and row.get("renews_id") == row.get("id"):
        problems.append(Problem("renews_id", _g("an agreement cannot renew itself")))
    return problems


class Agreement(PopoloModel):
    """An agreement between organisations, with each party's role. Its status
    (draft, in force, expiring, expired, renewed) follows from its dates."""

    class Kind(models.TextChoices):
        PLACEMENTS = "educational cooperation", _("educational cooperation (placements)")
        COLLABORATION = "collaboration", _("collaboration")
        SERVICE = "service", _("service")
        FUNDING = "funding", _("funding")

    class PartyRole(models.TextChoices):
        UNIVERSITY = "university", _("university")
        HOST = "host", _("host entity")
        FUNDER = "funder", _("funder")
        PROVIDER = "provider", _("service provider")
        PARTNER = "partner", _("partner")

    name = models.TextField(_("name"))
    kind = models.CharField(_("kind"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    parties = models.JSONField(
        _("parties"), default=list, blank=True,
        help_text=_('[{"organization_id": "isom", "role": "host"}, {"organization_id": "…", '
                    '"role": "university"}]'),
    )
    signed_on = PartialDateField(_("signed on"))
    start_date = PartialDateField(_("start"))
    end_date = PartialDateField(_("end"))
    extended_until = PartialDateField(
        _("extended until"), help_text=_("The end of the extension agreed, when there is one."))
    renewal_terms = models.TextField(_("renewal terms"), blank=True)
    public_sector = models.BooleanField(
        _("a party is a Spanish public body"), default=False,
        help_text=_("Then Ley 40/2015 (art. 49 h) allows at most four years, extendable by up "
                    "to four more; Xarxa warns beyond that."),
    )
    notice_days = models.PositiveIntegerField(
        _("notice (days)"), null=True, blank=True,
        help_text=_("How long before its end it shows as expiring; blank: the installation's "
                    "(90 days unless XARXA_AGREEMENT_NOTICE_DAYS says otherwise)."),
    )
    renews = models.ForeignKey(
        "self", verbose_name=_("renews"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="renewals", db_index=False,
    )
    programmes = models.JSONField(
        _("degree programmes"), default=list, blank=True,
        help_text=_("The ids of the degree programmes it covers."),
    )

    POPOLO = popolo.Spec(
        "agreements",
        [
            F("name"),
            F("kind", max_length=200),
            F("description"),
            F("parties", kind=popolo.LIST, item_refs=(("organization_id", "organizations"),)),
            F("signed_on", kind=popolo.DATE),
            F("start_date", kind=popolo.DATE),
            F("end_date", kind=popolo.DATE),
            F("extended_until", kind=popolo.DATE),
            F("renewal_terms"),
            F("public_sector", kind=popolo.BOOL),
            F("notice_days", kind=popolo.INT),
            F("renews_id", kind=popolo.REF, ref="agreements"),
            F("programmes", kind=popolo.REFS, ref="programmes"),
        ],
        date_pairs=[("start_date", "end_date"), ("end_date", "extended_until")],
        rules=[agreement_rules],
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["end_date", "name"]
        indexes = [
            models.Index(fields=["end_date"], name="agreement_end"),
            models.Index(fields=["renews"], name="agreement_renews"),
        ]

    def party_ids(self, role: str | None = None) -> list[str]:
        return [p["organization_id"] for p in self.parties
                if role is None or p.get("role") == role]


def document_upload_to(instance: AgreementDocument, filename: str) -> str:
    return f"agreements/{instance.agreement_id}/{filename}"


class AgreementDocument(PopoloModel):
    """A file of an agreement: the signed text, an annex, an extension.
    Private: served only to those who may see the agreement."""

    ID_FROM = None

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT,
        related_name="documents", db_index=False,
    )
    title = models.TextField(_("title"), blank=True)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300)
    content_type = models.CharField(_("type"), max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)

    POPOLO = popolo.Spec(
        "agreement_documents",
        [
            F("agreement_id", kind=popolo.REF, ref="agreements"),
            F("title"),
            F("file"),
            F("content_type", max_length=100),
            F("size", kind=popolo.INT),
            F("sha256", max_length=64),
        ],
    )

    class Meta:
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        ordering = ["agreement_id", "title"]
        indexes = [models.Index(fields=["agreement"], name="document_agreement")]

    def __str__(self) -> str:
        return self.title or self.file.name.rsplit("/", 1)[-1] or self.id


def placement_rules(row: dict[str, Any]) -> list[Problem]:
    academic, entity = row.get("academic_tutor_id"), row.get("entity_tutor_id")
    problems = []
    if academic and entity and academic == entity:
        problems.append(Problem("entity_tutor_id", _g(
            "the entity tutor must be another person than the academic tutor "
            "(Real Decreto 592/2014, art. 10)")))
    student = row.get("student_id")
    if student and student in (academic, entity):
        problems.append(Problem("student_id", _g("a student cannot be their own tutor")))
    return problems


class Placement(PopoloModel):
    """A university student's external placement at an entity, under an
    agreement (Real Decreto 592/2014). The student's personal data is private
    to the hosting entity and the university."""

    ID_FROM = None

    class Kind(models.TextChoices):
        CURRICULAR = "curricular", _("curricular")
        EXTRACURRICULAR = "extracurricular", _("extracurricular")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT,
        related_name="placements", db_index=False,
    )
    host = models.ForeignKey(
        "directory.Organization", verbose_name=_("hosting entity"), on_delete=models.PROTECT,
        related_name="placements_hosted", db_index=False,
    )
    student = models.ForeignKey(
        "directory.Person", verbose_name=_("student"), on_delete=models.PROTECT,
        related_name="placements", db_index=False,
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("degree programme"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="placements", db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=200, blank=True)
    academic_tutor = models.ForeignKey(
        "directory.Person", verbose_name=_("academic tutor"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="placements_tutored_academically",
        db_index=False,
    )
    entity_tutor = models.ForeignKey(
        "directory.Person", verbose_name=_("entity tutor"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="placements_tutored", db_index=False,
    )
    start_date = PartialDateField(_("start"))
    end_date = PartialDateField(_("end"))
    total_hours = models.PositiveIntegerField(_("total hours"), null=True, blank=True)
    schedule = models.TextField(_("schedule"), blank=True)
    training_project = models.TextField(_("training project"), blank=True)
    final_report_received = PartialDateField(
        _("final report received on"), help_text=_("Blank until it arrives."))

    POPOLO = popolo.Spec(
        "placements",
        [
            F("agreement_id", kind=popolo.REF, ref="agreements"),
            F("host_id", kind=popolo.REF, ref="organizations"),
            F("student_id", kind=popolo.REF, ref="persons"),
            F("programme_id", kind=popolo.REF, ref="programmes"),
            F("kind", max_length=200, choices=("", *Kind.values)),
            F("academic_tutor_id", kind=popolo.REF, ref="persons"),
            F("entity_tutor_id", kind=popolo.REF, ref="persons"),
            F("start_date", kind=popolo.DATE),
            F("end_date", kind=popolo.DATE),
            F("total_hours", kind=popolo.INT),
            F("schedule"),
            F("training_project"),
            F("final_report_received", kind=popolo.DATE),
        ],
        date_pairs=[("start_date", "end_date")],
        rules=[placement_rules],
    )

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start_date"]
        indexes = [
            models.Index(fields=["agreement"], name="placement_agreement"),
            models.Index(fields=["host"], name="placement_host"),
            models.Index(fields=["student"], name="placement_student"),
            models.Index(fields=["programme"], name="placement_programme"),
            models.Index(fields=["academic_tutor"], name="placement_academic_tutor"),
            models.Index(fields=["entity_tutor"], name="placement_entity_tutor"),
        ]

    def __str__(self) -> str:
        return _g("Placement %(id)s") % {"id": self.id[:8]}
