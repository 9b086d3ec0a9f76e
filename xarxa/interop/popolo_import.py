"""Import a Popolo JSON document, or Xarxa's whole JSON document
(docs/json-format.md): create or update by id, all or nothing.

The document is checked in full — JSON types, dates, an end before its
start, references to ids that exist neither in the document nor in the
database (also inside JSON lists: an agreement's parties, a campaign's
themes), references a record cannot be without, duplicate ids, cycles of
parents, the models' rules across records (`check_with_others`) — and every
problem is reported with its JSON pointer. Rows are written chunk by chunk inside one
transaction, through the bulk write path (core.writes.bulk_apply, which
keeps the history); any problem, or a dry run, rolls the whole transaction
back, so the database is exactly as before.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xarxa.activity.models import Campaign, Event, Participation, Theme
from xarxa.core import popolo
from xarxa.core.models import PopoloModel
from xarxa.core.trees import cycle_message, cycles_in
from xarxa.core.validation import InputError, Problem, pointer_token
from xarxa.core.writes import (
    LARGE_LOAD,
    Actor,
    BulkResult,
    bulk_apply,
    foreign_keys_checked_later,
    large_load,
    new_batch,
)
from xarxa.directory.models import Organization, Person
from xarxa.network.models import Membership, Post
from xarxa.territory.models import Area
from xarxa.training.models import Agreement, AgreementDocument, Placement, Programme

# Popolo's collections, in the order they are written: what others point to first.
COLLECTIONS: list[tuple[str, type[PopoloModel]]] = [
    ("areas", Area),
    ("organizations", Organization),
    ("persons", Person),
    ("posts", Post),
    ("events", Event),
    ("memberships", Membership),
]
# Xarxa's JSON document: Popolo's collections and Xarxa's own (docs/json-format.md).
XARXA_COLLECTIONS: list[tuple[str, type[PopoloModel]]] = [
    ("areas", Area),
    ("organizations", Organization),
    ("persons", Person),
    ("posts", Post),
    ("themes", Theme),
    ("campaigns", Campaign),
    ("events", Event),
    ("memberships", Membership),
    ("participations", Participation),
    ("programmes", Programme),
    ("agreements", Agreement),
    ("agreement_documents", AgreementDocument),
    ("placements", Placement),
]
MODELS = dict(COLLECTIONS)
# The header object Xarxa's JSON document opens with, under the key "xarxa".
XARXA_FORMAT = "xarxa-json"
XARXA_VERSION = 1
NOUNS = {
    "areas": gettext_lazy("area"), "organizations": gettext_lazy("organisation"),
    "persons": gettext_lazy("person"), "posts": gettext_lazy("post"),
    "events": gettext_lazy("event"), "memberships": gettext_lazy("membership"),
    "themes": gettext_lazy("theme"), "campaigns": gettext_lazy("awareness campaign"),
    "participations": gettext_lazy("participation"),
    "programmes": gettext_lazy("degree programme"), "agreements": gettext_lazy("agreement"),
    "agreement_documents": gettext_lazy("agreement document"),
    "placements": gettext_lazy("placement"),
}
CHUNK = 5000
MAX_PROBLEMS = 10_000
# Membership ids made from content: the same fact imported twice is one record.
MEMBERSHIP_NS = uuid.UUID("6f1c0e3e-4b7a-4c1e-9a57-58c3a7d0e6b1")


@dataclass
class ImportReport:
    counts: dict[str, BulkResult] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    batch: str = ""

    def __str__(self) -> str:
        lines = [
            _("%(kind)s: %(c)d created, %(u)d updated, %(n)d unchanged")
            % {"kind": kind, "c": r.created, "u": r.updated, "n": r.unchanged}
            for kind, r in self.counts.items()
        ]
        lines.extend(self.warnings)
        if self.dry_run:
            lines.append(_("Dry run: nothing was written."))
        return "\n".join(lines)


class _Rollback(Exception):
    pass


class Importer:
    def __init__(self, doc: Any, actor: Actor, dry_run: bool,
                 collections: list[tuple[str, type[PopoloModel]]] = COLLECTIONS,
                 kind: str = "Popolo"):
        self.models = dict(collections)
        self.kind = kind
        # Xarxa's own document has a header to check; Popolo's may carry one too
        # (a Xarxa export imported as Popolo), which is then left alone.
        self.xarxa = kind == "Xarxa"
        self.doc = doc
        self.actor = actor
        self.dry_run = dry_run
        self.problems: list[Problem] = []
        self.report = ImportReport(dry_run=dry_run, batch=new_batch())
        # Ids in the document, per collection, and where each first stands.
        self.ids: dict[str, dict[str, int]] = {name: {} for name in NOUNS}
        # Ids known to exist in the database, per collection (filled lazily).
        self.in_db: dict[str, set[str]] = {name: set() for name in NOUNS}
        self.post_org: dict[str, str | None] = {}
        self.now = timezone.now()
        self.empty_at_start: dict[str, bool] = {}

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    # -- whole-document checks ------------------------------------------------
    def check_shape(self) -> None:
        if not isinstance(self.doc, dict):
            raise InputError([Problem("", _("a %(kind)s document is a JSON object with lists "
                                            "such as organizations, persons, memberships")
                                          % {"kind": self.kind})])
        for key, value in self.doc.items():
            if key in self.models:
                if not isinstance(value, list):
                    self.problem(f"/{pointer_token(key)}", _("must be a list"))
            elif key == "xarxa":
                if self.xarxa:
                    self.check_header(value)
            else:
                self.report.warnings.append(
                    _("/%(key)s: not a %(kind)s collection Xarxa keeps; ignored")
                    % {"key": pointer_token(key), "kind": self.kind})
        if self.problems:
            raise InputError(self.problems)

    def check_header(self, header: Any) -> None:
        """Xarxa's header, when the document has one, says it is a version of
        the format this Xarxa reads."""
        if not isinstance(header, dict):
            self.problem("/xarxa", _('must be a JSON object: {"format": "%(format)s", '
                                     '"version": %(version)d}')
                         % {"format": XARXA_FORMAT, "version": XARXA_VERSION})
            return
        if header.get("format") != XARXA_FORMAT:
            self.problem("/xarxa/format", _('must be "%(format)s"') % {"format": XARXA_FORMAT})
        version = header.get("version")
        if type(version) is not int or version < 1:
            self.problem("/xarxa/version", _("must be a whole number, 1 or more"))
        elif version > XARXA_VERSION:
            self.problem("/xarxa/version", _(
                "version %(version)d of the format is newer than this Xarxa reads "
                "(up to %(known)d); import it with a newer Xarxa")
                % {"version": version, "known": XARXA_VERSION})

    def objects(self, name: str) -> list[Any]:
        value = self.doc.get(name)
        return value if isinstance(value, list) else []

    def collect_ids(self) -> None:
        for name in self.models:
            seen = self.ids[name]
            for i, obj in enumerate(self.objects(name)):
                ident = obj.get("id") if isinstance(obj, dict) else None
                if not isinstance(ident, str) or not ident:
                    continue  # reported when the object is read
                if ident in seen:
                    self.problem(f"/{name}/{i}/id", _(
                        'duplicate id "%(id)s" (also at /%(name)s/%(first)d)')
                        % {"id": ident, "name": name, "first": seen[ident]})
                else:
                    seen[ident] = i
        for obj in self.objects("posts"):
            if isinstance(obj, dict) and isinstance(obj.get("id"), str):
                org = obj.get("organization_id")
                self.post_org[obj["id"]] = org if isinstance(org, str) else None

    def check_cycles(self) -> None:
        for name in ("areas", "organizations", "events"):
            if name not in self.models:
                continue
            parents: dict[str, str | None] = {}
            for obj in self.objects(name):
                if (isinstance(obj, dict) and isinstance(obj.get("id"), str)
                        and obj["id"] not in parents):
                    parent = obj.get("parent_id")
                    parents[obj["id"]] = parent if isinstance(parent, str) and parent else None
            if not any(parents.values()):
                continue
            self.add_db_parents(self.models[name], parents)
            for ident, cycle in cycles_in(parents).items():
                if ident in self.ids[name]:
                    self.problem(f"/{name}/{self.ids[name][ident]}/parent_id",
                                 cycle_message(cycle))

    def add_db_parents(self, model: type[PopoloModel], parents: dict[str, str | None]) -> None:
        """Follow chains that leave the document into the database."""
        missing = {p for p in parents.values() if p and p not in parents}
        while missing:
            found: dict[str, str | None] = {}
            for chunk in chunks(sorted(missing), 900):
                found.update(model._default_manager.filter(pk__in=chunk)  # type: ignore[misc]
                             .values_list("id", "parent_id"))
            parents.update(found)
            missing = {p for p in found.values() if p and p not in parents}

    # -- references --------------------------------------------------------------
    def missing(self, collection: str, ids: set[str]) -> set[str]:
        """Which of `ids` exist neither in the document nor in the database."""
        unknown = ids - self.ids[collection].keys() - self.in_db[collection]
        if unknown:
            model = dict(XARXA_COLLECTIONS)[collection]
            for chunk in chunks(sorted(unknown), 900):
                self.in_db[collection].update(
                    model._default_manager.filter(pk__in=chunk).values_list("id", flat=True))
            unknown -= self.in_db[collection]
        return unknown

    def check_refs(self, name: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
        spec = self.models[name].POPOLO
        refs: list[tuple[str, str, str]] = [(f.col, f.key, f.ref) for f in spec.fields
                                            if f.kind == popolo.REF and f.ref]
        if name == "memberships":
            refs += [("person_id", "person_id", "persons"),
                     ("member_organization_id", "member", "organizations")]
        self.check_required(name, rows, [(c, k, t) for c, k, t in refs
                                         if c in required_columns(self.models[name])])
        for column, key, target in refs:
            wanted = {row[column] for _, row in rows}
            wanted.discard(None)
            absent = self.missing(target, wanted) if wanted else set()
            if not absent:
                continue
            for i, row in rows:
                value = row[column]
                if value not in absent:
                    continue
                if target not in self.models:
                    # Xarxa's extension of a Popolo object names a record that a
                    # Popolo document cannot hold (an event's campaign): it is
                    # linked when Xarxa has it, and otherwise left out, not refused.
                    row[column] = None
                    self.report.warnings.append(_(
                        '/%(name)s/%(i)d/%(key)s: no %(noun)s has the id "%(id)s" in Xarxa, '
                        "and a %(kind)s document holds none; left out")
                        % {"name": name, "i": i, "key": key, "noun": NOUNS[target],
                           "id": value, "kind": self.kind})
                    continue
                self.problem(f"/{name}/{i}/{key}", _(
                    'no %(noun)s has the id "%(id)s", in the document or in Xarxa')
                    % {"noun": NOUNS[target], "id": value})
        if spec.has_refs:
            # Ids inside JSON columns: a campaign's themes, an agreement's parties.
            found = [(i, where, target, ident) for i, row in rows
                     for where, target, ident in spec.refs_in(row)]
            for target in {ref[2] for ref in found}:
                absent = self.missing(target, {ref[3] for ref in found if ref[2] == target})
                for i, where, t, ident in found:
                    if t == target and ident in absent:
                        self.problem(f"/{name}/{i}/{where}", _(
                            'no %(noun)s has the id "%(id)s", in the document or in Xarxa')
                            % {"noun": NOUNS[target], "id": ident})

    def check_required(self, name: str, rows: list[tuple[int, dict[str, Any]]],
                       refs: list[tuple[str, str, str]]) -> None:
        """A reference the record cannot be without (a participation's event):
        missing, it is a problem, not a database error. A rule of the model
        that said so already is not repeated."""
        reported: set[str] | None = None
        for column, key, target in refs:
            for i, row in rows:
                if row.get(column) is not None:
                    continue
                where = f"/{name}/{i}/{key}"
                if reported is None:
                    reported = {p.path for p in self.problems}
                if where not in reported:
                    self.problem(where, _("is required (the id of the %(noun)s)")
                                 % {"noun": NOUNS[target]})

    def fill_from_posts(self, name: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """A membership in a post is in the post's organisation."""
        wanted = {row["post_id"] for _, row in rows if row.get("post_id")}
        unknown = [p for p in wanted if p not in self.post_org]
        for chunk in chunks(unknown, 900):
            self.post_org.update(Post.objects.filter(pk__in=chunk)
                                 .values_list("id", "organization_id"))
        for i, row in rows:
            post = row.get("post_id")
            if not post or post not in self.post_org:
                continue
            org = self.post_org[post]
            if not row.get("organization_id"):
                row["organization_id"] = org
            elif org and row["organization_id"] != org:
                self.problem(f"/{name}/{i}/post_id", _(
                    'the post "%(post)s" belongs to "%(org)s", not to "%(other)s"')
                    % {"post": post, "org": org, "other": row["organization_id"]})

    # -- reading and writing --------------------------------------------------
    def read_collection(self, name: str) -> None:
        model = self.models[name]
        spec = model.POPOLO
        objs = self.objects(name)
        total = BulkResult()
        generated: dict[str, int] = {}
        for start in range(0, len(objs), CHUNK):
            rows: list[tuple[int, dict[str, Any]]] = []  # every readable object
            good: list[dict[str, Any]] = []  # those with no problem, to write
            for i in range(start, min(start + CHUNK, len(objs))):
                obj = objs[i]
                row, problems = spec.from_popolo(obj, f"/{name}/{i}")
                if not row:
                    self.problems.extend(problems)
                    continue
                if row.get("id") is None and not problems:
                    row["id"] = content_id(obj)
                    if row["id"] in generated:
                        self.report.warnings.append(_(
                            "/%(name)s/%(i)d: the same as /%(name)s/%(first)d; imported once")
                            % {"name": name, "i": i, "first": generated[row["id"]]})
                        continue
                    generated[row["id"]] = i
                rows.append((i, row))
                if problems:
                    self.problems.extend(problems)
                else:
                    good.append(row)
            if name == "memberships":
                self.fill_from_posts(name, rows)
            self.check_refs(name, rows)
            if not self.problems:
                self.problems.extend(model.check_with_others(
                    [(f"/{name}/{i}", row) for i, row in rows]))
            if len(self.problems) >= MAX_PROBLEMS:
                raise InputError(self.problems)
            if not self.problems:
                before_write = getattr(model, "before_write", None)
                if before_write is not None:
                    # Documents keep their files: checked (and stored when the
                    # import commits) before their rows are written. With no
                    # problem so far, `good` holds every row of `rows`.
                    self.problems.extend(before_write(
                        good, name, pointers=[f"/{name}/{i}" for i, __ in rows]))
            if not self.problems:
                total.add(bulk_apply(model, good, actor=self.actor, batch=self.report.batch,
                                     now=self.now, all_new=self.empty_at_start[name]))
            # The document's objects are done with; let memory go as we go.
            for i in range(start, min(start + CHUNK, len(objs))):
                objs[i] = None
        if objs or name in self.doc:
            self.report.counts[name] = total

    def run(self) -> ImportReport:
        self.check_shape()
        self.collect_ids()
        self.check_cycles()
        counts = {model: len(self.objects(name)) for name, model in self.models.items()}
        large = sum(counts.values()) >= LARGE_LOAD
        try:
            # A large load checks foreign keys once at the end, as Django's
            # loaddata does, instead of on every row (SQLite; PostgreSQL
            # defers them to the commit anyway). The references have been
            # checked by the importer already; the final check is a safety net.
            with (foreign_keys_checked_later() if large else nullcontext(False)) as later, \
                    transaction.atomic():
                for name, model in self.models.items():
                    self.empty_at_start[name] = not model._default_manager.exists()
                with large_load(counts) if large else nullcontext():
                    for name in self.models:
                        self.read_collection(name)
                if self.problems:
                    raise InputError(self.problems)
                if later:
                    connection.check_constraints(table_names=[
                        m._meta.db_table for m, n in counts.items() if n])
                if self.dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        return self.report


@cache
def required_columns(model: type[PopoloModel]) -> frozenset[str]:
    """The columns of `model` the database holds no NULL in."""
    return frozenset(f.attname for f in model._meta.concrete_fields if not f.null)


def content_id(obj: dict[str, Any]) -> str:
    """An id for a membership that came without one, the same for the same facts."""
    canonical = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return str(uuid.uuid5(MEMBERSHIP_NS, canonical))


def chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def import_document(
    doc: Any, *, actor: Actor, dry_run: bool = False, xarxa: bool = False,
) -> ImportReport:
    """Import a parsed Popolo document, or with `xarxa` a Xarxa JSON document
    (Popolo's collections and Xarxa's own). Raises InputError listing every
    problem; then nothing has been written.

    The document is consumed: its objects are released as they are written,
    so a million memberships don't sit in memory twice. Pass a copy to keep it.
    """
    if xarxa:
        return Importer(doc, actor, dry_run, XARXA_COLLECTIONS, "Xarxa").run()
    return Importer(doc, actor, dry_run).run()
