"""Factories for the domain; defaults put everything in 王益区, Tongchuan."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Role, User
from centers.models import CenterLevel, CenterStaff, ServiceCenter
from jobs.models import Assignment, Category, Employer, Gig, GigStatus, Strike, WageFloor
from workers.id_numbers import check_char, parse_id_number
from workers.models import WorkerProfile

WANGYI = (35.0690, 109.0756)


def id_number_for(birth: dt.date, region: str = "610202", sequence: int = 123) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("phone",)

    phone = factory.Sequence(lambda n: f"136{n:08d}")
    name = factory.Faker("name", locale="zh_CN")
    role = Role.WORKER
    password = factory.django.Password("correct-horse-9")


class ServiceCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCenter

    name = factory.Sequence(lambda n: f"测试零工服务中心{n}")
    level = CenterLevel.DISTRICT
    region_code = "610202"
    latitude, longitude = WANGYI
    opening_hours = "6:30–18:00"


class CenterStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CenterStaff

    center = factory.SubFactory(ServiceCenterFactory)
    user = factory.SubFactory(UserFactory, role=Role.CENTER_STAFF)


class TradeGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = "construction"
    name = "建筑工程"


class TradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    parent = factory.SubFactory(TradeGroupFactory)
    code = "labourer"
    name = "小工/力工"
    pay_units = ["day", "hour"]


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    owner = factory.SubFactory(UserFactory, role=Role.EMPLOYER)
    name = factory.Sequence(lambda n: f"测试雇主{n}")
    contact_name = "王经理"
    contact_phone = factory.SelfAttribute("owner.phone")
    verification_status = "verified"


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerProfile

    user = factory.SubFactory(UserFactory, role=Role.WORKER)
    display_name = factory.SelfAttribute("user.name")
    latitude, longitude = WANGYI


class InStateFactory(factory.django.DjangoModelFactory):
    """A row put straight into the state a test starts from, as if the services had brought it there
    (the model refuses a status that its transitions could not have reached otherwise)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        instance = model_class(*args, **kwargs)
        instance._saved_status = instance.status
        instance.save()
        return instance


class GigFactory(InStateFactory):
    class Meta:
        model = Gig

    code = factory.Sequence(lambda n: f"T{n:07d}")
    employer = factory.SubFactory(EmployerFactory)
    category = factory.SubFactory(TradeFactory)
    center = factory.SubFactory(ServiceCenterFactory)
    title = "工地小工"
    headcount = 2
    pay_amount = Decimal("180.00")
    pay_unit = "day"
    address = "王益区（测试地点）"
    latitude, longitude = WANGYI
    site_address = factory.SelfAttribute("address")
    site_latitude = factory.SelfAttribute("latitude")
    site_longitude = factory.SelfAttribute("longitude")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda gig: gig.starts_at + dt.timedelta(hours=8))
    status = GigStatus.OPEN


class AssignmentFactory(InStateFactory):
    class Meta:
        model = Assignment

    gig = factory.SubFactory(GigFactory)
    worker = factory.SubFactory(WorkerFactory)


class WageFloorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WageFloor
        django_get_or_create = ("region_code", "effective_from")

    region_code = "610202"
    area_class = "二类"
    hourly_minimum = Decimal("20.00")
    monthly_minimum = Decimal("2050.00")
    effective_from = dt.date(2023, 5, 1)
    source = "test"


# --- Added for the API tests (tests/api) ----------------------------------------------------------

class CityAdminFactory(UserFactory):
    """A city administrator: sees the whole market, logs into the admin."""

    role = Role.CITY_ADMIN
    is_staff = True
    is_superuser = True


class WorkerTradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workers.WorkerTrade"

    worker = factory.SubFactory(WorkerFactory)
    category = factory.SubFactory(TradeFactory)
    years_experience = 3


class QualifiedWorkerFactory(WorkerFactory):
    """A real-name-verified worker with a resident ID number and a trade (the labourer trade unless `trades=[...]`).

    The ID number itself is never stored (only its keyed hash and mask); the raw number is left on the
    instance as `raw_id_number` so that tests can check it never appears anywhere.
    """

    class Meta:
        skip_postgeneration_save = True

    real_name_status = "verified"

    @factory.post_generation
    def id_number(worker, create, extracted, **kwargs):
        raw = extracted or id_number_for(dt.date(1980, 1, 1) + dt.timedelta(days=worker.pk or 0),
                                         sequence=(worker.pk or 0) % 1000)
        worker.set_resident_id(parse_id_number(raw))
        worker.raw_id_number = raw
        if create:
            worker.save(update_fields=["id_number_hash", "id_number_masked", "birth_year"])

    @factory.post_generation
    def trades(worker, create, extracted, **kwargs):
        if create:
            for trade in extracted if extracted is not None else [TradeFactory()]:
                WorkerTradeFactory(worker=worker, category=trade)


class StrikeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strike

    reason = "late_cancel"
    created_at = factory.LazyFunction(timezone.now)


def dispatched_walk_in(desk: CenterStaff, gig_center: ServiceCenter | None = None,
                       starts_in: dt.timedelta = dt.timedelta(minutes=20)) -> Assignment:
    """A walk-in without a phone whom `desk`'s center sent from its hall to a gig (at `gig_center`, by default
    another center's) that starts soon: the assignment a dispatch slip (派工单) is printed for."""
    from centers.services import check_in_to_hall
    from jobs.services import assign_for_worker
    from workers.services import register_walk_in

    WageFloorFactory()
    starts = timezone.now() + starts_in
    gig = GigFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=8),
                     **({"center": gig_center} if gig_center else {}))
    worker = register_walk_in(actor=desk.user, center=desk.center, display_name="赵大爷", trades={gig.category: 20},
                              consent=True).profile
    check_in_to_hall(worker, actor=desk.user, center=desk.center)
    return assign_for_worker(gig, worker, actor=desk.user, center=desk.center, consent=True)
