"""Links of the main navigation that know whether they lead to the page being shown.

A name ending in ":" stands for every page of that app (``"matching:"``), so a group of links
is marked current from any page under it without listing each URL name.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


def _current(context: template.Context) -> str:
    match = getattr(context.get("request"), "resolver_match", None)
    return match.view_name if match else ""


def _matches(current: str, names: tuple[str, ...]) -> bool:
    return any(current.startswith(name) if name.endswith(":") else current == name for name in names)


@register.simple_tag(takes_context=True)
def nav_item(context: template.Context, url_name: str, label: str, *also: str) -> str:
    """A dropdown item for `url_name`, marked current on it and on the `also` pages."""
    if _matches(_current(context), (url_name, *also)):
        return format_html('<a class="dropdown-item active" aria-current="page" href="{}">{}</a>', reverse(url_name), label)
    return format_html('<a class="dropdown-item" href="{}">{}</a>', reverse(url_name), label)


@register.simple_tag(takes_context=True)
def nav_group_current(context: template.Context, *names: str) -> bool:
    """Whether the page shown belongs to a group made of `names`."""
    return _matches(_current(context), names)


@register.filter
def first_of(values: Any, default: str = "") -> Any:
    return values[0] if values else default
