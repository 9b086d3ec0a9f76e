"""Awareness campaigns promote some of the six cooperative values and address
themes of an editable list; their actions are events, and their reach is the
people those actions (and the activities they hold) reached."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from xarxa.activity.models import Campaign, Event, Participation, Reach, Theme
from xarxa.core import writes
from xarxa.directory.models import Organization
from xarxa.history.models import Change

pytestmark = pytest.mark.django_db

SETUP = writes.Actor("test:setup")


def make(model, **values):
    return writes.create(model, values, actor=SETUP)


@pytest.fixture
def themes():
    return [make(Theme, id="entorn", name="La protecció de l'entorn"),
            make(Theme, id="ocupacio", name="La creació d'ocupació")]


@pytest.fixture
def campaign(themes):
    isom = make(Organization, id="isom", name="ISOM")
    return make(Campaign, id="isom-sensibilitza", name="ISOM sensibilitza", organization=isom,
                start_date="2025", values=["democracy", "solidarity"], themes=["entorn"])


# -- values and themes ------------------------------------------------------------------


def test_the_values_are_the_six_of_the_cooperative_identity():
    assert Campaign.Value.values == ["self-help", "self-responsibility", "democracy",
                                     "equality", "equity", "solidarity"]


def test_a_value_outside_the_six_is_refused_and_nothing_written(themes):
    with pytest.raises(ValidationError) as refused:
        make(Campaign, name="Campanya", values=["solidarity", "love"])

    assert list(refused.value.message_dict) == ["values"]
    assert "1: must be one of: self-help" in refused.value.message_dict["values"][0]
    assert not Campaign.objects.exists()
    assert not Change.objects.filter(model="activity.campaign").exists()


def test_an_unknown_theme_is_refused(themes):
    with pytest.raises(ValidationError) as refused:
        make(Campaign, name="Campanya", themes=["entorn", "pobresa"])

    assert refused.value.message_dict == {"themes": ['1: no theme has the id "pobresa"']}
    assert not Campaign.objects.exists()


def test_a_theme_a_campaign_names_cannot_be_deleted_and_another_can(campaign, themes):
    entorn, ocupacio = themes

    with pytest.raises(ValidationError) as refused:
        writes.delete(entorn, actor=SETUP)

    assert refused.value.messages == [
        "La protecció de l'entorn cannot be deleted while other records point to it "
        "(awareness campaigns)"]
    assert Theme.objects.filter(pk="entorn").exists()
    assert not Change.objects.filter(action="delete").exists()

    writes.delete(ocupacio, actor=SETUP)
    assert not Theme.objects.filter(pk="ocupacio").exists()


def test_a_theme_whose_id_is_only_part_of_another_named_can_be_deleted(campaign):
    # "entorn" is named; "ento" only appears inside it.
    ento = make(Theme, id="ento", name="Ento")
    writes.delete(ento, actor=SETUP)
    assert not Theme.objects.filter(pk="ento").exists()


# -- reach --------------------------------------------------------------------------------


def test_the_reach_adds_up_the_people_its_actions_and_their_activities_reached(campaign):
    isom = Organization.objects.get(pk="isom")
    festa = make(Event, id="festa", name="Festa", campaign=campaign)
    punt = make(Event, id="punt", name="Punt informatiu", parent=festa)
    # An activity marked with the campaign too is counted once.
    taller = make(Event, id="taller", name="Taller", parent=punt, campaign=campaign)
    xerrada = make(Event, id="xerrada", name="Xerrada", campaign=campaign)
    other = make(Event, id="other", name="Not an action")
    for event, people in ((festa, 100), (punt, 40), (taller, 5), (xerrada, None), (other, 1000)):
        make(Participation, event=event, organization=isom, people_reached=people)
    make(Participation, event=xerrada, organization=isom, people_reached=30)

    assert campaign.reach() == Reach(actions=3, people=175)
    assert make(Campaign, name="Empty").reach() == Reach(actions=0, people=0)


# -- the admin ---------------------------------------------------------------------------


@pytest.fixture
def coordinator(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("coordinator"))
    return client


def test_the_admin_offers_values_and_themes_as_checkboxes(coordinator, themes):
    page = reverse("admin:activity_campaign_add")
    html = coordinator.get(page).content.decode()
    assert 'type="checkbox" name="values" value="self-responsibility"' in html
    assert 'type="checkbox" name="themes" value="ocupacio"' in html

    response = coordinator.post(page, {
        "id": "", "name": "Valors", "description": "", "organization": "", "start_date": "2026",
        "end_date": "", "values": ["solidarity", "self-help"], "themes": ["ocupacio", "entorn"],
        "links": "[]", "sources": "[]", "extra": "{}", "visibility": "public"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign = Campaign.objects.get()
    assert (campaign.values, campaign.themes) == (["self-help", "solidarity"],
                                                 ["ocupacio", "entorn"])
    assert Change.objects.get(model="activity.campaign").after["values"] == [
        "self-help", "solidarity"]


def test_the_admin_refuses_a_value_it_does_not_offer(coordinator, themes):
    response = coordinator.post(reverse("admin:activity_campaign_add"), {
        "name": "Valors", "values": ["love"], "links": "[]", "sources": "[]", "extra": "{}"})

    assert response.status_code == 200
    assert "values" in response.context["adminform"].form.errors
    assert not Campaign.objects.exists()


def test_the_page_of_a_campaign_lists_its_actions_and_reach(coordinator, campaign):
    festa = make(Event, id="festa", name="Festa dels Indians", campaign=campaign)
    make(Participation, event=festa, organization_id="isom", people_reached=180)

    html = coordinator.get(reverse("admin:activity_campaign_change", args=[campaign.pk])) \
        .content.decode()

    assert reverse("admin:activity_event_change", args=["festa"]) in html
    assert "180 people reached by 1 action" in html
    listed = coordinator.get(reverse("admin:activity_campaign_changelist")).content.decode()
    assert "democracy, solidarity" in listed and "La protecció de l&#x27;entorn" in listed


# -- the command -------------------------------------------------------------------------


def campaigns(*args: str) -> str:
    out = StringIO()
    call_command("campaigns", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_xarxa_campaigns_lists_values_themes_actions_and_reach(campaign):
    festa = make(Event, id="festa", name="Festa", campaign=campaign)
    make(Participation, event=festa, organization_id="isom", people_reached=180)
    make(Campaign, id="other", name="Other", organization=make(Organization, id="o", name="O"))

    assert campaigns("--organization", "isom").splitlines() == [
        "isom-sensibilitza  ISOM sensibilitza  (2025 – …)",
        "  run by: ISOM",
        "  values: democracy, solidarity",
        "  themes: La protecció de l'entorn",
        "  actions: 1, people reached: 180",
    ]
    assert "Other" in campaigns()


def test_xarxa_campaigns_names_the_values_in_the_users_language(campaign):
    with translation.override("ca"):
        said = campaigns()
        words = [str(Campaign.Value.DEMOCRACY.label), str(Campaign.Value.SOLIDARITY.label)]
    assert ", ".join(words) in said


def test_xarxa_campaigns_refuses_an_unknown_organisation(campaign):
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("campaigns", "--organization", "nobody", stdout=StringIO(), stderr=err)
    assert refused.value.returncode == 2
    assert err.getvalue().strip() == '--organization: no organisation has the id "nobody"'
