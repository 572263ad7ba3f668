"""The audit log over the API: what staff and administrators did, filtered by person, center and day."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from audit.models import AuditEntry
from audit.selectors import audit_log
from zero_gig.ids import MAX_ID

from .exceptions import errors
from .pagination import ListPage
from .serializers import DayField


class AuditPage(ListPage):
    ordering = ("-at", "-id")


class AuditQuerySerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                      help_text="A user's id: entries where they acted or that concern them.")
    center = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    day = DayField(required=False, help_text="A day in the city's time zone (YYYY-MM-DD).")


class AuditEntrySerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.name", default=None)
    center_name = serializers.CharField(source="center.name", default=None)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "actor_name", "actor_role", "center", "center_name", "action",
                  "target_type", "target_id", "target_label", "subject", "before", "after"]


@extend_schema(parameters=[AuditQuerySerializer], responses={200: AuditEntrySerializer(many=True),
                                                             **errors(400, 401, 403)})
class AuditLog(generics.ListAPIView):
    """City administrators read every entry; center staff their own centers' entries."""

    permission_classes = [IsAuthenticated]
    serializer_class = AuditEntrySerializer
    pagination_class = AuditPage

    def get_queryset(self):
        query = AuditQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return audit_log(self.request.user, **query.validated_data)
