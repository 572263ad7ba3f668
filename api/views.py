"""HTTP endpoints. Each one checks who is asking, then calls a service or selector: no rules live here."""

from dataclasses import asdict

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from centers.selectors import active_centers
from jobs import services
from jobs.models import Rating
from jobs.selectors import (
    NearbyQuery,
    assignments_visible_to,
    gigs_visible_to,
    nearby_gigs,
    nearby_radius_limits,
    pending_reviews,
    trade_groups,
    worker_reliability,
)
from workers.models import RealNameStatus, WorkerProfile
from zero_gig.geo import Point, distance_km

from .exceptions import errors
from .permissions import IsCenterStaff, IsEmployer, IsWorker
from .serializers import (
    AssignmentSerializer,
    CheckInCodeSerializer,
    CheckInSerializer,
    DisputeSerializer,
    GigDetailSerializer,
    GigSerializer,
    GigWriteSerializer,
    HerePointSerializer,
    NearbyPageSerializer,
    NearbyQuerySerializer,
    PaySerializer,
    RatingSerializer,
    ReasonSerializer,
    ReviewDecisionSerializer,
    ServiceCenterSerializer,
    TradeGroupSerializer,
    WorkerPublicSerializer,
)


class CenterList(generics.ListAPIView):
    """Every active service center, open to all (the centers publish their contact and hours)."""

    permission_classes = [AllowAny]
    serializer_class = ServiceCenterSerializer
    queryset = active_centers()


class TradeList(generics.ListAPIView):
    """The trade taxonomy (工种): groups and their trades with allowed pay units."""

    permission_classes = [AllowAny]
    serializer_class = TradeGroupSerializer
    queryset = trade_groups()


def gig_context(distances=None, request=None) -> dict:
    return {"request": request, "distances": distances or {}}


class NearbyGigs(APIView):
    """Open gigs near a point: the worker's feed (anyone may browse)."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[NearbyQuerySerializer], responses={200: NearbyPageSerializer, **errors(400)})
    def get(self, request):
        default_radius, _max_radius = nearby_radius_limits()
        params = NearbyQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        page = nearby_gigs(NearbyQuery(
            latitude=data["latitude"], longitude=data["longitude"], radius_km=data.get("radius_km", default_radius),
            trade_ids=data.get("trades"), pay_unit=data.get("pay_unit"), min_pay=data.get("min_pay"),
            starts_after=data.get("starts_after"), starts_before=data.get("starts_before"), sort=data["sort"],
            limit=data["limit"], cursor=data.get("cursor"),
        ))
        gigs = [gig for gig, _distance in page.results]
        context = gig_context({gig.pk: distance for gig, distance in page.results}, request)
        return Response({"results": GigSerializer(gigs, many=True, context=context).data,
                         "next_cursor": page.next_cursor})


@extend_schema_view(
    list=extend_schema(summary="Gigs I may see: an employer's own, a worker's, a center's", responses={
        200: GigSerializer(many=True), **errors(401)}),
    create=extend_schema(request=GigWriteSerializer, responses={201: GigDetailSerializer, **errors(400, 401, 403)}),
    partial_update=extend_schema(request=GigWriteSerializer,
                                 responses={200: GigDetailSerializer, **errors(400, 401, 403, 404, 409)}),
)
class GigViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = GigDetailSerializer
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action == "retrieve":
            return [AllowAny()]
        if self.action in ("create", "partial_update", "cancel", "reopen", "publish", "check_in_code", "assignments"):
            return [IsEmployer()]
        if self.action in ("accept", "apply"):
            return [IsWorker()]
        if self.action == "review":
            return [IsCenterStaff()]
        return [IsAuthenticated()]

    def get_queryset(self):
        return gigs_visible_to(self.request.user).order_by("-starts_at", "-id")

    def list(self, request, *args, **kwargs):
        user = request.user
        gigs = self.get_queryset()
        if user.role == Role.EMPLOYER and hasattr(user, "employer"):
            gigs = gigs.filter(employer=user.employer)
        elif user.role == Role.WORKER and hasattr(user, "worker_profile"):
            gigs = gigs.filter(assignments__worker=user.worker_profile)
        page = self.paginate_queryset(gigs) if self.paginator else None
        items = list(page if page is not None else gigs[:200])
        return Response(GigSerializer(items, many=True, context=gig_context(request=request)).data)

    @extend_schema(parameters=[HerePointSerializer], responses={200: GigDetailSerializer, **errors(400, 404)})
    def retrieve(self, request, *args, **kwargs):
        """A gig's detail; with `latitude` and `longitude` it also says how far away it is."""
        gig = self.get_object()
        here = HerePointSerializer(data=request.query_params)
        here.is_valid(raise_exception=True)
        distances = {}
        if here.validated_data:
            point = Point(here.validated_data["latitude"], here.validated_data["longitude"])
            distances[gig.pk] = distance_km(point, gig.point)
        return Response(GigDetailSerializer(gig, context=gig_context(distances, request)).data)

    def _own_gig(self):
        gig = get_object_or_404(gigs_visible_to(self.request.user), pk=self.kwargs["pk"])
        if gig.employer_id != self.request.user.employer.pk:
            raise PermissionDenied(_("This gig belongs to another employer."))
        return gig

    def _detail(self, gig, status_code=status.HTTP_200_OK):
        gig.refresh_from_db()
        return Response(GigDetailSerializer(gig, context=gig_context(request=self.request)).data,
                        status=status_code)

    def create(self, request, *args, **kwargs):
        payload = GigWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        draft = fields.pop("draft", False)
        gig = services.create_gig(employer=request.user.employer, publish=not draft, **fields)
        return self._detail(gig, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        gig = self._own_gig()
        payload = GigWriteSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        fields.pop("draft", None)
        return self._detail(services.update_gig(gig, **fields))

    @extend_schema(request=ReasonSerializer, responses={200: GigDetailSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._detail(services.cancel_gig(self._own_gig(), reason=payload.validated_data["reason"]))

    @extend_schema(request=None, responses={200: GigDetailSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._detail(services.reopen_gig(self._own_gig()))

    @extend_schema(request=None, responses={200: GigDetailSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._detail(services.publish_gig(self._own_gig()))

    @extend_schema(request=None, responses={200: CheckInCodeSerializer, **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], url_path="check-in-code")
    def check_in_code(self, request, pk=None):
        gig = self._own_gig()
        code, valid_until = services.check_in_code(gig, timezone.now())
        return Response({"code": code, "valid_until": valid_until,
                         "qr_payload": f"zerogig:checkin:{gig.code}:{code}"})

    @extend_schema(request=None, responses={200: AssignmentSerializer(many=True), **errors(401, 403, 404)})
    @action(detail=True, methods=["get"])
    def assignments(self, request, pk=None):
        gig = self._own_gig()
        items = assignments_visible_to(request.user).filter(gig=gig).order_by("id")
        return Response(AssignmentSerializer(items, many=True, context={"request": request}).data)

    @extend_schema(request=None, responses={200: AssignmentSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        gig = get_object_or_404(gigs_visible_to(request.user), pk=pk)
        assignment = services.accept_gig(request.user.worker_profile, gig)
        return Response(AssignmentSerializer(assignment, context={"request": request}).data)

    @extend_schema(request=None, responses={200: AssignmentSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        gig = get_object_or_404(gigs_visible_to(request.user), pk=pk)
        assignment = services.apply_to_gig(request.user.worker_profile, gig)
        return Response(AssignmentSerializer(assignment, context={"request": request}).data)

    @extend_schema(request=ReviewDecisionSerializer, responses={200: GigDetailSerializer,
                                                                **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        payload = ReviewDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        gig = get_object_or_404(gigs_visible_to(request.user), pk=pk)
        return self._detail(services.review_gig(gig, reviewer=request.user, **payload.validated_data))


@extend_schema(responses={200: GigSerializer(many=True), **errors(401, 403)})
class ReviewQueue(generics.ListAPIView):
    """Posts by unverified employers waiting for this staff member's centers."""

    permission_classes = [IsCenterStaff]
    serializer_class = GigSerializer

    def get_queryset(self):
        return pending_reviews(self.request.user).order_by("created_at")

    def list(self, request, *args, **kwargs):
        gigs = list(self.get_queryset()[:200])
        return Response(GigSerializer(gigs, many=True, context=gig_context(request=request)).data)


@extend_schema_view(
    list=extend_schema(responses={200: AssignmentSerializer(many=True), **errors(401)}),
    retrieve=extend_schema(responses={200: AssignmentSerializer, **errors(401, 404)}),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A worker's gigs, or the workers on an employer's gigs, and everything done to them."""

    serializer_class = AssignmentSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return assignments_visible_to(self.request.user).order_by("-id")

    def _mine(self, role: str):
        assignment = self.get_object()
        user = self.request.user
        if role == Role.WORKER and not (user.role == Role.WORKER and assignment.worker.user_id == user.pk):
            raise PermissionDenied(_("Only the worker on this gig can do this."))
        if role == Role.EMPLOYER and not (user.role == Role.EMPLOYER and assignment.gig.employer.owner_id == user.pk):
            raise PermissionDenied(_("Only the gig's employer can do this."))
        return assignment

    def _done(self, assignment):
        assignment = self.get_queryset().get(pk=assignment.pk)
        return Response(AssignmentSerializer(assignment, context={"request": self.request}).data)

    @extend_schema(request=None, responses={200: AssignmentSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def hire(self, request, pk=None):
        return self._done(services.hire_applicant(self._mine(Role.EMPLOYER)))

    @extend_schema(request=ReasonSerializer, responses={200: AssignmentSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._done(services.decline_applicant(self._mine(Role.EMPLOYER), **payload.validated_data))

    @extend_schema(request=ReasonSerializer, responses={200: AssignmentSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        by = "worker" if request.user.role == Role.WORKER else "employer"
        assignment = self._mine(Role.WORKER if by == "worker" else Role.EMPLOYER)
        return self._done(services.cancel_assignment(assignment, by=by, **payload.validated_data))

    @extend_schema(request=CheckInSerializer, responses={200: AssignmentSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        payload = CheckInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._done(services.check_in(self._mine(Role.WORKER), **payload.validated_data))

    @extend_schema(request=None, responses={200: AssignmentSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        if request.user.role not in (Role.WORKER, Role.EMPLOYER):
            raise PermissionDenied(_("Only the worker or the employer can check out."))
        return self._done(services.check_out(self._mine(request.user.role)))

    @extend_schema(request=PaySerializer, responses={200: AssignmentSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        payload = PaySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._done(services.record_pay(self._mine(Role.EMPLOYER), **payload.validated_data))

    @extend_schema(request=None, responses={200: AssignmentSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"], url_path="confirm-paid")
    def confirm_paid(self, request, pk=None):
        return self._done(services.confirm_paid(self._mine(Role.WORKER)))

    @extend_schema(request=DisputeSerializer, responses={200: AssignmentSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        payload = DisputeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        assignment = self._mine(Role.WORKER)
        services.dispute_pay(assignment, **payload.validated_data)
        return self._done(assignment)

    @extend_schema(request=RatingSerializer, responses={201: RatingSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        payload = RatingSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if request.user.role == Role.WORKER:
            assignment, direction = self._mine(Role.WORKER), Rating.Direction.OF_EMPLOYER
        else:
            assignment, direction = self._mine(Role.EMPLOYER), Rating.Direction.OF_WORKER
        rating = services.rate(assignment, direction=direction, **payload.validated_data)
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class WorkerDetail(APIView):
    """A worker's public card for employers and staff: trades and reliability, never phone or ID number."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: WorkerPublicSerializer, **errors(401, 403, 404)})
    def get(self, request, pk):
        if request.user.role == Role.WORKER and getattr(request.user, "worker_profile", None) is None:
            raise PermissionDenied()
        if request.user.role == Role.WORKER and request.user.worker_profile.pk != int(pk):
            raise PermissionDenied(_("Workers see only their own card."))
        worker = get_object_or_404(WorkerProfile.objects.prefetch_related("worker_trades__category"), pk=pk)
        data = {"id": worker.pk, "display_name": worker.display_name,
                "real_name_verified": worker.real_name_status == RealNameStatus.VERIFIED,
                "trades": [{"code": t.category.code, "name": t.category.name, "years_experience": t.years_experience}
                           for t in worker.worker_trades.all()],
                "reliability": asdict(worker_reliability(worker))}
        return Response(WorkerPublicSerializer(data).data)


class Favourite(APIView):
    """An employer marks a worker as a favourite: they get the first wave of the employer's new gigs."""

    permission_classes = [IsEmployer]

    @extend_schema(request=None, responses={204: None, **errors(401, 403, 404)})
    def put(self, request, pk):
        services.add_favourite(request.user.employer, get_object_or_404(WorkerProfile, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None, **errors(401, 403)})
    def delete(self, request, pk):
        services.remove_favourite(request.user.employer, pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
