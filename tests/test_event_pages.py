"""An event's page says what, when (in the reader's language, in the event's
own time zone), where, whose, and who took part — as far as the reader may
see: a private event is not found, a private person is "a person". Events
are recorded and edited through the write path by those who keep them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.page_forms import error_next_to, errors_of, form_data
from xarxa.activity.models import Event, Participation
from xarxa.core import writes
from xarxa.directory.models import Organization
from xarxa.history.models import Change

SETUP = writes.Actor("test:setup")
JOCS = "festa-major-congres-2025-jocs-infantils"
ESPAI_JOVE = "festa-major-congres-2025-espai-jove"  # a person of ISOM volunteered there
FESTA = "festa-major-congres-2025"
XERRADA = "isom-sensibilitza-2025-xerrada"  # kept by ISOM
NEW = reverse("event-new")


def page(client, pk):
    return client.get(reverse("event", args=[pk]))


def make_private(record):
    return writes.update(record, {"visibility": "private"}, actor=SETUP)


def event_form(**values):
    return {"name": "Assemblea oberta", "classification": "assembly", "description": "",
            "start_date": "2026-03-10T18:00", "end_date": "2026-03-10T20:00", "timezone": "",
            "location": "Casal", "area": "", "organization": "isom", "parent": "", "campaign": "",
            "status": "", "visibility": "public", "owner": "isom"} | values


# -- the page -------------------------------------------------------------------


def test_an_event_page_says_what_when_where_whose_and_who_took_part(demo, visitor):
    response = page(visitor, JOCS)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Jocs i tallers infantils</h1>" in html
    assert "Oct. 4, 2025, 10:30 a.m.–1:30 p.m." in html
    assert "Plaça del barri" in html
    assert reverse("organization", args=["coordinadora-congres-indians"]) in html
    assert reverse("event", args=[FESTA]) in html  # the festival it is part of
    assert "co-organiser" in html and ">80<" in html  # ISOM reached 80 people


def test_when_is_written_in_the_readers_language(demo, visitor):
    visitor.cookies["django_language"] = "ca"

    html = page(visitor, JOCS).content.decode()

    assert "4 d&#x27;octubre de 2025, 10:30–13:30" in html


def test_times_are_the_events_own_in_its_time_zone(demo, visitor):
    writes.create(Event, {"id": "london", "name": "Trobada a Londres", "timezone": "Europe/London",
                          "start_date": "2025-10-04T18:00", "end_date": "2025-10-05T11:00"},
                  actor=SETUP)

    html = page(visitor, "london").content.decode()

    assert "Oct. 4, 2025, 6 p.m. – Oct. 5, 2025, 11 a.m. (Europe/London)" in html


def test_a_festival_lists_its_activities_and_campaign_actions_link_their_campaign(demo, visitor):
    html = page(visitor, FESTA).content.decode()
    assert reverse("event", args=[JOCS]) in html

    html = page(visitor, XERRADA).content.decode()
    assert reverse("campaign", args=["isom-sensibilitza"]) in html


def test_a_person_is_named_only_to_whom_may_see_them(demo, visitor, other_editor, isom_viewer):
    for client in (visitor, other_editor):
        html = page(client, ESPAI_JOVE).content.decode()
        assert "Hug Fictici" not in html
        assert "a person" in html and "on behalf of ISOM" in html

    assert "Hug Fictici Prova" in page(isom_viewer, ESPAI_JOVE).content.decode()


def test_a_private_event_is_not_found_by_whom_may_not_see_it(demo, visitor, other_editor,
                                                             isom_viewer):
    make_private(Event.objects.get(pk=XERRADA))

    assert page(visitor, XERRADA).status_code == 404
    assert page(other_editor, XERRADA).status_code == 404
    assert page(isom_viewer, XERRADA).status_code == 200
    assert other_editor.get(reverse("event-edit", args=[XERRADA])).status_code == 404


def test_private_activities_participations_and_organisations_do_not_show(demo, visitor,
                                                                        other_editor):
    make_private(Event.objects.get(pk=JOCS))
    make_private(Participation.objects.get(pk="demo-participacio-05"))  # ISOM co-organised
    coordinadora = Organization.objects.get(pk="coordinadora-congres-indians")
    writes.update(coordinadora, {"visibility": "private", "owner_id": "coordinadora-congres-indians"},
                  actor=SETUP)

    html = page(visitor, FESTA).content.decode()

    assert "Jocs i tallers" not in html
    assert "Coordinadora" not in html
    assert reverse("organization", args=["isom"]) not in html
    # The coordinadora keeps the activity, and sees it.
    assert "Jocs i tallers" in page(other_editor, FESTA).content.decode()


def test_edit_links_show_to_those_who_may_edit(demo, isom_editor, other_editor, visitor):
    edit = reverse("event-edit", args=[XERRADA])
    assert edit in page(isom_editor, XERRADA).content.decode()
    assert edit not in page(other_editor, XERRADA).content.decode()
    html = page(visitor, XERRADA).content.decode()
    assert edit not in html and reverse("log-hours") not in html


@pytest.mark.parametrize("who", ["visitor", "isom_editor"])
def test_the_event_page_makes_its_baseline_of_queries(demo, who, request, query_baseline):
    client = request.getfixturevalue(who)
    url = reverse("event", args=[FESTA])
    client.get(url)
    with query_baseline(f"GET {url} ({who})"):
        assert client.get(url).status_code == 200


# -- the forms ------------------------------------------------------------------


def test_the_isom_editor_records_an_event(isom_editor):
    response = isom_editor.post(NEW, event_form())

    assert response.status_code == 302
    event = Event.objects.get(name="Assemblea oberta")
    assert response["Location"] == reverse("event", args=[event.pk])
    assert (event.start_date, event.classification, event.owner_id) == (
        "2026-03-10T18:00", "assembly", "isom")
    assert Change.objects.get(object_id=event.pk).actor_label == "web:isom-editor"


def test_a_new_activity_is_filled_in_from_its_festival(isom_editor):
    form = isom_editor.get(NEW + f"?parent={FESTA}").context["form"]

    assert form["parent"].value() == FESTA
    assert form["area"].value() == "barcelona-neighbourhood-62"
    assert form["owner"].value() == "isom"  # the coordinadora's festival, ISOM's activity


def test_editing_an_event_goes_through_the_write_path(isom_editor):
    url = reverse("event-edit", args=[XERRADA])

    response = isom_editor.post(url, form_data(isom_editor, url) | {"location": "Casal de barri"})

    assert response.status_code == 302
    assert Event.objects.get(pk=XERRADA).location == "Casal de barri"
    assert Change.objects.get(object_id=XERRADA, action="update").actor_label == "web:isom-editor"


@pytest.mark.parametrize(("values", "field", "says"), [
    ({"end_date": "2026-03-10T17:00"}, "end_date", "is before the start"),
    ({"start_date": "10/03/2026 18:00"}, "start_date", "is not a date"),
    ({"timezone": "Europe/Sant_Andreu"}, "timezone", "is not a time zone"),
    ({"name": ""}, "name", "required"),
], ids=["end-before-start", "unknown-date-format", "unknown-zone", "no-name"])
def test_a_refused_event_shows_why_next_to_the_field(isom_editor, values, field, says):
    response = isom_editor.post(NEW, event_form(**values))

    assert field in errors_of(response)
    assert says in error_next_to(response, field)
    assert not Event.objects.filter(name="Assemblea oberta").exists()


def test_an_editor_of_another_entity_cannot_edit_isom_s_event(other_editor):
    url = reverse("event-edit", args=[XERRADA])

    assert other_editor.get(url).status_code == 403
    assert other_editor.post(url, event_form(version=1)).status_code == 403
    assert other_editor.post(reverse("event-repeat", args=[XERRADA])).status_code == 403
    assert Event.objects.get(pk=XERRADA).version == 1


def test_an_editor_of_another_entity_cannot_make_isom_the_owner(other_editor):
    response = other_editor.post(NEW, event_form(owner="isom"))

    assert "owner" in errors_of(response)
    assert not Event.objects.filter(name="Assemblea oberta").exists()


def test_a_visitor_is_asked_to_sign_in_and_a_viewer_may_not_record(demo, visitor, isom_viewer):
    for url in (NEW, reverse("event-edit", args=[XERRADA])):
        response = visitor.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert isom_viewer.get(url).status_code == 403
        assert isom_viewer.post(url, event_form()).status_code == 403


def test_a_yearly_event_is_repeated_next_year_from_its_page(isom_editor):
    xerrada = writes.update(Event.objects.get(pk=XERRADA), {"yearly": True}, actor=SETUP)
    repeat = reverse("event-repeat", args=[XERRADA])
    assert repeat in page(isom_editor, XERRADA).content.decode()

    response = isom_editor.post(repeat)

    edition = Event.objects.get(repeat_of=xerrada)
    assert response["Location"] == reverse("event", args=[edition.pk])
    assert (edition.start_date, edition.owner_id, edition.visibility) == (
        "2026-11-20T18:30", "isom", "public")
    assert Change.objects.get(object_id=edition.pk).actor_label == "web:isom-editor"

    again = isom_editor.post(repeat, follow=True)
    assert "already has its 2026 edition" in again.content.decode()
    assert Event.objects.filter(repeat_of=xerrada).count() == 1


def test_only_yearly_events_offer_to_be_repeated(isom_editor):
    assert reverse("event-repeat", args=[XERRADA]) not in page(isom_editor, XERRADA).content.decode()


def test_the_event_forms_make_their_baseline_of_queries(isom_editor, query_baseline):
    for url in (NEW + f"?organization=isom&parent={FESTA}", reverse("event-edit", args=[XERRADA])):
        isom_editor.get(url)
        with query_baseline(f"GET {url} (editor)"):
            assert isom_editor.get(url).status_code == 200
