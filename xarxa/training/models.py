"""Agreements between organisations (educational cooperation for student
placements, collaboration, service, funding), the degree programmes they
cover, their documents, and the placements made under them (Spain's Real
Decreto 592/2014 on university students' external placements)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from xarxa.core import dates, popolo
from xarxa.core.fields import PartialDateField
from xarxa.core.models import PopoloModel, Visibility, visibility_field
from xarxa.core.popolo import F
from xarxa.core.validation import Problem
from xarxa.training import documents
from xarxa.training import status as agreement_status


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


class AgreementQuerySet(models.QuerySet):
    def with_renewed(self) -> AgreementQuerySet:
        """Each agreement knows, without another query, whether one renews it."""
        return self.annotate(is_renewed=agreement_status.renewed_expression())

    def with_status(self, wanted: str, as_of: dt.date | str | None = None) -> AgreementQuerySet:
        """The agreements whose status is `wanted` on `as_of` (today by default)."""
        return self.filter(agreement_status.status_q(wanted, as_of, queryset=self))

    def expiring_within(self, days: int, as_of: dt.date | str | None = None) -> AgreementQuerySet:
        """Those whose effective end falls within `days` days of `as_of`."""
        return self.filter(agreement_status.expiring_within_q(days, as_of))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # the 29th of February
        return day.replace(year=day.year + years, day=28)


class Agreement(PopoloModel):
    """An agreement between organisations, with each party's role. Its status
    (draft, signed, in force, expiring, expired, renewed) follows from its
    dates (`xarxa.training.status`). Seen by signed-in users unless it says
    otherwise; kept by its first party."""

    visibility = visibility_field(Visibility.MEMBERS)

    @classmethod
    def default_owner(cls, row: dict[str, Any]) -> str | None:
        for party in row.get("parties") or []:
            if isinstance(party, dict) and party.get("organization_id"):
                return str(party["organization_id"])
        return None

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
        default_visibility=Visibility.MEMBERS,
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["end_date", "name"]
        indexes = [
            models.Index(fields=["end_date"], name="agreement_end"),
            models.Index(fields=["extended_until"], name="agreement_extended_until"),
            models.Index(fields=["renews"], name="agreement_renews"),
        ]

    objects = AgreementQuerySet.as_manager()

    def party_ids(self, role: str | None = None) -> list[str]:
        return [p["organization_id"] for p in self.parties
                if isinstance(p, dict) and (role is None or p.get("role") == role)]

    @property
    def effective_end(self) -> str | None:
        """The end of the extension when there is one, else the end."""
        return agreement_status.effective_end(self.end_date, self.extended_until)

    def is_renewed_now(self) -> bool:
        known = getattr(self, "is_renewed", None)  # annotated by `with_renewed()`
        if known is not None:
            return bool(known)
        return Agreement.objects.filter(renews=self.pk).exists()

    def status(self, as_of: dt.date | str | None = None) -> str:
        """draft, signed, in force, expiring, expired or renewed on `as_of`."""
        return agreement_status.status(
            signed_on=self.signed_on, start_date=self.start_date, end_date=self.end_date,
            extended_until=self.extended_until, notice_days=self.notice_days,
            renewed=self.is_renewed_now(), as_of=as_of,
        )

    def status_label(self, as_of: dt.date | str | None = None) -> str:
        return str(agreement_status.LABELS[self.status(as_of)])

    def days_left(self, as_of: dt.date | str | None = None) -> int | None:
        """Days to the effective end (negative once past); None without an end."""
        return agreement_status.days_left(self.effective_end, as_of)

    def warnings(self) -> list[str]:
        """What Ley 40/2015 (art. 49 h) says a Spanish public body's agreement
        may not do: last more than four years, be extended by more than four
        more, or have no end. Warnings, not refusals: the record is kept.

        Periods in years end on the same day of the year they end in (Ley
        39/2015, art. 30.4): a term from 2020-03-15 to 2024-03-15 is four
        years. Partial dates are taken at their widest: a start at the
        beginning of its span, an end at its close.
        """
        if not self.public_sector:
            return []
        found = []
        if not self.end_date:
            found.append(_g("it has no end date, and an agreement of a Spanish public body must "
                            "have a term of at most four years (Ley 40/2015, art. 49 h)"))
        start = self.start_date or self.signed_on
        if start and self.end_date:
            first = dates.span(start).first
            end = dates.span(self.end_date).last
            if end > add_years(first, 4):
                found.append(_g("its term, from %(start)s to %(end)s, is longer than the four "
                                "years Ley 40/2015 (art. 49 h) allows")
                             % {"start": start, "end": self.end_date})
        if self.end_date and self.extended_until:
            end = dates.span(self.end_date).last
            until = dates.span(self.extended_until).last
            if until > add_years(end, 4):
                found.append(_g("its extension, from %(end)s to %(until)s, is longer than the four "
                                "more years Ley 40/2015 (art. 49 h) allows")
                             % {"end": self.end_date, "until": self.extended_until})
        return found


def kind_label(kind: str) -> str:
    """An agreement's kind in the user's language when Xarxa knows the word."""
    return str(dict(Agreement.Kind.choices).get(kind, kind))


def role_label(role: str) -> str:
    """A party's role in the user's language when Xarxa knows the word."""
    return str(dict(Agreement.PartyRole.choices).get(role, role))


def document_upload_to(instance: AgreementDocument, filename: str) -> str:
    """A stored name Xarxa makes; neither the name nor the directory comes
    from the user (the first migration names this function)."""
    if documents.is_stored_name(filename):
        return filename
    return documents.new_name(instance.content_type or "application/pdf")


class DocumentFileField(models.FileField):
    """A file stored when the transaction that records it commits (and
    checked by its content before: `AgreementDocument.clean`)."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            stream = file.file
            if not documents.is_stored_name(file.name):
                file.name = documents.new_name(documents.inspect(stream).content_type)
            documents.write_on_commit(file.name, stream)
            file._committed = True
            if not add:
                old = type(model_instance)._default_manager.filter(
                    pk=model_instance.pk).values_list(self.attname, flat=True).first()
                if old and old != file.name:
                    documents.delete_on_commit(old)
        return file


def safe_title(name: str) -> str:
    """A title from an uploaded file's name: its last part, printable."""
    base = re.split(r"[\\/]", name or "")[-1]
    return "".join(c for c in base if c.isprintable()).strip()[:200]


class AgreementDocument(PopoloModel):
    """A file of an agreement: the signed text, an annex, an extension.
    Private: served only to those who may see the agreement (for now, the
    admin's staff, through its download view). Checked by its content
    (`xarxa.training.documents`): its type, size and SHA-256 come from it."""

    ID_FROM = None

    KEPT_BY = ("owner_id", "agreement__owner_id")

    visibility = visibility_field(Visibility.PRIVATE)
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT,
        related_name="documents", db_index=False,
    )

    @classmethod
    def default_owner(cls, row: dict[str, Any]) -> str | None:
        owner = Agreement.objects.filter(pk=row.get("agreement_id")).values_list("owner_id", flat=True)
        return next(iter(owner), None)
    title = models.TextField(_("title"), blank=True)
    file = DocumentFileField(_("file"), upload_to=document_upload_to, max_length=300)
    content_type = models.CharField(_("type"), max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)

    POPOLO = popolo.Spec(
        "agreement_documents",
        [
            F("agreement_id", kind=popolo.REF, ref="agreements"),
            F("title"),
            F("file", max_length=300),
            F("content_type", max_length=100),
            F("size", kind=popolo.INT),
            F("sha256", max_length=64),
        ],
        default_visibility=Visibility.PRIVATE,
    )

    class Meta:
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        ordering = ["agreement_id", "title"]
        indexes = [models.Index(fields=["agreement"], name="document_agreement")]

    def __str__(self) -> str:
        return self.title or (self.file.name or "").rsplit("/", 1)[-1] or self.id

    def row(self) -> dict[str, Any]:
        row = super().row()
        row["file"] = self.file.name or ""
        return row

    def clean(self) -> None:
        """A new file is checked by its content and named by Xarxa; its type,
        size and SHA-256 are read from it. The same check as the importer's
        (`before_write`)."""
        file = self.file
        if file and not getattr(file, "_committed", True):
            stream = file.file
            try:
                info = documents.inspect(stream, getattr(stream, "size", None))
            except documents.DocumentError as exc:
                raise ValidationError({"file": [str(exc)]}) from None
            if not self.title and not documents.is_stored_name(file.name):
                self.title = safe_title(file.name or "")
            file.name = documents.new_name(info.content_type)
            self.content_type, self.size, self.sha256 = (
                info.content_type, info.size, info.sha256)
        super().clean()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new file brings its type, size and hash (and maybe a title): a
        # write of only the changed fields (`writes.update`) saves them too.
        fields = kwargs.get("update_fields")
        if fields is not None and "file" in fields:
            kwargs["update_fields"] = {*fields, "content_type", "size", "sha256", "title"}
        super().save(*args, **kwargs)

    def download_name(self) -> str:
        ext = documents.TYPES.get(self.content_type, "")
        base = re.sub(r"[^\w\-. ]+", "_", self.title or "").strip(" ._")[:100] or self.id[:8]
        if ext and not base.lower().endswith("." + ext):
            base = f"{base}.{ext}"
        return base

    # -- Xarxa's JSON export and import ---------------------------------------
    @classmethod
    def export_extra(cls, row: dict[str, Any]) -> dict[str, Any]:
        """The file itself, for Xarxa's JSON export: `content_base64`."""
        data = documents.read_stored(row.get("file") or "")
        if data is None:
            return {}
        return {"content_base64": base64.b64encode(data).decode("ascii")}

    @classmethod
    def before_write(cls, rows: list[dict[str, Any]], collection: str,
                     pointers: list[str] | None = None) -> list[Problem]:
        """Called by the importer with the rows it is about to write: check
        each one's `content_base64` (taken out of `extra`) as an upload is
        checked, and store it when the import commits; fill `file`,
        `content_type`, `size` and `sha256` from it. A row without content is
        fine when its `file` is already stored with the same SHA-256.

        `pointers` are the rows' JSON pointers; without them a row's place in
        `rows` stands for its index in the collection (the importer passes
        every row of a chunk when it has no problem)."""
        problems: list[Problem] = []
        claimed: dict[str, documents.Inspected] = {}  # names given a content in this call
        for i, row in enumerate(rows):
            at = pointers[i] if pointers is not None else f"/{collection}/{i}"
            extra = row.get("extra")
            content = extra.pop("content_base64", None) if isinstance(extra, dict) else None
            problems.extend(cls._store(row, content, at, claimed))
        return problems

    @classmethod
    def _store(cls, row: dict[str, Any], content: Any, at: str,
               claimed: dict[str, documents.Inspected]) -> list[Problem]:
        where = f"{at}/content_base64"
        given_sha = row.get("sha256") or ""
        name = row.get("file") or ""
        if content is None:
            if name in claimed:
                info = claimed[name]
                existing: str | None = info.sha256
            else:
                existing = documents.stored_sha256(name)
            if existing is None:
                return [Problem(where, _g(
                    'is required: the document "%(id)s" has no stored file %(file)s')
                    % {"id": row.get("id"), "file": documents_quote(name)})]
            if given_sha and given_sha != existing:
                return [Problem(f"{at}/sha256", _g(
                    "differs from the stored file's (%(sha)s); give the file in content_base64")
                    % {"sha": existing})]
            if name not in claimed:
                data = documents.read_stored(name)
                assert data is not None
                try:
                    info = documents.inspect(io.BytesIO(data), len(data))
                except documents.DocumentError as exc:
                    return [Problem(f"{at}/file", str(exc))]
            row.update(content_type=info.content_type, size=info.size, sha256=info.sha256)
            return []
        if not isinstance(content, str):
            return [Problem(where, _g("must be the file's content in base64 (a string)"))]
        estimate = len(content) * 3 // 4
        if estimate > documents.max_bytes() + 3:
            return [Problem(where, documents.too_large_message(estimate))]
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            return [Problem(where, _g("is not valid base64"))]
        stream = io.BytesIO(data)
        try:
            info = documents.inspect(stream, len(data))
        except documents.DocumentError as exc:
            return [Problem(where, str(exc))]
        if given_sha and given_sha != info.sha256:
            return [Problem(f"{at}/sha256", _g("differs from the content's (%(sha)s)")
                            % {"sha": info.sha256})]
        keep = documents.is_stored_name(name) and name.endswith("." + info.extension)
        existing = None
        if keep:
            existing = claimed[name].sha256 if name in claimed else documents.stored_sha256(name)
        if not keep or (existing is not None and existing != info.sha256):
            name = documents.new_name(info.content_type)
            existing = None
        if existing is None:
            documents.write_on_commit(name, stream)
            claimed[name] = info
        row.update(file=name, content_type=info.content_type, size=info.size,
                   sha256=info.sha256)
        return []


def documents_quote(name: str) -> str:
    shown = name if len(name) <= 60 else name[:60] + "…"
    return '"' + shown.replace('"', '\\"') + '"'


@receiver(post_delete, sender=AgreementDocument)
def remove_deleted_file(sender: type[AgreementDocument], instance: AgreementDocument,
                        **kwargs: Any) -> None:
    """A deleted document's file goes once the deletion commits."""
    if instance.file.name:
        documents.delete_on_commit(instance.file.name)


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
    OWNER_FROM = ("host_id",)

    visibility = visibility_field(Visibility.PRIVATE)

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
        default_visibility=Visibility.PRIVATE,
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
        return _g("Placement %(id)s") % {"id": (self.id or "")[:8]}

    @classmethod
    def check_with_others(cls, rows: list[tuple[str, dict[str, Any]]]) -> list[Problem]:
        """Rules that need the agreement: the hosting entity is one of its
        parties; the placement lies within its term (from its start to its
        effective end, partial dates taken at their widest); its degree
        programme is one the agreement covers, when the agreement lists them."""
        wanted = sorted({row["agreement_id"] for __, row in rows if row.get("agreement_id")})
        agreements: dict[str, Agreement] = {}
        for i in range(0, len(wanted), 900):
            agreements.update(
                (a.pk, a) for a in Agreement.objects.filter(pk__in=wanted[i:i + 900]).only(
                    "id", "name", "parties", "start_date", "end_date", "extended_until",
                    "programmes"))
        problems: list[Problem] = []
        for pointer, row in rows:
            agreement = agreements.get(row.get("agreement_id") or "")
            if agreement is None:
                continue  # an unknown agreement is reported by the reference check

            def at(key: str, pointer: str = pointer) -> str:
                return f"{pointer}/{key}" if pointer else key

            names = {"agreement": agreement.name or agreement.pk}
            host = row.get("host_id")
            if host and host not in agreement.party_ids():
                problems.append(Problem(at("host_id"), _g(
                    'the hosting entity "%(host)s" is not a party of the agreement '
                    '"%(agreement)s"') % {"host": host, **names}))
            programme = row.get("programme_id")
            if programme and agreement.programmes and programme not in agreement.programmes:
                problems.append(Problem(at("programme_id"), _g(
                    'the agreement "%(agreement)s" does not cover the degree programme '
                    '"%(programme)s"') % {"programme": programme, **names}))
            problems.extend(_within_term(agreement, row, at, names))
        return problems


def _within_term(agreement: Agreement, row: dict[str, Any], at: Any,
                 names: dict[str, str]) -> list[Problem]:
    problems = []
    begins = agreement.start_date
    ends = agreement.effective_end
    for key in ("start_date", "end_date"):
        value = row.get(key)
        try:
            value = dates.parse(value)
        except dates.PartialDateError:
            continue  # reported by its own field
        if not value:
            continue
        span = dates.span(value)
        if begins and span.last < dates.span(begins).first:
            problems.append(Problem(at(key), _g(
                'is before the agreement "%(agreement)s" starts (%(start)s)')
                % {"start": begins, **names}))
        elif ends and span.first > dates.span(ends).last:
            problems.append(Problem(at(key), _g(
                'is after the agreement "%(agreement)s" ends (%(end)s)')
                % {"end": ends, **names}))
    return problems


def may_see_student(placement: Placement, organisation_ids: set[str]) -> bool:
    """Whether someone acting for `organisation_ids` may see the placement's
    student (their name, their data): only the hosting entity and the
    university — the agreement's parties in the role of university and the
    university of the placement's degree programme (Real Decreto 592/2014
    keeps a student's data between them). The rule the web pages will apply;
    the admin is for the installation's staff."""
    if not organisation_ids:
        return False
    if placement.host_id in organisation_ids:
        return True
    universities = set(placement.agreement.party_ids(Agreement.PartyRole.UNIVERSITY))
    programme = placement.programme
    if programme is not None:
        universities.add(programme.university_id)
    return bool(universities & organisation_ids)
