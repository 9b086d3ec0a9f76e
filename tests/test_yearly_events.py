"""Yearly events are easy to repeat: the Festa Major del Congrés comes back
every October, with its activities and its organisers, and nothing else."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from xarxa.activity.models import Campaign, Event, Participation
from xarxa.activity.repeat import edition_id, repeat, shift
from xarxa.core import writes
from xarxa.core.validation import InputError
from xarxa.directory.models import Organization, Person
from xarxa.history.models import Change
from xarxa.territory.models import Area

pytestmark = pytest.mark.django_db

SETUP = writes.Actor("test:setup")
ACTOR = writes.Actor("test:repeat")


def make(model, **values):
    return writes.create(model, values, actor=SETUP)


@pytest.fixture
def festa():
    barri = make(Area, id="el-congres", name="el Congrés i els Indians")
    isom = make(Organization, id="isom", name="ISOM")
    coordinadora = make(Organization, id="coordinadora", name="Coordinadora d'Entitats")
    campaign = make(Campaign, id="valors", name="Valors cooperatius", values=["solidarity"])
    festa = make(Event, id="festa-major-del-congres-2025", name="Festa Major del Congrés",
                 description="La festa del barri.", classification="festival",
                 start_date="2025-10-04T18:00", end_date="2025-10-12", area=barri,
                 location="Plaça del Congrés", organization=coordinadora, campaign=campaign,
                 yearly=True, status="held", identifiers=[{"identifier": "F-2025"}])
    cercavila = make(Event, id="cercavila-2025", name="Cercavila", classification="community activity",
                     start_date="2025-10-05T11:00", end_date="2025-10-05T13:00", parent=festa)
    make(Event, id="taller-de-gegants", name="Taller de gegants", parent=cercavila,
         start_date="2025-10-05")
    make(Participation, event=festa, organization=coordinadora, role="organiser", hours=40,
         people_reached=2000, notes="Tot el barri.")
    make(Participation, event=festa, organization=isom, role="co-organiser", hours=12,
         people_reached=300, objectives=["values"])
    anna = make(Person, id="anna", name="Anna")
    make(Participation, event=festa, person=anna, on_behalf_of=isom, role="participant", hours=3)
    make(Participation, event=cercavila, organization=isom, role="organiser", hours=2)
    return festa


def test_repeating_makes_that_years_edition_with_its_dates_moved_and_planned(festa):
    edition = repeat(festa, 2026, actor=ACTOR)

    assert edition.pk == "festa-major-del-congres-2026"
    assert (edition.start_date, edition.end_date) == ("2026-10-04T18:00", "2026-10-12")
    assert edition.status == "planned"
    assert edition.repeat_of_id == festa.pk
    for same in ("name", "description", "classification", "location", "area_id",
                 "organization_id", "campaign_id", "timezone", "yearly"):
        assert getattr(edition, same) == getattr(festa, same), same
    assert edition.identifiers == []  # the F-2025 file number was that year's


def test_an_edition_repeats_the_first_one_whichever_it_was_made_from(festa):
    second = repeat(festa, 2026, actor=ACTOR)
    third = repeat(second, 2027, actor=ACTOR)

    assert third.pk == "festa-major-del-congres-2027"
    assert third.repeat_of_id == festa.pk
    assert set(Event.objects.filter(repeat_of=festa).values_list("pk", flat=True)) == {
        "festa-major-del-congres-2026", "festa-major-del-congres-2027"}


def test_the_activities_it_holds_are_repeated_inside_the_new_edition(festa):
    edition = repeat(festa, 2026, actor=ACTOR)

    cercavila = Event.objects.get(parent=edition)
    assert (cercavila.pk, cercavila.start_date, cercavila.end_date) == (
        "cercavila-2026", "2026-10-05T11:00", "2026-10-05T13:00")
    assert cercavila.repeat_of_id == "cercavila-2025"
    taller = Event.objects.get(parent=cercavila)
    assert (taller.pk, taller.start_date, taller.repeat_of_id) == (
        "taller-de-gegants-2026", "2026-10-05", "taller-de-gegants")
    assert Event.objects.get(pk="cercavila-2025").parent_id == festa.pk  # last year's untouched


def test_organisers_are_copied_without_hours_or_reach_and_participants_are_not(festa):
    edition = repeat(festa, 2026, actor=ACTOR)

    copied = Participation.objects.filter(event=edition).order_by("role")
    assert [(p.organization_id, p.role, p.hours, p.people_reached, p.objectives, p.notes)
            for p in copied] == [
        ("isom", "co-organiser", None, None, ["values"], ""),
        ("coordinadora", "organiser", None, None, [], ""),
    ]
    assert [o.pk for o in edition.organisers()] == ["coordinadora", "isom"]
    assert Participation.objects.filter(event__pk="cercavila-2026").count() == 1
    assert not Participation.objects.filter(event=edition, person__isnull=False).exists()


def test_every_record_made_has_its_history_row_in_one_batch(festa):
    before = Change.objects.count()

    repeat(festa, 2026, actor=ACTOR)

    rows = Change.objects.filter(actor_label="test:repeat")
    assert Change.objects.count() - before == rows.count() == 3 + 3  # 3 events, 3 organisers
    assert {row.action for row in rows} == {"create"}
    assert len({row.batch for row in rows}) == 1


def test_a_29_february_becomes_the_28th_in_a_year_without_it():
    assert shift("2024-02-29", 1) == "2025-02-28"
    assert shift("2024-02-29T10:00", 4) == "2028-02-29T10:00"
    assert shift("2024-02", 1) == "2025-02"
    assert shift("2024", 2) == "2026"
    leap = make(Event, id="dia-de-traspas-2024", name="Dia de traspàs", start_date="2024-02-29")
    assert repeat(leap, 2025, actor=ACTOR).start_date == "2025-02-28"


def test_an_event_ending_the_next_year_keeps_its_length():
    cap = make(Event, id="cap-d-any", name="Cap d'any", start_date="2025-12-31T22:00",
               end_date="2026-01-01T02:00")
    edition = repeat(cap, 2026, actor=ACTOR)
    assert (edition.start_date, edition.end_date) == ("2026-12-31T22:00", "2027-01-01T02:00")


def test_an_id_without_a_year_gets_one_and_a_taken_id_is_not_reused():
    assert edition_id("festa-dels-indians", 2026) == "festa-dels-indians-2026"
    assert edition_id("festa-2025", 2026) == "festa-2026"
    assert edition_id("assemblea-12025", 2026) == "assemblea-12025-2026"
    assert edition_id("festa-2025-cercavila", 2026, 2025) == "festa-2026-cercavila"
    assert edition_id("festa-2025-cercavila", 2026) == "festa-2025-cercavila-2026"
    assert edition_id("festa-12025-x", 2026, 2025) == "festa-12025-x-2026"
    make(Event, id="festa-2026", name="Una altra festa")
    assert edition_id("festa-2025", 2026) == "festa-2026-2"


def test_a_year_that_already_has_its_edition_is_refused_and_nothing_is_written(festa):
    repeat(festa, 2026, actor=ACTOR)
    events, changes = Event.objects.count(), Change.objects.count()

    with pytest.raises(InputError) as refused:
        repeat(festa, 2026, actor=ACTOR)
    with pytest.raises(InputError):
        repeat(festa, 2025, actor=ACTOR)  # its own year

    assert [str(p) for p in refused.value.problems] == [
        "festa-major-del-congres-2025: already has its 2026 edition: festa-major-del-congres-2026"]
    assert (Event.objects.count(), Change.objects.count()) == (events, changes)


def test_an_event_without_a_start_date_cannot_be_repeated():
    undated = make(Event, id="trobada", name="Trobada", yearly=True)

    with pytest.raises(InputError) as refused:
        repeat(undated, 2026, actor=ACTOR)

    assert "has no start date" in str(refused.value)
    assert Event.objects.count() == 1


def test_a_time_the_clocks_skip_in_the_new_year_is_refused_and_nothing_is_written():
    # 02:30 on 30 March happened in 2024; in 2025 the clocks went from 02:00 to 03:00.
    night = make(Event, id="nit-2024", name="Nit", start_date="2024-03-30T02:30")
    make(Event, id="activitat", name="Activitat", parent=night, start_date="2024-03-29")
    changes = Change.objects.count()

    with pytest.raises(InputError) as refused:
        repeat(night, 2025, actor=ACTOR)

    assert "does not exist in Europe/Madrid" in str(refused.value)
    assert Event.objects.count() == 2 and Change.objects.count() == changes


# -- the command -------------------------------------------------------------------


def events(*args: str) -> str:
    out = StringIO()
    call_command("events", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_xarxa_events_repeat_makes_the_edition_of_one_event(festa):
    said = events("repeat", festa.pk, "--year", "2026")

    assert said.splitlines() == [
        "festa-major-del-congres-2025 → festa-major-del-congres-2026 (2026-10-04T18:00): "
        "2 activities, 3 organisers"]
    assert Event.objects.filter(pk="festa-major-del-congres-2026").exists()
    assert Change.objects.filter(object_id="festa-major-del-congres-2026").get().actor_label \
        .startswith("events:")


def test_a_dry_run_says_what_would_be_made_and_writes_nothing(festa):
    events_before, changes = Event.objects.count(), Change.objects.count()

    said = events("repeat", festa.pk, "--year", "2026", "--dry-run")

    assert "festa-major-del-congres-2026" in said
    assert said.splitlines()[-1] == "Dry run: nothing was written."
    assert (Event.objects.count(), Change.objects.count()) == (events_before, changes)


def test_without_an_event_every_yearly_series_without_that_years_edition_is_repeated(festa):
    indians_2024 = make(Event, id="festa-dels-indians", name="Festa dels Indians",
                        start_date="2024-09-27", yearly=True)
    make(Event, id="festa-dels-indians-2025", name="Festa dels Indians", start_date="2025-09-26",
         yearly=True, repeat_of=indians_2024)
    make(Event, id="assemblea-2025", name="Assemblea", start_date="2025-06")  # not yearly
    make(Event, id="sopar", name="Sopar", start_date="2026-01", yearly=True)  # has its 2026

    said = events("repeat", "--year", "2026")

    assert said.splitlines() == [
        "festa-dels-indians-2025 → festa-dels-indians-2026 (2026-09-26)",
        "festa-major-del-congres-2025 → festa-major-del-congres-2026 (2026-10-04T18:00): "
        "2 activities, 3 organisers",
    ]
    assert Event.objects.get(pk="festa-dels-indians-2026").repeat_of_id == "festa-dels-indians"
    assert not Event.objects.filter(pk="assemblea-2026").exists()
    assert events("repeat", "--year", "2026").splitlines() == [
        "Every yearly event already has its 2026 edition."]


def test_the_command_refuses_with_the_reason_on_stderr_and_writes_nothing(festa):
    make(Event, id="trobada", name="Trobada", yearly=True)
    events_before, changes = Event.objects.count(), Change.objects.count()
    err = StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("events", "repeat", "--year", "2026", stdout=StringIO(), stderr=err)

    assert refused.value.returncode == 2
    assert str(refused.value) == "Nothing was written: 1 problem(s) found."
    assert err.getvalue().splitlines() == [
        "trobada: has no start date: give it one, so that its edition of another year has one"]
    assert (Event.objects.count(), Change.objects.count()) == (events_before, changes)

    with pytest.raises(CommandError):
        call_command("events", "repeat", "no-such-event", "--year", "2026", stdout=StringIO(),
                     stderr=(err := StringIO()))
    assert err.getvalue().strip() == "no-such-event: no event has this id"


def test_xarxa_events_list_prints_a_table_filtered_by_organisation_area_year_and_kind(festa):
    make(Event, id="assemblea-fedaia", name="Assemblea de FEDAIA", classification="assembly",
         start_date="2024-05-10")

    everything = events("list").splitlines()
    assert everything[0].split() == ["START", "END", "STATUS", "CLASSIFICATION", "ID", "NAME"]
    # In order of start: a day comes before the times of that day.
    assert [line.split()[-1] for line in everything[2:]] == [
        "FEDAIA", "Congrés", "gegants", "Cercavila"]

    assert "assemblea-fedaia" not in events("list", "--year", "2025")
    assert [line.split("  ")[-1] for line in events("list", "--area", "el-congres").splitlines()[2:]] \
        == ["Festa Major del Congrés"]
    # ISOM co-organises the festa and organises the cercavila.
    isom = events("list", "--organization", "isom")
    assert "festa-major-del-congres-2025" in isom and "cercavila-2025" in isom
    assert "taller-de-gegants" not in isom
    assert events("list", "--classification", "assembly").count("\n") == 3
    assert events("list", "--year", "1999") == "No events.\n"

    with pytest.raises(CommandError):
        call_command("events", "list", "--organization", "nobody", stdout=StringIO(),
                     stderr=(err := StringIO()))
    assert err.getvalue().strip() == '--organization: no organisation has the id "nobody"'


# -- the admin ---------------------------------------------------------------------


def test_the_admin_action_repeats_the_selected_events_next_year(festa, client,
                                                                  django_user_model):
    client.force_login(django_user_model.objects.create_superuser("coordinator"))
    undated = make(Event, id="trobada", name="Trobada")

    response = client.post(reverse("admin:activity_event_changelist"), {
        "action": "repeat_next_year", "_selected_action": [festa.pk, undated.pk]})

    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("trobada: has no start date" in m for m in said)
    assert any("festa-major-del-congres-2026" in m for m in said)
    edition = Event.objects.get(pk="festa-major-del-congres-2026")
    assert Change.objects.get(object_id=edition.pk).actor_label == "admin:coordinator"
