"""Every list of the API comes in pages: a caller cannot ask for the whole city at once."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class ListPage(CursorPagination):
    """At most `max_page_size` rows a page (`limit`, 50 by default), and a cursor to the next page that stays
    right while rows are added (no offsets to skip or repeat rows)."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "limit"
    ordering = "-id"

    def decode_cursor(self, request):
        """A cursor that is not one of ours is bad input naming its field, not a missing page."""
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise serializers.ValidationError({"cursor": [_("This cursor is not one the list gave out.")]}) from None

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["required"] = ["next", "previous", "results"]
        return described


class GigPage(ListPage):
    ordering = ("-starts_at", "-id")


class ReviewPage(ListPage):
    ordering = ("created_at", "id")  # oldest waiting first


class PayHistoryPage(ListPage):
    ordering = ("recorded_at", "id")  # oldest version first
