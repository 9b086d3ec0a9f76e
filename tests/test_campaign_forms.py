"""A campaign's page shows what it promotes, its themes, its actions and
what they reached, as far as the reader may see; campaigns are recorded and
edited through the write path, values and themes ticked from their lists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.page_forms import error_next_to, errors_of, form_data
from xarxa.activity.models import Campaign, Event, Participation
from xarxa.core import writes
from xarxa.history.models import Change

SETUP = writes.Actor("test:setup")
CAMPAIGN = "isom-sensibilitza"
NEW = reverse("campaign-new")


def campaign_form(**values):
    return {"name": "Cooperem", "description": "", "organization": "isom", "start_date": "2026",
            "end_date": "", "values": ["democracy", "solidarity"],
            "themes": ["creacio-ocupacio"], "visibility": "public", "owner": "isom"} | values


def test_a_campaign_page_shows_its_values_themes_and_actions_with_their_reach(demo, visitor):
    response = visitor.get(reverse("campaign", args=[CAMPAIGN]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>ISOM sensibilitza</h1>" in html
    assert "self-responsibility" in html and "solidarity" in html
    assert "Job creation" in html  # the theme's name in the reader's language
    assert reverse("event", args=["isom-sensibilitza-2025-xerrada"]) in html
    actions = {row["event"].pk: row["people"] for row in response.context["actions"]}
    assert actions == {"festa-indians-2025-punt-informatiu": 120,
                       "festa-major-congres-2025-taller-cooperatiu": 25,
                       "isom-sensibilitza-2025-xerrada": 35}
    assert response.context["total_people"] == 180


def test_the_reach_counts_the_activities_an_action_holds(demo, visitor):
    writes.create(Event, {"id": "xerrada-taller", "name": "Taller després de la xerrada",
                          "parent_id": "isom-sensibilitza-2025-xerrada"}, actor=SETUP)
    writes.create(Participation, {"event_id": "xerrada-taller", "organization_id": "isom",
                                  "people_reached": 10, "hours": 1}, actor=SETUP)

    response = visitor.get(reverse("campaign", args=[CAMPAIGN]))

    assert response.context["total_people"] == 190


def test_what_the_reader_may_not_see_does_not_count(demo, visitor, isom_viewer):
    xerrada = Event.objects.get(pk="isom-sensibilitza-2025-xerrada")
    writes.update(xerrada, {"visibility": "private"}, actor=SETUP)
    writes.update(Participation.objects.get(pk="demo-participacio-10"),
                  {"visibility": "private"}, actor=SETUP)

    html = visitor.get(reverse("campaign", args=[CAMPAIGN])).content.decode()
    seen = visitor.get(reverse("campaign", args=[CAMPAIGN])).context

    assert "Xerrada" not in html
    assert seen["total_people"] == 25
    assert isom_viewer.get(reverse("campaign", args=[CAMPAIGN])).context["total_people"] == 180


def test_a_private_campaign_is_not_found_by_whom_may_not_see_it(demo, visitor, other_editor,
                                                                isom_viewer):
    writes.update(Campaign.objects.get(pk=CAMPAIGN), {"visibility": "private"}, actor=SETUP)

    assert visitor.get(reverse("campaign", args=[CAMPAIGN])).status_code == 404
    assert other_editor.get(reverse("campaign", args=[CAMPAIGN])).status_code == 404
    assert isom_viewer.get(reverse("campaign", args=[CAMPAIGN])).status_code == 200


def test_the_isom_editor_records_a_campaign_ticking_values_and_themes(isom_editor):
    form = isom_editor.get(NEW).context["form"]
    assert [v for v, __ in form.fields["values"].choices] == [
        "self-help", "self-responsibility", "democracy", "equality", "equity", "solidarity"]
    assert len(form.fields["themes"].choices) == 4

    response = isom_editor.post(NEW, campaign_form())

    campaign = Campaign.objects.get(name="Cooperem")
    assert response["Location"] == reverse("campaign", args=[campaign.pk])
    assert (campaign.values, campaign.themes, campaign.owner_id) == (
        ["democracy", "solidarity"], ["creacio-ocupacio"], "isom")
    assert Change.objects.get(object_id=campaign.pk).actor_label == "web:isom-editor"


def test_editing_a_campaign_goes_through_the_write_path(isom_editor):
    url = reverse("campaign-edit", args=[CAMPAIGN])
    data = form_data(isom_editor, url)
    assert data["values"] == ["self-help", "self-responsibility", "democracy", "equality",
                              "equity", "solidarity"]

    response = isom_editor.post(url, data | {"values": ["equity"], "end_date": "2027"})

    assert response.status_code == 302
    campaign = Campaign.objects.get(pk=CAMPAIGN)
    assert (campaign.values, campaign.end_date, campaign.version) == (["equity"], "2027", 2)
    assert Change.objects.get(object_id=CAMPAIGN, action="update").actor_label == "web:isom-editor"


@pytest.mark.parametrize(("values", "field", "says"), [
    ({"start_date": "2026", "end_date": "2025"}, "end_date", "is before the start"),
    ({"start_date": "primavera"}, "start_date", "is not an ISO 8601 date"),
    ({"values": ["kindness"]}, "values", "Select a valid choice"),
    ({"themes": ["no-such-theme"]}, "themes", "Select a valid choice"),
], ids=["end-before-start", "unknown-date-format", "unknown-value", "unknown-theme"])
def test_a_refused_campaign_shows_why_next_to_the_field(isom_editor, values, field, says):
    response = isom_editor.post(NEW, campaign_form(**values))

    assert field in errors_of(response)
    assert says in error_next_to(response, field)
    assert not Campaign.objects.filter(name="Cooperem").exists()


def test_an_editor_of_another_entity_cannot_edit_isom_s_campaign(other_editor):
    url = reverse("campaign-edit", args=[CAMPAIGN])

    assert other_editor.get(url).status_code == 403
    assert other_editor.post(url, campaign_form(version=1)).status_code == 403
    assert other_editor.post(NEW, campaign_form()).status_code == 400  # ISOM as owner: refused
    assert Campaign.objects.get(pk=CAMPAIGN).version == 1
    assert not Campaign.objects.filter(name="Cooperem").exists()


def test_a_visitor_is_asked_to_sign_in_and_a_viewer_may_not_record(demo, visitor, isom_viewer):
    for url in (NEW, reverse("campaign-edit", args=[CAMPAIGN])):
        response = visitor.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert isom_viewer.get(url).status_code == 403
        assert isom_viewer.post(url, campaign_form()).status_code == 403


@pytest.mark.parametrize("who", ["visitor", "isom_editor"])
def test_the_campaign_page_makes_its_baseline_of_queries(demo, who, request, query_baseline):
    client = request.getfixturevalue(who)
    url = reverse("campaign", args=[CAMPAIGN])
    client.get(url)
    with query_baseline(f"GET {url} ({who})"):
        assert client.get(url).status_code == 200


def test_the_campaign_forms_make_their_baseline_of_queries(isom_editor, query_baseline):
    for url in (NEW, reverse("campaign-edit", args=[CAMPAIGN])):
        isom_editor.get(url)
        with query_baseline(f"GET {url} (editor)"):
            assert isom_editor.get(url).status_code == 200
