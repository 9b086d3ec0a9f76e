"""A person's page: private unless their record says otherwise; their seats
and representations, the events they took part in and the placements they
tutored, each as far as the viewer may see."""

import pytest

from tests.page_text import text_of
from xarxa.core.models import Visibility
from xarxa.directory.models import Person
from xarxa.network.models import Membership
from xarxa.training.models import Placement

FERRAN = "/people/demo-persona-06/"  # an ISOM worker, in the demo
GINA = "/people/demo-persona-07/"  # an ISOM worker who tutors two placements


@pytest.mark.parametrize("who, status", [
    ("visitor", 404), ("other_editor", 404), ("isom_viewer", 200), ("isom_editor", 200),
    ("site_admin", 200)])
def test_a_person_is_private_by_default(who, status, demo, request):
    assert request.getfixturevalue(who).get(FERRAN).status_code == status


def test_an_unknown_person_is_not_found_either(visitor, isom_viewer, demo):
    assert visitor.get("/people/nobody/").status_code == 404
    assert isom_viewer.get("/people/nobody/").status_code == 404


@pytest.fixture
def seat(demo):
    Membership.objects.create(id="m-ferran", person_id="demo-persona-06",
                              organization_id="fedaia-junta-directiva", on_behalf_of_id="isom",
                              start_date="2023", owner_id="isom")


def test_it_shows_their_seats_and_on_whose_behalf(isom_viewer, seat):
    text = text_of(isom_viewer.get(FERRAN))
    assert "Ferran Inventat Mostra" in text
    assert "Junta Directiva (FEDAIA) · on behalf of ISOM · since 2023" in text


def test_it_shows_the_events_they_took_part_in_with_their_hours(isom_viewer, demo):
    text = text_of(isom_viewer.get(FERRAN))
    assert "Jornada: gestió cooperativa i economia social" in text
    assert "Reunió de la Junta Directiva de FEDAIA" in text
    assert "participant 3" in text  # the June board meeting, with its preparation
    assert "on behalf of ISOM" in text


def test_it_shows_the_placements_they_tutor_with_the_students_the_viewer_may_see(isom_viewer, demo):
    text = text_of(isom_viewer.get(GINA))
    assert "entity tutor Biel Fictici Mostra ISOM" in text
    assert "entity tutor Carla Inventada Demo ISOM" in text
    Person.objects.filter(pk="demo-persona-02").update(owner_id="universitat-illustrativa-b")
    text = text_of(isom_viewer.get(GINA))
    assert "Biel Fictici Mostra" not in text and "entity tutor a student ISOM" in text


def test_a_public_person_s_private_records_stay_private(visitor, isom_viewer, seat):
    Person.objects.filter(pk="demo-persona-07").update(visibility=Visibility.PUBLIC)
    text = text_of(visitor.get(GINA))
    assert "Gina Exemple Demo" in text
    assert "Placements" not in text  # placements are private to ISOM
    Membership.objects.filter(pk="m-ferran").update(person_id="demo-persona-07",
                                                    visibility=Visibility.PRIVATE)
    assert "Junta Directiva" not in text_of(visitor.get(GINA))
    assert "Junta Directiva" in text_of(isom_viewer.get(GINA))


def test_a_placement_at_a_private_host_is_not_listed(isom_viewer, demo):
    from xarxa.directory.models import Organization

    Organization.objects.create(id="amagada", name="Entitat Amagada", owner_id="amagada",
                                visibility=Visibility.PRIVATE)
    Placement.objects.filter(pk="demo-practiques-02").update(host_id="amagada")
    assert "Entitat Amagada" not in text_of(isom_viewer.get(GINA))


@pytest.mark.parametrize("url", [FERRAN, GINA])
def test_the_person_page_makes_its_baseline_of_queries(url, isom_viewer, seat, query_baseline):
    isom_viewer.get(url)
    with query_baseline(f"GET {url} (ISOM viewer)"):
        assert isom_viewer.get(url).status_code == 200
