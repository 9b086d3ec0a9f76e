"""What a visitor sees without signing in: organisations and how they belong."""

import pytest
from django.core.management import call_command
from django.test import Client

from xarxa.directory.models import Organization, Person
from xarxa.network.models import Membership


@pytest.fixture
def demo(db):
    call_command("demo", verbosity=0)


@pytest.fixture
def client():
    # A visitor whose browser asks for English; languages have their own tests.
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_the_directory_lists_the_networks_and_entities(client, demo):
    page = client.get("/").content.decode()
    for name in ("ISOM", "FEDAIA", "Taula del Tercer Sector", "Coordinadora d&#x27;Entitats"):
        assert name in page
    assert "Junta Directiva" not in page  # bodies are listed under their network


def test_the_directory_search_finds_by_name(client, demo):
    page = client.get("/", {"q": "federació"}).content.decode()
    assert "Federació de Cooperatives de Treball de Catalunya" in page
    assert "ISOM" not in page


def test_the_organisation_page_shows_where_it_belongs_since_when_and_on_whose_behalf(client, demo):
    page = client.get("/organisations/isom/").content.decode()
    assert 'el Congrés i els Indians</a> (62)' in page and 'Sant Andreu</a> (09)' in page
    assert "FEDAIA" in page and "since 2009" in page
    assert "Grup de treball d&#x27;innovació i qualitat" in page
    assert "on behalf of FEDAIA" in page


def test_a_network_page_lists_its_bodies_and_member_organisations(client, demo):
    page = client.get("/networks/fedaia/").content.decode()
    assert "Junta Directiva" in page and "Junta Permanent" in page
    assert "/organisations/isom/" in page


def test_people_never_appear_on_public_pages(client, demo):
    person = Person.objects.create(id="p-anna", name="Anna Secretària")
    Membership.objects.create(id="m-anna", person=person, organization_id="fedaia-junta-directiva",
                              on_behalf_of_id="isom")
    for url in ("/", "/organisations/isom/", "/organisations/fedaia-junta-directiva/"):
        assert "Anna Secretària" not in client.get(url).content.decode()


def test_a_source_url_that_is_not_a_web_address_is_not_a_link(client, db):
    Organization.objects.create(id="x", name="<b>X</b>", sources=[
        {"url": "javascript:alert(1)", "note": "bad"}, {"url": "https://example.org/", "note": "ok"}])
    page = client.get("/organisations/x/").content.decode()
    assert "javascript:" not in page
    assert 'href="https://example.org/"' in page
    assert "<b>X</b>" not in page and "&lt;b&gt;X&lt;/b&gt;" in page


def test_an_unknown_organisation_is_not_found(client, db):
    assert client.get("/organisations/nobody/").status_code == 404


def test_the_organisation_page_reads_in_catalan_as_the_source_page_does(demo):
    page = Client(HTTP_ACCEPT_LANGUAGE="ca").get("/organisations/isom/").content.decode()
    assert "des del 2009" in page  # "ISOM pertany a la Federació … des del 2009"
    assert "en representació de FEDAIA" in page
    assert "cooperativa" in page
