"""The lookup boxes of the forms offer only what the person may see."""

from django.urls import reverse

from xarxa.core.writes import Actor, update
from xarxa.directory.models import Organization


def options(client, collection: str, typed: str) -> str:
    response = client.get(reverse("lookup", args=[collection]), {"q": typed})
    assert response.status_code == 200
    return response.content.decode()


def test_organisations_are_found_without_accents(demo, visitor):
    assert 'value="coordinadora-congres-indians"' in options(visitor, "organizations", "congres")


def test_events_are_found_by_a_word_as_typed_and_show_their_date(demo, visitor):
    found = options(visitor, "events", "comissió")
    assert 'value="fedaia-comissions-tecniques-2025-10-08"' in found
    assert "2025" in found


def test_a_private_organisation_is_offered_only_to_its_own_people(visitor, isom_viewer):
    update(Organization.objects.get(pk="isom"), {"visibility": "private"}, actor=Actor("test"))

    assert 'value="isom"' not in options(visitor, "organizations", "isom")
    assert 'value="isom"' in options(isom_viewer, "organizations", "isom")


def test_people_are_private_unless_one_keeps_them(visitor, isom_editor, other_editor):
    assert "demo-persona" not in options(visitor, "persons", "Exemple")
    assert "demo-persona" not in options(other_editor, "persons", "Exemple")
    assert "demo-persona" in options(isom_editor, "persons", "Exemple")


def test_an_unknown_collection_is_not_found(visitor):
    assert visitor.get(reverse("lookup", args=["users"])).status_code == 404
