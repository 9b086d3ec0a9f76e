"""Placements made and edited from an agreement's page: an existing student
or a new private person, in one transaction; Real Decreto 592/2014's two
tutors, with the error next to the field; only for the agreement's people."""

import re

import pytest
from django.test import Client

from tests.conftest import PASSWORD, make_user
from xarxa.directory.models import Person
from xarxa.history.models import Change
from xarxa.training.models import Placement

A_2022 = "conveni-isom-universitat-a-2022"
NEW = f"/agreements/{A_2022}/placements/new/"


def field_error(html: str, name: str) -> str:
    match = re.search(r'<ul class="errorlist" id="id_' + name + r'_error">(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>", " ", match[1]).strip() if match else ""


def persons():
    return {p.name: p.pk for p in Person.objects.all()}


def placement_data(**changes):
    people = persons()
    data = {
        "host": "isom", "student": people["Aina Exemple Prova"],
        "programme": "universitat-illustrativa-a-grau-educacio-social", "kind": "curricular",
        "academic_tutor": Placement.objects.get(pk="demo-practiques-01").academic_tutor_id,
        "entity_tutor": Placement.objects.get(pk="demo-practiques-01").entity_tutor_id,
        "start_date": "2026-11-02", "end_date": "2027-01-15", "total_hours": "150",
        "schedule": "Dilluns i dimecres", "training_project": "Suport a l'acollida.",
        "visibility": "private", "owner": "isom",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_editor_adds_a_placement_for_an_existing_student(isom_editor):
    before = set(Placement.objects.values_list("pk", flat=True))
    response = isom_editor.post(NEW, placement_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    (pk,) = set(Placement.objects.values_list("pk", flat=True)) - before
    assert response["Location"] == f"/placements/{pk}/"
    placement = Placement.objects.get(pk=pk)
    assert (placement.agreement_id, placement.host_id, placement.total_hours) == (A_2022, "isom", 150)
    assert placement.visibility == "private"
    change = Change.objects.get(object_id=pk)
    assert (change.action, change.actor_label) == ("create", "web:isom-editor")


def test_a_new_student_is_created_private_with_the_placement(isom_editor):
    response = isom_editor.post(NEW, placement_data(student="", new_student_name="Nil Nou"))
    assert response.status_code == 302
    student = Person.objects.get(name="Nil Nou")
    assert (student.visibility, student.owner_id) == ("private", "isom")
    placement = Placement.objects.get(student=student)
    labels = set(Change.objects.filter(object_id__in=[student.pk, placement.pk])
                 .values_list("actor_label", flat=True))
    assert labels == {"web:isom-editor"}


def test_the_same_tutor_twice_is_refused_next_to_the_entity_tutor_in_catalan(demo):
    make_user("editora", org="isom", level="editor")
    client = Client(HTTP_ACCEPT_LANGUAGE="ca")
    assert client.login(username="editora", password=PASSWORD)
    tutor = Placement.objects.get(pk="demo-practiques-01").academic_tutor_id
    count = Placement.objects.count()
    response = client.post(NEW, placement_data(entity_tutor=tutor, student="",
                                               new_student_name="Nil Nou"))
    assert response.status_code == 400
    error = field_error(response.content.decode(), "entity_tutor")
    assert "ha de ser una persona diferent" in error and "592/2014" in error
    assert Placement.objects.count() == count
    assert not Person.objects.filter(name="Nil Nou").exists()  # nothing written


def test_a_placement_outside_the_agreement_s_term_is_refused_next_to_its_date(isom_editor):
    response = isom_editor.post(NEW, placement_data(end_date="2027-06-30"))
    assert response.status_code == 400
    assert "is after the agreement" in field_error(response.content.decode(), "end_date")


def test_a_student_or_a_new_name_is_needed(isom_editor):
    response = isom_editor.post(NEW, placement_data(student=""))
    assert response.status_code == 400
    assert "Choose the student" in field_error(response.content.decode(), "student")


def test_editing_a_placement_goes_through_the_write_path(isom_editor):
    placement = Placement.objects.get(pk="demo-practiques-01")
    url = "/placements/demo-practiques-01/edit/"
    assert isom_editor.get(url).status_code == 200
    response = isom_editor.post(url, placement_data(
        student=placement.student_id, start_date=placement.start_date, end_date=placement.end_date,
        total_hours="260", final_report_received="2027-02-10", version=str(placement.version)))
    assert response.status_code == 302, response.content.decode()[:2000]
    placement.refresh_from_db()
    assert (placement.total_hours, placement.final_report_received) == (260, "2027-02-10")
    change = Change.objects.get(object_id="demo-practiques-01", action="update")
    assert change.actor_label == "web:isom-editor"


def test_an_editor_of_another_entity_gets_403_on_isom_s_agreement_and_404_on_its_placements(
        other_editor):
    assert other_editor.get(NEW).status_code == 403
    assert other_editor.post(NEW, placement_data()).status_code == 403
    for url in ("/placements/demo-practiques-01/", "/placements/demo-practiques-01/edit/"):
        assert other_editor.get(url).status_code == 404


def test_a_visitor_sees_no_placement(visitor, demo):
    assert visitor.get("/placements/demo-practiques-01/").status_code == 404
    assert visitor.get(NEW).status_code == 302


@pytest.mark.parametrize("who", ["isom_viewer", "site_admin"])
def test_the_placement_page_shows_to_isom_s_people_and_site_admins(who, request):
    client = request.getfixturevalue(who)
    assert client.get("/placements/demo-practiques-01/").status_code == 200
