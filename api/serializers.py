from rest_framework import serializers

from centers.models import ServiceCenter
from jobs.models import Category


class ServiceCenterSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ServiceCenter
        fields = ("id", "name", "level", "parent", "region_code", "address", "latitude", "longitude",
                  "opening_hours", "services", "amenities", "contact_phone", "is_demo")


class TradeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("id", "code", "name", "name_en", "pay_units", "piece_label")


class TradeGroupSerializer(serializers.ModelSerializer):
    trades = TradeSerializer(source="children", many=True, read_only=True)

    class Meta:
        model = Category
        fields = ("id", "code", "name", "name_en", "trades")
