"""The files of agreements: what may be stored, under which name, and when.

A file is accepted by its content, never by its name: a PDF, an OpenDocument
text or spreadsheet, a Word (DOCX) or Excel (XLSX) file, a PNG or a JPEG
image, of at most `settings.XARXA_MAX_DOCUMENT_MB` MiB. The zip-based formats
are opened just enough to tell them from any other zip (the ODF `mimetype`
entry, the Office main part's content type); nothing is extracted.

Files are stored in the default storage (under MEDIA_ROOT, which nothing
serves: the admin's download view does, to those allowed) under names Xarxa
makes, `agreements/<random>.<ext>`, never from a name or a directory a user
gave. They are written when the transaction that records them commits, so a
refused or rolled-back write leaves no file behind; and removed when the
transaction that deletes their record commits.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

# What Xarxa keeps: content type → the extension of the stored name.
TYPES = {
    "application/pdf": "pdf",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "image/png": "png",
    "image/jpeg": "jpg",
}
OOXML_MAIN = {
    # The main part's content type in [Content_Types].xml; the macro-enabled
    # variants (docm, xlsm) have other ones and are refused.
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
STORED_NAME_RE = re.compile(r"^agreements/[0-9a-f]{32}\.(?:" + "|".join(TYPES.values()) + r")\Z")
# The small parts read from a zip, and how large they may claim to be.
MAX_PART = 1 << 20
CHUNK = 1 << 16


class DocumentError(ValueError):
    """A file refused; the message says why, in the user's language."""


@dataclass(frozen=True)
class Inspected:
    content_type: str
    size: int
    sha256: str

    @property
    def extension(self) -> str:
        return TYPES[self.content_type]


def max_bytes() -> int:
    return int(getattr(settings, "XARXA_MAX_DOCUMENT_MB", 20)) * 1024 * 1024


def too_large_message(size: int) -> str:
    return _("the file is %(size)s; at most %(max)d MiB are allowed") % {
        "size": human_size(size), "max": max_bytes() // (1024 * 1024)}


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return _("%(n)d bytes") % {"n": size}
    if size < 1024 * 1024:
        return _("%(n).1f KiB") % {"n": size / 1024}
    return _("%(n).1f MiB") % {"n": size / (1024 * 1024)}


def refused_type() -> str:
    return _("the file is not of a type Xarxa keeps (PDF, OpenDocument text or spreadsheet, "
             "Word DOCX, Excel XLSX, PNG or JPEG), judging by its content")


def _zip_type(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            mimetype = infos.get("mimetype")
            if mimetype is not None and mimetype.file_size <= 100:
                declared = archive.read(mimetype).decode("ascii", "replace").strip()
                if declared in ("application/vnd.oasis.opendocument.text",
                                "application/vnd.oasis.opendocument.spreadsheet"):
                    return declared
                return None
            types = infos.get("[Content_Types].xml")
            if types is None or types.file_size > MAX_PART:
                return None
            text = archive.read(types).decode("utf-8", "replace")
            for main, content_type in OOXML_MAIN.items():
                part = "/word/document.xml" if "wordprocessingml" in main else "/xl/workbook.xml"
                if f'ContentType="{main}"' in text and part[1:] in infos:
                    return content_type
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
            EOFError, OSError, ValueError):
        return None
    return None


def sniff(stream: IO[bytes]) -> str | None:
    """The content type of a seekable binary stream, by its first bytes (and,
    for a zip, its table of contents); None for anything else."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        found = _zip_type(stream)
        stream.seek(0)
        return found
    return None


def inspect(stream: IO[bytes], size: int | None = None) -> Inspected:
    """Check a seekable binary stream and describe it, or raise DocumentError."""
    if size is None:
        stream.seek(0, 2)
        size = stream.tell()
    if size > max_bytes():
        raise DocumentError(too_large_message(size))
    if size == 0:
        raise DocumentError(_("the file is empty"))
    content_type = sniff(stream)
    if content_type is None:
        raise DocumentError(refused_type())
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    stream.seek(0)
    return Inspected(content_type, size, digest.hexdigest())


def new_name(content_type: str) -> str:
    """A stored name no user chose: `agreements/<random>.<ext>`."""
    return f"agreements/{uuid.uuid4().hex}.{TYPES[content_type]}"


def is_stored_name(name: Any) -> bool:
    return isinstance(name, str) and bool(STORED_NAME_RE.match(name))


def stored_sha256(name: str) -> str | None:
    """The SHA-256 of a stored file, or None when there is none by that name."""
    if not is_stored_name(name) or not default_storage.exists(name):
        return None
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_stored(name: str) -> bytes | None:
    if not is_stored_name(name) or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as f:
        data: bytes = f.read()
    return data


def spooled(stream: IO[bytes]) -> IO[bytes]:
    """A copy of `stream` that outlives it (an upload is closed when its
    request ends): in memory up to 1 MiB, on disk beyond."""
    copy = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 — closed when written
    stream.seek(0)
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        copy.write(chunk)
    copy.seek(0)
    return copy  # type: ignore[return-value]


def write_on_commit(name: str, stream: IO[bytes]) -> None:
    """Store `stream` under `name` when the current transaction commits (at
    once outside one); a rollback stores nothing."""
    copy = spooled(stream)

    def write() -> None:
        try:
            if not default_storage.exists(name):
                saved = default_storage.save(name, File(copy, name=name))
                assert saved == name, (saved, name)
        finally:
            copy.close()

    transaction.on_commit(write)


def delete_on_commit(name: str) -> None:
    """Remove the stored file `name` when the current transaction commits,
    unless a document still names it by then."""

    def remove() -> None:
        from xarxa.training.models import AgreementDocument

        if is_stored_name(name) and not AgreementDocument.objects.filter(file=name).exists():
            default_storage.delete(name)

    transaction.on_commit(remove)
