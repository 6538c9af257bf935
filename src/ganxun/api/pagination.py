"""The one paginator of the API: ``?page=`` (from 1) and ``?page_size=`` (at most 500)."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    class Input(Schema):
        # past the last page: an empty page; past a million: 422 (no database is asked for such an offset)
        page: int = Field(1, ge=1, le=1_000_000, description="页码，从 1 起；超过末页时 items 为空")
        page_size: int = Field(50, ge=1, le=500)

    def paginate_queryset(self, queryset, pagination: Input, **params):
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": queryset[offset: offset + pagination.page_size],
            "count": self._items_count(queryset),
        }
