"""A federation's report shows what the organisations' pages would: a private
member or a private membership is left out for a visitor and shown to the
operator and to whom keeps it; a private network's report does not exist for
a visitor; a person is named only to whom may see them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.urls import NoReverseMatch, include, path, reverse

from xarxa import urls as site_urls
from xarxa.accounts.rules import Viewer, command_viewer
from xarxa.core.writes import Actor, create, update
from xarxa.directory.models import Organization, Person
from xarxa.network.models import Membership
from xarxa.reports import federation, federation_views
from xarxa.reports import urls as reports_urls

ACTOR = Actor("test:federation-visibility")

# Until xarxa/reports/urls.py names the federation's report, these tests
# serve it from here (the federation's lines before the annual report's,
# whose `<path:pk>/<int:year>/` would take them).
urlpatterns = [p for p in site_urls.urlpatterns if getattr(p, "app_name", None) != "reports"] + [
    path("", include(([
        path("reports/<path:pk>/federation/<int:year>/", federation_views.federation,
             name="federation"),
        path("reports/<path:pk>/federation/<int:year>.<str:fmt>", federation_views.federation_file,
             name="federation_file"),
        *reports_urls.urlpatterns], "reports"))),
]


@pytest.fixture
def federation_urls(settings):
    try:
        reverse("reports:federation", args=["fedaia", 2025])
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


@pytest.fixture
def private_records(demo):
    create(Organization, {"id": "secreta", "name": "Entitat secreta", "classification": "association",
                          "visibility": "private"}, actor=ACTOR)
    create(Membership, {"member_organization_id": "secreta", "organization_id": "fedaia",
                        "start_date": "2020"}, actor=ACTOR)
    create(Organization, {"id": "discreta", "name": "Entitat discreta",
                          "classification": "association"}, actor=ACTOR)
    create(Membership, {"member_organization_id": "discreta", "organization_id": "fedaia",
                        "start_date": "2021", "visibility": "private"}, actor=ACTOR)


def names(v: Viewer) -> set[str]:
    return {m.name for m in federation.build(Organization.objects.get(pk="fedaia"), v, 2025).members}


def page(user, pk: str = "fedaia", year: int = 2025):
    request = RequestFactory().get(f"/reports/{pk}/federation/{year}/")
    request.user = user or AnonymousUser()
    return federation_views.federation(request, pk, year)


def test_a_private_member_and_a_private_membership_are_hidden_from_a_visitor(private_records):
    assert names(command_viewer(public=True)) == {"ISOM"}
    assert names(command_viewer()) == {"ISOM", "Entitat secreta", "Entitat discreta"}


def test_the_page_shows_a_visitor_only_the_public_members(private_records, federation_urls,
                                                         site_admin):
    public = page(None).content.decode()
    operator = page(site_admin.user).content.decode()

    assert "ISOM" in public
    assert "Entitat secreta" not in public and "Entitat discreta" not in public
    assert "Entitat secreta" in operator and "Entitat discreta" in operator


def test_the_pdf_leaves_out_what_a_visitor_may_not_see(private_records, federation_urls):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    markdown = federation_views.federation_file(request, "fedaia", 2025, "md").content.decode()

    assert "ISOM" in markdown and "secreta" not in markdown and "discreta" not in markdown


def test_a_person_who_sits_for_a_member_is_named_only_to_whom_may_see_them(demo, isom_viewer):
    create(Person, {"id": "persona-privada", "name": "Persona Privada", "owner_id": "isom"},
           actor=ACTOR)
    create(Membership, {"person_id": "persona-privada", "organization_id": "fedaia-junta-directiva",
                        "on_behalf_of_id": "isom"}, actor=ACTOR)
    fedaia = Organization.objects.get(pk="fedaia")

    def sitters(v: Viewer) -> list[str]:
        isom = next(m for m in federation.build(fedaia, v, 2025).members if m.name == "ISOM")
        return sorted(s.sitter for s in isom.seats if s.body == "Junta Directiva")

    assert sitters(command_viewer(public=True)) == ["ISOM", "a person"]
    assert sitters(Viewer(isom_viewer.user)) == ["ISOM", "Persona Privada"]


def test_a_private_network_has_no_report_for_a_visitor(demo, federation_urls, site_admin):
    update(Organization.objects.get(pk="fedaia"), {"visibility": "private"}, actor=ACTOR)

    with pytest.raises(Http404):
        page(None)
    assert page(site_admin.user).status_code == 200


def test_a_body_s_address_leads_to_its_network_s_report(demo, federation_urls):
    response = page(None, "fedaia-junta-directiva")

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:federation", args=["fedaia", 2025])


def test_the_year_picker_leads_to_the_year_asked_for(demo, federation_urls):
    request = RequestFactory().get("/", {"year": "2019"})
    request.user = AnonymousUser()

    response = federation_views.federation(request, "fedaia", 2025)

    assert response["Location"] == reverse("reports:federation", args=["fedaia", 2019])
