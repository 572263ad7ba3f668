"""The staff console over HTTP: what the console's pages do, for a center's own tools. Staff act for their own
centers (403 for another center's), city administrators for every center; the services decide the rest."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from centers import services as center_services
from centers.models import HallVisit
from centers.selectors import console_center, consoled_centers, longest_waiting, waiting_in_hall
from jobs import services as job_services
from jobs.models import Gig
from jobs.selectors import board_gigs, dispatch_slip, suspicious_check_in_for_staff, suspicious_check_ins
from workers import services as worker_services
from workers.models import WorkerProfile
from workers.selectors import (
    LOOKUP_LIMIT,
    NEWS_READ_OUT,
    find_workers,
    worker_for_staff,
    worker_inbox_for_staff,
)

from .console_serializers import (
    BoardSerializer,
    CenterQuerySerializer,
    DispatchSerializer,
    DispatchSlipSerializer,
    HallCheckInSerializer,
    HallVisitSerializer,
    LookupQuerySerializer,
    StaffWorkerSerializer,
    SuspiciousCheckInSerializer,
    WalkInResultSerializer,
    WalkInSerializer,
    WorkerUpdateSerializer,
)
from .exceptions import errors
from .idempotency import idempotent
from .inbox_views import NotificationSerializer
from .pagination import ListPage
from .serializers import ServiceCenterSerializer


class HallPage(ListPage):
    ordering = ("checked_in_at", "id")  # longest waiting first


class CenterPage(ListPage):
    ordering = ("level", "name", "id")


def _center(request, pk):
    return console_center(request.user, pk)


def _worker(request, pk) -> WorkerProfile:
    worker = worker_for_staff(int(pk), viewer=request.user)
    if worker is None:
        raise get_object_or_404(WorkerProfile.objects.none())
    return worker


def _gig_context(request):
    return {"request": request, "distances": {}}


@extend_schema(responses={200: ServiceCenterSerializer(many=True), **errors(401)})
class ConsoleCenters(generics.ListAPIView):
    """The centers whose console I may open: my own (staff), every one (city administrator), none (others)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ServiceCenterSerializer
    pagination_class = CenterPage

    def get_queryset(self):
        return consoled_centers(self.request.user)


class WalkIns(APIView):
    """Register a walk-in at the counter. The same phone (in any form) or ID number finds the worker already
    registered (200, `created` false) instead of registering them twice."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=WalkInSerializer,
                   responses={201: WalkInResultSerializer, 200: WalkInResultSerializer, **errors(400, 401, 403, 404)})
    @idempotent
    def post(self, request, pk):
        center = _center(request, pk)
        payload = WalkInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = worker_services.register_walk_in(actor=request.user, center=center, **payload.service_fields())
        body = {"created": result.created, "matched_by": result.matched_by,
                "identity_claim": result.claim.pk if result.claim else None,
                "worker": StaffWorkerSerializer(worker_for_staff(result.profile.pk, viewer=request.user)).data}
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class WorkerLookup(APIView):
    """Find workers by a scanned card, a worker number, a phone (any form) or part of a name: at most 20 (a name's
    first 20 by name), not in pages."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[LookupQuerySerializer],
                   responses={200: StaffWorkerSerializer(many=True, max_length=LOOKUP_LIMIT),
                              **errors(400, 401, 403, 404)})
    def get(self, request, pk):
        _center(request, pk)
        query = LookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(StaffWorkerSerializer(find_workers(query.validated_data["q"], viewer=request.user),
                                              many=True).data)


class StaffWorker(APIView):
    """A worker as staff see them (any center's staff may read); staff of the center they registered at, or
    whose hall they wait in today, update their form."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: StaffWorkerSerializer, **errors(401, 403, 404)})
    def get(self, request, pk):
        return Response(StaffWorkerSerializer(_worker(request, pk)).data)

    @extend_schema(request=WorkerUpdateSerializer, responses={200: StaffWorkerSerializer, **errors(400, 401, 403, 404)})
    def patch(self, request, pk):
        worker = _worker(request, pk)
        payload = WorkerUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = payload.service_fields()
        center = _center(request, fields.pop("center"))
        worker_services.update_walk_in(worker, actor=request.user, center=center, **fields)
        return Response(StaffWorkerSerializer(_worker(request, pk)).data)


class StaffWorkerNews(APIView):
    """The news of a worker without a smartphone, read for them by the center (`center`: the staff's center).
    The newest 100, newest first, not in pages; a worker with their own phone reads their own (403 here)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[CenterQuerySerializer],
                   responses={200: NotificationSerializer(many=True, max_length=NEWS_READ_OUT),
                              **errors(400, 401, 403, 404)})
    def get(self, request, pk):
        worker = _worker(request, pk)
        query = CenterQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = worker_inbox_for_staff(worker, _center(request, query.validated_data["center"]), viewer=request.user)
        if rows is None:
            raise PermissionDenied
        return Response([row.as_frame() for row in rows[:NEWS_READ_OUT]])


class Hall(generics.GenericAPIView):
    """Today's hall: who is waiting (longest first), and checking a worker in (by id or by a card's scan)."""

    permission_classes = [IsAuthenticated]
    pagination_class = HallPage
    serializer_class = HallVisitSerializer

    @extend_schema(responses={200: HallVisitSerializer(many=True), **errors(400, 401, 403, 404)})
    def get(self, request, pk):
        page = self.paginate_queryset(waiting_in_hall(_center(request, pk), viewer=request.user)
                                      .select_related("center"))
        return self.get_paginated_response(HallVisitSerializer(page, many=True).data)

    @extend_schema(request=HallCheckInSerializer, responses={201: HallVisitSerializer, **errors(400, 401, 403, 404)})
    @idempotent
    def post(self, request, pk):
        center = _center(request, pk)
        payload = HallCheckInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if "worker" in payload.validated_data:
            worker = _worker(request, payload.validated_data["worker"])
        else:
            found = find_workers(payload.validated_data["scan"], viewer=request.user)
            if len(found) != 1:
                raise get_object_or_404(WorkerProfile.objects.none())
            worker = found[0]
        visit = center_services.check_in_to_hall(worker, actor=request.user, center=center)
        return Response(HallVisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class HallCheckOut(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: HallVisitSerializer, **errors(401, 403, 404)})
    def post(self, request, pk):
        visit = get_object_or_404(HallVisit.objects.select_related("center", "worker"), pk=pk)
        visit = center_services.check_out_of_hall(visit, actor=request.user)
        return Response(HallVisitSerializer(visit).data)


class Board(APIView):
    """The matching board: open instant gigs near the center with the waiting workers the engine ranks best.
    `waiting` lists the 200 who have waited longest (the engine ranks among them), `waiting_count` all who wait."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: BoardSerializer, **errors(401, 403, 404)})
    def get(self, request, pk):
        center = _center(request, pk)
        now = timezone.now()
        visits, count = longest_waiting(center, viewer=request.user, now=now)
        by_id = {v.worker_id: v.worker for v in visits}
        gigs = [{"gig": item.gig, "distance_km": round(item.distance_km, 2),
                 "suggestions": [{"worker": by_id[c.worker_id], "distance_km": round(c.distance_km, 2),
                                  "verified": c.verified} for c in item.suggestions]}
                for item in board_gigs(center, viewer=request.user, waiting_ids=list(by_id), now=now)]
        return Response(BoardSerializer({"gigs": gigs, "waiting": visits, "waiting_count": count},
                                        context=_gig_context(request)).data)


class Dispatches(APIView):
    """Staff take a slot of an instant gig for a worker in front of them, with the worker's consent: the same
    rules and refusals (409 with the reason: full, overlapping, suspended, wrong trade …) as the worker's accept."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=DispatchSerializer, responses={201: DispatchSlipSerializer,
                                                          **errors(400, 401, 403, 404, 409)})
    @idempotent
    def post(self, request, pk):
        center = _center(request, pk)
        payload = DispatchSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        gig = get_object_or_404(Gig, pk=payload.validated_data["gig"])
        worker = _worker(request, payload.validated_data["worker"])
        assignment = job_services.assign_for_worker(gig, worker, actor=request.user, center=center,
                                                    consent=payload.validated_data["consent"])
        slip = dispatch_slip(assignment.pk, viewer=request.user)
        return Response(DispatchSlipSerializer(slip, context=_gig_context(request)).data,
                        status=status.HTTP_201_CREATED)


class DispatchDetail(APIView):
    """A dispatch slip, for the staff of the center that made it or of the gig's center, and the city."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: DispatchSlipSerializer, **errors(401, 403, 404)})
    def get(self, request, pk):
        return Response(DispatchSlipSerializer(dispatch_slip(int(pk), viewer=request.user),
                                               context=_gig_context(request)).data)


class SuspiciousPage(ListPage):
    ordering = ("-last_at", "-id")  # newest first


class SuspiciousCheckIns(generics.GenericAPIView):
    """Location check-ins at the center's gigs that did not look like a reading at the site, not yet reviewed
    (?reviewed=true: those reviewed): the copied published point, a jump no vehicle could make (both refused),
    or faster than a vehicle in town (checked in, flagged). For the center's staff and the city."""

    permission_classes = [IsAuthenticated]
    pagination_class = SuspiciousPage
    serializer_class = SuspiciousCheckInSerializer

    @extend_schema(parameters=[OpenApiParameter("reviewed", bool, required=False)],
                   responses={200: SuspiciousCheckInSerializer(many=True), **errors(400, 401, 403, 404)})
    def get(self, request, pk):
        reviewed = request.query_params.get("reviewed", "") in ("true", "1")
        page = self.paginate_queryset(suspicious_check_ins(_center(request, pk), viewer=request.user,
                                                           reviewed=reviewed))
        return self.get_paginated_response(SuspiciousCheckInSerializer(page, many=True).data)


class SuspiciousCheckInReview(APIView):
    """Staff of the gig's center have looked at a suspicious check-in: it leaves the list to review (audited)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: SuspiciousCheckInSerializer, **errors(401, 403, 404)})
    def post(self, request, pk):
        flag = suspicious_check_in_for_staff(int(pk), viewer=request.user)
        return Response(SuspiciousCheckInSerializer(
            job_services.review_suspicious_check_in(flag, actor=request.user)).data)
