"""The Popolo shape of Xarxa's records, read and written in one place.

A `Spec` says how a model's columns map to Popolo keys. The same functions
serve the export, the importer and the history snapshots, so what the history
says an object looked like is exactly what an export would have written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from xarxa.core import dates
from xarxa.core.validation import Problem, pointer_token

TEXT, DATE, REF, LIST, JSON, STRINGS = "text", "date", "ref", "list", "json", "strings"
# Xarxa's own kinds: an event's time (a partial date or a date and time), a
# list of ids, a whole number (0 or more), a quantity (hours), a yes/no.
TIME, REFS, INT, DECIMAL, BOOL = "time", "refs", "int", "decimal", "bool"

# Sub-objects Popolo nests in lists, with the keys each needs and its dates.
SUBLISTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # name: (required string keys, optional string keys, partial-date keys)
    "other_names": (
        ("name",),
        ("family_name", "given_name", "additional_name", "honorific_prefix",
         "honorific_suffix", "patronymic_name", "note", "lang"),
        ("start_date", "end_date"),
    ),
    "identifiers": (("identifier",), ("scheme",), ()),
    "contact_details": (("type", "value"), ("label", "note"), ("valid_from", "valid_until")),
    "links": (("url",), ("note",), ()),
    "sources": (("url",), ("note",), ()),
    # An agreement's parties: an organisation and the role it has in it.
    "parties": (("organization_id",), ("role", "note"), ()),
}

# Popolo keys that embed whole objects; Xarxa reads them as flat lists with ids.
EMBEDDED = {
    "memberships", "children", "posts", "motions", "vote_events", "votes", "speeches",
    "attendees", "organizations", "person", "organization", "post", "on_behalf_of",
    "area", "parent",
}
TIMESTAMPS = ("created_at", "updated_at")
VISIBILITIES = ("public", "members", "private")


@dataclass(frozen=True)
class F:
    """One Popolo key of a model."""

    key: str
    column: str = ""
    kind: str = TEXT
    ref: str | None = None  # for REF and REFS: the top-level collection the ids point into
    max_length: int | None = None
    # For LIST: keys of its items that are ids, and the collection each points into.
    item_refs: tuple[tuple[str, str], ...] = ()
    # For TEXT, STRINGS: the words allowed (None: any).
    choices: tuple[str, ...] | None = None

    @property
    def col(self) -> str:
        return self.column or self.key


@dataclass
class Spec:
    collection: str  # "organizations", "memberships", …
    fields: list[F]
    date_pairs: list[tuple[str, str]] = field(default_factory=list)
    # Hooks for keys that are not one column each (a membership's `member`).
    read_hook: Callable[[dict[str, Any], dict[str, Any], str], list[Problem]] | None = None
    write_hook: Callable[[dict[str, Any], dict[str, Any]], None] | None = None
    hook_keys: tuple[str, ...] = ()
    hook_columns: tuple[str, ...] = ()
    id_optional: bool = False
    # Who may see a record unless it says otherwise (core.models.Visibility);
    # the export writes `visibility` only when it differs from this.
    default_visibility: str = "public"
    # Rules across the fields of one object, on column values.
    rules: list[Callable[[dict[str, Any]], list[Problem]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Every record may name the organisation that keeps it.
        self.fields = [*self.fields, F("owner_id", kind=REF, ref="organizations")]
        self.by_key = {f.key: f for f in self.fields}
        self.columns = ["id", *(f.col for f in self.fields), *self.hook_columns,
                        "sources", "extra", "illustrative", "visibility"]
        self.defaults: dict[str, Any] = {
            f.col: None if f.kind in (DATE, REF, JSON, TIME, INT, DECIMAL) else
            False if f.kind == BOOL else "" for f in self.fields
            if f.kind not in (LIST, STRINGS, REFS)
        }
        self.list_columns = [f.col for f in self.fields if f.kind in (LIST, STRINGS, REFS)]
        self.out_fields = [(f.key, f.col) for f in self.fields]
        self.decimal_keys = [f.key for f in self.fields if f.kind == DECIMAL]
        # The JSON columns and the rule each is read with, for the models'
        # own validation and the admin's fields.
        self.json_fields = [
            *(f for f in self.fields if f.kind in (LIST, STRINGS, JSON, REFS)),
            F("sources", kind=LIST), F("extra", kind=JSON),
        ]
        self.has_refs = any(f.kind == REFS or f.item_refs for f in self.fields)

    # -- writing ---------------------------------------------------------------
    def to_popolo(self, row: dict[str, Any]) -> dict[str, Any]:
        """The Popolo object of a row, without timestamps (the export adds them)."""
        out: dict[str, Any] = {"id": row["id"]}
        for key, col in self.out_fields:
            value = row.get(col)
            if value is None or value == "" or value == [] or value is False:
                continue  # a yes/no is written when yes
            out[key] = value
        for key in self.decimal_keys:
            if key in out:
                out[key] = number(out[key])
        if self.write_hook:
            self.write_hook(row, out)
        if row.get("sources"):
            out["sources"] = row["sources"]
        if row.get("illustrative"):
            out["illustrative"] = True
        if row.get("visibility", self.default_visibility) != self.default_visibility:
            out["visibility"] = row["visibility"]
        for key, value in (row.get("extra") or {}).items():
            out.setdefault(key, value)
        return out

    # -- reading ---------------------------------------------------------------
    def from_popolo(self, obj: Any, pointer: str) -> tuple[dict[str, Any], list[Problem]]:
        """Read one Popolo object into column values, or say what is wrong.

        The common case (a string where a string belongs, a valid date) takes
        the short road; anything else goes through `read_value`, which words
        the problem.
        """
        if type(obj) is not dict:
            return {}, [Problem(pointer, _("is not a JSON object"))]
        problems: list[Problem] = []
        row = self.defaults.copy()
        for col in self.list_columns:
            row[col] = []
        row["sources"] = []
        row["illustrative"] = False
        row["visibility"] = self.default_visibility
        extra: dict[str, Any] = {}
        row["extra"] = extra
        ident = obj.get("id")
        if type(ident) is str and 0 < len(ident) <= 200 and ident.strip() and "\x00" not in ident:
            row["id"] = ident
        elif ident is None and self.id_optional:
            row["id"] = None
        else:
            row["id"] = None
            problems.append(Problem(f"{pointer}/id", _id_problem(ident)))
        by_key = self.by_key
        for key, value in obj.items():
            f = by_key.get(key)
            if f is not None:
                kind = f.kind
                if type(value) is str and "\x00" not in value and (
                    (kind is TEXT and f.choices is None
                     and (f.max_length is None or len(value) <= f.max_length))
                    or (kind is REF and value)
                    or (kind is DATE and value in dates._VALID)
                ):
                    row[f.col] = value
                    if not value:
                        extra[key] = value  # see below
                else:
                    row[f.col] = read_value(f, value, f"{pointer}/{pointer_token(key)}", problems)
                    if value is None or value == "" or value == []:
                        # A column cannot tell "given empty" from "not given", which
                        # the export leaves out; kept here, the key comes back as given.
                        extra[key] = value
            elif key == "id" or key in TIMESTAMPS or key in self.hook_keys:
                continue
            elif key == "sources":
                row["sources"] = read_sublist("sources", value, f"{pointer}/sources", problems)
            elif key == "illustrative":
                if type(value) is not bool:
                    problems.append(Problem(f"{pointer}/illustrative", _("must be true or false")))
                else:
                    row["illustrative"] = value
            elif key == "visibility":
                if value not in VISIBILITIES:
                    problems.append(Problem(f"{pointer}/visibility", _(
                        'must be one of "public", "members" or "private"')))
                else:
                    row["visibility"] = value
            elif key in EMBEDDED and value not in (None, []):
                problems.append(Problem(f"{pointer}/{pointer_token(key)}", _(
                    "embedded objects are not read; list them at the top level and refer "
                    "to them by id")))
            elif key not in EMBEDDED:
                extra[key] = value
        if self.read_hook:
            problems.extend(self.read_hook(obj, row, pointer))
        rule_problems = self.check_row(row)
        if rule_problems:
            # A key already reported wrong is not reported again by a rule
            # across keys (a malformed member is not also a missing one).
            reported = {p.path for p in problems}
            for problem in rule_problems:
                problem = problem.under(pointer)
                if problem.path not in reported:
                    problems.append(problem)
        return row, problems

    def check_row(self, row: dict[str, Any]) -> list[Problem]:
        """Rules across fields of one object: an end never before its start.
        A date that is itself invalid is reported by its own field."""
        problems = []
        for start_key, end_key in self.date_pairs:
            try:
                start = dates.parse(row.get(self.by_key[start_key].col))
                end = dates.parse(row.get(self.by_key[end_key].col))
            except dates.PartialDateError:
                continue
            try:
                dates.check_order(start, end)
            except dates.PartialDateError as exc:
                problems.append(Problem(end_key, str(exc)))
        for rule in self.rules:
            problems.extend(rule(row))
        return problems

    def refs_in(self, row: dict[str, Any]) -> list[tuple[str, str, str]]:
        """The ids a row's JSON columns point to, as (where, collection, id):
        a campaign's themes, an agreement's parties. Plain REF columns are
        foreign keys, which the database checks itself."""
        out: list[tuple[str, str, str]] = []
        if not self.has_refs:
            return out
        for f in self.fields:
            value = row.get(f.col)
            if not isinstance(value, list):
                continue
            if f.kind == REFS and f.ref:
                out.extend((f"{f.key}/{i}", f.ref, v) for i, v in enumerate(value)
                           if isinstance(v, str))
            for key, collection in f.item_refs:
                out.extend((f"{f.key}/{i}/{key}", collection, item[key])
                           for i, item in enumerate(value)
                           if isinstance(item, dict) and isinstance(item.get(key), str))
        return out


def number(value: Any) -> int | float:
    """A quantity (a Decimal from the database) as a JSON number: 2 rather than 2.00."""
    return int(value) if value == int(value) else float(value)


def _id_problem(ident: Any) -> str:
    if type(ident) is str and len(ident) > 200:
        return _("is longer than 200 characters")
    if type(ident) is str and "\x00" in ident:
        return _("contains a null character")
    return _("an id (a non-empty string) is required")


def read_value(f: F, value: Any, where: str, problems: list[Problem]) -> Any:
    if f.kind == TEXT:
        if value is None:
            return ""
        if not isinstance(value, str):
            problems.append(Problem(where, _("must be a string")))
            return ""
        if "\x00" in value:
            problems.append(Problem(where, _("contains a null character")))
        if f.max_length and len(value) > f.max_length:
            problems.append(Problem(where, _("is longer than %(n)d characters") % {"n": f.max_length}))
        if f.choices is not None and value and value not in f.choices:
            problems.append(Problem(where, _("must be one of: %(words)s")
                                    % {"words": ", ".join(f.choices)}))
        return value
    if f.kind == DATE:
        try:
            return dates.parse(value)
        except dates.PartialDateError as exc:
            problems.append(Problem(where, str(exc)))
            return None
    if f.kind == REF:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            problems.append(Problem(where, _("must be an id (a string)")))
            return None
        return value
    if f.kind == LIST:
        return read_sublist(f.key, value, where, problems)
    if f.kind == STRINGS:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(Problem(where, _("must be a list of strings")))
            return []
        if f.choices is not None:
            for i, v in enumerate(value):
                if v not in f.choices:
                    problems.append(Problem(f"{where}/{i}", _("must be one of: %(words)s")
                                            % {"words": ", ".join(f.choices)}))
        return value
    if f.kind == JSON:
        if value is not None and not isinstance(value, dict):
            problems.append(Problem(where, _("must be a JSON object")))
            return None
        return value
    if f.kind == TIME:
        from xarxa.core import times

        try:
            return times.parse(value)
        except times.EventTimeError as exc:
            problems.append(Problem(where, str(exc)))
            return None
    if f.kind == REFS:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(Problem(where, _("must be a list of ids (strings)")))
            return []
        if len(set(value)) != len(value):
            problems.append(Problem(where, _("names the same id twice")))
        return value
    if f.kind == INT:
        if value is None:
            return None
        if type(value) is not int or value < 0 or value > 2**31 - 1:
            problems.append(Problem(where, _("must be a whole number, 0 or more")))
            return None
        return value
    if f.kind == DECIMAL:
        if value is None:
            return None
        if type(value) not in (int, float, Decimal) or not 0 <= value < 100_000:
            problems.append(Problem(where, _("must be a number from 0 to 99999")))
            return None
        quantity = Decimal(str(value))
        if quantity != quantity.quantize(Decimal("0.01")):
            problems.append(Problem(where, _("has more than two decimals")))
            return None
        return quantity
    if f.kind == BOOL:
        if value is None:
            return False
        if type(value) is not bool:
            problems.append(Problem(where, _("must be true or false")))
            return False
        return value
    raise AssertionError(f.kind)


def read_sublist(name: str, value: Any, where: str, problems: list[Problem]) -> list[Any]:
    """Check a list of Popolo sub-objects (names, identifiers, contacts, links)."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(where, _("must be a list")))
        return []
    required, optional, date_keys = SUBLISTS[name]
    for i, item in enumerate(value):
        at = f"{where}/{i}"
        if not isinstance(item, dict):
            problems.append(Problem(at, _("is not a JSON object")))
            continue
        for key in required:
            if not isinstance(item.get(key), str) or not item[key]:
                problems.append(Problem(f"{at}/{key}", _("is required and must be a string")))
        for key in optional:
            if item.get(key) is not None and not isinstance(item[key], str):
                problems.append(Problem(f"{at}/{key}", _("must be a string")))
        for key in date_keys:
            try:
                dates.parse(item.get(key))
            except dates.PartialDateError as exc:
                problems.append(Problem(f"{at}/{key}", str(exc)))
        for key, v in item.items():
            if isinstance(v, str) and "\x00" in v:
                problems.append(Problem(f"{at}/{pointer_token(key)}", _("contains a null character")))
    return value
