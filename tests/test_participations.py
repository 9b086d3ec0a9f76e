"""A participation has one participant — a person or an organisation — and an
organisation takes part on its own behalf: the write path and the admin refuse
anything else, saying where, and write nothing. The organisers of an event are
its participations as organiser or co-organiser."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from xarxa.activity.models import Event, Participation
from xarxa.core import writes
from xarxa.directory.models import Organization, Person
from xarxa.history.models import Change

pytestmark = pytest.mark.django_db

SETUP = writes.Actor("test:setup")


def make(model, **values):
    return writes.create(model, values, actor=SETUP)


@pytest.fixture
def festa():
    make(Organization, id="isom", name="ISOM")
    make(Organization, id="coordinadora", name="Coordinadora d'Entitats")
    make(Person, id="anna", name="Anna Exemple")
    return make(Event, id="festa", name="Festa Major", start_date="2025-10-03")


# -- through the write path ---------------------------------------------------------


def test_a_person_or_an_organisation_takes_part(festa):
    by_person = make(Participation, event=festa, person_id="anna", on_behalf_of_id="isom",
                     role="volunteer", hours=4)
    by_entity = make(Participation, event=festa, organization_id="isom", role="organiser")

    assert str(by_person) == "Anna Exemple → Festa Major (on behalf of ISOM)"
    assert str(by_entity) == "ISOM → Festa Major"
    assert Change.objects.filter(model="activity.participation", action="create").count() == 2


@pytest.mark.parametrize("who", [{}, {"person_id": "anna", "organization_id": "isom"}],
                         ids=["nobody", "both"])
def test_a_participation_without_one_participant_is_refused_next_to_the_person(festa, who):
    with pytest.raises(ValidationError) as refused:
        make(Participation, event=festa, role="participant", **who)

    assert refused.value.message_dict == {"person": [
        "a participation has one participant: a person (person_id) or an organisation "
        "(organization_id)"]}
    assert not Participation.objects.exists()
    assert not Change.objects.filter(model="activity.participation").exists()


def test_an_organisation_on_its_own_behalf_is_refused_next_to_on_behalf_of(festa):
    with pytest.raises(ValidationError) as refused:
        make(Participation, event=festa, organization_id="isom", on_behalf_of_id="isom")

    assert list(refused.value.message_dict) == ["on_behalf_of"]
    assert not Participation.objects.exists()


def test_an_organisation_may_take_part_on_behalf_of_another(festa):
    make(Participation, event=festa, organization_id="coordinadora", on_behalf_of_id="isom")
    assert Participation.objects.get().on_behalf_of_id == "isom"


def test_changing_a_participation_into_one_with_two_participants_is_refused(festa):
    taking_part = make(Participation, event=festa, organization_id="isom")

    with pytest.raises(ValidationError):
        writes.update(taking_part, {"person_id": "anna"}, actor=SETUP)

    taking_part.refresh_from_db()
    assert (taking_part.person_id, taking_part.version) == (None, 1)


def test_the_organisers_are_the_organising_and_co_organising_organisations(festa):
    make(Participation, event=festa, organization_id="coordinadora", role="co-organiser")
    make(Participation, event=festa, person_id="anna", on_behalf_of_id="isom", role="organiser")
    make(Participation, event=festa, organization_id="isom", role="organiser")
    make(Participation, event=festa, person_id="anna", role="organiser")  # no organisation
    make(Participation, event=festa, organization_id="coordinadora", role="participant")

    assert [o.pk for o in festa.organisers()] == ["isom", "coordinadora"]
    other = make(Event, id="other", name="Other")
    assert other.organisers() == []


# -- through the admin ----------------------------------------------------------------


@pytest.fixture
def coordinator(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("coordinator"))
    return client


def add_page() -> str:
    return reverse("admin:activity_participation_add")


def posted(festa, **values) -> dict:
    data = {"id": "", "event": festa.pk, "person": "", "organization": "", "on_behalf_of": "",
            "role": "participant", "hours": "", "people_reached": "", "notes": "",
            "sources": "[]", "extra": "{}", "visibility": "public"}
    return {**data, **values}


def test_the_admin_adds_a_participation_through_the_write_path(coordinator, festa):
    response = coordinator.post(add_page(), posted(
        festa, organization="isom", role="co-organiser", hours="12.5", people_reached="300",
        objectives=["values", "awareness"]))

    assert response.status_code == 302, response.context["adminform"].form.errors
    taking_part = Participation.objects.get()
    assert (taking_part.organization_id, taking_part.role, str(taking_part.hours),
            taking_part.people_reached, taking_part.objectives) == (
        "isom", "co-organiser", "12.50", 300, ["values", "awareness"])
    change = Change.objects.get(model="activity.participation")
    assert (change.action, change.actor_label) == ("create", "admin:coordinator")


@pytest.mark.parametrize("values, field", [
    ({"person": "anna", "organization": "isom"}, "person"),
    ({}, "person"),
    ({"organization": "isom", "on_behalf_of": "isom"}, "on_behalf_of"),
    ({"organization": "isom", "hours": "-3"}, "hours"),
    ({"organization": "isom", "role": "boss"}, "role"),
])
def test_the_admin_shows_the_rule_broken_next_to_its_field_and_writes_nothing(
    coordinator, festa, values, field
):
    response = coordinator.post(add_page(), posted(festa, **values))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Participation.objects.exists()
    assert not Change.objects.filter(model="activity.participation").exists()


def test_the_list_filters_by_role_and_names_the_participant(coordinator, festa):
    make(Participation, event=festa, organization_id="isom", role="organiser")
    make(Participation, event=festa, person_id="anna", on_behalf_of_id="isom", role="volunteer")

    page = reverse("admin:activity_participation_changelist")
    response = coordinator.get(page + "?role=volunteer")

    assert [p.person_id for p in response.context["cl"].result_list] == ["anna"]
    assert "Anna Exemple" in response.content.decode()


def test_a_role_of_another_publisher_survives_an_edit(coordinator, festa):
    taking_part = make(Participation, event=festa, organization_id="isom", role="host")
    page = reverse("admin:activity_participation_change", args=[taking_part.pk])
    form = coordinator.get(page).context["adminform"].form
    data = {name: ("" if form[name].value() is None else form[name].value())
            for name in form.fields}
    data["notes"] = "Va posar l'escenari."

    assert coordinator.post(page, data).status_code == 302
    taking_part.refresh_from_db()
    assert (taking_part.role, taking_part.notes) == ("host", "Va posar l'escenari.")


def test_participants_are_found_by_autocomplete(coordinator, festa):
    response = coordinator.get(reverse("admin:autocomplete") + "?app_label=activity"
                               "&model_name=participation&field_name=on_behalf_of&term=ISO")
    assert [r["id"] for r in response.json()["results"]] == ["isom"]
