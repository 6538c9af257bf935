"""One page of a long list, sized by ``?page_size=`` (at most 200) and numbered by ``?page=``."""

from django.core.paginator import Page, Paginator

DEFAULT_SIZE = 20
MAX_SIZE = 200


def count_up_to(queryset, cap: int) -> int:
    """How many rows, counting no further than ``cap + 1`` (``cap + 1`` means "more than ``cap``").

    A province's ledger has tens of millions of rows: an exact count of an unnarrowed list is a scan
    of all of them on every page view, for a number nobody reads.
    """
    return queryset.order_by()[:cap + 1].count()


def page_of(request, queryset, *, count: int | None = None) -> Page:
    """The requested page of ``queryset``.

    ``count``: the number of rows when the caller has counted them already (a list's headline figures
    are one aggregate that includes the count); the paginator then does not count a second time, which
    on a province's ledger is a scan of millions of rows.
    """
    size = request.GET.get("page_size", "")
    size = min(int(size), MAX_SIZE) if size.isdigit() and int(size) > 0 else DEFAULT_SIZE
    paginator = Paginator(queryset, size)
    if count is not None:
        paginator.count = count  # a cached property: set, it is not computed
    return paginator.get_page(request.GET.get("page"))


def page_by_ids(request, queryset, fetch) -> Page:
    """``page_of`` for a list whose filter is the costly part (a scope that looks through a large table): the
    ordered ids are read in one pass, the count is their number, and the page's rows are read by id with
    ``fetch(ids) -> {id: row}`` — one pass of the filter instead of two (the count, then the page)."""
    page = page_of(request, list(queryset.values_list("pk", flat=True)))
    found = fetch(list(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page


def how_many(n: int) -> str:
    """A count as a sentence says it: ``100000`` → ``10 万条``, ``1234`` → ``1,234 条``."""
    return f"{n // 10_000} 万条" if n >= 10_000 and n % 10_000 == 0 else f"{n:,} 条"
