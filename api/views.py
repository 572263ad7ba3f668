"""HTTP endpoints. Each one checks who is asking, then calls a service or selector: no rules live here."""


from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from centers.selectors import active_centers
from jobs import services
from jobs.selectors import (
    NearbyQuery,
    assignments_visible_to,
    gigs_of,
    gigs_visible_to,
    nearby_gigs,
    nearby_radius_limits,
    pending_reviews,
    people_on_gig,
    site_check_in_code,
    trade_groups,
    worker_card,
)
from workers.models import WorkerProfile
from zero_gig.geo import Point, distance_km
from zero_gig.ids import DIGITS, parse_id
from zero_gig.timestamps import iso

from .exceptions import errors
from .idempotency import idempotent
from .pagination import GigPage, ListPage, PayHistoryPage, ReviewPage
from .serializers import (
    AssignmentSerializer,
    CheckInCodeSerializer,
    CheckInSerializer,
    ConfirmPaidSerializer,
    DisputeSerializer,
    EndEarlySerializer,
    GigDetailSerializer,
    GigPostedSerializer,
    GigSerializer,
    GigWriteSerializer,
    HerePointSerializer,
    NearbyPageSerializer,
    NearbyQuerySerializer,
    PayRecordSerializer,
    PaySerializer,
    RatingSerializer,
    ReasonSerializer,
    ReviewDecisionSerializer,
    ServiceCenterSerializer,
    SlipCheckInSerializer,
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
    pagination_class = None  # one fixed tree of a few dozen trades


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
    create=extend_schema(request=GigWriteSerializer, responses={201: GigPostedSerializer, **errors(400, 401, 403)}),
    partial_update=extend_schema(request=GigWriteSerializer,
                                 responses={200: GigPostedSerializer, **errors(400, 401, 403, 404, 409)}),
)
class GigViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = GigDetailSerializer
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        """Reading a gig is open to all; everything else needs a login, and the service decides the rest."""
        if self.action == "retrieve":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self):
        return gigs_visible_to(self.request.user).order_by("-starts_at", "-id")

    pagination_class = GigPage

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(gigs_of(request.user))
        return self.get_paginated_response(GigSerializer(page, many=True, context=gig_context(request=request)).data)

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

    def _gig(self):
        return get_object_or_404(gigs_visible_to(self.request.user), pk=self.kwargs["pk"])

    def _detail(self, gig, status_code=status.HTTP_200_OK, serializer=GigDetailSerializer):
        gig.refresh_from_db()
        return Response(serializer(gig, context=gig_context(request=self.request)).data, status=status_code)

    @idempotent
    def create(self, request, *args, **kwargs):
        services.employer_of(request.user)  # who may post is decided before what was sent is read
        payload = GigWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        draft = fields.pop("draft", False)
        gig = services.create_gig(actor=request.user, publish=not draft, **fields)
        return self._detail(gig, status.HTTP_201_CREATED, GigPostedSerializer)

    def partial_update(self, request, *args, **kwargs):
        gig = self._gig()
        payload = GigWriteSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        fields.pop("draft", None)
        return self._detail(services.update_gig(gig, actor=request.user, **fields), serializer=GigPostedSerializer)

    @extend_schema(request=ReasonSerializer, responses={200: GigDetailSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._detail(services.cancel_gig(self._gig(), actor=request.user,
                                                reason=payload.validated_data["reason"]))

    @extend_schema(request=None, responses={200: GigDetailSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._detail(services.reopen_gig(self._gig(), actor=request.user))

    @extend_schema(request=None, responses={200: GigDetailSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._detail(services.publish_gig(self._gig(), actor=request.user))

    @extend_schema(request=EndEarlySerializer, responses={200: GigDetailSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"], url_path="end-early")
    def end_early(self, request, pk=None):
        """The employer ends a gig under way early, saying why: everyone on site is checked out now."""
        payload = EndEarlySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._detail(services.end_gig_early(self._gig(), actor=request.user,
                                                   reason=payload.validated_data["reason"]))

    @extend_schema(request=None, responses={200: CheckInCodeSerializer, **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], url_path="check-in-code")
    def check_in_code(self, request, pk=None):
        gig = self._gig()
        code, valid_until = site_check_in_code(gig, viewer=request.user, now=timezone.now())
        return Response({"code": code, "valid_until": iso(valid_until),
                         "qr_payload": f"zerogig:checkin:{gig.code}:{code}"})

    @extend_schema(request=None, responses={200: AssignmentSerializer(many=True), **errors(401, 403, 404)})
    @action(detail=True, methods=["get"], pagination_class=ListPage)
    def assignments(self, request, pk=None):
        page = self.paginate_queryset(people_on_gig(self._gig(), viewer=request.user))
        return self.get_paginated_response(AssignmentSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(request=None, responses={200: AssignmentSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    @idempotent
    def accept(self, request, pk=None):
        services.turn_away_when_full(parse_id(pk), actor=request.user)  # the crowd after the last slot: one read
        assignment = services.accept_gig(self._gig(), actor=request.user)
        return Response(AssignmentSerializer(assignment, context={"request": request}).data)

    @extend_schema(request=None, responses={200: AssignmentSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    @idempotent
    def apply(self, request, pk=None):
        assignment = services.apply_to_gig(self._gig(), actor=request.user)
        return Response(AssignmentSerializer(assignment, context={"request": request}).data)

    @extend_schema(request=ReviewDecisionSerializer, responses={200: GigDetailSerializer,
                                                                **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        payload = ReviewDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._detail(services.review_gig(self._gig(), actor=request.user, **payload.validated_data))


@extend_schema(responses={200: GigSerializer(many=True), **errors(401, 403)})
class ReviewQueue(generics.ListAPIView):
    """Posts by unverified employers waiting for this staff member's centers."""

    permission_classes = [IsAuthenticated]
    serializer_class = GigSerializer

    pagination_class = ReviewPage

    def get_queryset(self):
        return pending_reviews(self.request.user)


@extend_schema_view(
    list=extend_schema(responses={200: AssignmentSerializer(many=True), **errors(401)}),
    retrieve=extend_schema(responses={200: AssignmentSerializer, **errors(401, 404)}),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A worker's gigs, or the workers on an employer's gigs, and everything done to them."""

    serializer_class = AssignmentSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_regex = DIGITS

    def get_queryset(self):
        return assignments_visible_to(self.request.user).order_by("-id")

    def _done(self, assignment):
        assignment = self.get_queryset().get(pk=assignment.pk)
        return Response(AssignmentSerializer(assignment, context={"request": self.request}).data)

    def _act(self, service, payload_class=None):
        """Run a service on this assignment for the user asking, with the request's validated fields."""
        fields = {}
        if payload_class is not None:
            payload = payload_class(data=self.request.data)
            payload.is_valid(raise_exception=True)
            fields = payload.validated_data
        return service(self.get_object(), actor=self.request.user, **fields)

    @extend_schema(request=None, responses={200: AssignmentSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def hire(self, request, pk=None):
        return self._done(self._act(services.hire_applicant))

    @extend_schema(request=ReasonSerializer, responses={200: AssignmentSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._done(self._act(services.decline_applicant, ReasonSerializer))

    @extend_schema(request=ReasonSerializer, responses={200: AssignmentSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._done(self._act(services.cancel_assignment, ReasonSerializer))

    @extend_schema(request=CheckInSerializer, responses={200: AssignmentSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        return self._done(self._act(services.check_in, CheckInSerializer))

    @extend_schema(request=SlipCheckInSerializer,
                   responses={200: AssignmentSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"], url_path="slip-check-in")
    def slip_check_in(self, request, pk=None):
        """A worker without a phone is checked in at the site from their dispatch slip's code: by the gig's
        employer, or staff of its center (audited), under the check-in's rules. Not by the worker."""
        return self._done(self._act(services.check_in_by_slip, SlipCheckInSerializer))

    @extend_schema(request=None, responses={200: AssignmentSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        return self._done(self._act(services.check_out))

    @extend_schema(request=PaySerializer, responses={200: AssignmentSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    @idempotent
    def pay(self, request, pk=None):
        return self._done(self._act(services.record_pay, PaySerializer))

    @extend_schema(request=ConfirmPaidSerializer,
                   responses={200: AssignmentSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"], url_path="confirm-paid")
    def confirm_paid(self, request, pk=None):
        return self._done(self._act(services.confirm_paid, ConfirmPaidSerializer))

    @extend_schema(request=None, responses={200: PayRecordSerializer(many=True), **errors(401, 404)})
    @action(detail=True, methods=["get"], url_path="pay-history", pagination_class=PayHistoryPage)
    def pay_history(self, request, pk=None):
        """Every version of the pay the employer recorded, oldest first, in pages: corrections never erase one
        (usually a handful, but nothing bounds how often an employer corrects)."""
        page = self.paginate_queryset(self.get_object().pay_records.all())
        return self.get_paginated_response(PayRecordSerializer(page, many=True).data)

    @extend_schema(request=DisputeSerializer, responses={200: AssignmentSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    @idempotent
    def dispute(self, request, pk=None):
        return self._done(self._act(services.dispute_pay, DisputeSerializer).assignment)

    @extend_schema(request=RatingSerializer, responses={201: RatingSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    @idempotent
    def rate(self, request, pk=None):
        rating = self._act(services.rate, RatingSerializer)
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class WorkerDetail(APIView):
    """A worker's public card for employers and staff: trades and reliability, never phone or ID number."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: WorkerPublicSerializer, **errors(401, 403, 404)})
    def get(self, request, pk):
        return Response(WorkerPublicSerializer(worker_card(int(pk), viewer=request.user)).data)


class Favourite(APIView):
    """An employer marks a worker as a favourite: they get the first wave of the employer's new gigs."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **errors(401, 403, 404)})
    def put(self, request, pk):
        services.add_favourite(get_object_or_404(WorkerProfile, pk=pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None, **errors(401, 403)})
    def delete(self, request, pk):
        services.remove_favourite(pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
