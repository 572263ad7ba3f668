"""Every list of the API comes in pages: a caller cannot ask for the whole city at once."""

from django.core.exceptions import ValidationError as DjangoValidationError
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

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model  # what decode_cursor checks the cursor's position against
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """A cursor that is not one of ours is bad input naming its field, not a missing page. Its position is
        checked too, as a value of the column the list is ordered by: DRF compares the column with whatever a
        well-formed cursor holds (`p=abc` failed in the database: a 500 on every list)."""
        try:
            cursor = super().decode_cursor(request)
            if cursor is not None and cursor.position is not None:
                if "\x00" in cursor.position:
                    raise DjangoValidationError("NUL")
                self._model._meta.get_field(self.ordering[0].lstrip("-")).clean(cursor.position, None)
            return cursor
        except (NotFound, DjangoValidationError, OverflowError):
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
