"""Uploading an agreement's document from its page: checked by its content
and size before anything is written, stored through the write path, and
downloaded only by whom may see it."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import PASSWORD, make_user
from xarxa.history.models import Change
from xarxa.training.models import AgreementDocument

A_2022 = "conveni-isom-universitat-a-2022"
UPLOAD = f"/agreements/{A_2022}/documents/new/"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def field_error(html: str, name: str) -> str:
    match = re.search(r'<ul class="errorlist" id="id_' + name + r'_error">(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>", " ", match[1]).strip() if match else ""


def pdf(data: bytes = PDF, name: str = "Conveni signat.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def documents_now() -> set[str]:
    return set(AgreementDocument.objects.values_list("pk", flat=True))


def test_an_editor_uploads_a_pdf_through_the_write_path(isom_editor, media,
                                                        django_capture_on_commit_callbacks):
    before = documents_now()
    with django_capture_on_commit_callbacks(execute=True):
        response = isom_editor.post(UPLOAD, {"title": "", "file": pdf(), "visibility": "private",
                                             "owner": "isom"})
    assert response.status_code == 302
    assert response["Location"] == f"/agreements/{A_2022}/"
    (pk,) = documents_now() - before
    document = AgreementDocument.objects.get(pk=pk)
    assert (document.title, document.content_type, document.size) == (
        "Conveni signat.pdf", "application/pdf", len(PDF))
    assert (media / document.file.name).read_bytes() == PDF
    change = Change.objects.get(object_id=pk)
    assert (change.action, change.actor_label) == ("create", "web:isom-editor")

    download = isom_editor.get(f"/agreements/documents/{pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_page_disguised_as_a_pdf_is_refused_next_to_the_file_and_nothing_is_written(
        isom_editor, media, django_capture_on_commit_callbacks):
    before, changes = documents_now(), Change.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = isom_editor.post(UPLOAD, {
            "file": pdf(b"<html><script>alert(1)</script></html>", "conveni.pdf"),
            "visibility": "private", "owner": "isom"})
    assert response.status_code == 400
    assert "judging by its content" in field_error(response.content.decode(), "file")
    assert documents_now() == before and Change.objects.count() == changes
    assert stored_files(media) == []


def test_a_file_too_large_is_refused(isom_editor, media, settings,
                                     django_capture_on_commit_callbacks):
    settings.XARXA_MAX_DOCUMENT_MB = 1
    before = documents_now()
    with django_capture_on_commit_callbacks(execute=True):
        response = isom_editor.post(UPLOAD, {"file": pdf(PDF + b"\x00" * (1024 * 1024)),
                                             "visibility": "private", "owner": "isom"})
    assert response.status_code == 400
    assert "at most 1 MiB are allowed" in field_error(response.content.decode(), "file")
    assert documents_now() == before and stored_files(media) == []


def test_the_refusal_reads_in_catalan(demo, media):
    make_user("editora", org="isom", level="editor")
    client = Client(HTTP_ACCEPT_LANGUAGE="ca")
    assert client.login(username="editora", password=PASSWORD)
    response = client.post(UPLOAD, {"file": pdf(b"MZ\x90\x00" + b"\x00" * 60, "conveni.pdf"),
                                    "visibility": "private", "owner": "isom"})
    assert response.status_code == 400
    assert "el fitxer no és de cap tipus que Xarxa desi" in field_error(
        response.content.decode(), "file")


def test_an_editor_of_another_entity_cannot_upload_to_isom_s_agreement(other_editor):
    assert other_editor.get(UPLOAD).status_code == 403
    assert other_editor.post(UPLOAD, {"file": pdf(), "visibility": "public",
                                      "owner": "coordinadora-congres-indians"}).status_code == 403
    assert not AgreementDocument.objects.filter(title="Conveni signat.pdf").exists()


def test_a_private_document_is_not_found_by_whom_may_not_see_it(
        isom_editor, other_editor, visitor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        isom_editor.post(UPLOAD, {"title": "Annex", "file": pdf(), "visibility": "private",
                                  "owner": "isom"})
    document = AgreementDocument.objects.get(title="Annex")
    url = f"/agreements/documents/{document.pk}/"
    assert other_editor.get(url).status_code == 404
    assert visitor.get(url).status_code == 404
    assert isom_editor.get(url).status_code == 200


def test_a_visitor_is_asked_to_sign_in_to_upload(visitor, demo):
    response = visitor.get(UPLOAD)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
