"""Every list of the API comes in pages: a caller cannot ask for the whole city at once."""

from rest_framework.pagination import CursorPagination


class ListPage(CursorPagination):
    """At most `max_page_size` rows a page (`limit`, 50 by default), and a cursor to the next page that stays
    right while rows are added (no offsets to skip or repeat rows)."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "limit"
    ordering = "-id"


class GigPage(ListPage):
    ordering = ("-starts_at", "-id")


class ReviewPage(ListPage):
    ordering = ("created_at", "id")  # oldest waiting first
