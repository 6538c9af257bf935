"""The headers of a list's table (``web/list.html``): labels, and sort links that keep the page's filters."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    label: str
    sort: str = ""     # the ``?sort=`` key that orders by this column ("" when it does not sort)
    css: str = ""      # e.g. "num" for a right-aligned figure
    title: str = ""    # a tooltip explaining the header
    href: str = ""     # set by ``columns`` for a sortable column
    arrow: str = ""    # ▲ / ▼ on the column the list is sorted by


def columns(request, specs, *, current: str = "", param: str = "sort") -> list[Column]:
    """``specs`` are Columns (or ``(label, sort_key)`` pairs); sortable ones link to the list sorted by them
    (again: the other way round), with the other filters kept and the page number dropped."""
    out = []
    for spec in specs:
        col = spec if isinstance(spec, Column) else Column(*spec)
        if col.sort:
            query = request.GET.copy()
            query.pop("page", None)
            query[param] = f"-{col.sort}" if current == col.sort else col.sort
            arrow = "▲" if current == col.sort else "▼" if current == f"-{col.sort}" else ""
            col = Column(col.label, col.sort, col.css, col.title, "?" + query.urlencode(), arrow)
        out.append(col)
    return out
