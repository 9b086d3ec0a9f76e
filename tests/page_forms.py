"""Reading the pages' record forms (core.forms) as a browser would, for the
tests of the membership, event, participation and campaign pages."""

from __future__ import annotations

import re
from typing import Any


def form_data(client: Any, page: str) -> dict[str, Any]:
    """What the browser would send back from `page` untouched."""
    response = client.get(page)
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else value
    return data


def errors_of(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.status_code
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def error_next_to(response: Any, field: str) -> str:
    """The text of the error shown in the page next to `field` (its
    `div.field` holds the error list and the input)."""
    html = response.content.decode()
    for chunk in re.split(r'(?=<div class="field)', html):
        if re.search(rf'name="{re.escape(field)}"', chunk):
            assert chunk.startswith('<div class="field has-error">'), chunk[:300]
            found = re.search(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', chunk, re.S)
            assert found, chunk[:500]
            return re.sub(r"<[^>]+>", " ", found.group(1)).strip()
    raise AssertionError(f"no field {field} in the page")
