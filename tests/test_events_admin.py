"""Events in the admin: added, changed and deleted through the write path with
their history; a date and time typed as people type it; a malformed time or
an end before the start shown next to its field with nothing written; the
page of an event lists its participations and activities."""

from __future__ import annotations

import datetime as dt

import pytest
from admin_forms import errors_of, form_data
from django.urls import reverse

from xarxa.activity.models import Campaign, Event, Participation
from xarxa.core import writes
from xarxa.directory.models import Organization, Person
from xarxa.history.models import Change
from xarxa.territory.models import Area

pytestmark = pytest.mark.django_db

SETUP = writes.Actor("test:setup")


def make(model, **values):
    return writes.create(model, values, actor=SETUP)


def url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def coordinator(client, django_user_model):
    user = django_user_model.objects.create_superuser("coordinator")
    client.force_login(user)
    return client




@pytest.fixture
def festa():
    coordinadora = make(Organization, id="coordinadora", name="Coordinadora d'Entitats")
    return make(Event, id="festa-major-2025", name="Festa Major del Congrés",
                classification="festival", start_date="2025-10-03", end_date="2025-10-12",
                organization=coordinadora)


# -- add, change, delete -------------------------------------------------------------


def test_adding_an_event_with_a_date_and_time_as_people_type_it(coordinator):
    page = url(Event, "add")
    data = form_data(coordinator, page)
    data.update(name="Cercavila", classification="community activity",
                start_date="2025-10-04 18:00", end_date="2025-10-04T20:30:00+02:00")

    response = coordinator.post(page, data)

    assert response.status_code == 302, errors_of(response)
    event = Event.objects.get()
    assert (event.pk, event.start_date, event.end_date) == (
        "cercavila", "2025-10-04T18:00", "2025-10-04T20:30")
    change = Change.objects.get()
    assert (change.action, change.object_id, change.actor_label) == (
        "create", "cercavila", "admin:coordinator")
    assert change.after["start_date"] == "2025-10-04T18:00+02:00"  # Popolo's form


def test_the_time_fields_say_how_to_write_a_time(coordinator):
    html = coordinator.get(url(Event, "add")).content.decode()
    assert 'placeholder="YYYY-MM-DD HH:MM"' in html
    assert "2025-10-04 18:00" in html  # the help text's example


def test_changing_an_event_records_before_and_after(coordinator, festa):
    page = url(Event, "change", festa.pk)
    data = form_data(coordinator, page)
    data["location"] = "Plaça del Congrés"

    response = coordinator.post(page, data)

    assert response.status_code == 302, errors_of(response)
    change = Change.objects.filter(action="update").get()
    assert change.changed_keys() == ["location"]
    assert change.after["location"] == "Plaça del Congrés"


def test_saving_an_untouched_event_writes_no_history(coordinator, festa):
    page = url(Event, "change", festa.pk)
    assert coordinator.post(page, form_data(coordinator, page)).status_code == 302
    assert not Change.objects.filter(action="update").exists()


def test_deleting_an_event_leaves_a_history_row_and_one_with_participations_is_refused(
    coordinator, festa
):
    alone = make(Event, id="trobada", name="Trobada")
    response = coordinator.post(url(Event, "delete", alone.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Event.objects.filter(pk="trobada").exists()
    assert Change.objects.filter(action="delete", object_id="trobada").exists()

    make(Participation, event=festa, organization_id="coordinadora", role="organiser")
    coordinator.post(url(Event, "delete", festa.pk), {"post": "yes"})
    assert Event.objects.filter(pk=festa.pk).exists()
    assert not Change.objects.filter(action="delete", object_id=festa.pk).exists()


# -- refusing --------------------------------------------------------------------------


@pytest.mark.parametrize("field, value, says", [
    ("start_date", "2025-10-04 25:00", "is not a time of the calendar"),
    ("start_date", "4/10/2025", "is not a date (YYYY, YYYY-MM, YYYY-MM-DD)"),
    ("end_date", "2025-10-02", "the end 2025-10-02 is before the start 2025-10-03"),
    ("end_date", "2025-10-03T09:00", None),  # the same day as a date: fine
    ("timezone", "Europe/Gotham", "is not a time zone"),
    ("start_date", "2026-03-29T02:30", "does not exist in Europe/Madrid"),
])
def test_a_malformed_time_or_an_end_before_its_start_is_shown_next_to_it_and_nothing_written(
    coordinator, festa, field, value, says
):
    page = url(Event, "change", festa.pk)
    data = form_data(coordinator, page)
    if field == "start_date" and says and "exist" in says:
        data["end_date"] = ""
    data[field] = value
    changes = Change.objects.count()

    response = coordinator.post(page, data)

    if says is None:
        assert response.status_code == 302, errors_of(response)
        return
    assert response.status_code == 200
    assert says in " ".join(errors_of(response)[field])
    festa.refresh_from_db()
    assert (festa.start_date, festa.end_date, festa.version) == ("2025-10-03", "2025-10-12", 1)
    assert Change.objects.count() == changes


# -- the page of an event ----------------------------------------------------------------


def test_the_page_of_an_event_lists_its_participations_and_activities_with_links(
    coordinator, festa
):
    isom = make(Organization, id="isom", name="ISOM")
    anna = make(Person, id="anna", name="Anna Exemple")
    organiser = make(Participation, event=festa, organization=isom, role="co-organiser",
                     hours=12, people_reached=300)
    make(Participation, event=festa, person=anna, on_behalf_of=isom, role="volunteer")
    make(Event, id="cercavila", name="Cercavila <b>", parent=festa, start_date="2025-10-04")

    html = coordinator.get(url(Event, "change", festa.pk)).content.decode()

    assert url(Participation, "change", organiser.pk) in html
    assert "Anna Exemple" in html and "volunteer" in html and "300" in html
    assert url(Event, "change", "cercavila") in html
    assert "Cercavila &lt;b&gt;" in html  # user text escaped
    assert f'{url(Participation, "add")}?event={festa.pk}' in html


def test_adding_a_participation_from_the_event_page_starts_with_that_event(coordinator, festa):
    response = coordinator.get(url(Participation, "add") + f"?event={festa.pk}")
    assert response.context["adminform"].form["event"].value() == festa.pk


# -- the list ---------------------------------------------------------------------------


@pytest.fixture
def calendar(festa):
    today = dt.date.today()
    barri = make(Area, id="el-congres", name="el Congrés")
    campaign = make(Campaign, id="valors", name="Valors cooperatius")
    isom = make(Organization, id="isom", name="ISOM")
    past = make(Event, id="past", name="Past assembly", start_date=str(today.year - 2),
                area=barri, campaign=campaign, parent=festa)
    make(Participation, event=past, organization=isom, role="organiser")
    make(Event, id="now", name="Under way", start_date=f"{today.isoformat()}T00:00")
    make(Event, id="later", name="To come", start_date=str(today.year + 2))
    make(Event, id="called-off", name="Called off", start_date=str(today.year + 2),
         status="cancelled")
    make(Event, id="undated", name="Undated")


def ids_listed(client, query: str = "") -> set[str]:
    response = client.get(url(Event, "changelist") + query)
    assert response.status_code == 200
    return {e.pk for e in response.context["cl"].result_list}


def test_the_list_shows_status_organisers_campaign_and_parent(coordinator, calendar):
    html = coordinator.get(url(Event, "changelist")).content.decode()
    for column in ("status", "organisers", "action of the campaign", "part of"):
        assert column.lower() in html.lower(), column
    assert "Valors cooperatius" in html and "ISOM" in html and "held" in html


def test_the_list_filters_by_dates_status_area_and_body(coordinator, calendar):
    assert ids_listed(coordinator, "?today=current") == {"now"}
    assert ids_listed(coordinator, "?today=ended") >= {"past"}
    assert "now" not in ids_listed(coordinator, "?today=ended")
    assert ids_listed(coordinator, "?today=future") == {"later", "called-off"}
    festa_over = dt.date.today() > dt.date(2025, 10, 12)
    assert ids_listed(coordinator, "?status=held") == (
        {"past", "festa-major-2025"} if festa_over else {"past"})
    assert ids_listed(coordinator, "?status=cancelled") == {"called-off"}
    assert {"later", "now", "undated"} <= ids_listed(coordinator, "?status=planned")
    assert ids_listed(coordinator, "?area=el-congres") == {"past"}
    assert ids_listed(coordinator, "?organization=coordinadora") == {"festa-major-2025"}
    assert ids_listed(coordinator, "?classification=festival") == {"festa-major-2025"}


def test_events_are_found_by_autocomplete(coordinator, festa):
    response = coordinator.get(reverse("admin:autocomplete") + "?app_label=activity"
                               "&model_name=participation&field_name=event&term=Congr")
    assert [r["id"] for r in response.json()["results"]] == [festa.pk]
