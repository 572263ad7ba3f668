"""Job fairs and training courses over the API. Listing and reading are open to all (not cancelled events);
the services decide who may create, edit, sign up, take attendance and mark completion."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from centers.models import ServiceCenter
from jobs.models import Category, Employer, Gig
from programs import selectors, services
from programs.models import Course, CourseSession, Enrolment, FairRegistration, JobFair
from workers.models import WorkerProfile
from zero_gig.ids import DIGITS, MAX_ID

from .exceptions import errors
from .idempotency import idempotent
from .pagination import ListPage


class EventPage(ListPage):
    ordering = ("id",)


def _object(model, pk, field: str):
    """A referenced row by id, or bad input naming the field."""
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({field: [_("No such record.")]})
    return found


# --- Serializers -----------------------------------------------------------------------------------------

class EventQuerySerializer(serializers.Serializer):
    center = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    upcoming = serializers.BooleanField(required=False, default=False,
                                        help_text="Only events not over yet.")


class FairSerializer(serializers.ModelSerializer):
    center_name = serializers.CharField(source="center.name", read_only=True)
    registered = serializers.IntegerField(read_only=True)

    class Meta:
        model = JobFair
        fields = ["id", "center", "center_name", "title", "description", "place", "starts_at", "ends_at",
                  "capacity", "registered", "is_cancelled"]
        read_only_fields = ["id", "center_name", "registered"]


class FairWriteSerializer(serializers.ModelSerializer):
    center = serializers.PrimaryKeyRelatedField(queryset=ServiceCenter.objects.all())

    class Meta:
        model = JobFair
        fields = ["center", "title", "description", "place", "starts_at", "ends_at", "capacity", "is_cancelled"]
        extra_kwargs = {"capacity": {"min_value": 1, "max_value": 5000}}


class FairDetailSerializer(FairSerializer):
    employers = serializers.SerializerMethodField()
    gigs = serializers.SerializerMethodField()
    attended = serializers.SerializerMethodField()
    hires = serializers.SerializerMethodField()

    class Meta(FairSerializer.Meta):
        fields = [*FairSerializer.Meta.fields, "employers", "gigs", "attended", "hires"]

    def get_employers(self, fair) -> list[dict]:
        return [{"id": row.employer_id, "name": row.employer.name}
                for row in fair.employers.select_related("employer")]

    def get_gigs(self, fair) -> list[int]:
        return list(fair.fair_gigs.values_list("gig_id", flat=True))

    def _counts(self, fair) -> selectors.FairCounts:
        if not hasattr(fair, "_counts"):
            fair._counts = selectors.fair_counts(fair)
        return fair._counts

    def get_attended(self, fair) -> int:
        return self._counts(fair).attended

    def get_hires(self, fair) -> int:
        return self._counts(fair).hires


class WorkerRefSerializer(serializers.Serializer):
    worker = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                      help_text="Staff: the worker signed up at the counter. Workers leave it out.")


class RegistrationSerializer(serializers.ModelSerializer):
    worker_name = serializers.CharField(source="worker.display_name", read_only=True)

    class Meta:
        model = FairRegistration
        fields = ["id", "fair", "worker", "worker_name", "channel", "signed_up_at", "attended_at"]


class EmployerRefSerializer(serializers.Serializer):
    employer = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                        help_text="Staff: the employer added. Employers leave it out.")


class GigRefSerializer(serializers.Serializer):
    gig = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseSession
        fields = ["id", "starts_at", "ends_at"]
        read_only_fields = ["id"]


class CourseSerializer(serializers.ModelSerializer):
    center_name = serializers.CharField(source="center.name", read_only=True)
    trade_code = serializers.CharField(source="trade.code", read_only=True)
    enrolled = serializers.IntegerField(read_only=True)
    sessions = SessionSerializer(many=True, read_only=True)

    class Meta:
        model = Course
        fields = ["id", "center", "center_name", "trade", "trade_code", "title", "description", "place",
                  "capacity", "enrolled", "is_cancelled", "sessions"]
        read_only_fields = ["id", "center_name", "trade_code", "enrolled", "sessions"]


class CourseWriteSerializer(serializers.ModelSerializer):
    center = serializers.PrimaryKeyRelatedField(queryset=ServiceCenter.objects.all())
    trade = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(parent__isnull=False))
    sessions = SessionSerializer(many=True, required=False)

    class Meta:
        model = Course
        fields = ["center", "trade", "title", "description", "place", "capacity", "is_cancelled", "sessions"]
        extra_kwargs = {"capacity": {"min_value": 1, "max_value": 5000}}

    def validate_sessions(self, sessions):
        """Sessions are given whole, a PATCH included (the list replaces the course's sessions)."""
        for index, session in enumerate(sessions):
            missing = [name for name in ("starts_at", "ends_at") if name not in session]
            if missing:
                raise serializers.ValidationError(
                    {index: {name: [serializers.Field.default_error_messages["required"]] for name in missing}})
            if session["ends_at"] <= session["starts_at"]:
                raise serializers.ValidationError({index: {"ends_at": [_("A session must end after it starts.")]}})
        return sessions


class EnrolmentSerializer(serializers.ModelSerializer):
    worker_name = serializers.CharField(source="worker.display_name", read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "course", "worker", "worker_name", "channel", "signed_up_at", "completed_at"]


class AttendanceSerializer(serializers.Serializer):
    worker = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    session = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class CompletionSerializer(serializers.Serializer):
    worker = serializers.IntegerField(min_value=1, max_value=MAX_ID)


def _valid(serializer_class, data, **options) -> dict:
    body = serializer_class(data=data, **options)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def _worker_named(request) -> WorkerProfile | None:
    """The worker staff name in the body (a worker acting for themselves names nobody)."""
    worker_id = _valid(WorkerRefSerializer, request.data).get("worker")
    return _object(WorkerProfile, worker_id, "worker") if worker_id else None


def _changes(serializer_class, request) -> dict:
    """The fields a PATCH changes; an event stays at its center."""
    changes = _valid(serializer_class, request.data, partial=True)
    if "center" in changes:
        raise serializers.ValidationError({"center": [_("An event cannot move to another center.")]})
    return changes


class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What the fairs and the courses share: open to read, a login to act, pages by id."""

    pagination_class = EventPage
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "patch", "head", "options"]
    rows = staticmethod(selectors.fairs)  # the selector listing the events a viewer sees
    list_serializer = FairSerializer

    def get_permissions(self):
        return [AllowAny()] if self.action in ("list", "retrieve") else [IsAuthenticated()]

    def get_queryset(self):
        return self.rows(self.request.user)

    def list(self, request, *args, **kwargs):
        params = _valid(EventQuerySerializer, request.query_params)
        rows = self.rows(request.user, center=params.get("center"),
                         upcoming_from=timezone.now() if params["upcoming"] else None)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.list_serializer(page, many=True).data)


# --- Job fairs --------------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(parameters=[EventQuerySerializer], responses={200: FairSerializer(many=True), **errors(400)}),
    retrieve=extend_schema(responses={200: FairDetailSerializer, **errors(404)}),
    create=extend_schema(request=FairWriteSerializer, responses={201: FairDetailSerializer,
                                                                 **errors(400, 401, 403)}),
    partial_update=extend_schema(request=FairWriteSerializer,
                                 responses={200: FairDetailSerializer, **errors(400, 401, 403, 404)}),
)
class FairViewSet(EventViewSet):
    """Job fairs (现场招聘会): staff create and run their centers' fairs, employers bring gigs, workers register."""

    serializer_class = FairDetailSerializer

    @idempotent
    def create(self, request):
        data = _valid(FairWriteSerializer, request.data)
        data.pop("is_cancelled", None)
        fair = services.create_fair(actor=request.user, **data)
        return Response(FairDetailSerializer(selectors.fair(fair.pk, viewer=request.user)).data,
                        status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        fair = self.get_object()
        services.update_fair(fair, actor=request.user, **_changes(FairWriteSerializer, request))
        return Response(FairDetailSerializer(selectors.fair(fair.pk, viewer=request.user)).data)

    @extend_schema(request=WorkerRefSerializer, responses={200: RegistrationSerializer, **errors(400, 401, 403, 404,
                                                                                                   409)})
    @action(detail=True, methods=["post"])
    @idempotent
    def register(self, request, pk=None):
        """A worker registers themselves; staff of the fair's center register a worker at the counter. A full
        fair answers 409 with code `full`."""
        fair = self.get_object()
        registration = services.register_for_fair(fair, actor=request.user, worker=_worker_named(request))
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(request=WorkerRefSerializer, responses={204: None, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def unregister(self, request, pk=None):
        """A worker cancels their registration; staff of the fair's center cancel a worker's at the counter. The
        place is free again. Once the fair has started it answers 409 with code `started`."""
        fair = self.get_object()
        services.cancel_fair_registration(fair, actor=request.user, worker=_worker_named(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CompletionSerializer, responses={200: RegistrationSerializer,
                                                            **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Staff record that a worker came to the fair (registering them if they had not)."""
        fair = self.get_object()
        worker = _object(WorkerProfile, _valid(CompletionSerializer, request.data)["worker"], "worker")
        return Response(RegistrationSerializer(
            services.record_fair_attendance(fair, worker, actor=request.user)).data)

    @extend_schema(request=EmployerRefSerializer, responses={200: FairDetailSerializer,
                                                             **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def employers(self, request, pk=None):
        """An employer joins the fair; staff of the fair's center add an employer."""
        fair = self.get_object()
        employer_id = _valid(EmployerRefSerializer, request.data).get("employer")
        employer = _object(Employer, employer_id, "employer") if employer_id else None
        services.join_fair(fair, actor=request.user, employer=employer)
        return Response(FairDetailSerializer(selectors.fair(fair.pk, viewer=request.user)).data)

    @extend_schema(request=GigRefSerializer, responses={200: FairDetailSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def gigs(self, request, pk=None):
        """An employer brings one of its own gigs (staff of the fair's center may add one for it)."""
        fair = self.get_object()
        gig = _object(Gig, _valid(GigRefSerializer, request.data)["gig"], "gig")
        services.bring_gig(fair, gig, actor=request.user)
        return Response(FairDetailSerializer(selectors.fair(fair.pk, viewer=request.user)).data)

    @extend_schema(responses={200: RegistrationSerializer(many=True), **errors(401, 403, 404)})
    @action(detail=True, methods=["get"])
    def registrations(self, request, pk=None):
        """Who registered and who came: for the fair's center staff and the city."""
        fair = self.get_object()
        services.check_manager(request.user, fair.center_id)
        page = self.paginate_queryset(fair.registrations.select_related("worker").order_by("id"))
        return self.get_paginated_response(RegistrationSerializer(page, many=True).data)


# --- Training courses -------------------------------------------------------------------------------------

def _sessions(data) -> list | None:
    sessions = data.pop("sessions", None)
    return None if sessions is None else [(s["starts_at"], s["ends_at"]) for s in sessions]


@extend_schema_view(
    list=extend_schema(parameters=[EventQuerySerializer], responses={200: CourseSerializer(many=True),
                                                                     **errors(400)}),
    retrieve=extend_schema(responses={200: CourseSerializer, **errors(404)}),
    create=extend_schema(request=CourseWriteSerializer, responses={201: CourseSerializer, **errors(400, 401, 403)}),
    partial_update=extend_schema(request=CourseWriteSerializer,
                                 responses={200: CourseSerializer, **errors(400, 401, 403, 404, 409)}),
)
class CourseViewSet(EventViewSet):
    """Skills training (技能培训): staff run their centers' courses; completing one verifies the worker's skill."""

    serializer_class = CourseSerializer
    list_serializer = CourseSerializer

    @staticmethod
    def rows(viewer, **filters):
        return selectors.courses(viewer, **filters).prefetch_related("sessions")

    @idempotent
    def create(self, request):
        data = _valid(CourseWriteSerializer, request.data)
        data.pop("is_cancelled", None)
        sessions = _sessions(data)
        course = services.create_course(actor=request.user, sessions=sessions or [], **data)
        return Response(CourseSerializer(self.get_queryset().get(pk=course.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        course = self.get_object()
        changes = _changes(CourseWriteSerializer, request)
        sessions = _sessions(changes)
        services.update_course(course, actor=request.user, sessions=sessions, **changes)
        return Response(CourseSerializer(self.get_queryset().get(pk=course.pk)).data)

    @extend_schema(request=WorkerRefSerializer, responses={200: EnrolmentSerializer,
                                                           **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    @idempotent
    def enrol(self, request, pk=None):
        """A worker signs up; staff of the course's center sign up a worker at the counter. A full course
        answers 409 with code `full`."""
        course = self.get_object()
        enrolment = services.enrol(course, actor=request.user, worker=_worker_named(request))
        return Response(EnrolmentSerializer(enrolment).data)

    @extend_schema(request=WorkerRefSerializer, responses={204: None, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def unenrol(self, request, pk=None):
        """A worker cancels their sign-up; staff of the course's center cancel a worker's at the counter. The
        place is free again. Once the first session has started it answers 409 with code `started`."""
        course = self.get_object()
        services.cancel_enrolment(course, actor=request.user, worker=_worker_named(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _enrolment(self, course, worker_id) -> Enrolment:
        enrolment = Enrolment.objects.filter(course=course, worker_id=worker_id).select_related("worker").first()
        if enrolment is None:
            raise serializers.ValidationError({"worker": [_("This worker is not signed up for this course.")]})
        return enrolment

    @extend_schema(request=AttendanceSerializer, responses={200: EnrolmentSerializer,
                                                            **errors(400, 401, 403, 404)})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Staff record that a signed-up worker came to one session."""
        course = self.get_object()
        data = _valid(AttendanceSerializer, request.data)
        services.check_manager(request.user, course.center_id)
        session = course.sessions.filter(pk=data["session"]).first()
        if session is None:
            raise serializers.ValidationError({"session": [_("No such session of this course.")]})
        enrolment = self._enrolment(course, data["worker"])
        services.record_session_attendance(session, enrolment, actor=request.user)
        return Response(EnrolmentSerializer(enrolment).data)

    @extend_schema(request=CompletionSerializer, responses={200: EnrolmentSerializer,
                                                            **errors(400, 401, 403, 404)})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Staff mark that a worker completed the course: the course's trade becomes their verified skill."""
        course = self.get_object()
        worker_id = _valid(CompletionSerializer, request.data)["worker"]
        services.check_manager(request.user, course.center_id)
        enrolment = services.mark_completed(self._enrolment(course, worker_id), actor=request.user)
        return Response(EnrolmentSerializer(enrolment).data)

    @extend_schema(responses={200: EnrolmentSerializer(many=True), **errors(401, 403, 404)})
    @action(detail=True, methods=["get"])
    def enrolments(self, request, pk=None):
        """Who signed up and who completed: for the course's center staff and the city."""
        course = self.get_object()
        services.check_manager(request.user, course.center_id)
        page = self.paginate_queryset(course.enrolments.select_related("worker").order_by("id"))
        return self.get_paginated_response(EnrolmentSerializer(page, many=True).data)
