"""Template helpers for untrusted data."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.db import models

from xarxa.core.models import classification_label

register = template.Library()

SAFE_SCHEMES = {"http", "https", "mailto"}


@register.filter
def classification(obj: models.Model) -> str:
    """`{{ org|classification }}`: its classification in the user's language."""
    return classification_label(type(obj), getattr(obj, "classification", "") or "")


@register.filter
def safe_url(value: object) -> str:
    """The URL if it is a web or mail address, else "": a source's URL comes
    from other people and must never become `javascript:` in a link."""
    text = str(value or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return ""
    return text if scheme in SAFE_SCHEMES else ""
