"""Template helpers for untrusted data."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django import template
from django.db import models
from django.utils.translation import get_language

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


@register.filter
def partial_date(value: object) -> str:
    """`{{ m.start_date|partial_date }}`: a partial ISO date in the user's
    language — "2009", "juny del 2015", "15 de juny de 2021"."""

    from django.utils import formats

    text = str(value or "")
    if "T" in text:  # an event's wall-clock time: the date, then the hour
        date_part, __, clock = text.partition("T")
        return f"{partial_date(date_part)} {clock[:5]}"
    parts = text.split("-")
    try:
        if len(parts) == 1 and text:
            return str(int(parts[0]))
        if len(parts) == 2:
            return formats.date_format(dt.date(int(parts[0]), int(parts[1]), 1), "YEAR_MONTH_FORMAT")
        if len(parts) == 3:
            day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            return catalan_date(day) if get_language().startswith("ca") else formats.date_format(day)
    except ValueError:
        pass
    return text


def catalan_date(day: dt.date) -> str:
    """"15 de juny de 2021", "3 d'octubre de 2025": Catalan elides "de"
    before a vowel, which Django's format strings cannot say."""
    from django.utils import formats

    month = formats.date_format(day, "F")
    de = "d'" if month[:1].lower() in "aeiouàèéíòóú" else "de "
    return f"{formats.date_format(day, 'j')} {de}{month} de {formats.date_format(day, 'Y')}"


@register.filter
def local_name(obj: object) -> str:
    """`{{ org|local_name }}`: an organisation's name in the user's language
    when one of its other names is in it, else its name."""
    name_in = getattr(obj, "name_in", None)
    if name_in is None:
        return str(obj or "")
    return str(name_in((get_language() or "ca")[:2]))


@register.simple_tag
def route(name: str, *args: object) -> str:
    """`{% route "membership-new" as url %}`: the URL of a route, kept in a
    variable. Unlike `{% url … as var %}`, a route that is gone fails loudly
    instead of leaving a link out without a word."""
    from django.urls import reverse

    return reverse(name, args=args)
