"""An entity logs the hours it gives its networks in one short page: a
recent meeting (or any event it may see), who went, how long. Participations
are recorded and edited through the write path by those who keep them."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.page_forms import error_next_to, errors_of, form_data
from xarxa.activity.models import Participation
from xarxa.history.models import Change

LOG = reverse("log-hours")
COMMISSION = "fedaia-comissions-tecniques-2025-10-08"
ISOM_AT_THE_BOARD = "demo-participacio-16"  # a person of ISOM at FEDAIA's board, kept by ISOM


def hours(**values):
    return {"recent_event": "", "event": COMMISSION, "organization": "isom", "person": "",
            "on_behalf_of": "", "role": "participant", "hours": "3", "people_reached": "",
            "notes": "", "visibility": "public", "owner": "isom"} | values


def logged(event=COMMISSION):
    return Participation.objects.filter(event_id=event).exclude(pk__startswith="demo-")


def test_the_isom_editor_logs_three_hours_at_a_fedaia_commission_meeting(isom_editor):
    page = isom_editor.get(LOG)
    form = page.context["form"]
    assert COMMISSION in [value for value, __ in form.fields["recent_event"].choices]
    assert (form["organization"].value(), form["owner"].value()) == ("isom", "isom")

    response = isom_editor.post(LOG, hours(objectives=["networking"]))

    assert response.status_code == 302
    assert response["Location"] == reverse("organization", args=["isom"])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Logged 3 hours at Comissió tècnica de FEDAIA."]
    participation = logged().get()
    assert (participation.organization_id, participation.hours, participation.role,
            participation.objectives) == ("isom", 3, "participant", ["networking"])
    change = Change.objects.get(object_id=participation.pk)
    assert (change.action, change.actor_label) == ("create", "web:isom-editor")


def test_a_recent_meeting_is_chosen_from_the_short_list(isom_editor):
    response = isom_editor.post(LOG, hours(event="", recent_event=COMMISSION))

    assert response.status_code == 302
    assert logged().get().hours == 3


def test_one_of_its_people_goes_on_behalf_of_the_organisation(isom_editor):
    people = isom_editor.get(LOG).context["form"].fields["person"].choices
    assert "demo-persona-07" in [str(value) for value, __ in people]

    response = isom_editor.post(LOG, hours(person="demo-persona-07", hours="2.5"))

    assert response.status_code == 302
    participation = logged().get()
    assert (participation.person_id, participation.organization_id,
            participation.on_behalf_of_id, str(participation.hours)) == (
        "demo-persona-07", None, "isom", "2.50")


def test_hours_are_read_in_the_users_language(isom_editor):
    isom_editor.cookies["django_language"] = "ca"

    response = isom_editor.post(LOG, hours(hours="2,5"))

    assert response.status_code == 302
    assert str(logged().get().hours) == "2.50"


def test_the_event_comes_from_the_address(isom_editor):
    form = isom_editor.get(LOG + f"?event={COMMISSION}").context["form"]

    assert form["event"].value() == COMMISSION


@pytest.mark.parametrize(("values", "field", "says"), [
    ({"event": ""}, "event", "Choose the event"),
    ({"event": "no-such-event"}, "event", "Select a valid choice"),
    ({"hours": "-1"}, "hours", "from 0 to 99999"),
    ({"hours": "tres"}, "hours", "Enter a number"),
    ({"organization": ""}, "person", "one participant"),
], ids=["no-event", "unknown-event", "negative-hours", "hours-not-a-number", "nobody"])
def test_refused_hours_show_why_next_to_the_field(isom_editor, values, field, says):
    response = isom_editor.post(LOG, hours(**values))

    assert field in errors_of(response)
    assert says in error_next_to(response, field)
    assert not logged().exists()


def test_an_editor_of_another_entity_logs_only_for_its_own(other_editor):
    assert other_editor.get(LOG + "?organization=isom").status_code == 403
    page = other_editor.get(LOG)
    assert page.context["form"]["organization"].value() == "coordinadora-congres-indians"
    assert b"Gina Exemple" not in page.content

    response = other_editor.post(LOG, hours(organization="coordinadora-congres-indians"))

    assert "owner" in errors_of(response)
    assert not logged().exists()


def test_a_visitor_is_asked_to_sign_in_and_a_viewer_may_not_log(demo, visitor, isom_viewer):
    response = visitor.get(LOG)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert isom_viewer.get(LOG).status_code == 403
    assert isom_viewer.post(LOG, hours()).status_code == 403
    assert not logged().exists()


# -- the participation forms ----------------------------------------------------------


def test_a_participation_is_added_from_its_event(isom_editor):
    url = reverse("participation-new", args=[COMMISSION])
    assert isom_editor.get(url).context["form"]["organization"].value() == "isom"
    data = {k: v for k, v in hours(hours="2", people_reached="12").items()
            if k not in ("event", "recent_event")}

    response = isom_editor.post(url, data)

    assert response["Location"] == reverse("event", args=[COMMISSION])
    participation = logged().get()
    assert (participation.people_reached, participation.hours) == (12, 2)
    assert Change.objects.get(object_id=participation.pk).actor_label == "web:isom-editor"


def test_editing_a_participation_goes_through_the_write_path(isom_editor):
    url = reverse("participation-edit", args=[ISOM_AT_THE_BOARD])

    response = isom_editor.post(url, form_data(isom_editor, url) | {"hours": "4"})

    assert response.status_code == 302
    assert Participation.objects.get(pk=ISOM_AT_THE_BOARD).hours == 4
    assert Change.objects.get(object_id=ISOM_AT_THE_BOARD, action="update").actor_label == \
        "web:isom-editor"


def test_an_editor_of_another_entity_cannot_edit_isom_s_participation(other_editor):
    url = reverse("participation-edit", args=[ISOM_AT_THE_BOARD])

    assert other_editor.get(url).status_code == 403
    assert other_editor.post(url, hours(version=1)).status_code == 403
    assert Participation.objects.get(pk=ISOM_AT_THE_BOARD).version == 1


def test_an_editor_of_another_entity_is_not_shown_isom_s_person_in_the_form(site_admin,
                                                                           other_editor):
    # The coordinadora keeps its event's attendance list, not ISOM's people.
    page = other_editor.get(reverse("participation-edit", args=["demo-participacio-14"]))

    assert page.status_code == 200
    assert b"Hug Fictici" not in page.content
    assert b"a person you may not see" in page.content


def test_the_hours_forms_make_their_baseline_of_queries(isom_editor, query_baseline):
    for url in (LOG, reverse("participation-new", args=[COMMISSION]),
                reverse("participation-edit", args=[ISOM_AT_THE_BOARD])):
        isom_editor.get(url)
        with query_baseline(f"GET {url} (editor)"):
            assert isom_editor.get(url).status_code == 200
