"""`xarxa import areas`: Barcelona's districts and barris from GeoJSON."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from xarxa.core.validation import InputError
from xarxa.core.writes import Actor
from xarxa.history.models import Change
from xarxa.interop.areas import import_areas
from xarxa.territory.models import Area

BCN = Path(__file__).resolve().parent.parent / "xarxa" / "interop" / "demo" / "bcn"
DISTRICTS = ["--classification", "district", "--id-property", "DISTRICTE",
             "--name-property", "NOM"]
BARRIS = ["--classification", "neighbourhood", "--id-property", "BARRI",
          "--name-property", "NOM", "--parent-property", "DISTRICTE"]
ACTOR = Actor("test")


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import", "areas", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def square(x: float = 2.17, y: float = 41.4) -> dict:
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(geometry: dict | None = None, **properties: object) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry or square()}


def geojson(tmp_path: Path, *features: dict, name: str = "areas.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return path


@pytest.fixture
def bcn() -> tuple[str, str]:
    """Barcelona's 10 districts, then its 73 barris, as the issue loads them."""
    return run(BCN / "districtes.geojson", *DISTRICTS), run(BCN / "barris.geojson", *BARRIS)


@pytest.fixture
def two_districts(tmp_path: Path) -> None:
    path = geojson(tmp_path, feature(DISTRICTE="09", NOM="Sant Andreu"),
                   feature(DISTRICTE="10", NOM="Sant Martí"), name="districts.geojson")
    import_areas(path, actor=ACTOR, classification="district", id_property="DISTRICTE",
                 name_property="NOM", parent_property=None, within="barcelona",
                 within_name="Barcelona", within_classification="city")


def import_barris(path: Path, dry_run: bool = False) -> object:
    return import_areas(path, actor=ACTOR, dry_run=dry_run, classification="neighbourhood",
                        id_property="BARRI", name_property="NOM", parent_property="DISTRICTE",
                        within="barcelona", within_name="Barcelona", within_classification="city")


def problems_of(excinfo: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


@pytest.mark.django_db
def test_it_loads_the_10_districts_and_73_barris_under_the_city_of_barcelona(bcn):
    districts_said, barris_said = bcn
    city = Area.objects.get(pk="barcelona")
    assert (city.name, city.classification, city.parent_id) == ("Barcelona", "city", None)
    assert Area.objects.filter(classification="district", parent=city).count() == 10
    assert Area.objects.filter(classification="neighbourhood").count() == 73
    assert Area.objects.count() == 84
    assert districts_said.startswith("10 areas created, 0 updated, 0 unchanged (district, "
                                     "within barcelona)")
    assert "The area barcelona was created" in districts_said
    assert barris_said.strip() == ("73 areas created, 0 updated, 0 unchanged "
                                   "(neighbourhood, within barcelona)")


@pytest.mark.django_db
def test_el_congres_i_els_indians_is_barri_62_within_district_09_sant_andreu_in_barcelona(bcn):
    congres = Area.objects.get(pk="barcelona-neighbourhood-62")
    assert congres.name == "el Congrés i els Indians"
    assert (congres.identifier, congres.classification) == ("62", "neighbourhood")
    assert congres.geometry["type"] in {"Polygon", "MultiPolygon"}
    assert [(a.id, a.identifier, a.name) for a in congres.ancestors()] == [
        ("barcelona-district-09", "09", "Sant Andreu"), ("barcelona", "", "Barcelona")]
    assert congres.sources == [{"url": "barris.geojson", "note": "imported from barris.geojson"}]


@pytest.mark.django_db
def test_every_barri_lies_in_a_district_as_barcelona_divides_them(bcn):
    parents = list(Area.objects.filter(classification="neighbourhood")
                   .values_list("parent__classification", "parent__identifier"))
    assert {kind for kind, _code in parents} == {"district"}
    per_district = Counter(code for _kind, code in parents)
    # Ciutat Vella has 4 barris, Eixample 6, …, Sant Andreu 7, Sant Martí 10.
    assert sorted(per_district.items()) == [
        ("01", 4), ("02", 6), ("03", 8), ("04", 3), ("05", 6), ("06", 5), ("07", 11),
        ("08", 13), ("09", 7), ("10", 10)]


@pytest.mark.django_db
def test_rerunning_the_import_changes_nothing_and_writes_no_history(bcn):
    history = Change.objects.count()
    versions = dict(Area.objects.values_list("id", "version"))
    said = run(BCN / "barris.geojson", *BARRIS)
    assert said.strip() == ("0 areas created, 0 updated, 73 unchanged "
                            "(neighbourhood, within barcelona)")
    assert Change.objects.count() == history == 84
    assert dict(Area.objects.values_list("id", "version")) == versions


@pytest.mark.django_db
def test_all_writes_of_one_import_share_a_batch_and_name_the_command_and_file():
    run(BCN / "districtes.geojson", *DISTRICTS)
    changes = Change.objects.all()
    assert len(changes) == 11 and len({c.batch for c in changes}) == 1
    assert {c.action for c in changes} == {"create"}
    assert all(c.actor_label.startswith("import areas districtes.geojson:") for c in changes)


@pytest.mark.django_db
def test_a_changed_name_updates_that_area_in_place_with_one_history_row(tmp_path, two_districts):
    path = geojson(tmp_path, feature(BARRI="62", DISTRICTE="09", NOM="el Congrés"))
    import_barris(path)
    path = geojson(tmp_path, feature(BARRI="62", DISTRICTE="09", NOM="el Congrés i els Indians"))
    report = import_barris(path)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    congres = Area.objects.get(pk="barcelona-neighbourhood-62")
    assert (congres.name, congres.version) == ("el Congrés i els Indians", 2)
    update = Change.objects.get(object_id=congres.pk, action="update")
    assert update.changed_keys() == ["name"]


@pytest.mark.django_db
def test_a_barri_whose_district_code_is_unknown_refuses_the_whole_file(tmp_path, two_districts):
    before = (Area.objects.count(), Change.objects.count())
    path = geojson(tmp_path, feature(BARRI="62", DISTRICTE="09", NOM="el Congrés i els Indians"),
                   feature(BARRI="99", DISTRICTE="77", NOM="Enlloc"))
    with pytest.raises(InputError) as excinfo:
        import_barris(path)
    assert problems_of(excinfo) == [
        '/features/1/properties/DISTRICTE: no area within barcelona has the code "77" '
        "(import the areas that hold these first)"]
    assert (Area.objects.count(), Change.objects.count()) == before


@pytest.mark.django_db
def test_a_missing_id_property_is_reported_with_its_json_pointer(tmp_path, two_districts):
    path = geojson(tmp_path, *[feature(BARRI=str(n), DISTRICTE="09", NOM=f"b{n}")
                               for n in range(12)], feature(DISTRICTE="09", NOM="sense codi"))
    with pytest.raises(InputError) as excinfo:
        import_barris(path)
    assert problems_of(excinfo) == ["/features/12/properties/BARRI: missing"]
    assert not Area.objects.filter(classification="neighbourhood").exists()


@pytest.mark.django_db
def test_every_problem_of_a_file_is_reported_at_once_with_where_it_is(tmp_path, two_districts):
    utm = {"type": "Polygon", "coordinates": [[[430000.0, 4580000.0], [430100.0, 4580000.0],
                                               [430000.0, 4580100.0], [430000.0, 4580000.0]]]}
    path = geojson(
        tmp_path,
        feature(BARRI="62", DISTRICTE="09", NOM="el Congrés i els Indians"),
        feature(BARRI="62", DISTRICTE="09", NOM="un altre 62"),
        feature(BARRI="63", DISTRICTE="09", NOM=""),
        {"type": "Feature", "properties": {"BARRI": "64", "DISTRICTE": "09", "NOM": "x"},
         "geometry": {"type": "Circle", "coordinates": [2.1, 41.4]}},
        feature(utm, BARRI="65", DISTRICTE="09", NOM="en UTM"),
        "not a feature",
    )
    with pytest.raises(InputError) as excinfo:
        import_barris(path)
    assert problems_of(excinfo) == [
        "/features/2/properties/NOM: must be a non-empty string",
        "/features/3/geometry: not a GeoJSON geometry (Polygon, MultiPolygon, Point…)",
        "/features/4/geometry/coordinates/0/0: is not a longitude and latitude in degrees; "
        "GeoJSON uses WGS84, so reproject the file (for example with ogr2ogr -t_srs crs:84)",
        "/features/5: is not a GeoJSON Feature",
        '/features/1/properties/BARRI: the code "62" is also used by /features/0',
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "said"), [
    ("{not json", "invalid JSON at line 1, column 2: Expecting property name"),
    ('{"type": "Feature", "properties": {}, "geometry": null}',
     "areas.geojson is not a GeoJSON FeatureCollection"),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
     '{"DISTRICTE": "01", "NOM": "x"}, "geometry": {"type": "Point", "coordinates": [NaN, 41]}}]}',
     "NaN is not a number JSON allows"),
])
def test_a_file_that_is_not_a_geojson_feature_collection_is_refused(tmp_path, content, said):
    path = tmp_path / "areas.geojson"
    path.write_text(content)
    with pytest.raises(CommandError) as excinfo:
        call_command("import", "areas", str(path), *DISTRICTS, stdout=io.StringIO(),
                     stderr=(err := io.StringIO()))
    assert excinfo.value.returncode == 2
    assert err.getvalue().startswith(said)
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_the_command_exits_non_zero_with_the_problems_on_stderr(tmp_path):
    path = geojson(tmp_path, feature(NOM="Ciutat Vella"), feature(DISTRICTE="02"))
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import", "areas", str(path), *DISTRICTS, stdout=io.StringIO(), stderr=err)
    assert excinfo.value.returncode == 2
    assert "Nothing was imported: 2 problem(s) found." in str(excinfo.value)
    assert err.getvalue().splitlines() == ["/features/0/properties/DISTRICTE: missing",
                                           "/features/1/properties/NOM: missing"]
    assert not Area.objects.exists() and not Change.objects.exists()


@pytest.mark.django_db
def test_a_dry_run_says_what_would_change_and_writes_nothing(tmp_path, two_districts):
    before = (Area.objects.count(), Change.objects.count())
    path = geojson(tmp_path, feature(BARRI="62", DISTRICTE="09", NOM="el Congrés i els Indians"),
                   feature(BARRI="73", DISTRICTE="10", NOM="la Verneda i la Pau"))
    report = import_barris(path, dry_run=True)
    assert str(report) == ("Dry run, nothing written: 2 areas would be created, 0 updated, "
                           "0 unchanged (neighbourhood, within barcelona)")
    assert (Area.objects.count(), Change.objects.count()) == before
    assert import_barris(path).created == 2
