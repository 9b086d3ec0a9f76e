"""A calendar feed carries only the events its reader may see: calendar
applications fetch without a session, so they get the public ones; a
private event, or one joined only through a private participation, stays
out; the feed of an organisation or an area the reader may not see is not found."""

from __future__ import annotations

import icalendar
from django.urls import reverse

from xarxa.activity.models import Event, Participation
from xarxa.core import writes
from xarxa.directory.models import Organization

SETUP = writes.Actor("test:setup")
XERRADA = "isom-sensibilitza-2025-xerrada"  # ISOM's own event
INDIANS = "festa-indians-2025-punt-informatiu"  # ISOM organised it, the coordinadora keeps it


def uids(client, url):
    response = client.get(url)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]).split("@")[0] for e in calendar.walk("VEVENT")}


def isom_feed():
    return reverse("organization-calendar", args=["isom"])


def test_an_anonymous_feed_carries_public_events_only(demo, visitor, isom_viewer):
    assert XERRADA in uids(visitor, isom_feed())
    writes.update(Event.objects.get(pk=XERRADA), {"visibility": "private"}, actor=SETUP)

    assert XERRADA not in uids(visitor, isom_feed())
    assert XERRADA not in uids(visitor, reverse("area-calendar",
                                                args=["barcelona-neighbourhood-62"]))
    assert XERRADA in uids(isom_viewer, isom_feed())


def test_an_event_for_signed_in_users_is_in_their_feed_only(demo, visitor, other_editor):
    writes.update(Event.objects.get(pk=XERRADA), {"visibility": "members"}, actor=SETUP)

    assert XERRADA not in uids(visitor, isom_feed())
    assert XERRADA in uids(other_editor, isom_feed())


def test_an_event_joined_through_a_private_participation_is_not_told(demo, visitor, isom_viewer):
    assert INDIANS in uids(visitor, isom_feed())
    writes.update(Participation.objects.get(pk="demo-participacio-10"),
                  {"visibility": "private"}, actor=SETUP)

    assert INDIANS not in uids(visitor, isom_feed())
    assert INDIANS in uids(isom_viewer, isom_feed())


def test_the_feed_of_a_private_organisation_is_not_found(demo, visitor, other_editor):
    isom = Organization.objects.get(pk="isom")
    writes.update(isom, {"visibility": "private"}, actor=SETUP)

    assert visitor.get(isom_feed()).status_code == 404
    assert other_editor.get(isom_feed()).status_code == 404


def test_readers_who_see_differently_get_different_versions(demo, visitor, isom_viewer):
    public = visitor.get(isom_feed())
    signed_in = isom_viewer.get(isom_feed())

    assert public["ETag"] != signed_in["ETag"]
    assert signed_in["Cache-Control"] == "private"
    # A visitor's cached copy is not taken for what a signed-in reader may see.
    again = isom_viewer.get(isom_feed(), HTTP_IF_NONE_MATCH=public["ETag"])
    assert again.status_code == 200
