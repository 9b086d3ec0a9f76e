"""Areas (districts, barris…) from a GeoJSON FeatureCollection, all or nothing.

Each feature becomes the area `<within>-<classification>-<code>`, so running
the same import again finds the same records and changes only what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xarxa.core import writes
from xarxa.core.validation import InputError, Problem, pointer_token, read_json
from xarxa.territory.models import Area

# How deep a geometry's coordinates nest before reaching a position.
DEPTHS = {
    "Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2,
    "Polygon": 2, "MultiPolygon": 3,
}
MAX_ID = Area._meta.get_field("id").max_length or 200


@dataclass
class Feature:
    index: int
    code: str
    name: str
    parent_code: str | None
    geometry: dict[str, Any]


@dataclass
class AreasReport:
    classification: str
    within: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    within_created: bool = False
    dry_run: bool = False
    batch: str = ""

    def __str__(self) -> str:
        counts = {"created": self.created, "updated": self.updated,
                  "unchanged": self.unchanged, "classification": self.classification,
                  "within": self.within}
        if self.dry_run:
            line = _("Dry run, nothing written: %(created)d areas would be created, "
                     "%(updated)d updated, %(unchanged)d unchanged "
                     "(%(classification)s, within %(within)s)") % counts
        else:
            line = _("%(created)d areas created, %(updated)d updated, %(unchanged)d unchanged "
                     "(%(classification)s, within %(within)s)") % counts
        if self.within_created:
            line += "\n" + (_("The area %(within)s would be created to hold them.")
                            if self.dry_run else
                            _("The area %(within)s was created to hold them.")) % counts
        return line


def import_areas(
    path: Path | str, *, actor: writes.Actor, dry_run: bool = False, classification: str,
    id_property: str, name_property: str, parent_property: str | None = None,
    within: str = "barcelona", within_name: str = "Barcelona",
    within_classification: str = "city", source: list[dict[str, str]] | None = None,
) -> AreasReport:
    """Create or update one area per feature of the GeoJSON file at `path`.

    Without `parent_property` every area lies directly in `within`; with it,
    in the area under `within` whose official code is the feature's value of
    that property (districts are imported before their barris). Nothing is
    written unless every feature is right; a dry run does the whole import
    in a transaction and rolls it back, so it refuses exactly what a real
    run would.
    """
    path = Path(path)
    # The file's name, not its path: importing the same file from another
    # directory must not count as a change.
    sources = source if source is not None else [
        {"url": path.name, "note": f"imported from {path.name}"}]
    problems: list[Problem] = []
    if not classification.strip():
        problems.append(Problem("--classification", _("must not be empty")))
    if not within.strip():
        problems.append(Problem("--within", _("must not be empty")))
    if problems:
        raise InputError(problems)

    within_exists = Area.objects.filter(pk=within).exists()
    if not within_exists and not within_name.strip():
        problems.append(Problem("--within-name", _(
            "the area %(within)s does not exist yet; give it a name") % {"within": within}))
    parents = possible_parents(within, classification) if parent_property else {}
    features = read_features(path, id_property, name_property, parent_property, problems)
    rows: list[tuple[Feature, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for feature in features:
        at = f"/features/{feature.index}"
        code_at = f"{at}/properties/{pointer_token(id_property)}"
        area_id = f"{within}-{classification}-{feature.code}"
        if feature.code in seen:
            problems.append(Problem(code_at, _('the code "%(code)s" is also used by '
                                               "/features/%(other)d")
                                    % {"code": feature.code, "other": seen[feature.code]}))
            continue
        seen[feature.code] = feature.index
        if len(area_id) > MAX_ID:
            problems.append(Problem(code_at, _("makes the id %(id)s longer than %(n)d characters")
                                    % {"id": area_id[:40] + "…", "n": MAX_ID}))
            continue
        parent_id: str | None = within
        if parent_property and feature.parent_code is not None:
            parent_at = f"{at}/properties/{pointer_token(parent_property)}"
            found = parents.get(feature.parent_code, [])
            if not found:
                problems.append(Problem(parent_at, _(
                    'no area within %(within)s has the code "%(code)s" (import the areas '
                    "that hold these first)") % {"within": within, "code": feature.parent_code}))
                continue
            if len(found) > 1:
                problems.append(Problem(parent_at, _(
                    'the code "%(code)s" belongs to several areas within %(within)s: %(ids)s')
                    % {"code": feature.parent_code, "within": within, "ids": ", ".join(found)}))
                continue
            parent_id = found[0]
        rows.append((feature, {
            "id": area_id, "name": feature.name, "identifier": feature.code,
            "classification": classification, "parent_id": parent_id,
            "geometry": feature.geometry, "sources": sources,
        }))
    if problems:
        raise InputError(problems)

    report = AreasReport(classification, within, within_created=not within_exists,
                         dry_run=dry_run, batch=writes.new_batch())
    with transaction.atomic():
        if not within_exists:
            try:
                writes.create(Area, {"id": within, "name": within_name,
                                     "classification": within_classification},
                              actor=actor, batch=report.batch)
            except ValidationError as exc:
                raise InputError([Problem("--within", "; ".join(exc.messages))]) from None
        existing = Area.objects.in_bulk([values["id"] for _f, values in rows])
        for feature, values in rows:
            try:
                area = existing.get(values["id"])
                if area is None:
                    writes.create(Area, values, actor=actor, batch=report.batch)
                    report.created += 1
                    continue
                del values["id"]
                version = area.version  # update() refreshes `area` in place
                if writes.update(area, values, actor=actor, batch=report.batch).version != version:
                    report.updated += 1
                else:
                    report.unchanged += 1
            except ValidationError as exc:
                problems.extend(refusals(exc, feature.index, id_property, name_property,
                                         parent_property))
        if problems:
            raise InputError(problems)
        if dry_run:
            transaction.set_rollback(True)
    return report


def possible_parents(within: str, classification: str) -> dict[str, list[str]]:
    """Official code → ids of the areas under `within` that a feature may lie
    in: any level below it, but not of the classification being imported."""
    by_code: dict[str, list[str]] = {}
    level = [within]
    for _depth in range(50):  # trees of areas are a few levels deep
        rows = list(Area.objects.filter(parent_id__in=level)
                    .values_list("id", "identifier", "classification"))
        if not rows:
            break
        for area_id, code, kind in rows:
            if code and kind != classification:
                by_code.setdefault(code, []).append(area_id)
        level = [row[0] for row in rows]
    return by_code


def read_features(
    path: Path, id_property: str, name_property: str, parent_property: str | None,
    problems: list[Problem],
) -> list[Feature]:
    """The features of the file that are well formed; what is wrong with the
    others goes to `problems`."""
    try:
        data = read_json(path)
    except InputError as exc:  # bad JSON, bad encoding, NaN or Infinity
        problems.extend(exc.problems)
        return []
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        problems.append(Problem("", _("%(file)s is not a GeoJSON FeatureCollection")
                                % {"file": path.name}))
        return []
    if not isinstance(data.get("features"), list):
        problems.append(Problem("/features", _("must be a list of features")))
        return []

    features = []
    for i, item in enumerate(data["features"]):
        at = f"/features/{i}"
        if not isinstance(item, dict) or item.get("type") != "Feature":
            problems.append(Problem(at, _("is not a GeoJSON Feature")))
            continue
        props = item.get("properties")
        if not isinstance(props, dict):
            problems.append(Problem(f"{at}/properties", _("must be a JSON object")))
            continue
        before = len(problems)
        code = text_property(props, id_property, f"{at}/properties", problems)
        name = text_property(props, name_property, f"{at}/properties", problems)
        parent_code = (text_property(props, parent_property, f"{at}/properties", problems)
                       if parent_property else None)
        geometry = item.get("geometry")
        wrong_geometry = geometry_problem(geometry, f"{at}/geometry")
        if wrong_geometry:
            problems.append(wrong_geometry)
        if len(problems) == before:
            assert code is not None and name is not None and isinstance(geometry, dict)
            features.append(Feature(i, code, name, parent_code, geometry))
    if not data["features"]:
        problems.append(Problem("/features", _("holds no features")))
    return features




def text_property(
    props: dict[str, Any], key: str, where: str, problems: list[Problem],
) -> str | None:
    """A code or name: a non-empty string, or a whole number (read as written)."""
    at = f"{where}/{pointer_token(key)}"
    value = props.get(key)
    if value is None:
        problems.append(Problem(at, _("missing")))
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(at, _("must be a non-empty string")))
        return None
    if "\x00" in value:
        problems.append(Problem(at, _("contains a null character")))
        return None
    return value.strip()


def geometry_problem(geometry: Any, where: str) -> Problem | None:
    """The first thing that keeps `geometry` from being a GeoJSON geometry in
    longitude/latitude, or None. Shapes are not checked (no geometry library)."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind == "GeometryCollection":
        parts = geometry.get("geometries")
        if not isinstance(parts, list) or not parts:
            return Problem(f"{where}/geometries", _("must be a non-empty list of geometries"))
        for i, part in enumerate(parts):
            problem = geometry_problem(part, f"{where}/geometries/{i}")
            if problem:
                return problem
        return None
    if kind not in DEPTHS:
        return Problem(where, _("not a GeoJSON geometry (Polygon, MultiPolygon, Point…)"))
    return coordinates_problem(geometry.get("coordinates"), DEPTHS[kind], f"{where}/coordinates")


def coordinates_problem(value: Any, depth: int, where: str) -> Problem | None:
    if depth == 0:
        if (not isinstance(value, list) or len(value) < 2
                or not all(isinstance(n, int | float) and not isinstance(n, bool) for n in value)):
            return Problem(where, _("must be a position: a list of numbers, longitude first"))
        if not (-180 <= value[0] <= 180 and -90 <= value[1] <= 90):
            return Problem(where, _(
                "is not a longitude and latitude in degrees; GeoJSON uses WGS84, so reproject "
                "the file (for example with ogr2ogr -t_srs crs:84)"))
        return None
    if not isinstance(value, list) or not value:
        return Problem(where, _("must be a non-empty list"))
    for i, item in enumerate(value):
        problem = coordinates_problem(item, depth - 1, f"{where}/{i}")
        if problem:
            return problem
    return None


def refusals(
    exc: ValidationError, index: int, id_property: str, name_property: str,
    parent_property: str | None,
) -> list[Problem]:
    """A model's refusal, placed on the feature property it came from."""
    at = f"/features/{index}"
    places = {
        "identifier": f"{at}/properties/{pointer_token(id_property)}",
        "name": f"{at}/properties/{pointer_token(name_property)}",
        "parent": (f"{at}/properties/{pointer_token(parent_property)}"
                   if parent_property else at),
        "geometry": f"{at}/geometry",
    }
    out = []
    for field, messages in exc.message_dict.items():
        for message in messages:
            if field in places:
                out.append(Problem(places[field], message))
            else:
                out.append(Problem(at, f"{field}: {message}"))
    return out
