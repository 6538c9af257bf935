"""The one paginator of the API: ``?page=`` (from 1) and ``?page_size=`` (at most 500)."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(50, ge=1, le=500)

    def paginate_queryset(self, queryset, pagination: Input, **params):
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": queryset[offset: offset + pagination.page_size],
            "count": self._items_count(queryset),
        }
