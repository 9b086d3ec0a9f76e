"""Memberships, seats held and representations are recorded from one page,
through the write path: the history names the person who did it; refusals
show next to their fields; editors edit only what their organisation keeps."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.page_forms import error_next_to, errors_of, form_data
from xarxa.core import writes
from xarxa.directory.models import Person
from xarxa.history.models import Change
from xarxa.network.models import Membership, Post

NEW = reverse("membership-new")
ISOM_IN_FEDAIA = "isom-fedaia"


def new_membership(**values):
    data = {"organization": "", "post": "", "member_organization": "", "person": "",
            "new_person": "", "on_behalf_of": "", "role": "", "label": "", "start_date": "",
            "end_date": "", "visibility": "public", "owner": "isom"}
    return data | values


def test_the_isom_editor_records_a_new_person_on_fedaias_board_on_behalf_of_isom(isom_editor):
    response = isom_editor.post(NEW, new_membership(
        organization="fedaia-junta-directiva", new_person="Marta Exemple", on_behalf_of="isom",
        role="vocal", start_date="2025-06"))

    assert response.status_code == 302
    assert response["Location"] == reverse("organization", args=["isom"])
    membership = Membership.objects.get(person__name="Marta Exemple")
    assert (membership.organization_id, membership.on_behalf_of_id, membership.role,
            membership.start_date, membership.owner_id) == (
        "fedaia-junta-directiva", "isom", "vocal", "2025-06", "isom")
    person = membership.person
    assert (person.visibility, person.owner_id) == ("private", "isom")
    made = Change.objects.filter(action="create", actor_label="web:isom-editor")
    assert set(made.values_list("model", "object_id")) == {
        ("directory.person", person.pk), ("network.membership", membership.pk)}


def test_an_organisation_joins_a_network_from_the_form(isom_editor):
    response = isom_editor.post(NEW, new_membership(
        organization="taula-tercer-sector", member_organization="isom", on_behalf_of="fedaia",
        start_date="2019"))

    assert response.status_code == 302
    membership = Membership.objects.get(organization="taula-tercer-sector")
    assert membership.member_organization_id == "isom"
    assert Change.objects.filter(object_id=membership.pk, actor_label="web:isom-editor").exists()


def test_the_form_is_filled_in_from_the_address(isom_editor):
    response = isom_editor.get(NEW + "?organization=fedaia&member=isom")

    form = response.context["form"]
    assert (form["organization"].value(), form["member_organization"].value(),
            form["owner"].value()) == ("fedaia", "isom", "isom")


def test_a_seat_chosen_without_its_body_puts_the_member_in_that_body(isom_editor):
    writes.create(Post, {"id": "vocal-3", "label": "Vocal 3",
                         "organization_id": "fedaia-junta-directiva", "owner_id": "isom"},
                  actor=writes.Actor("test:setup"))
    page = isom_editor.get(NEW + "?post=vocal-3")
    assert page.context["form"]["organization"].value() == "fedaia-junta-directiva"

    response = isom_editor.post(NEW, new_membership(
        organization="fedaia-junta-directiva", post="vocal-3", person="demo-persona-06",
        on_behalf_of="isom"))

    assert response.status_code == 302
    assert Membership.objects.get(post="vocal-3").person_id == "demo-persona-06"


def test_editing_a_membership_writes_a_new_version_and_its_history(isom_editor):
    url = reverse("membership-edit", args=[ISOM_IN_FEDAIA])
    data = form_data(isom_editor, url) | {"role": "member", "label": "Entitat sòcia"}

    response = isom_editor.post(url, data)

    assert response.status_code == 302
    membership = Membership.objects.get(pk=ISOM_IN_FEDAIA)
    assert (membership.role, membership.label, membership.version) == ("member", "Entitat sòcia", 2)
    change = Change.objects.get(object_id=ISOM_IN_FEDAIA, action="update")
    assert change.actor_label == "web:isom-editor"


def test_a_stale_edit_is_refused_instead_of_undoing_another(isom_editor):
    url = reverse("membership-edit", args=[ISOM_IN_FEDAIA])
    data = form_data(isom_editor, url)
    writes.update(Membership.objects.get(pk=ISOM_IN_FEDAIA), {"role": "soci"},
                  actor=writes.Actor("test:other"))

    response = isom_editor.post(url, data | {"role": "member"})

    assert response.status_code == 400
    assert Membership.objects.get(pk=ISOM_IN_FEDAIA).role == "soci"


def test_ending_a_membership_asks_only_the_day_and_offers_today(isom_editor):
    from django.utils import timezone

    url = reverse("membership-end", args=[ISOM_IN_FEDAIA])
    page = isom_editor.get(url)
    assert list(page.context["form"].fields) == ["end_date", "version"]
    assert page.context["form"]["end_date"].value() == timezone.localdate().isoformat()

    response = isom_editor.post(url, {"end_date": "2025-12", "version": 1})

    assert response.status_code == 302
    assert Membership.objects.get(pk=ISOM_IN_FEDAIA).end_date == "2025-12"
    assert Change.objects.get(object_id=ISOM_IN_FEDAIA, action="update").after["end_date"] == "2025-12"


def test_an_end_before_the_start_is_refused_next_to_the_end(isom_editor):
    response = isom_editor.post(reverse("membership-end", args=[ISOM_IN_FEDAIA]),
                                {"end_date": "2005", "version": 1})

    assert "is before the start 2009" in error_next_to(response, "end_date")
    assert Membership.objects.get(pk=ISOM_IN_FEDAIA).end_date is None


@pytest.mark.parametrize(("values", "field", "says"), [
    ({"member_organization": "isom", "start_date": "2015-06", "end_date": "2014"},
     "end_date", "is before the start"),
    ({"member_organization": "isom", "person": "demo-persona-06"},
     "person", "an organisation or a person, not both"),
    ({"member_organization": "isom", "new_person": "Marta"},
     "new_person", "an organisation or a person, not both"),
    ({"member_organization": "isom", "start_date": "15/06/2021"},
     "start_date", "is not an ISO 8601 date"),
    ({}, "member_organization", "a membership needs a member"),
], ids=["end-before-start", "person-and-organisation", "new-person-and-organisation",
        "unknown-date-format", "no-member"])
def test_a_refused_membership_shows_why_next_to_the_field(isom_editor, values, field, says):
    before = Change.objects.count()

    response = isom_editor.post(NEW, new_membership(organization="fedaia-junta-permanent",
                                                    **values))

    assert field in errors_of(response)
    assert says in error_next_to(response, field)
    assert Change.objects.count() == before


def test_a_new_person_whose_membership_is_refused_is_not_kept(isom_editor):
    response = isom_editor.post(NEW, new_membership(
        organization="fedaia-junta-directiva", new_person="Marta Exemple", start_date="2025",
        end_date="2024"))

    assert "is before the start" in error_next_to(response, "end_date")
    assert not Person.objects.filter(name="Marta Exemple").exists()
    assert not Change.objects.filter(actor_label="web:isom-editor").exists()


def test_errors_are_in_the_users_language(isom_editor):
    isom_editor.cookies["django_language"] = "ca"

    response = isom_editor.post(NEW, new_membership(organization="fedaia",
                                                    member_organization="isom",
                                                    start_date="15/06/2021"))

    assert "no és una data ISO 8601" in error_next_to(response, "start_date")


@pytest.mark.parametrize("page", ["membership-edit", "membership-end"])
def test_an_editor_of_another_entity_cannot_edit_isom_s_membership(other_editor, page):
    url = reverse(page, args=[ISOM_IN_FEDAIA])
    assert other_editor.get(url).status_code == 403
    assert other_editor.post(url, {"end_date": "2025", "role": "x", "version": 1}).status_code == 403
    assert Membership.objects.get(pk=ISOM_IN_FEDAIA).version == 1


def test_an_editor_of_another_entity_cannot_make_isom_the_owner(other_editor):
    page = other_editor.get(NEW)
    owners = [str(value) for value, __ in page.context["form"].fields["owner"].choices]
    assert owners == ["coordinadora-congres-indians"]

    response = other_editor.post(NEW, new_membership(organization="fedaia",
                                                     member_organization="coordinadora-congres-indians",
                                                     owner="isom"))

    assert "owner" in errors_of(response)
    assert not Membership.objects.filter(member_organization="coordinadora-congres-indians",
                                         organization="fedaia").exists()


def test_an_editor_of_another_entity_is_not_offered_isom_s_people(other_editor):
    page = other_editor.get(NEW)

    assert b"Ferran Inventat" not in page.content
    assert "demo-persona-06" not in [str(v) for v, __ in page.context["form"].fields["person"].choices]


@pytest.mark.parametrize("url", [NEW, reverse("membership-edit", args=[ISOM_IN_FEDAIA]),
                                 reverse("membership-end", args=[ISOM_IN_FEDAIA])])
def test_a_visitor_is_asked_to_sign_in(demo, visitor, url):
    response = visitor.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [NEW, reverse("membership-edit", args=[ISOM_IN_FEDAIA]),
                                 reverse("membership-end", args=[ISOM_IN_FEDAIA])])
def test_a_viewer_of_isom_may_not_record_memberships(isom_viewer, url):
    assert isom_viewer.get(url).status_code == 403
    assert isom_viewer.post(url, new_membership(member_organization="isom",
                                                organization="taula-tercer-sector")).status_code == 403


def test_a_private_membership_is_not_found_by_whom_may_not_see_it(isom_editor, other_editor):
    membership = Membership.objects.get(pk=ISOM_IN_FEDAIA)
    writes.update(membership, {"visibility": "private"}, actor=writes.Actor("test:setup"))

    assert other_editor.get(reverse("membership-edit", args=[ISOM_IN_FEDAIA])).status_code == 404
    assert isom_editor.get(reverse("membership-edit", args=[ISOM_IN_FEDAIA])).status_code == 200


@pytest.mark.parametrize("url", [NEW + "?organization=fedaia-junta-directiva",
                                 reverse("membership-edit", args=[ISOM_IN_FEDAIA]),
                                 reverse("membership-end", args=[ISOM_IN_FEDAIA])])
def test_the_membership_forms_make_their_baseline_of_queries(isom_editor, url, query_baseline):
    isom_editor.get(url)
    with query_baseline(f"GET {url} (editor)"):
        assert isom_editor.get(url).status_code == 200
