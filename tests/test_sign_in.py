"""Signing in (with a username or an e-mail address), signing out by POST,
changing one's password, and the page a person lands on: their
organisations, each with the pages they work on."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.conftest import ISOM, PASSWORD, make_user


@pytest.fixture
def person(db):
    return make_user("marta")


def sign_in(client, name, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": name, "password": password, **extra})


def test_a_person_signs_in_with_their_username_and_lands_on_their_organisations(person):
    client = Client()
    response = sign_in(client, "marta")
    assert response.status_code == 302
    assert response["Location"] == reverse("home") == "/accounts/"
    assert int(client.session[SESSION_KEY]) == person.pk


def test_a_person_signs_in_with_their_e_mail_address_in_any_case(person):
    client = Client()
    assert sign_in(client, "Marta@Example.org").status_code == 302
    assert int(client.session[SESSION_KEY]) == person.pk


def test_an_address_shared_by_two_accounts_signs_neither_in(person):
    other = make_user("marta-bis")
    other.email = person.email
    other.save(update_fields=["email"])
    client = Client()
    assert sign_in(client, person.email).status_code == 200
    assert SESSION_KEY not in client.session


def test_a_wrong_password_is_refused_with_a_message_on_the_form(person):
    client = Client()
    response = sign_in(client, "marta", "not-the-password")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert response.context["form"].non_field_errors()
    assert 'role="alert"' in response.content.decode()


def test_the_sign_in_page_labels_its_fields_and_offers_a_password_reset(db):
    page = Client().get(reverse("login")).content.decode()
    assert '<label for="id_username">Username or e-mail:</label>' in page
    assert '<label for="id_password">Password:</label>' in page
    assert reverse("password_reset") in page
    assert page.count("<h1>") == 1


def test_signing_in_goes_back_to_the_page_asked_for(person):
    response = sign_in(Client(), "marta", next="/organisations/isom/")
    assert response["Location"] == "/organisations/isom/"


def test_signing_in_never_sends_to_another_site(person):
    response = sign_in(Client(), "marta", next="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_signing_out_takes_a_post_so_a_link_cannot_sign_anyone_out(isom_editor):
    assert isom_editor.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in isom_editor.session
    response = isom_editor.post(reverse("logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in isom_editor.session


def test_every_page_offers_signing_out_as_a_form(isom_editor):
    page = isom_editor.get(reverse("home")).content.decode()
    assert f'<form action="{reverse("logout")}" method="post">' in page


def test_a_visitor_is_asked_to_sign_in_before_seeing_their_organisations(visitor):
    response = visitor.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/accounts/"


def test_my_organisations_lists_each_role_with_the_pages_to_work_on(isom_admin):
    response = isom_admin.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert [r.organization_id for r in response.context["page"]] == [ISOM]
    assert f'href="{reverse("organization", args=[ISOM])}"' in page
    assert f'href="{reverse("organization-people", args=[ISOM])}"' in page
    assert f'href="{reverse("membership-new")}?member={ISOM}"' in page


def test_a_viewer_gets_no_links_to_edit_or_to_manage_people(isom_viewer):
    page = isom_viewer.get(reverse("home")).content.decode()
    assert reverse("organization", args=[ISOM]) in page
    assert reverse("organization-people", args=[ISOM]) not in page
    assert reverse("membership-new") not in page


def test_someone_without_roles_is_told_how_to_get_one(db):
    from tests.conftest import signed_in

    page = signed_in(make_user("nobody")).get(reverse("home")).content.decode()
    assert "Ask an administrator of your organisation to invite you." in page


def test_the_navigation_links_to_my_organisations_when_signed_in(isom_editor, visitor):
    assert f'<a href="{reverse("home")}">My organisations</a>' in (
        isom_editor.get(reverse("directory")).content.decode())
    assert "My organisations" not in visitor.get(reverse("directory")).content.decode()


def test_a_person_changes_their_password_knowing_the_old_one(person):
    from tests.conftest import signed_in

    client = signed_in(person)
    bad = client.post(reverse("password_change"), {
        "old_password": "wrong", "new_password1": "another-long-pass-9",
        "new_password2": "another-long-pass-9"})
    assert bad.status_code == 200 and bad.context["form"].errors["old_password"]
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "another-long-pass-9",
        "new_password2": "another-long-pass-9"})
    assert response["Location"] == reverse("password_change_done")
    person.refresh_from_db()
    assert person.check_password("another-long-pass-9")
    assert client.get(reverse("password_change_done")).status_code == 200


def test_a_weak_new_password_is_refused_with_the_validators_reasons(person):
    from tests.conftest import signed_in

    response = signed_in(person).post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert "This password is entirely numeric." in response.context["form"].errors["new_password2"]


def test_the_sign_in_page_speaks_catalan_by_default(db, settings):
    settings.LANGUAGE_CODE = "ca"
    page = Client().get(reverse("login")).content.decode()
    assert '<html lang="ca">' in page


def test_my_organisations_makes_its_baseline_of_queries(isom_admin, query_baseline):
    isom_admin.get(reverse("home"))
    with query_baseline("GET /accounts/ (isom_admin)"):
        assert isom_admin.get(reverse("home")).status_code == 200
