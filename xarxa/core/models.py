"""What every Xarxa record shares: a Popolo id, sources, a version and the
keys of other publishers that Xarxa keeps without understanding them."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from xarxa.core import popolo
from xarxa.core.validation import Problem


def classification_label(model: type[models.Model], value: str) -> str:
    """A classification in the user's language when Xarxa knows the word;
    other publishers' words are shown as they are."""
    choices = getattr(model, "Classification", None)
    labels = dict(choices.choices) if choices is not None else {}
    return str(labels.get(value, value))


def model_for(collection: str) -> type[PopoloModel]:
    """The model whose records form a top-level collection ("organizations")."""
    return _collections()[collection]


def _collections() -> dict[str, type[PopoloModel]]:
    from django.apps import apps

    return {m.POPOLO.collection: m for m in apps.get_models()
            if issubclass(m, PopoloModel) and hasattr(m, "POPOLO")}


def missing_refs(refs: list[tuple[str, str, str]]) -> list[Problem]:
    """A problem for each id in `refs` (where, collection, id) that no record has."""
    from django.utils.translation import gettext

    wanted: dict[str, set[str]] = {}
    for __, collection, ident in refs:
        wanted.setdefault(collection, set()).add(ident)
    found: dict[str, set[str]] = {
        collection: set(model_for(collection)._default_manager.filter(pk__in=ids)
                        .values_list("pk", flat=True))
        for collection, ids in wanted.items()
    }
    return [
        Problem(where, gettext('no %(noun)s has the id "%(id)s"') % {
            "noun": model_for(collection)._meta.verbose_name, "id": ident})
        for where, collection, ident in refs if ident not in found[collection]
    ]


def json_referrers(obj: PopoloModel) -> list[type[PopoloModel]]:
    """The models whose JSON columns name `obj` by id (a theme in a campaign's
    themes, an organisation among an agreement's parties)."""
    collection = type(obj).POPOLO.collection
    kinds = []
    for model in _collections().values():
        spec = model.POPOLO
        if not spec.has_refs:
            continue
        columns = {f.col for f in spec.fields
                   if (f.kind == popolo.REFS and f.ref == collection)
                   or any(c == collection for __, c in f.item_refs)}
        for column in columns:
            # A text search finds the candidates; reading them says for sure.
            candidates = model._default_manager.filter(**{f"{column}__icontains": obj.pk})
            for row in candidates.values(*columns).iterator():
                if any(c == collection and ident == obj.pk
                       for __, c, ident in spec.refs_in(row)):
                    kinds.append(model)
                    break
            else:
                continue
            break
    return kinds


class Visibility(models.TextChoices):
    """Who may see a record. Private means the people of the owning
    organisation (and of the network whose body it is); site
    administrators see everything."""

    PUBLIC = "public", _("public")
    MEMBERS = "members", _("signed-in users")
    PRIVATE = "private", _("private")


def visibility_field(default: str = Visibility.PUBLIC) -> models.CharField:
    return models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=default,
        help_text=_("Public: anyone. Signed-in users: anyone with an account. "
                    "Private: the owning organisation only."),
    )


class PopoloModel(models.Model):
    """A record that is also a Popolo object: its primary key is the id written
    in the Popolo export, so `xarxa history ID` and every other command takes
    that same id."""

    id = models.CharField(_("id"), max_length=200, primary_key=True)
    sources = models.JSONField(
        _("sources"), default=list, blank=True,
        help_text=_('Where the facts come from: [{"url": "…", "note": "…"}]'),
    )
    extra = models.JSONField(
        _("other keys"), default=dict, blank=True,
        help_text=_("Keys of other publishers kept as they came, so an export gives them back."),
    )
    illustrative = models.BooleanField(
        _("illustrative"), default=False,
        help_text=_("An example made up for the demo, not a fact of any source."),
    )
    visibility = visibility_field()
    # The organisation whose people edit the record (and see it when it is
    # private). An organisation's own people always edit the organisation.
    owner = models.ForeignKey(
        "directory.Organization", verbose_name=_("owner"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", db_index=False,
        help_text=_("The organisation whose editors keep this record."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    # The Popolo shape of the model, read by the serializer (core.popolo).
    POPOLO: ClassVar[popolo.Spec]
    # Ids made from names read better in exports and URLs; personal records and
    # links get opaque ids so no name leaks through them.
    ID_FROM: ClassVar[str | None] = "name"
    # Columns tried in order by `default_owner`.
    OWNER_FROM: ClassVar[tuple[str, ...]] = ()
    # Lookups naming the organisations whose people keep the record: they
    # edit it, and see it when it is private (xarxa.accounts.rules).
    KEPT_BY: ClassVar[tuple[str, ...]] = ("owner_id",)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(getattr(self, self.ID_FROM or "id", None) or self.id)

    @classmethod
    def default_owner(cls, row: dict[str, Any]) -> str | None:
        """The owner a new record gets when none is given, from its own
        columns (a membership belongs to its member organisation)."""
        for column in cls.OWNER_FROM:
            if row.get(column):
                return str(row[column])
        return None

    def to_popolo(self) -> dict[str, Any]:
        """The record as a Popolo object (what the history keeps), without timestamps."""
        return self.POPOLO.to_popolo(self.row())

    def row(self) -> dict[str, Any]:
        """The stored column values, keyed by column name (`parent_id`, …)."""
        return {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}

    def problems(self) -> list[Problem]:
        """What the importer would refuse in this record: the shape of its JSON
        columns (names, identifiers, links, sources…) and the rules across
        fields. Whoever writes through `core.writes` gets the same checks."""
        row = self.row()
        problems: list[Problem] = []
        for f in self.POPOLO.json_fields:
            popolo.read_value(f, row.get(f.col), f.key, problems)
        if not problems:
            problems.extend(missing_refs(self.POPOLO.refs_in(row)))
        problems += self.POPOLO.check_row(row)
        if not problems:
            problems += type(self).check_with_others([("", row)])
        return problems

    @classmethod
    def check_with_others(cls, rows: list[tuple[str, dict[str, Any]]]) -> list[Problem]:
        """Rules that need other records (a placement lies within its
        agreement), on rows whose own fields and references are valid; each
        row comes with the pointer its problems go under. The importer calls
        it per chunk, and `problems()` for one record, so both refuse alike."""
        return []

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for problem in self.problems():
            # "sources/0/url" belongs to the sources field, and says where in it.
            key, __, where = problem.path.partition("/")
            message = f"{where}: {problem.message}" if where else problem.message
            errors.setdefault(self.field_for(key), []).append(message)
        if errors:
            raise ValidationError(errors)

    @classmethod
    def field_for(cls, key: str) -> str:
        """The model field behind a Popolo key, for errors shown next to it."""
        f = cls.POPOLO.by_key.get(key)
        column = f.col if f else key
        for field in cls._meta.concrete_fields:
            if field.attname == column or field.name == column:
                return field.name
        return NON_FIELD_ERRORS

    @classmethod
    def new_id(cls, values: dict[str, Any]) -> str:
        base = slugify(str(values.get(cls.ID_FROM) or ""))[:60].strip("-") if cls.ID_FROM else ""
        if not base:
            return str(uuid.uuid4())
        candidate, n = base, 1
        while cls._default_manager.filter(pk=candidate).exists():
            n += 1
            candidate = f"{base}-{n}"
        return candidate
