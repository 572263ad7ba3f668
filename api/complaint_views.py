"""Wage-arrears complaints (欠薪投诉) over the API: a worker files one on an assignment (with evidence photos as
multipart/form-data, or JSON without them), the gig's center takes each step, the employer responds."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from complaints import services
from complaints.models import Complaint, ComplaintStep, Evidence, Outcome
from complaints.selectors import complaints_visible_to, overdue
from jobs.models import Assignment
from zero_gig.ids import DIGITS, MAX_ID

from .exceptions import errors
from .idempotency import idempotent
from .pagination import ListPage
from .parsers import SafeJSONParser


class StepSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField(help_text="Who took the step (none for the system).")

    class Meta:
        model = ComplaintStep
        fields = ("event", "actor_name", "actor_role", "at", "note")

    def get_actor_name(self, step) -> str | None:
        return step.actor.name if step.actor_id else None


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The photo, for the worker, the employer and the staff only.")

    class Meta:
        model = Evidence
        fields = ("id", "content_type", "size", "width", "height", "uploaded_at", "url")

    def get_url(self, evidence) -> str:
        return reverse("complaint_evidence", args=[evidence.pk])


class OutcomeField(serializers.ChoiceField):
    """How the complaint ended, or null while it has not."""

    def to_representation(self, value):
        return value or None


class ComplaintSerializer(serializers.ModelSerializer):
    gig = serializers.IntegerField(source="assignment.gig_id", read_only=True)
    gig_title = serializers.CharField(source="assignment.gig.title", read_only=True)
    worker_name = serializers.CharField(source="assignment.worker.display_name", read_only=True)
    center_name = serializers.CharField(source="center.name", read_only=True)
    employer_name = serializers.CharField(source="employer.name", read_only=True)
    overdue = serializers.SerializerMethodField(
        help_text="The deadline missed now (acknowledge or resolve), worked out when read; null if none.")
    outcome = OutcomeField(choices=Outcome.choices, allow_null=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = ("id", "assignment", "gig", "gig_title", "worker_name", "center", "center_name", "employer",
                  "employer_name", "statement", "amount_claimed", "status", "outcome", "amount_recovered",
                  "filed_at", "acknowledge_by", "resolve_by", "acknowledged_at", "resolved_at", "closed_at",
                  "overdue", "employer_response", "employer_responded_at", "steps", "evidence")
        read_only_fields = fields

    def get_overdue(self, complaint) -> str | None:
        return overdue(complaint, timezone.now())


class FileSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    statement = serializers.CharField(max_length=2000)
    amount_claimed = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True,
                                              help_text="Yuan owed; the pay recorded when left out.")
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=20,
                                   help_text="Evidence photos (multipart/form-data only): JPEG, PNG or WebP.")

    def validate_assignment(self, value):
        assignment = Assignment.objects.filter(pk=value).first()
        if assignment is None:
            raise serializers.ValidationError(_("No such assignment."))
        return assignment


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ResolveSerializer(NoteSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    amount_recovered = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True,
                                                help_text="Yuan the worker was paid (needed for partly_paid).")


class ResponseSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=2000)


class EvidenceUploadSerializer(serializers.Serializer):
    photos = serializers.ListField(child=serializers.FileField(), max_length=20)


STEP_ERRORS = errors(400, 401, 403, 404, 409)


@extend_schema_view(
    list=extend_schema(responses={200: ComplaintSerializer(many=True), **errors(401)}),
    retrieve=extend_schema(responses={200: ComplaintSerializer, **errors(401, 404)}),
)
class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The worker's own complaints, those against an employer, a center's queue (staff), or all (the city)."""

    serializer_class = ComplaintSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = ListPage
    lookup_value_regex = DIGITS
    parser_classes = [SafeJSONParser, MultiPartParser]  # filing takes photos; each step below takes JSON only

    def get_queryset(self):
        return complaints_visible_to(self.request.user).prefetch_related("steps__actor", "evidence").order_by("-id")

    def _done(self, complaint, code=status.HTTP_200_OK):
        return Response(ComplaintSerializer(self.get_queryset().get(pk=complaint.pk)).data, status=code)

    def _step(self, service, payload_class=NoteSerializer):
        complaint = self.get_object()
        payload = payload_class(data=self.request.data)
        payload.is_valid(raise_exception=True)
        return self._done(service(complaint, actor=self.request.user, **payload.validated_data))

    @extend_schema(request={"application/json": FileSerializer, "multipart/form-data": FileSerializer},
                   responses={201: ComplaintSerializer, **errors(400, 401, 403, 409)})
    @idempotent
    def create(self, request, *args, **kwargs):
        """File a complaint about an assignment whose pay is not confirmed (or was disputed): only its worker."""
        body = FileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        complaint = services.file_complaint(data["assignment"], actor=request.user, statement=data["statement"],
                                            amount_claimed=data.get("amount_claimed"), photos=data.get("photos"))
        return self._done(complaint, status.HTTP_201_CREATED)

    @extend_schema(request=NoteSerializer, responses={200: ComplaintSerializer, **STEP_ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[SafeJSONParser])
    def acknowledge(self, request, pk=None):
        return self._step(services.acknowledge)

    @extend_schema(request=NoteSerializer, responses={200: ComplaintSerializer, **STEP_ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[SafeJSONParser])
    def mediate(self, request, pk=None):
        return self._step(services.start_mediation)

    @extend_schema(request=ResolveSerializer, responses={200: ComplaintSerializer, **STEP_ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[SafeJSONParser])
    def resolve(self, request, pk=None):
        return self._step(services.resolve, ResolveSerializer)

    @extend_schema(request=NoteSerializer, responses={200: ComplaintSerializer, **STEP_ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[SafeJSONParser])
    def close(self, request, pk=None):
        return self._step(services.close)

    @extend_schema(request=ResponseSerializer, responses={200: ComplaintSerializer, **STEP_ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[SafeJSONParser])
    def respond(self, request, pk=None):
        """The employer's answer to the complaint."""
        return self._step(services.respond, ResponseSerializer)

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer},
                   responses={200: ComplaintSerializer, **STEP_ERRORS})
    @action(detail=True, methods=["post"])
    @idempotent
    def evidence(self, request, pk=None):
        """More photos from the worker while the complaint is open: all of them are kept, or none."""
        complaint = self.get_object()
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        services.add_evidence(complaint, actor=request.user, photos=photos)
        return self._done(complaint)
