"""Whoever writes through core.writes gets the importer's rules for the JSON
columns (names, identifiers, contacts, links, sources): nothing malformed is
stored, whatever the door."""

import pytest
from django.core.exceptions import ValidationError

from xarxa.core import writes
from xarxa.directory.models import Organization
from xarxa.history.models import Change

ACTOR = writes.Actor("test")


@pytest.mark.django_db
def test_a_malformed_source_or_identifier_is_refused_by_field_and_nothing_is_written():
    with pytest.raises(ValidationError) as refusal:
        writes.create(Organization, {"name": "X", "sources": [{"note": "no url"}],
                                     "identifiers": "F12345678"}, actor=ACTOR)
    assert refusal.value.message_dict == {
        "identifiers": ["must be a list"],
        "sources": ["0/url: is required and must be a string"],
    }
    assert not Organization.objects.exists() and not Change.objects.exists()


@pytest.mark.django_db
def test_an_update_cannot_break_the_shape_of_a_list_either():
    org = writes.create(Organization, {"id": "isom", "name": "ISOM"}, actor=ACTOR)
    with pytest.raises(ValidationError) as refusal:
        writes.update(org, {"links": [{"url": 42}]}, actor=ACTOR)
    assert refusal.value.message_dict == {"links": ["0/url: is required and must be a string"]}
    assert Organization.objects.get(pk="isom").links == []
    assert Change.objects.count() == 1  # the creation only
