"""The admin of agreements, documents, programmes and placements writes
through `xarxa.core.writes` (validated, with history), shows each
agreement's derived status and warnings, links an agreement to its documents
and placements, uploads and downloads private files, and keeps students'
names out of lists."""

from __future__ import annotations

import json

import pytest
from admin_forms import errors_of, form_data
from django.contrib.messages import ERROR, WARNING, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from xarxa.core import writes
from xarxa.directory.models import Organization, Person
from xarxa.history.models import Change
from xarxa.training.models import Agreement, AgreementDocument, Placement, Programme

pytestmark = pytest.mark.django_db

SETUP = writes.Actor("test:setup")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def make(model, **values):
    return writes.create(model, values, actor=SETUP)


def url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def staff(client, django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("coordinadora", "c@example.invalid", "pw")
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT




def messages_of(response, level: int) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level == level]


@pytest.fixture
def world():
    make(Organization, id="isom", name="ISOM")
    make(Organization, id="uab", name="Universitat Autònoma de Barcelona")
    make(Person, id="student", name="Illustrative Student Name")
    make(Person, id="professor", name="Illustrative Professor")
    make(Person, id="educator", name="Illustrative Educator")
    make(Programme, id="educacio-social", name="Grau en Educació Social", university_id="uab")
    return make(Agreement, id="uab-isom", name="Conveni UAB–ISOM",
                kind="educational cooperation",
                parties=[{"organization_id": "isom", "role": "host"},
                         {"organization_id": "uab", "role": "university"}],
                signed_on="2024-07-15", start_date="2024-09-01", end_date="2026-08-31")


# -- agreements ---------------------------------------------------------------------

def test_adding_an_agreement_goes_through_the_write_path_and_warns_about_the_law(staff, world):
    page = url(Agreement, "add")
    data = form_data(staff, page)
    data.update(name="Conveni amb l'Ajuntament", kind="funding", public_sector="on",
                parties=json.dumps([{"organization_id": "isom", "role": "partner"}]),
                start_date="2020-01-01", end_date="2025-12-31")

    response = staff.post(page, data, follow=True)

    assert response.status_code == 200
    made = Agreement.objects.get(name="Conveni amb l'Ajuntament")
    change = Change.objects.get(object_id=made.pk)
    assert (change.action, change.actor_label) == ("create", "admin:coordinadora")
    assert change.after["parties"] == [{"organization_id": "isom", "role": "partner"}]
    assert messages_of(response, WARNING) == [
        "Warning: its term, from 2020-01-01 to 2025-12-31, is longer than the four years "
        "Ley 40/2015 (art. 49 h) allows."]


def test_parties_are_checked_as_the_importer_checks_them(staff, world):
    page = url(Agreement, "change", "uab-isom")
    data = form_data(staff, page)
    data["parties"] = json.dumps([{"organization_id": "nobody", "role": "host"},
                                  {"role": "university"}])

    response = staff.post(page, data)

    assert response.status_code == 200
    assert errors_of(response)["parties"] == ["item 2, organization_id: is required and must be "
                                              "a string"]
    assert Agreement.objects.get().version == 1


def test_changing_an_agreement_records_before_and_after(staff, world):
    page = url(Agreement, "change", "uab-isom")
    data = form_data(staff, page)
    data["extended_until"] = "2027-08-31"

    assert staff.post(page, data).status_code == 302

    change = Change.objects.get(object_id="uab-isom", action="update")
    assert change.changed_keys() == ["extended_until"]
    assert change.actor_label == "admin:coordinadora"


def test_deleting_an_agreement_is_recorded_and_refused_while_placements_point_to_it(
        staff, world):
    make(Placement, id="p1", agreement_id="uab-isom", host_id="isom", student_id="student",
         start_date="2025-02")
    page = url(Agreement, "delete", "uab-isom")

    response = staff.post(page, {"post": "yes"}, follow=True)

    assert Agreement.objects.filter(pk="uab-isom").exists()
    assert messages_of(response, ERROR) == [
        "Conveni UAB–ISOM cannot be deleted while other records point to it (placements)"]
    writes.delete(Placement.objects.get(), actor=SETUP)
    assert staff.post(page, {"post": "yes"}).status_code == 302
    assert not Agreement.objects.exists()
    assert Change.objects.filter(object_id="uab-isom", action="delete").exists()


def test_the_list_shows_parties_status_and_warnings_and_filters_by_status(staff, world):
    make(Agreement, id="draft", name="Esborrany", public_sector=True, start_date="2025")

    page = staff.get(url(Agreement, "changelist"))
    text = page.content.decode()

    assert "ISOM (host entity); Universitat Autònoma de Barcelona (university)" in text
    assert "it has no end date" in text
    drafts = staff.get(url(Agreement, "changelist") + "?status=draft")
    assert [a.pk for a in drafts.context["cl"].result_list] == ["draft"]
    warned = staff.get(url(Agreement, "changelist") + "?warnings=yes")
    assert [a.pk for a in warned.context["cl"].result_list] == ["draft"]


def test_an_agreements_page_links_to_adding_a_document_or_a_placement_and_lists_them(
        staff, world):
    make(Placement, id="p1", agreement_id="uab-isom", host_id="isom", student_id="student",
         start_date="2025-02")

    text = staff.get(url(Agreement, "change", "uab-isom")).content.decode()

    assert f'{url(AgreementDocument, "add")}?agreement=uab-isom' in text
    assert f'{url(Placement, "add")}?agreement=uab-isom&amp;host=isom' in text
    assert url(Placement, "change", "p1") in text
    assert "Illustrative Student Name" not in text
    page = staff.get(f'{url(Placement, "add")}?agreement=uab-isom&host=isom')
    assert page.context["adminform"].form.initial == {"agreement": "uab-isom", "host": "isom"}


# -- documents ----------------------------------------------------------------------

def test_a_document_uploaded_in_the_admin_is_stored_and_downloaded_as_an_attachment(
        staff, world, media, django_capture_on_commit_callbacks):
    page = f'{url(AgreementDocument, "add")}?agreement=uab-isom'
    data = form_data(staff, page)
    data["file"] = SimpleUploadedFile("Conveni signat.pdf", PDF, content_type="text/html")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(page, data)

    assert response.status_code == 302
    doc = AgreementDocument.objects.get()
    assert (doc.agreement_id, doc.content_type, doc.size) == ("uab-isom", "application/pdf",
                                                              len(PDF))
    assert Change.objects.get(object_id=doc.pk).actor_label == "admin:coordinadora"
    text = staff.get(url(AgreementDocument, "change", doc.pk)).content.decode()
    assert url(AgreementDocument, "download", doc.pk) in text
    assert doc.file.name not in text  # where it is stored is nobody's business

    download = staff.get(url(AgreementDocument, "download", doc.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'attachment; filename="Conveni signat.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert Client().get(url(AgreementDocument, "download", doc.pk)).status_code == 302  # login


def test_a_file_of_another_type_is_refused_next_to_the_field(
        staff, world, media, django_capture_on_commit_callbacks):
    page = f'{url(AgreementDocument, "add")}?agreement=uab-isom'
    data = form_data(staff, page)
    data["file"] = SimpleUploadedFile("conveni.pdf", b"<html></html>", content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(page, data)

    assert response.status_code == 200
    assert errors_of(response)["file"] == [
        "the file is not of a type Xarxa keeps (PDF, OpenDocument text or spreadsheet, Word "
        "DOCX, Excel XLSX, PNG or JPEG), judging by its content"]
    assert not AgreementDocument.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_document_can_be_retitled_and_deleted_with_its_file(
        staff, world, media, django_capture_on_commit_callbacks):
    page = f'{url(AgreementDocument, "add")}?agreement=uab-isom'
    data = form_data(staff, page)
    data["file"] = SimpleUploadedFile("conveni.pdf", PDF)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(page, data)
    doc = AgreementDocument.objects.get()
    page = url(AgreementDocument, "change", doc.pk)
    data = form_data(staff, page)
    data["title"] = "Conveni signat per les dues parts"

    assert staff.post(page, data).status_code == 302
    assert Change.objects.get(object_id=doc.pk, action="update").changed_keys() == ["title"]

    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url(AgreementDocument, "delete", doc.pk),
                          {"post": "yes"}).status_code == 302
    assert not AgreementDocument.objects.exists()
    assert not (media / doc.file.name).exists()


def test_unknown_documents_are_not_found(staff, world):
    assert staff.get(url(AgreementDocument, "download", "nothing")).status_code in (302, 404)


# -- placements ---------------------------------------------------------------------

def test_a_placement_with_the_same_tutor_twice_is_refused_in_the_form(staff, world):
    page = f'{url(Placement, "add")}?agreement=uab-isom&host=isom'
    data = form_data(staff, page)
    data.update(student="student", academic_tutor="professor", entity_tutor="professor",
                start_date="2025-02-03", end_date="2025-05-30")

    response = staff.post(page, data)

    assert response.status_code == 200
    assert errors_of(response)["entity_tutor"] == [
        "the entity tutor must be another person than the academic tutor "
        "(Real Decreto 592/2014, art. 10)"]
    assert not Placement.objects.exists()


def test_a_placement_added_in_the_admin_has_its_history(staff, world):
    page = f'{url(Placement, "add")}?agreement=uab-isom&host=isom'
    data = form_data(staff, page)
    data.update(student="student", academic_tutor="professor", entity_tutor="educator",
                programme="educacio-social", kind="curricular", start_date="2025-02-03",
                end_date="2025-05-30", total_hours="250")

    response = staff.post(page, data)

    assert response.status_code == 302, errors_of(response)
    made = Placement.objects.get()
    assert Change.objects.get(object_id=made.pk).after["entity_tutor_id"] == "educator"


def test_the_students_name_is_on_the_placements_own_page_only(staff, world):
    made = make(Placement, agreement_id="uab-isom", host_id="isom", student_id="student",
                academic_tutor_id="professor", entity_tutor_id="educator", start_date="2025-02")

    listing = staff.get(url(Placement, "changelist")).content.decode()
    own = staff.get(url(Placement, "change", made.pk)).content.decode()

    assert made.pk[:8] in listing
    for name in ("Illustrative Student Name", "Illustrative Professor", "Illustrative Educator"):
        assert name not in listing
    assert "Illustrative Student Name" in own


def test_programmes_are_edited_through_the_write_path(staff, world):
    page = url(Programme, "add")
    data = form_data(staff, page)
    data.update(name="Grau en Treball Social", university="uab", level="bachelor")

    assert staff.post(page, data).status_code == 302

    assert Change.objects.get(object_id="grau-en-treball-social").actor_label == (
        "admin:coordinadora")


def test_every_list_of_the_training_admin_opens(staff, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make(AgreementDocument, agreement_id="uab-isom",
             file=SimpleUploadedFile("conveni.pdf", PDF))
    make(Placement, agreement_id="uab-isom", host_id="isom", student_id="student")

    for model in (Programme, Agreement, AgreementDocument, Placement):
        response = staff.get(url(model, "changelist"))
        assert response.status_code == 200, model
    text = staff.get(url(AgreementDocument, "changelist")).content.decode()
    assert url(AgreementDocument, "download", AgreementDocument.objects.get().pk) in text
    assert "48 bytes" in text
