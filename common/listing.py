"""One way to show a long list: search, a whitelisted sort, and pages, all kept in the URL.

Views pass a queryset (or a list) and the sorts they allow; `listing()` reads ``q``, ``sort`` and
``page`` from the query string, ignores values it does not know (a hand-edited URL never becomes
an error or an arbitrary ORDER BY), and returns what templates/includes/list_controls.html and
templates/includes/pagination.html render. A page costs the same queries whatever the list's size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest

PER_PAGE = 50
MAX_SEARCH_WORDS = 5
MAX_SEARCH_LENGTH = 100


@dataclass(frozen=True)
class Sort:
    label: str
    order_by: tuple[str, ...]


@dataclass
class Listing:
    page: Page
    q: str
    sort: str
    sorts: Mapping[str, Sort]
    querystring: str  # the current filters, search and sort, without the page: for page links
    page_param: str = "page"

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def items(self) -> list[Any]:
        return list(self.page.object_list)


def clean_search(raw: str | None) -> str:
    """The words to search for: printable, trimmed, at most MAX_SEARCH_LENGTH characters."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable())
    return " ".join(text.split())[:MAX_SEARCH_LENGTH]


def search(queryset: QuerySet, q: str, fields: Sequence[str]) -> QuerySet:
    """Rows where every word appears in at least one of `fields` (case-insensitive)."""
    for word in q.split()[:MAX_SEARCH_WORDS]:
        queryset = queryset.filter(reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields)))
    return queryset


def listing(
    request: HttpRequest,
    items: QuerySet | Sequence[Any],
    *,
    sorts: Mapping[str, Sort] | None = None,
    search_fields: Sequence[str] = (),
    keep: Sequence[str] = (),
    per_page: int = PER_PAGE,
    page_param: str = "page",
) -> Listing:
    """Search, sort and paginate `items` from the request's query string.

    `keep` names the view's own filter parameters, so page links and the sort keep them too.
    The first entry of `sorts` is the default. A page with two lists gives the second its own
    `page_param`, and keeps the first list's page in `keep`.
    """
    sorts = sorts or {}
    q = clean_search(request.GET.get("q")) if search_fields else ""
    sort = request.GET.get("sort", "")
    if sort not in sorts:
        sort = next(iter(sorts), "")
    if isinstance(items, QuerySet):
        if q:
            items = search(items, q, search_fields).distinct()
        if sort:
            items = items.order_by(*sorts[sort].order_by)
    page = Paginator(items, per_page).get_page(request.GET.get(page_param))
    params = [(name, request.GET[name]) for name in keep if request.GET.get(name)]
    if q:
        params.append(("q", q))
    if sort and request.GET.get("sort") == sort:
        params.append(("sort", sort))
    return Listing(page=page, q=q, sort=sort, sorts=sorts, querystring=urlencode(params), page_param=page_param)
