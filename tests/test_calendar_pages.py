"""The events calendar: a month of weeks and a list, in the reader's language,
filtered by organisation and area, and only with the events the reader may see."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from xarxa.activity.models import Event

OCTOBER = "/events/?month=2025-10"


def page(client, url="/events/", **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def private_meeting(demo):
    """A meeting only ISOM's people may see."""
    return Event.objects.create(id="isom-reunio-interna", name="Reunió interna d'ISOM",
                                start_date="2025-10-14T10:00", organization_id="isom",
                                owner_id="isom", visibility="private")


def test_the_month_is_a_table_of_weeks_starting_on_monday_in_catalan(demo):
    html = page(Client(HTTP_ACCEPT_LANGUAGE="ca"), OCTOBER)
    assert "octubre" in html and "2025" in html
    headers = re.findall(r'<th scope="col">([^<]+)</th>', html)
    assert [h.lower() for h in headers] == ["dilluns", "dimarts", "dimecres", "dijous",
                                            "divendres", "dissabte", "diumenge"]
    # The 1st of October 2025 is a Wednesday: the first week opens on Monday the 29th of September.
    first_row = html.split("<tbody>")[1].split("</tr>")[0]
    days = re.findall(r'<span class="day-number">(\d+)</span>', first_row)
    assert days == ["29", "30", "1", "2", "3", "4", "5"]


def test_the_month_shows_the_public_events_on_their_days(demo, visitor):
    html = page(visitor, OCTOBER)
    assert "Festa Major" in html
    day_4 = html.split('<span class="day-number">4</span>')[1].split("</td>")[0]
    assert "Jocs i tallers infantils" in day_4 and "10:30" in day_4
    assert "September 2025" in html and "November 2025" in html  # the links to the months around


def test_previous_and_next_work_without_javascript_and_swap_the_month_with_htmx(demo, visitor):
    html = page(visitor, OCTOBER)
    assert 'href="?month=2025-09"' in html and 'hx-get="?month=2025-11"' in html
    swapped = page(visitor, "/events/?month=2025-11", HTTP_HX_REQUEST="true")
    assert "<h1>" not in swapped and 'id="calendar-month"' in swapped
    assert "November 2025" in swapped
    response = visitor.get(OCTOBER)
    assert "HX-Request" in response["Vary"]


def test_an_event_without_a_day_shows_in_its_month_and_one_without_a_month_in_its_year(demo, visitor):
    Event.objects.create(id="festa-octubre", name="Festa d'octubre", start_date="2025-10")
    Event.objects.create(id="memoria-2025", name="Memòria de l'any", start_date="2025")
    html = page(visitor, OCTOBER)
    month_line = html.split("This month, day not set:")[1].split("</p>")[0]
    assert "Festa d&#x27;octubre" in month_line
    year_line = html.split("In 2025, month not set:")[1].split("</p>")[0]
    assert "Memòria de l&#x27;any" in year_line
    listed = page(visitor, "/events/?view=list")
    assert "<h4>2025, month not set</h4>" in listed
    october = listed.split("<h4>October 2025</h4>")[1].split("</ul>")[0]
    assert "Festa d&#x27;octubre" in october


def test_the_list_shows_upcoming_events_first_then_past_ones(visitor, demo):
    today = timezone.localdate()
    soon = (today + dt.timedelta(days=3)).isoformat()
    Event.objects.create(id="aviat", name="Trobada que ve", start_date=soon)
    html = page(visitor, "/events/?view=list")
    upcoming, past = html.split("<h3>Upcoming</h3>")[1].split("<h3>Past</h3>")
    assert "Trobada que ve" in upcoming
    assert "Festa Major" in past and "Festa Major" not in upcoming


def test_the_list_is_paginated(demo, visitor, settings, monkeypatch):
    from xarxa.activity import calendar_views

    monkeypatch.setattr(calendar_views, "PAGE_SIZE", 5)
    first = page(visitor, "/events/?view=list")
    assert "Page 1" in first and "page=2" in first and "page=0" not in first
    second = page(visitor, "/events/?view=list&page=2")
    assert "Page 2" in second and "page=1" in second and "page=3" in second
    links = re.findall(r'<a href="(/events/[^"]+/)"', first + second)
    assert len(links) == len(set(links)) == 10  # no event twice, none skipped
    last = page(visitor, "/events/?view=list&page=5")
    assert "page=6" not in last


def test_dates_in_the_list_are_in_the_reader_s_language(demo):
    html = page(Client(HTTP_ACCEPT_LANGUAGE="ca"), "/events/?view=list")
    assert "octubre de 2025, 10:30–13:30" in html  # Django's Catalan date format
    assert "<h4>octubre del 2025</h4>" in html


def test_private_events_show_to_isom_s_people_only(private_meeting, visitor, isom_viewer,
                                                    other_editor, site_admin):
    for client, sees in ((visitor, False), (other_editor, False), (isom_viewer, True),
                         (site_admin, True)):
        for url in (OCTOBER, "/events/?view=list"):
            assert ("Reunió interna" in page(client, url)) is sees, (client.user, url)


def test_filtering_by_organisation_keeps_what_it_organises_joins_or_its_bodies_hold(demo, visitor):
    html = page(visitor, OCTOBER + "&org=isom")
    assert "Festa Major" in html  # ISOM co-organises it
    assert "Comissions" not in html or "fedaia-comissions" not in html
    fedaia = page(visitor, "/events/?view=list&org=fedaia")
    assert "Junta Directiva" in fedaia or "junta" in fedaia.lower()  # meetings of its bodies
    assert "Festa Major" not in fedaia


def test_filtering_by_area_includes_its_sub_areas(demo, visitor):
    district = page(visitor, "/events/?view=list&area=barcelona-district-09")
    barri = page(visitor, "/events/?view=list&area=barcelona-neighbourhood-62")
    assert "Festa Major" in district and "Festa Major" in barri
    other = page(visitor, "/events/?view=list&area=barcelona-district-01")
    assert "Festa Major" not in other


def test_an_organisation_the_reader_may_not_see_filters_to_nothing(visitor, demo):
    from xarxa.directory.models import Organization

    Organization.objects.filter(pk="isom").update(visibility="private")
    html = page(visitor, "/events/?view=list&org=isom")
    assert "No organisation or area you may see has that id." in html
    assert "Festa Major" not in html


def test_a_bad_month_falls_back_to_this_month(demo, visitor):
    html = page(visitor, "/events/?month=2025-13")
    assert timezone.localdate().strftime("%B") in html


@pytest.mark.parametrize("who", ["visitor", "isom_editor"])
def test_query_counts_of_the_calendar(who, request, demo, query_baseline):
    client = request.getfixturevalue(who)
    for name, url in (("month", OCTOBER), ("list", "/events/?view=list"),
                      ("month by organisation", OCTOBER + "&org=isom")):
        client.get(url)  # warm caches that are not the page's
        with query_baseline(f"GET /events/ {name} ({who})"):
            assert client.get(url).status_code == 200
