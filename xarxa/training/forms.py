"""The forms of agreements, their documents and placements. Each saves
through `core.writes` (`core.forms.RecordForm`): the model's rules —
Ley 40/2015's warnings, Real Decreto 592/2014's two tutors, a document's type
and size — are the ones every other door applies, and their errors land next
to their fields."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from xarxa.core import writes
from xarxa.core.forms import RecordForm, RefWidget
from xarxa.core.models import PopoloModel, Visibility
from xarxa.directory.models import Organization, Person
from xarxa.training import documents
from xarxa.training.models import Agreement, AgreementDocument, Placement, Programme

# Party rows an agreement's form offers: at least this many, and one empty
# row more than the agreement has.
PARTY_ROWS = 4
# Degree programmes offered as checkboxes (those already chosen always are).
PROGRAMME_CHOICES = 200
PARTY_ERROR = re.compile(r"^(\d+)/organization_id: (.*)\Z", re.S)


def with_current(choices: list[tuple[str, Any]], current: str | None) -> list[tuple[str, Any]]:
    """`choices`, plus a value another publisher wrote that Xarxa has no word for."""
    if current and current not in {value for value, __ in choices}:
        return [*choices, (current, current)]
    return choices


class AgreementForm(RecordForm):
    """An agreement, with its parties as a few rows of organisation and role."""

    programmes = forms.MultipleChoiceField(
        label=gettext_lazy("Degree programmes"), required=False,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Agreement
        fields = ["name", "kind", "description", "signed_on", "start_date", "end_date",
                  "extended_until", "renewal_terms", "public_sector", "notice_days", "renews",
                  "programmes", "visibility", "owner"]
        widgets = {"name": forms.TextInput, "description": forms.Textarea(attrs={"rows": 3}),
                   "renewal_terms": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        existing = [p for p in instance.parties if isinstance(p, dict)] if instance.pk else []
        self.existing_parties = existing
        self.party_rows = max(PARTY_ROWS, len(existing) + 1)
        # A party the editor may not see stays a party (it is named by its id).
        known = [p["organization_id"] for p in existing if p.get("organization_id")]
        organisations = self.viewer.visible(Organization.objects.all())
        if known:
            organisations = (organisations | Organization.objects.filter(pk__in=known)).distinct()
        roles = [("", "—"), *Agreement.PartyRole.choices]
        for i in range(self.party_rows):
            current = existing[i] if i < len(existing) else {}
            self.fields[f"party_{i}_organization"] = forms.ModelChoiceField(
                label=_("Organisation %(n)d") % {"n": i + 1}, required=False,
                queryset=organisations, widget=RefWidget("organizations"))
            self.fields[f"party_{i}_role"] = forms.ChoiceField(
                label=_("Role of organisation %(n)d") % {"n": i + 1}, required=False,
                choices=with_current(roles, current.get("role")))
            if current.get("organization_id"):
                self.initial[f"party_{i}_organization"] = current["organization_id"]
                self.initial[f"party_{i}_role"] = current.get("role", "")
        kind = self.fields["kind"]
        self.fields["kind"] = forms.ChoiceField(
            label=kind.label, required=False, help_text=kind.help_text,
            choices=with_current([("", "—"), *Agreement.Kind.choices], instance.kind))
        chosen = list(instance.programmes or [])
        offered = self.viewer.visible(Programme.objects.select_related("university")).order_by(
            "name", "id")[:PROGRAMME_CHOICES]
        programmes = {p.pk: p for p in offered}
        programmes.update((p.pk, p) for p in Programme.objects.filter(pk__in=chosen)
                          .select_related("university") if self.viewer.sees(p))
        choice_field = self.fields["programmes"]
        assert isinstance(choice_field, forms.MultipleChoiceField)
        choice_field.choices = [(pk, f"{p.name} ({p.university.name_in(get_language() or '')})")
                                for pk, p in sorted(programmes.items(),
                                                    key=lambda kv: (kv[1].name, kv[0]))]
        choice_field.help_text = _("The degree programmes it covers.")
        renews = self.fields["renews"]
        assert isinstance(renews, forms.ModelChoiceField)
        if instance.pk:
            others: Any = renews.queryset
            renews.queryset = others.exclude(pk=instance.pk)

    def party_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"party_{i}_organization"], self[f"party_{i}_role"])
                for i in range(self.party_rows)]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("party_")]

    def parties(self) -> list[dict[str, Any]]:
        """The rows filled in, as the `parties` list; keys other publishers
        gave a party are kept."""
        by_org = {p.get("organization_id"): p for p in self.existing_parties}
        out = []
        for i in range(self.party_rows):
            org = self.cleaned_data.get(f"party_{i}_organization")
            if org is None:
                continue
            party = {k: v for k, v in by_org.get(org.pk, {}).items()
                     if k not in ("organization_id", "role")}
            party = {"organization_id": org.pk, **party}
            role = self.cleaned_data.get(f"party_{i}_role")
            if role:
                party["role"] = role
            out.append(party)
        return out

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        for i in range(self.party_rows):
            if data.get(f"party_{i}_role") and not data.get(f"party_{i}_organization") \
                    and f"party_{i}_organization" not in self.errors:
                self.add_error(f"party_{i}_organization",
                               _("Choose the organisation that has this role."))
        return data

    def _post_clean(self) -> None:
        if hasattr(self, "cleaned_data"):
            self.instance.parties = self.parties()
        super()._post_clean()  # type: ignore[misc]

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["parties"] = self.parties()
        values["kind"] = self.cleaned_data.get("kind") or ""
        return values

    def add_errors_of(self, exc: ValidationError) -> None:
        rest = self.take_party_errors(exc)
        if rest is not None:
            super().add_errors_of(rest)

    def _update_errors(self, errors: ValidationError) -> None:
        # The model's rules, run by the ModelForm's validation too, say which
        # party ("parties/1/organization_id"): the error goes on that row.
        rest = self.take_party_errors(errors)
        if rest is not None:
            super()._update_errors(rest)  # type: ignore[misc]

    def take_party_errors(self, exc: ValidationError) -> ValidationError | None:
        """Put the errors of `parties` on their rows; the others are returned."""
        if not hasattr(exc, "error_dict") or "parties" not in exc.error_dict:
            return exc
        others = {k: v for k, v in exc.error_dict.items() if k != "parties"}
        for error in exc.error_dict["parties"]:
            for message in error.messages:
                self.add_party_error(message)
        return ValidationError(others) if others else None

    def add_party_error(self, message: str) -> None:
        found = PARTY_ERROR.match(message)
        if found is None:
            self.add_error(None, message)
            return
        index, text = int(found[1]), found[2]
        filled = [i for i in range(self.party_rows)
                  if self.cleaned_data.get(f"party_{i}_organization") is not None]
        row = filled[index] if index < len(filled) else None
        self.add_error(f"party_{row}_organization" if row is not None else None, text)

    def save_through(self, request: HttpRequest) -> PopoloModel | None:
        obj = super().save_through(request)
        if isinstance(obj, Agreement):
            for warning in obj.warnings():
                messages.warning(request, _("Warning: %(warning)s.") % {"warning": warning})
        return obj


class DocumentForm(RecordForm):
    """A file for an agreement: checked by its content (`training.documents`)."""

    class Meta:
        model = AgreementDocument
        fields = ["title", "file", "visibility", "owner"]
        widgets = {"title": forms.TextInput}

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.instance.agreement = agreement
        self.fields["title"].help_text = _("Blank: the file's name.")
        self.fields["file"].help_text = _(
            "PDF, OpenDocument text or spreadsheet, Word (DOCX), Excel (XLSX), PNG or JPEG; at "
            "most %(max)d MiB. The type is read from the content.") % {
            "max": documents.max_bytes() // (1024 * 1024)}

    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        if file is not None and getattr(file, "size", 0) > documents.max_bytes():
            # Refused before its content is read.
            raise ValidationError(documents.too_large_message(file.size))
        return file

    def values(self) -> dict[str, Any]:
        return {**super().values(), "agreement": self.agreement}


class PlacementForm(RecordForm):
    """A placement under an agreement: an existing student the editor may
    see, or a new person, created private with the placement."""

    LOOKUP_FIELDS = {"student": "persons", "academic_tutor": "persons",
                     "entity_tutor": "persons"}

    new_student_name = forms.CharField(
        label=gettext_lazy("or a new student's name"), required=False, max_length=300,
        help_text=gettext_lazy("Recorded as a private person of the hosting entity."))

    class Meta:
        model = Placement
        fields = ["host", "student", "new_student_name", "programme", "kind", "academic_tutor",
                  "entity_tutor", "start_date", "end_date", "total_hours", "schedule",
                  "training_project", "final_report_received", "visibility", "owner"]
        widgets = {"schedule": forms.TextInput,
                   "training_project": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.instance.agreement = agreement
        self.new_student: Person | None = None
        student = self.fields["student"]
        student.required = False
        student.help_text = _("A person you may see; type to search by name.")
        host = self.fields["host"]
        assert isinstance(host, forms.ModelChoiceField)
        hosts_offered: Any = host.queryset
        host.queryset = hosts_offered.filter(pk__in=agreement.party_ids())
        hosts = agreement.party_ids(Agreement.PartyRole.HOST)
        if len(hosts) == 1 and not self.instance.host_id:
            self.initial.setdefault("host", hosts[0])
        programme = self.fields["programme"]
        assert isinstance(programme, forms.ModelChoiceField)
        if agreement.programmes:
            offered: Any = programme.queryset
            programme.queryset = offered.filter(pk__in=agreement.programmes)
        if len(agreement.programmes) == 1 and not self.instance.programme_id:
            self.initial.setdefault("programme", agreement.programmes[0])
        kind = self.fields["kind"]
        self.fields["kind"] = forms.ChoiceField(
            label=kind.label, required=False,
            choices=with_current([("", "—"), *Placement.Kind.choices], self.instance.kind))

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        if not data.get("student") and not data.get("new_student_name", "").strip() \
                and "student" not in self.errors:
            self.add_error("student", _("Choose the student, or give a new student's name."))
        return data

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["agreement"] = self.agreement
        values["kind"] = self.cleaned_data.get("kind") or ""
        if self.new_student is not None:
            values["student"] = self.new_student
        return values

    def save_through(self, request: HttpRequest) -> PopoloModel | None:
        name = (self.cleaned_data.get("new_student_name") or "").strip()
        if not name:
            return super().save_through(request)
        owner = self.cleaned_data.get("owner") or self.cleaned_data.get("host")
        try:
            with transaction.atomic():
                self.new_student = writes.create(Person, {
                    "name": name, "visibility": Visibility.PRIVATE, "owner": owner,
                }, actor=writes.Actor.of_user(request.user, "web"))
                obj = super().save_through(request)
                if obj is None:
                    raise Refused
                return obj
        except Refused:
            self.new_student = None
            return None
        except ValidationError as exc:  # the new person refused
            self.new_student = None
            self.add_error("new_student_name", exc.messages)
            return None


class Refused(Exception):
    """A write refused inside a transaction that must roll back."""
