"""The agreements list and an agreement's page: what expires soon first, the
status from the dates, Ley 40/2015's warnings, and nothing private to whom
may not see it (agreements, documents, placements, students)."""

import pytest
from django.core.files.base import ContentFile

from xarxa.core import writes
from xarxa.training.models import Agreement, AgreementDocument, Placement

A_2022 = "conveni-isom-universitat-a-2022"
B_2017 = "conveni-isom-universitat-b-2017"
A_2019 = "conveni-isom-universitat-a-2019"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SETUP = writes.Actor("test:setup")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def today_is(monkeypatch):
    """Fix "today" for the statuses: the demo's agreement A (2022) ends on 2027-01-31."""
    from django.utils import timezone

    def fix(day):
        import datetime as dt

        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date.fromisoformat(day))

    return fix


@pytest.fixture
def private_agreement(demo):
    return Agreement.objects.create(
        id="conveni-intern", name="Conveni intern d'ISOM", owner_id="isom", visibility="private",
        parties=[{"organization_id": "isom", "role": "partner"}], signed_on="2024-01-10")


@pytest.fixture
def document(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return writes.create(AgreementDocument, {
            "agreement_id": A_2022, "title": "Annex privat",
            "file": ContentFile(PDF, name="annex.pdf")}, actor=SETUP)


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_what_expires_soon_comes_first_with_its_status(isom_viewer, today_is):
    today_is("2026-12-01")
    html = html_of(isom_viewer, "/agreements/")
    expiring, rest = html.split("Expiring within 90 days")[1].split("All agreements")
    assert "(renovació)" in expiring and "expiring" in expiring and "61 days left" in expiring
    assert "Universitat (il·lustrativa) B" not in expiring
    assert "renewed" in rest and "in force" in rest


def test_the_list_gives_the_ley_40_2015_warnings(isom_viewer):
    html = html_of(isom_viewer, "/agreements/")
    assert "is longer than the four years Ley 40/2015 (art. 49 h) allows" in html


def test_the_list_filters_by_party_and_by_status(isom_viewer):
    by_party = html_of(isom_viewer, "/agreements/?org=universitat-illustrativa-b")
    assert f"/agreements/{B_2017}/" in by_party and f"/agreements/{A_2022}/" not in by_party
    renewed = html_of(isom_viewer, "/agreements/?status=renewed")
    assert f"/agreements/{A_2019}/" in renewed and f"/agreements/{B_2017}/" not in renewed


def test_a_visitor_sees_no_agreement_kept_for_signed_in_users_or_private(visitor, private_agreement):
    html = html_of(visitor, "/agreements/")
    assert "Conveni" not in html.split("<main")[1]
    for pk in (A_2022, "conveni-intern"):
        assert visitor.get(f"/agreements/{pk}/").status_code == 404


def test_a_public_agreement_shows_to_a_visitor(visitor, demo):
    Agreement.objects.filter(pk=B_2017).update(visibility="public")
    assert "Universitat (il·lustrativa) B" in html_of(visitor, "/agreements/")
    assert "Universitat (il·lustrativa) B" in html_of(visitor, f"/agreements/{B_2017}/")


def test_a_private_agreement_shows_to_isom_s_people_only(private_agreement, isom_viewer,
                                                         other_editor, site_admin):
    for client, sees in ((isom_viewer, True), (site_admin, True), (other_editor, False)):
        assert ("Conveni intern" in html_of(client, "/agreements/")) is sees
        assert client.get("/agreements/conveni-intern/").status_code == (200 if sees else 404)


def test_the_page_names_parties_with_roles_dates_programmes_and_placements(isom_viewer):
    html = html_of(isom_viewer, f"/agreements/{A_2022}/")
    assert '<a href="/organisations/isom/">ISOM</a> — host entity' in html
    assert "university" in html and "Grau en Educació Social" in html
    assert "Jan. 31, 2027" in html
    assert f"/agreements/{A_2019}/" in html  # the agreement it renews
    student = Placement.objects.get(pk="demo-practiques-01").student.name
    assert student in html and "/placements/demo-practiques-01/" in html


def test_documents_are_listed_and_sent_only_to_whom_may_see_them(
        document, isom_viewer, other_editor, visitor):
    url = f"/agreements/documents/{document.pk}/"
    assert "Annex privat" in html_of(isom_viewer, f"/agreements/{A_2022}/")
    response = isom_viewer.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    page = html_of(other_editor, f"/agreements/{A_2022}/")
    assert "Annex privat" not in page and url not in page
    assert other_editor.get(url).status_code == 404
    assert visitor.get(url).status_code == 404


def test_private_placements_and_their_students_stay_with_isom(other_editor, demo):
    student = Placement.objects.get(pk="demo-practiques-01").student.name
    page = html_of(other_editor, f"/agreements/{A_2022}/")
    assert student not in page and "/placements/demo-practiques-01/" not in page
    assert other_editor.get("/placements/demo-practiques-01/").status_code == 404


def test_a_student_the_reader_may_not_see_is_a_student(other_editor, demo):
    Placement.objects.filter(pk="demo-practiques-01").update(visibility="members")
    student = Placement.objects.get(pk="demo-practiques-01").student.name
    page = html_of(other_editor, f"/agreements/{A_2022}/")
    assert "/placements/demo-practiques-01/" in page and student not in page
    assert ">a student<" in page
    placement = html_of(other_editor, "/placements/demo-practiques-01/")
    assert student not in placement and "Placement of a student" in placement
    assert "a person" in placement  # the tutors


def test_the_placement_page_shows_what_rd_592_2014_asks(isom_viewer):
    html = html_of(isom_viewer, "/placements/demo-practiques-01/")
    for text in ("Academic tutor", "Entity tutor", "250", "Grau en Educació Social",
                 "Acompanyament socioeducatiu", "not yet"):
        assert text in html


@pytest.mark.parametrize("who", ["visitor", "isom_editor"])
def test_query_counts_of_the_agreements_list(who, request, demo, query_baseline):
    client = request.getfixturevalue(who)
    client.get("/agreements/")
    with query_baseline(f"GET /agreements/ ({who})"):
        assert client.get("/agreements/").status_code == 200


def test_query_counts_of_an_agreement_s_page(isom_editor, document, query_baseline):
    isom_editor.get(f"/agreements/{A_2022}/")
    with query_baseline("GET /agreements/<id>/ (isom_editor)"):
        assert isom_editor.get(f"/agreements/{A_2022}/").status_code == 200
