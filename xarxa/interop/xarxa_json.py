"""Xarxa's whole JSON document: the Popolo document and Xarxa's own records.

`xarxa export json` writes it and `xarxa import json` reads it back
(docs/json-format.md). It is a Popolo document — the Popolo collections, each
object valid against Popolo's schemas — with Xarxa's collections beside them
(themes, campaigns, participations, programmes, agreements, their documents,
placements) and a header object first saying what it is:

    {"xarxa": {"format": "xarxa-json", "version": 1},
     "areas": [...], "organizations": [...], ...}

Collections come in dependency order (`XARXA_COLLECTIONS`: what others point
to first), objects one per line ordered by id, so two exports of the same
registry are the same bytes, and export → import into an empty registry →
export gives the same bytes again (without timestamps, which an import does
not restore). The importer is `popolo_import.import_document(doc, xarxa=True)`.
"""

from __future__ import annotations

from typing import IO, Any

from xarxa.interop.popolo_export import document_dict, write_document
from xarxa.interop.popolo_import import XARXA_COLLECTIONS, XARXA_FORMAT, XARXA_VERSION

FORMAT = XARXA_FORMAT
VERSION = XARXA_VERSION  # the importer refuses a newer one
# The top-level key of the header; the importer skips it as a collection.
HEADER_KEY = "xarxa"


def header() -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION}


def export_document(out: IO[bytes], *, timestamps: bool = True) -> int:
    """Write the whole registry to the binary stream `out`; return the number
    of objects (the header not counted)."""
    return write_document(out, XARXA_COLLECTIONS, timestamps=timestamps,
                          header=(HEADER_KEY, header()), extras=True)


def export_dict(*, timestamps: bool = True) -> dict[str, Any]:
    """The same document as a Python object, for tests and small registries."""
    return {HEADER_KEY: header()} | document_dict(XARXA_COLLECTIONS, timestamps=timestamps,
                                                  extras=True)
