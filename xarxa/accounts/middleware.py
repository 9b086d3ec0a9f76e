from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from xarxa.accounts.rules import viewer_of


class ViewerMiddleware:
    """Puts `request.viewer` (accounts.rules.Viewer) on every request, computed
    lazily: a page that asks nothing about rights runs no query for them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.viewer = viewer_of(request)  # type: ignore[attr-defined]
        return self.get_response(request)


def viewer(request: HttpRequest) -> dict[str, object]:
    """Template context: `viewer`."""
    return {"viewer": viewer_of(request)}
