"""The admin writes through `xarxa.core.writes`: every save and delete is
validated by the models' rules, shows its errors next to their fields, and
leaves a history row with the values before and after."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from admin_forms import errors_of, form_data
from django.contrib import admin
from django.contrib.messages import ERROR, get_messages
from django.core import checks
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from xarxa.activity.models import Event
from xarxa.core import writes
from xarxa.directory.models import Organization, Person
from xarxa.history.models import Change
from xarxa.network.models import Membership, Post
from xarxa.territory.models import Area

pytestmark = pytest.mark.django_db

SETUP = writes.Actor("test:setup")
RECORDED = [Area, Organization, Person, Post, Membership, Event]


def make(model, **values):
    return writes.create(model, values, actor=SETUP)


def url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)




def error_messages(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level == ERROR]


@pytest.fixture
def fedaia():
    return make(Organization, id="fedaia", name="FEDAIA", classification="federation")


@pytest.fixture
def isom():
    return make(Organization, id="isom", name="ISOM", classification="cooperative",
                founding_date="1991", description="Persones per davant del capital.",
                identifiers=[{"scheme": "nif", "identifier": "F08123456"}])


@pytest.fixture
def isom_in_fedaia(isom, fedaia):
    return make(Membership, id="isom-fedaia", member_organization=isom, organization=fedaia,
                start_date="2015")


@pytest.fixture
def world(isom_in_fedaia, isom, fedaia):
    """One record of every kind, all mentioning ISOM."""
    barri = make(Area, id="congres-indians", name="el Congrés i els Indians ISOM",
                 classification="neighbourhood", identifier="62")
    board = make(Organization, id="fedaia-junta", name="Junta de FEDAIA (ISOM)",
                 classification="board", parent=fedaia, area=barri)
    seat = make(Post, id="isom-seat", label="Vocal ISOM", organization=board)
    person = make(Person, id="anna", name="Anna ISOM")
    make(Membership, person=person, post=seat, organization=board, on_behalf_of=isom)
    make(Event, id="festa", name="Festa major ISOM", classification="festival",
         organization=isom, start_date="2019-06")


# -- creating --------------------------------------------------------------------


def test_creating_an_organisation_writes_a_history_row_with_the_values_after(
    admin_client, admin_user
):
    page = url(Organization, "add")
    data = form_data(admin_client, page)
    data.update(name="ISOM", classification="cooperative", founding_date="1991")

    response = admin_client.post(page, data)

    assert response.status_code == 302, errors_of(response)
    isom = Organization.objects.get()
    assert isom.id == "isom"  # made from the name, the id was left blank
    change = Change.objects.get()
    assert (change.action, change.model, change.object_id) == ("create", "directory.organization",
                                                               "isom")
    assert change.actor_label == f"admin:{admin_user.username}" == "admin:admin"
    assert change.actor_id == admin_user.pk
    assert change.before is None
    assert change.after == {"id": "isom", "name": "ISOM", "classification": "cooperative",
                            "founding_date": "1991"}


def test_an_id_given_on_add_is_kept_and_a_taken_one_is_refused_next_to_it(admin_client, isom):
    page = url(Organization, "add")
    data = form_data(admin_client, page)
    data.update(id="isom-bis", name="ISOM")
    assert admin_client.post(page, data).status_code == 302
    assert Organization.objects.filter(pk="isom-bis").exists()

    data.update(id="isom", name="Another")
    response = admin_client.post(page, data)
    assert response.status_code == 200
    assert "id" in errors_of(response)
    assert Organization.objects.get(pk="isom").name == "ISOM"


def test_the_id_is_read_only_on_change(admin_client, isom):
    page = url(Organization, "change", "isom")
    data = form_data(admin_client, page)
    assert "id" not in data
    data.update(id="hacked", name="ISOM sccl")

    assert admin_client.post(page, data).status_code == 302

    assert list(Organization.objects.values_list("pk", "name")) == [("isom", "ISOM sccl")]


# -- editing ---------------------------------------------------------------------


def test_editing_changes_only_the_edited_field_and_records_before_and_after(admin_client, isom):
    page = url(Organization, "change", "isom")
    data = form_data(admin_client, page)
    data["description"] = "Cooperativa d'iniciativa social."

    response = admin_client.post(page, data)

    assert response.status_code == 302, errors_of(response)
    change = Change.objects.filter(action="update").get()
    assert change.changed_keys() == ["description"]
    assert change.before["description"] == "Persones per davant del capital."
    assert change.after["description"] == "Cooperativa d'iniciativa social."
    assert change.before["identifiers"] == change.after["identifiers"]
    isom.refresh_from_db()
    assert (isom.version, isom.founding_date) == (2, "1991")


def test_saving_an_untouched_form_writes_no_history(admin_client, isom):
    page = url(Organization, "change", "isom")
    assert admin_client.post(page, form_data(admin_client, page)).status_code == 302
    assert not Change.objects.filter(action="update").exists()
    isom.refresh_from_db()
    assert isom.version == 1


def test_editing_a_foreign_key_records_the_ids_before_and_after(
    admin_client, isom_in_fedaia, isom
):
    taula = make(Organization, id="taula", name="Taula del Tercer Sector")
    page = url(Membership, "change", isom_in_fedaia.pk)
    data = form_data(admin_client, page)
    data["organization"] = "taula"

    assert admin_client.post(page, data).status_code == 302

    change = Change.objects.filter(action="update").get()
    assert change.changed_keys() == ["organization_id"]
    assert (change.before["organization_id"], change.after["organization_id"]) == (
        "fedaia", "taula")
    assert Membership.objects.get(pk=isom_in_fedaia.pk).organization == taula


def test_json_lists_are_shown_as_indented_json(admin_client, isom):
    response = admin_client.get(url(Organization, "change", "isom"))
    text = response.context["adminform"].form["identifiers"].value()
    assert text == json.dumps([{"scheme": "nif", "identifier": "F08123456"}], indent=2)


# -- refusing --------------------------------------------------------------------


def test_an_end_date_before_the_start_is_shown_next_to_the_end_date_and_nothing_is_written(
    admin_client, isom_in_fedaia
):
    page = url(Membership, "change", isom_in_fedaia.pk)
    data = form_data(admin_client, page)
    data.update(start_date="2015-06", end_date="2014")
    history_before = Change.objects.count()

    response = admin_client.post(page, data)

    assert response.status_code == 200
    errors = errors_of(response)
    assert list(errors) == ["end_date"]
    assert "2014" in errors["end_date"][0] and "2015-06" in errors["end_date"][0]
    isom_in_fedaia.refresh_from_db()
    assert (isom_in_fedaia.start_date, isom_in_fedaia.end_date) == ("2015", None)
    assert Change.objects.count() == history_before


def test_an_invalid_partial_date_is_refused_with_its_reason_next_to_the_field(admin_client):
    page = url(Organization, "add")
    data = form_data(admin_client, page)
    data.update(name="ISOM", founding_date="15/03/2015")

    response = admin_client.post(page, data)

    assert response.status_code == 200
    errors = errors_of(response)
    assert list(errors) == ["founding_date"]
    assert '"15/03/2015"' in errors["founding_date"][0]
    assert "YYYY-MM-DD" in errors["founding_date"][0]
    assert not Organization.objects.exists()
    assert not Change.objects.exists()


@pytest.mark.parametrize(("text", "says"), [
    ('[{"scheme": "nif"}]', "identifier"),
    ('{"scheme": "nif", "identifier": "F08123456"}', ""),
    ('[{"scheme": "nif", "identifier": 12}]', "identifier"),
    ("[{", ""),
])
def test_an_invalid_json_list_is_refused_next_to_its_field(admin_client, isom, text, says):
    page = url(Organization, "change", "isom")
    data = form_data(admin_client, page)
    data["identifiers"] = text

    response = admin_client.post(page, data)

    assert response.status_code == 200
    errors = errors_of(response)
    assert list(errors) == ["identifiers"]
    assert says in errors["identifiers"][0]
    assert Organization.objects.get(pk="isom").version == 1


def test_a_json_list_left_empty_is_saved_as_an_empty_list(admin_client, isom):
    page = url(Organization, "change", "isom")
    data = form_data(admin_client, page)
    data["identifiers"] = ""

    assert admin_client.post(page, data).status_code == 302

    assert Organization.objects.get(pk="isom").identifiers == []


def test_a_membership_without_member_is_refused(admin_client, fedaia):
    page = url(Membership, "add")
    data = form_data(admin_client, page)
    data.update(organization="fedaia", start_date="2015")

    response = admin_client.post(page, data)

    assert response.status_code == 200
    assert "member_organization" in errors_of(response)
    assert not Membership.objects.exists()


def test_a_write_refused_after_the_form_was_valid_is_a_message_not_an_error_page(
    admin_client, isom, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ValidationError("ISOM was changed by someone else meanwhile")

    monkeypatch.setattr(writes, "update", refuse)
    page = url(Organization, "change", "isom")
    data = form_data(admin_client, page)
    data["name"] = "ISOM sccl"

    response = admin_client.post(page, data, follow=True)

    assert response.status_code == 200
    assert error_messages(response) == ["ISOM was changed by someone else meanwhile"]
    assert Organization.objects.get(pk="isom").name == "ISOM"


# -- deleting --------------------------------------------------------------------


def test_deleting_an_organisation_a_membership_points_to_shows_an_error_and_deletes_nothing(
    admin_client, isom_in_fedaia
):
    history_before = Change.objects.count()

    response = admin_client.post(url(Organization, "delete", "fedaia"), {"post": "yes"},
                                 follow=True)

    assert response.status_code == 200
    [message] = error_messages(response)
    assert "FEDAIA" in message
    assert Organization.objects.filter(pk="fedaia").exists()
    assert Change.objects.count() == history_before


def test_the_delete_page_asks_before_deleting(admin_client, isom):
    response = admin_client.get(url(Organization, "delete", "isom"))
    assert response.status_code == 200
    assert Organization.objects.filter(pk="isom").exists()


def test_deleting_in_the_admin_writes_a_history_row_with_the_values_before(
    admin_client, isom
):
    response = admin_client.post(url(Organization, "delete", "isom"), {"post": "yes"})

    assert response.status_code == 302
    assert not Organization.objects.exists()
    change = Change.objects.get(action="delete")
    assert change.actor_label == "admin:admin"
    assert change.before["name"] == "ISOM" and change.after is None


def test_deleting_several_deletes_what_nothing_points_to_and_names_the_rest(
    admin_client, isom_in_fedaia
):
    make(Organization, id="alone", name="Alone")

    response = admin_client.post(url(Organization, "changelist"), {
        "action": "delete_selected", "post": "yes",
        "_selected_action": ["alone", "fedaia"],
    }, follow=True)

    assert response.status_code == 200
    assert set(Organization.objects.values_list("pk", flat=True)) == {"isom", "fedaia"}
    [message] = error_messages(response)
    assert "FEDAIA" in message
    assert list(Change.objects.filter(action="delete").values_list("object_id", flat=True)) == [
        "alone"]


# -- lists -----------------------------------------------------------------------


@pytest.mark.parametrize("model", [*RECORDED, Change])
def test_every_changelist_loads_with_a_search_query(admin_client, world, model):
    response = admin_client.get(url(model, "changelist"), {"q": "ISOM"})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 1


@pytest.mark.parametrize("model", RECORDED)
def test_every_add_and_change_page_loads(admin_client, world, model):
    assert admin_client.get(url(model, "add")).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", RECORDED)
def test_every_filter_of_every_changelist_works(admin_client, world, model):
    response = admin_client.get(url(model, "changelist"), {"_facets": "True"})
    assert response.status_code == 200
    for spec in response.context["cl"].filter_specs:
        for choice in spec.choices(response.context["cl"]):
            assert admin_client.get(url(model, "changelist") + choice["query_string"]
                                    ).status_code == 200


def test_foreign_keys_are_chosen_by_search_not_from_a_list_of_every_row(admin_client, world):
    response = admin_client.get(reverse("admin:autocomplete"), {
        "app_label": "network", "model_name": "membership", "field_name": "organization",
        "term": "FED"})
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {"fedaia", "fedaia-junta"}
    form = admin_client.get(url(Membership, "add")).context["adminform"].form
    assert form.fields["organization"].widget.widget.__class__.__name__ == "AutocompleteSelect"


def test_an_organisation_is_found_by_its_identifier(admin_client, world):
    response = admin_client.get(url(Organization, "changelist"), {"q": "F08123456"})
    assert [o.pk for o in response.context["cl"].result_list] == ["isom"]


def test_memberships_filter_by_current_ended_and_not_yet_started(admin_client, isom, fedaia):
    today = timezone.localdate()
    this_month = today.strftime("%Y-%m")
    last_year, next_year = str(today.year - 1), str(today.year + 1)
    for ident, start, end in [
        ("current", last_year, None),
        ("ends-this-month", last_year, this_month),
        ("open", None, None),
        ("ended", str(today.year - 5), str(today.year - 2)),
        ("ended-yesterday", None, (today - dt.timedelta(days=1)).isoformat()),
        ("future", next_year, None),
    ]:
        make(Membership, id=ident, member_organization=isom, organization=fedaia,
             start_date=start, end_date=end)

    def listed(value: str) -> set[str]:
        response = admin_client.get(url(Membership, "changelist"), {"today": value})
        return {m.pk for m in response.context["cl"].result_list}

    assert listed("current") == {"current", "ends-this-month", "open"}
    assert listed("ended") == {"ended", "ended-yesterday"}
    assert listed("future") == {"future"}
    response = admin_client.get(url(Membership, "changelist"))
    column = {m.pk: m.is_current() for m in response.context["cl"].result_list}
    assert {k for k, v in column.items() if v} == listed("current")


def test_the_membership_changelist_uses_a_bounded_number_of_queries(
    admin_client, isom, fedaia, django_assert_max_num_queries
):
    board = make(Organization, id="board", name="Junta", parent=fedaia)
    for i in range(30):
        seat = make(Post, id=f"seat-{i}", label=f"Vocal {i}", organization=board)
        if i % 2:
            person = make(Person, id=f"p{i}", name=f"Person {i}")
            make(Membership, person=person, post=seat, organization=board, on_behalf_of=isom)
        else:
            make(Membership, member_organization=isom, organization=fedaia, start_date="2015")
    admin_client.get(url(Membership, "changelist"))  # the session is warm

    # session, user, count, page: an N+1 would add 30 or more.
    with django_assert_max_num_queries(6):
        response = admin_client.get(url(Membership, "changelist"), {"today": "current"})

    assert len(response.context["cl"].result_list) == 30


# -- history ---------------------------------------------------------------------


def test_the_history_admin_cannot_add_change_or_delete(admin_client, isom):
    change = Change.objects.get()
    model_admin = admin.site._registry[Change]

    assert admin_client.get(url(Change, "add")).status_code == 403
    assert admin_client.post(url(Change, "delete", change.pk), {"post": "yes"}).status_code == 403
    response = admin_client.post(url(Change, "change", change.pk), {"object_id": "x"})
    assert response.status_code == 403
    response = admin_client.get(url(Change, "changelist"))
    request = response.wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, change)
    assert not model_admin.has_delete_permission(request, change)
    assert "delete_selected" not in model_admin.get_actions(request)
    assert admin_client.get(url(Change, "change", change.pk)).status_code == 200  # to read
    assert Change.objects.get().object_id == "isom"


def test_the_history_shows_what_changed_before_and_after_escaped(admin_client, isom):
    writes.update(isom, {"name": '<script>alert("x")</script>'}, actor=SETUP)
    change = Change.objects.get(action="update")

    response = admin_client.get(url(Change, "change", change.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "(name)</th>" in html  # the diff names the changed key, and only it
    assert "(description)</th>" not in html


def test_a_records_history_link_lists_its_changes(admin_client, isom, fedaia):
    writes.update(isom, {"name": "ISOM sccl"}, actor=SETUP)

    response = admin_client.get(url(Organization, "history", "isom"))

    assert response.status_code == 302
    response = admin_client.get(response["Location"])
    rows = response.context["cl"].result_list
    assert [(c.object_id, c.action) for c in rows] == [("isom", "update"), ("isom", "create")]


def test_the_history_lists_filter_by_action_and_kind(admin_client, world):
    response = admin_client.get(url(Change, "changelist"),
                                {"action__exact": "create", "model": "network.membership"})
    rows = response.context["cl"].result_list
    assert len(rows) == 2
    assert {c.model for c in rows} == {"network.membership"}


# -- the site --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ca", "es", "en"])
def test_the_admin_speaks_catalan_spanish_and_english(admin_client, lang):
    response = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=lang)
    html = response.content.decode()
    assert f'lang="{lang}"' in html
    assert "Xarxa" in html


def test_the_admin_configuration_passes_djangos_checks():
    assert [m for m in checks.run_checks(tags=[checks.Tags.admin]) if m.is_serious()] == []
