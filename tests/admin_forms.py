"""Reading the admin's change forms as a browser would, for the admin tests."""

from __future__ import annotations

from typing import Any


def form_data(client: Any, page: str) -> dict:
    """What the browser would send back from `page` untouched."""
    response = client.get(page)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def errors_of(response: Any) -> dict:
    return response.context["adminform"].form.errors
