"""The inbox over REST: what a phone that was offline missed, and marking it read."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import selectors, services
from notifications.models import Kind
from zero_gig.ids import MAX_ID

from .exceptions import errors

PAGE = 100


class NotificationSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()
    seq = serializers.IntegerField(help_text="1, 2, 3 … per recipient in commit order; `after` and `up_to` use it.")
    kind = serializers.ChoiceField(choices=Kind.choices)
    payload = serializers.DictField()
    created_at = serializers.DateTimeField()
    read = serializers.BooleanField()



class InboxPageSerializer(serializers.Serializer):
    results = NotificationSerializer(many=True)
    next_after = serializers.IntegerField(allow_null=True, help_text="Pass as `after` for the next page.")


class InboxQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, max_value=MAX_ID, required=False,
                                     help_text="Last seq seen; newer ones follow.")
    unread = serializers.BooleanField(required=False, default=False)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=500,
                                required=False)
    up_to = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)

    def validate(self, attrs):
        if "ids" not in attrs and "up_to" not in attrs:
            raise serializers.ValidationError({"ids": "Give ids, or up_to to mark everything up to a seq."})
        return attrs


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class Inbox(APIView):
    """My notifications in seq order (oldest first after `after`), a page of 100 at a time."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[InboxQuerySerializer], responses={200: InboxPageSerializer, **errors(400, 401)})
    def get(self, request):
        query = InboxQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = list(selectors.inbox(request.user, after=query.validated_data.get("after"),
                                    unread_only=query.validated_data["unread"])[: PAGE + 1])
        more = len(rows) > PAGE
        rows = rows[:PAGE]
        return Response({"results": [row.as_frame() for row in rows],
                         "next_after": rows[-1].seq if more else None})


class MarkRead(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=MarkReadSerializer, responses={200: MarkedSerializer, **errors(400, 401)})
    def post(self, request):
        payload = MarkReadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        marked = services.mark_read(request.user, ids=payload.validated_data.get("ids"),
                                    up_to=payload.validated_data.get("up_to"))
        return Response({"marked": marked})
