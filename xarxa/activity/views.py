"""The calendar feeds applications subscribe to: `/calendar/organisations/<id>.ics`
and `/calendar/areas/<id>.ics` (the feed itself is written by ical.py).

Subscribed clients ask again every hour or so; each request says which
version it holds (If-None-Match, If-Modified-Since) and gets a bodiless 304
while nothing changed. Whether anything changed is known without writing the
feed: every change to a record goes through the write path, which numbers
it in the history, so the latest change, the feed and the reader's language
name the version. (Any change anywhere gives a new version: a client then
downloads a feed that may be the same, never keeps a stale one.)

A feed carries only the events its reader may see: calendar applications
fetch without a session, so mostly the public ones. The version names what
the reader may see too, so a feed cached for one reader is never taken for
another's. No person appears in a feed.
"""

from __future__ import annotations

import hashlib
import io
import re

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from xarxa.accounts.rules import Viewer, viewer_of
from xarxa.activity import ical
from xarxa.history.models import Change

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Bump when the feed's form changes, so that clients fetch it anew.
FORMAT = "1"


@require_safe
def organization_calendar(request: HttpRequest, pk: str) -> HttpResponseBase:
    return _feed(request, pk, organization=pk)


@require_safe
def area_calendar(request: HttpRequest, pk: str) -> HttpResponseBase:
    return _feed(request, pk, area=pk)


def _feed(request: HttpRequest, pk: str, **which: str) -> HttpResponseBase:
    viewer = viewer_of(request)
    try:
        feed = ical.calendar_for(**which, viewer=viewer)
    except LookupError as exc:
        raise Http404(str(exc)) from None
    if feed.kind == "organization":
        feed.page_url = request.build_absolute_uri(reverse("organization", args=[pk]))
    latest = Change.objects.order_by("-id").values_list("id", "at").first()
    moments = [m for m in (latest[1] if latest else None, feed.updated_at) if m is not None]
    modified = max(moments) if moments else None
    version = "\n".join([FORMAT, feed.kind, feed.ident, get_language() or "", feed.page_url or "",
                         ical.uid_domain(), reader(viewer), str(latest[0] if latest else ""),
                         feed.updated_at.isoformat() if feed.updated_at else ""])
    etag = '"' + hashlib.sha256(version.encode("utf-8", "replace")).hexdigest()[:32] + '"'
    last_modified = int(modified.timestamp()) if modified else None
    headers = {"ETag": etag}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified)
    unchanged = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if unchanged is not None:  # 304 Not Modified (or 412 for a failed precondition)
        for key, value in headers.items():
            unchanged.headers.setdefault(key, value)
        return unchanged
    body = io.BytesIO()
    feed.write(body)
    response = HttpResponse(body.getvalue(), content_type=CONTENT_TYPE)
    for key, value in headers.items():
        response.headers[key] = value
    response.headers["Content-Disposition"] = (
        content_disposition_header(False, _filename(pk)) or "inline")
    if viewer.authenticated:
        # What it holds depends on who asks: no shared cache may keep it.
        response.headers["Cache-Control"] = "private"
    return response


def reader(viewer: Viewer) -> str:
    """What the reader may see, for the feed's version: a visitor, a
    signed-in user (and the organisations whose private events they see),
    or a site administrator."""
    if viewer.site_admin:
        return "admin"
    if not viewer.authenticated:
        return "public"
    return "members:" + ",".join(sorted(viewer.orgs))


def _filename(pk: str) -> str:
    """A file name made of the id's harmless characters."""
    return (re.sub(r"[^A-Za-z0-9._-]+", "-", pk).strip(".-")[:100] or "calendar") + ".ics"

