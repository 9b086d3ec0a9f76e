"""`{% node_link v %}`: a node of the page's lens as a link to its page, its
name escaped; `{{ x|percent }}`: 0.031 as "3.1 %"."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def node_link(context: Any, vertex: int) -> str:
    from xarxa.graph.views import node_url

    words = context["words"]
    name = words.name(vertex)
    if not words.node_ok[vertex]:
        return name
    return format_html('<a href="{}">{}</a>', node_url(words.lens, vertex), name)


@register.filter
def percent(value: float) -> str:
    return number_format(float(value or 0) * 100, 1) + " %"
