"""The gig cards' compiled representation (api.representation) says exactly what DRF's own walk of the same
serializer says, for every kind of gig and viewer, and refuses what it could not say the same way."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import translation
from rest_framework import serializers

from api.representation import FastRepresentation
from api.serializers import FAIR_PAY, GigDetailSerializer, GigPostedSerializer, GigSerializer, fair_pay_json
from api.views import gig_context
from jobs.models import Employer
from jobs.selectors import NearbyQuery, nearby_gigs
from tests.api.conftest import World
from tests.factories import EmployerFactory, GigFactory, WageFloorFactory
from wages.models import MarketRate, WageGuide
from wages.selectors import FairPayBook

pytestmark = pytest.mark.django_db


def drf_walk(serializer, instance) -> dict:
    """DRF's generic to_representation: the reference."""
    return dict(serializers.Serializer.to_representation(serializer, instance))


def request_by(user):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return request


@pytest.fixture
def gigs(world: World):
    trade = world.trade
    WageGuide.objects.create(trade=trade, pay_unit="day", low=Decimal("150"), median=Decimal("175"),
                             high=Decimal("200"), effective_from=dt.date(2024, 1, 1), source="市人社局", is_demo=True)
    MarketRate.objects.create(trade=trade, pay_unit="day", region_code="", window_days=30, gigs=12,
                              p25=Decimal("160.125"), median=Decimal("180"), p75=Decimal("190.5"),
                              computed_at=dt.datetime.now(dt.UTC))
    WageFloorFactory(hourly_minimum=Decimal("21.30"))
    household = EmployerFactory(kind=Employer.Kind.INDIVIDUAL)
    home = GigFactory(employer=household, category=trade, center=world.center, pay_amount=Decimal("149.99"))
    home.place_at(35.0699, 109.0766, "王益区红旗街 12 号 3 单元")
    home.save()
    return [
        world.gig,  # an organisation's, open, instant
        world.application_gig(),
        world.started_gig(),
        world.cancelled_gig(),
        home,  # a household's: the site hidden from strangers
        GigFactory(employer=household, category=trade, center=world.center, pay_unit="hour",
                   pay_amount=Decimal("19.5")),
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("role", [None, "worker", "employer", "staff", "city_admin"])
@pytest.mark.parametrize("serializer_class", [GigSerializer, GigDetailSerializer, GigPostedSerializer])
def test_a_gig_card_is_what_drf_would_say(world, gigs, serializer_class, role, language):
    user = world.users[role] if role else None
    context = gig_context({gig.pk: 0.4 + gig.pk / 7 for gig in gigs[::2]}, request_by(user))
    with translation.override(language):
        fast = serializer_class(gigs, many=True, context=context).data
        reference = [drf_walk(serializer_class(context=context), gig) for gig in gigs]
    assert [dict(card) for card in fast] == reference
    assert {card["fair_pay"]["label"] for card in fast} >= {"below", "fair"}  # the nested figures are there


def test_the_feed_answers_what_drf_would_say(world, gigs, client):
    """The feed's rows are cards read straight from the database (jobs.selectors.FeedGig), not Gig instances."""
    query = NearbyQuery(latitude=world.gig.latitude, longitude=world.gig.longitude, radius_km=50)
    response = client.get("/api/gigs/nearby/", {"latitude": query.latitude, "longitude": query.longitude,
                                                "radius_km": 50})
    assert response.status_code == 200
    rows = nearby_gigs(query).results
    assert len(rows) >= 3
    context = gig_context({gig.pk: km for gig, km in rows}, request_by(None))
    assert response.json()["results"] == [drf_walk(GigSerializer(context=context), gig) for gig, _km in rows]


def test_a_fair_pay_label_is_what_drf_would_say_in_each_language_however_often_asked(world, gigs):
    """Labels' JSON is kept (api.serializers.fair_pay_json): asked again, or in the other language in between,
    it must still be what DRF says in the language asked for."""
    book = FairPayBook.load()
    for _round in range(2):
        for language in ("zh-hans", "en"):
            with translation.override(language):
                for gig in gigs:
                    fair = book.fair_pay(gig)
                    data = {**fair.__dict__, "words": fair.words, "basis": fair.basis,
                            "below_minimum": fair.below_minimum}
                    assert FAIR_PAY.to_representation(data) == drf_walk(FAIR_PAY, data)
                    assert fair_pay_json(fair, translation.get_language()) == drf_walk(FAIR_PAY, data)


def test_what_could_answer_differently_is_refused_when_first_used():
    class WithLink(FastRepresentation, serializers.Serializer):
        url = serializers.HyperlinkedIdentityField(view_name="gig-detail")

    class Inner(serializers.Serializer):
        shout = serializers.SerializerMethodField()

        def get_shout(self, value):
            return str(value).upper()

    class WithNestedMethod(FastRepresentation, serializers.Serializer):
        inner = Inner(source="*")

    with pytest.raises(TypeError, match=r"WithLink\.url"):
        WithLink().to_representation({"pk": 1})
    with pytest.raises(TypeError, match=r"Inner\.shout"):
        WithNestedMethod().to_representation("x")
