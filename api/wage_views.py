"""Wage guidance over the API: the wage guide beside the market rates per trade, and the minimum wages in force.
Public, like the /wages/ page: workers compare before they take a gig."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.models import WageFloor
from wages.models import CITY_WIDE
from wages.selectors import minimum_wages, wage_table
from zero_gig.ids import DIGITS

from .exceptions import errors
from .serializers import GuideFiguresSerializer, MarketFiguresSerializer, TradeBriefSerializer


class WageQuerySerializer(serializers.Serializer):
    area = serializers.RegexField(f"^{DIGITS}$", max_length=6, min_length=6, required=False, help_text=_(
        "A 6-digit district or county code; the whole city when left out."))


class TradeWagesSerializer(serializers.Serializer):
    trade = TradeBriefSerializer()
    pay_unit = serializers.CharField()
    guide = GuideFiguresSerializer(allow_null=True)
    market_30 = MarketFiguresSerializer(allow_null=True, help_text=_("Gigs posted in the last 30 days."))
    market_90 = MarketFiguresSerializer(allow_null=True, help_text=_("Gigs posted in the last 90 days."))


class MinimumWageSerializer(serializers.ModelSerializer):
    class Meta:
        model = WageFloor
        fields = ("region_code", "area_class", "hourly_minimum", "monthly_minimum", "effective_from", "source",
                  "needs_verification")


class WagesSerializer(serializers.Serializer):
    area = serializers.CharField()
    trades = TradeWagesSerializer(many=True)
    minimum_wages = MinimumWageSerializer(many=True)


class Wages(APIView):
    """Per trade and pay unit: the wage guide in force and what gigs paid in the last 30 and 90 days (count, p25,
    median, p75), read from the pre-computed tables; and the minimum wage of each area."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[WageQuerySerializer], responses={200: WagesSerializer, **errors(400)})
    def get(self, request):
        query = WageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        area = query.validated_data.get("area", CITY_WIDE)
        return Response(WagesSerializer({"area": area, "trades": wage_table(area),
                                         "minimum_wages": minimum_wages()}).data)


@extend_schema(responses={200: MinimumWageSerializer(many=True)})
class MinimumWages(APIView):
    """The legal minimum wage in force in each area, with its source and date."""

    permission_classes = [AllowAny]

    def get(self, request):
        return Response(MinimumWageSerializer(minimum_wages(), many=True).data)
