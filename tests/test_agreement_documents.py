"""An agreement's documents are checked by their content (type and size),
stored under names Xarxa makes, written only when their record is, removed
with it, and carried by Xarxa's JSON export and import."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from xarxa.core import writes
from xarxa.core.validation import InputError
from xarxa.history.models import Change
from xarxa.interop.popolo_import import import_document
from xarxa.training import documents
from xarxa.training.models import Agreement, AgreementDocument

pytestmark = pytest.mark.django_db

SETUP = writes.Actor("test:setup")
ACTOR = writes.Actor("test:documents")


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def ooxml(main: str, part: str) -> bytes:
    types = (f'<?xml version="1.0"?><Types><Override PartName="/{part}" '
             f'ContentType="{main}"/></Types>').encode()
    return zip_of({"[Content_Types].xml": types, part: b"<x/>"})


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ALLOWED = {
    "application/pdf": PDF,
    "application/vnd.oasis.opendocument.text": zip_of({
        "mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
    "application/vnd.oasis.opendocument.spreadsheet": zip_of({
        "mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ooxml(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/document.xml"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ooxml(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "xl/workbook.xml"),
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20,
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20,
}
REFUSED = {
    "html named .pdf": b"<html><script>alert(1)</script></html>",
    "any zip": zip_of({"readme.txt": b"hello"}),
    "a presentation": zip_of({"mimetype": b"application/vnd.oasis.opendocument.presentation"}),
    "a macro-enabled Word file": ooxml("application/vnd.ms-word.document.macroEnabled.main+xml",
                                       "word/document.xml"),
    "a broken zip": b"PK\x03\x04" + b"\x00" * 40,
    "an executable": b"MZ\x90\x00" + b"\x00" * 60,
}
NOT_KEPT = ("the file is not of a type Xarxa keeps (PDF, OpenDocument text or spreadsheet, "
            "Word DOCX, Excel XLSX, PNG or JPEG), judging by its content")


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def agreement():
    return writes.create(Agreement, {"id": "uab-isom", "name": "Conveni UAB–ISOM"}, actor=SETUP)


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def upload(data: bytes, name: str = "Conveni signat.pdf", **values) -> AgreementDocument:
    return writes.create(AgreementDocument, {"agreement_id": "uab-isom",
                                             "file": ContentFile(data, name=name), **values},
                         actor=ACTOR)


def test_an_uploaded_pdf_is_stored_when_its_record_is_with_what_its_content_says(
        agreement, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = upload(PDF)
        assert stored_files(media) == []  # not before the transaction commits

    doc.refresh_from_db()
    assert documents.STORED_NAME_RE.match(doc.file.name)
    assert doc.file.name.endswith(".pdf")
    assert (doc.content_type, doc.size, doc.sha256) == (
        "application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest())
    assert doc.title == "Conveni signat.pdf"
    assert stored_files(media) == [media / doc.file.name]
    assert (media / doc.file.name).read_bytes() == PDF
    after = Change.objects.get(model="training.agreementdocument").after
    assert after["file"] == doc.file.name
    assert after["sha256"] == doc.sha256


@pytest.mark.parametrize("content_type", sorted(ALLOWED))
def test_each_kept_type_is_recognised_by_its_content_whatever_its_name(
        content_type, agreement, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = upload(ALLOWED[content_type], name="whatever.bin")

    assert doc.content_type == content_type
    assert doc.file.name.endswith("." + documents.TYPES[content_type])


@pytest.mark.parametrize("what", sorted(REFUSED))
def test_a_file_of_another_type_is_refused_and_nothing_is_written(
        what, agreement, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), \
            pytest.raises(ValidationError) as caught:
        upload(REFUSED[what], name="conveni.pdf")

    assert caught.value.message_dict == {"file": [NOT_KEPT]}
    assert not AgreementDocument.objects.exists()
    assert stored_files(media) == []


def test_an_uploaded_file_beyond_the_size_allowed_is_refused(
        agreement, media, settings, django_capture_on_commit_callbacks):
    settings.XARXA_MAX_DOCUMENT_MB = 1
    data = PDF + b"\x00" * (1024 * 1024)
    uploaded = SimpleUploadedFile("gran.pdf", data, content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True), \
            pytest.raises(ValidationError) as caught:
        writes.create(AgreementDocument, {"agreement_id": "uab-isom", "file": uploaded},
                      actor=ACTOR)

    assert caught.value.message_dict == {"file": ["the file is 1.0 MiB; at most 1 MiB are allowed"]}
    assert stored_files(media) == []


def test_an_empty_file_is_refused(agreement):
    with pytest.raises(ValidationError) as caught:
        upload(b"")

    assert "file" in caught.value.message_dict


def test_the_name_given_chooses_neither_the_directory_nor_the_stored_name(
        agreement, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = upload(PDF, name="../../../etc/cron.d/evil.pdf")

    assert documents.STORED_NAME_RE.match(doc.file.name)
    assert doc.title == "evil.pdf"
    assert [p.relative_to(media).parent for p in stored_files(media)] == [Path("agreements")]


def test_a_write_rolled_back_leaves_no_file(agreement, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        upload(PDF)
        transaction.set_rollback(True)

    assert callbacks == []
    assert stored_files(media) == []


def test_deleting_a_document_removes_its_file_once_the_deletion_commits(
        agreement, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = upload(PDF)
    path = media / doc.file.name

    with django_capture_on_commit_callbacks(execute=True):
        writes.delete(doc, actor=ACTOR)
        assert path.exists()  # until the deletion commits

    assert not path.exists()
    assert Change.objects.filter(model="training.agreementdocument", action="delete").exists()


def test_replacing_the_file_checks_the_new_one_and_removes_the_old(
        agreement, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = upload(PDF)
    old = media / doc.file.name

    with pytest.raises(ValidationError):
        writes.update(doc, {"file": ContentFile(REFUSED["any zip"], name="x.zip")}, actor=ACTOR)
    with django_capture_on_commit_callbacks(execute=True):
        writes.update(AgreementDocument.objects.get(), {
            "file": ContentFile(ALLOWED["image/png"], name="scan.png")}, actor=ACTOR)

    doc = AgreementDocument.objects.get()
    assert doc.content_type == "image/png"
    assert stored_files(media) == [media / doc.file.name]
    assert not old.exists()


# -- Xarxa's JSON export and import -------------------------------------------------

def test_the_export_carries_the_file_and_the_import_stores_it_again(
        agreement, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = upload(PDF, title="Conveni signat")
    row = {"id": doc.pk, "file": doc.file.name}

    extra = AgreementDocument.export_extra(row)

    assert base64.b64decode(extra["content_base64"]) == PDF
    assert AgreementDocument.export_extra({"id": "x", "file": "agreements/../../secret"}) == {}


def import_documents(objects: list[dict], capture) -> None:
    with capture(execute=True):
        import_document({"agreement_documents": objects}, actor=ACTOR, xarxa=True)


def test_an_imported_document_is_checked_and_stored_from_its_content(
        agreement, media, django_capture_on_commit_callbacks):
    content = base64.b64encode(ALLOWED["image/png"]).decode()

    import_documents([{"id": "d1", "agreement_id": "uab-isom", "title": "Annex",
                       "content_base64": content}], django_capture_on_commit_callbacks)

    doc = AgreementDocument.objects.get()
    assert (doc.content_type, doc.size) == ("image/png", len(ALLOWED["image/png"]))
    assert "content_base64" not in doc.extra
    assert (media / doc.file.name).read_bytes() == ALLOWED["image/png"]


def test_an_exported_document_imports_to_the_same_record(
        agreement, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = upload(PDF, title="Conveni signat")
    exported = doc.to_popolo() | AgreementDocument.export_extra(doc.row())
    (media / doc.file.name).unlink()

    import_documents([exported], django_capture_on_commit_callbacks)

    again = AgreementDocument.objects.get()
    assert again.to_popolo() == doc.to_popolo()
    assert (media / doc.file.name).read_bytes() == PDF
    assert not Change.objects.filter(model="training.agreementdocument", action="update").exists()


def test_a_document_without_content_whose_file_is_stored_with_the_same_hash_is_fine(
        agreement, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = upload(PDF)

    import_documents([{"id": "d2", "agreement_id": "uab-isom", "file": doc.file.name,
                       "sha256": doc.sha256}], django_capture_on_commit_callbacks)

    assert AgreementDocument.objects.get(pk="d2").size == len(PDF)


def refused_import(objects: list[dict], media: Path, capture) -> list[str]:
    with pytest.raises(InputError) as caught:
        import_documents(objects, capture)
    assert not AgreementDocument.objects.exists()
    assert stored_files(media) == []
    return [str(p) for p in caught.value.problems]


def test_bad_imported_content_is_refused_with_its_pointer_and_nothing_is_written(
        agreement, media, django_capture_on_commit_callbacks):
    good = {"agreement_id": "uab-isom", "content_base64": base64.b64encode(PDF).decode()}
    objects = [
        {"id": "ok", **good},
        {"id": "html", "agreement_id": "uab-isom",
         "content_base64": base64.b64encode(REFUSED["html named .pdf"]).decode()},
        {"id": "garbled", "agreement_id": "uab-isom", "content_base64": "no és base64!"},
        {"id": "none", "agreement_id": "uab-isom", "file": "agreements/../../etc/passwd"},
        {"id": "number", "agreement_id": "uab-isom", "content_base64": 12},
        {"id": "tampered", **good, "sha256": "0" * 64},
    ]

    assert refused_import(objects, media, django_capture_on_commit_callbacks) == [
        f"/agreement_documents/1/content_base64: {NOT_KEPT}",
        "/agreement_documents/2/content_base64: is not valid base64",
        '/agreement_documents/3/content_base64: is required: the document "none" has no '
        'stored file "agreements/../../etc/passwd"',
        "/agreement_documents/4/content_base64: must be the file's content in base64 "
        "(a string)",
        f"/agreement_documents/5/sha256: differs from the content's "
        f"({hashlib.sha256(PDF).hexdigest()})",
    ]


def test_imported_content_beyond_the_size_allowed_is_refused(
        agreement, media, settings, django_capture_on_commit_callbacks):
    settings.XARXA_MAX_DOCUMENT_MB = 1
    content = base64.b64encode(PDF + b"\x00" * (2 * 1024 * 1024)).decode()

    problems = refused_import([{"id": "big", "agreement_id": "uab-isom",
                                "content_base64": content}], media,
                              django_capture_on_commit_callbacks)

    assert problems == ["/agreement_documents/0/content_base64: the file is 2.0 MiB; at most "
                        "1 MiB are allowed"]
