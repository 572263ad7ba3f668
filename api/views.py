from rest_framework import generics
from rest_framework.permissions import AllowAny

from centers.selectors import active_centers
from jobs.selectors import trade_groups

from .serializers import ServiceCenterSerializer, TradeGroupSerializer


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
