"""The Tongchuan demo: four real-named centers at approximate places, and invented people and gigs.

Everything is drawn from one seeded random stream, so the demo is the same on every machine,
and every row has a natural key (phone number, gig code), so loading it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from centers.models import CenterAmenity, CenterLevel, CenterService, CenterStaff, OpenDays, ServiceCenter
from complaints import services as complaints
from complaints.models import Complaint, Outcome
from demo.policy import load_policy_articles
from gigreports.models import Case, Reason
from gigreports.services import report_gig
from gigreports.services import rule as report_rule
from jobs.exceptions import Conflict
from jobs.models import Assignment, AssignmentStatus, Category, Employer, Gig, GigStatus, HiringMode, PayStatus
from jobs.services import (
    accept_gig,
    apply_to_gig,
    cancel_gig,
    check_in,
    check_in_code,
    confirm_paid,
    create_gig,
    hire_applicant,
    load_wage_floors,
    record_pay,
    register_employer,
    sync_taxonomy,
    verify_employer,
)
from jobs.taxonomy import TAXONOMY
from programs import services as programs
from programs.models import Course, JobFair
from wages.services import load_demo_guide, refresh_market_rates
from workers.id_numbers import check_char
from workers.models import Availability, WorkerProfile
from workers.services import register_worker, verify_worker_identity

SEED = 20241124
DEMO_PASSWORD = "zerogig-demo"
N_EMPLOYERS, N_WORKERS, N_GIGS = 50, 500, 300

# (key, name, level, region code, lat, lng); the city center sits in 王益区 beside the district one.
PLACES = [
    ("city", "铜川市零工服务中心（示例）", CenterLevel.CITY, "610202", 35.0765, 109.0830),
    ("wangyi", "王益区零工服务中心（示例）", CenterLevel.DISTRICT, "610202", 35.0690, 109.0756),
    ("yintai", "印台区零工服务中心（示例）", CenterLevel.DISTRICT, "610203", 35.1145, 109.1000),
    ("yaozhou", "耀州区零工服务中心（示例）", CenterLevel.DISTRICT, "610204", 34.9089, 108.9805),
    ("yijun", "宜君县零工服务中心（示例）", CenterLevel.COUNTY, "610222", 35.3986, 109.1169),
]
# Where work and workers are, with weights: most of the city lives in 王益/印台/耀州 and the new district.
HOTSPOTS = [
    (35.0690, 109.0756, 3.0, 30), (35.1145, 109.1000, 3.0, 20), (34.9089, 108.9805, 3.5, 20),
    (34.8930, 108.9790, 3.0, 20), (35.3986, 109.1169, 3.0, 10),
]

LOGINS = {
    "city_admin": "13700000000",
    "center_staff": "13700000001",
    "employer": "13900000001",
    "worker": "13800000001",
}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华志强红梅文博海燕国庆建国小龙春生晓东"
SHOP_KINDS = ["建筑工程有限公司", "装饰工程部", "家政服务中心", "物流有限公司", "餐饮店", "果业合作社",
              "保安服务有限公司", "食品厂", "农业园区", "搬家服务部"]
GIG_TITLES = {
    "construction": "工地{trade}，{n}人",
    "renovation": "{trade}上门服务",
    "housekeeping": "{trade}，家庭服务",
    "logistics": "{trade}，急招{n}人",
    "catering": "饭店招{trade}",
    "security_events": "{trade}，活动现场",
    "agriculture": "果园{trade}，{n}人",
    "factory": "工厂{trade}，短期",
}


def _rng(key: str) -> random.Random:
    """A random stream per demo row, so a row looks the same however much of the demo exists already."""
    return random.Random(f"{SEED}-{key}")


def _jitter(rng: random.Random, lat: float, lng: float, sigma_km: float) -> tuple[float, float]:
    dlat = rng.gauss(0, sigma_km) / 111.0
    dlng = rng.gauss(0, sigma_km) / (111.0 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lng + dlng, 6)


def _place(rng: random.Random) -> tuple[float, float]:
    lat, lng, sigma, _weight = rng.choices(HOTSPOTS, weights=[h[3] for h in HOTSPOTS])[0]
    return _jitter(rng, lat, lng, sigma)


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def _id_number(rng: random.Random, region: str, index: int) -> str:
    birth = dt.date(1958, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 45))
    first17 = f"{region}{birth:%Y%m%d}{index % 1000:03d}"
    return first17 + check_char(first17)


def _pay(rng: random.Random, unit: str, low: float, high: float) -> Decimal:
    value = Decimal(str(rng.uniform(low, high)))
    if unit == "piece":
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    step = Decimal("10") if unit in ("day", "job") else Decimal("1")
    return ((value / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step).quantize(Decimal("0.01"))


def _stated_quantities(rng: random.Random, unit: str, pay: Decimal, hours: int) -> dict:
    """What the employer of a per-job or per-piece demo gig states: the hours the job takes, or an 8-hour
    day's output and the most pieces one worker is paid for, so that the pay comes to 25–60 yuan an hour."""
    if unit == "job":
        half_hours = (pay / Decimal(str(rng.uniform(25, 60))) * 2).to_integral_value(rounding=ROUND_FLOOR)
        return {"expected_hours": max(Decimal("0.5"), min(Decimal(hours), half_hours / 2))}
    if unit == "piece":
        per_day = math.ceil(Decimal(str(rng.uniform(200, 480))) / pay)
        return {"expected_pieces_per_day": per_day, "max_pieces": 2 * per_day}
    return {}


def _trade_table() -> list[tuple[str, Category, dict]]:
    by_code = {c.code: c for c in Category.objects.filter(parent__isnull=False)}
    return [(group_code, by_code[code], ranges)
            for group_code, _n, _e, trades in TAXONOMY for code, _nm, _en, _u, _p, ranges in trades]


def _user(phone: str, name: str, role: str, password_hash: str, **extra):
    User = get_user_model()
    user, created = User.objects.get_or_create(phone=phone, defaults={"name": name, "role": role, **extra})
    if created:
        user.password = password_hash
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_demo(today: dt.date | None = None) -> dict[str, int]:
    """Load (or top up) the demo; returns row counts. Existing rows are left as they are."""
    today = today or timezone.localdate()
    password_hash = make_password(DEMO_PASSWORD)
    sync_taxonomy()
    load_wage_floors()
    load_demo_guide()
    load_policy_articles()
    trades = _trade_table()

    centers = _load_centers(password_hash)
    city_admin = _user(LOGINS["city_admin"], "市人社局管理员（示例）", Role.CITY_ADMIN, password_hash,
                       is_staff=True, is_superuser=True)

    employers = _load_employers(password_hash, city_admin)
    _load_workers(password_hash, trades, centers)
    _load_gigs(today, employers, trades)
    _load_programs(today, centers, city_admin)
    _load_complaints()
    _load_reports()
    refresh_market_rates()

    return {
        "centers": ServiceCenter.objects.filter(is_demo=True).count(),
        "employers": Employer.objects.count(),
        "workers": WorkerProfile.objects.count(),
        "gigs": Gig.objects.count(),
        "assignments": Assignment.objects.count(),
    }


def _load_centers(password_hash: str) -> dict[str, ServiceCenter]:
    centers: dict[str, ServiceCenter] = {}
    for index, (key, name, level, region, lat, lng) in enumerate(PLACES):
        center = ServiceCenter.objects.filter(name=name).first()
        if center is None:
            center = ServiceCenter(
                name=name, level=level, region_code=region, latitude=lat, longitude=lng,
                parent=centers.get("city"), is_demo=True,
                address="示例地址：位置为区县中心的近似坐标，不是真实门牌",
                opening_hours="周一至周日 6:30–18:00", opens_at=dt.time(6, 30), closes_at=dt.time(18),
                open_days=OpenDays.EVERY_DAY, contact_phone="12333",
                services=list(CenterService.values) if level != CenterLevel.STATION else ["matching", "shelter"],
                amenities=list(CenterAmenity.values),
            )
            center.full_clean()
            center.save()
        centers[key] = center
        staff_phone = f"137000000{index + 1:02d}"
        staff = _user(staff_phone, f"{name[:3]}工作人员", Role.CENTER_STAFF, password_hash, is_staff=True)
        CenterStaff.objects.get_or_create(center=center, user=staff)
    return centers


def _load_employers(password_hash: str, city_admin) -> list[Employer]:
    User = get_user_model()
    employers = []
    for index in range(1, N_EMPLOYERS + 1):
        rng = _rng(f"employer-{index}")
        phone = f"139{index:08d}"
        contact = _name(rng)
        is_org = rng.random() < 0.6
        shop = rng.choice(SHOP_KINDS)
        name = f"铜川{_name(rng)[0]}氏{shop}（示例）" if is_org else f"{contact}（个人，示例）"
        verified = rng.random() < 0.8
        existing = Employer.objects.filter(owner__phone=phone).first()
        if existing:
            employers.append(existing)
            continue
        employer = register_employer(
            phone=phone, name=name, contact_name=contact,
            kind=Employer.Kind.ORGANISATION if is_org else Employer.Kind.INDIVIDUAL,
            credit_code=_credit_code(rng) if is_org else None,
        )
        if verified:
            employer = verify_employer(employer, actor=city_admin)
        User.objects.filter(pk=employer.owner_id).update(password=password_hash)
        employers.append(employer)
    return employers


def _credit_code(rng: random.Random) -> str:
    from jobs.credit_codes import ALPHABET
    from jobs.credit_codes import check_char as credit_check

    body = "91610200" + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + credit_check(body)


def _load_workers(password_hash: str, trades, centers) -> list[WorkerProfile]:
    User = get_user_model()
    workers = []
    region_by_hotspot = ["610202", "610203", "610204", "610204", "610222"]
    center_list = list(centers.values())
    city_admin = User.objects.get(phone=LOGINS["city_admin"])
    for index in range(1, N_WORKERS + 1):
        rng = _rng(f"worker-{index}")
        phone = f"138{index:08d}"
        name = _name(rng)
        lat, lng = _place(rng)
        region = rng.choice(region_by_hotspot)
        id_number = _id_number(rng, region, index)
        chosen = rng.sample(trades, k=rng.choice((1, 1, 2, 3)))
        years = [rng.randint(0, 25) for _ in chosen]
        walk_in = rng.random() < 0.2
        availability = rng.choice(Availability.values)
        center = rng.choice(center_list)
        existing = WorkerProfile.objects.filter(user__phone=phone).first()
        if existing:
            workers.append(existing)
            continue
        verified = rng.random() < 0.7
        profile = register_worker(
            phone=phone, display_name=name, latitude=lat, longitude=lng,
            trades={trade: y for (_g, trade, _r), y in zip(chosen, years, strict=True)},
            id_number=id_number, availability=availability,
            has_smartphone=not walk_in, center=center if walk_in else None,
            actor=center.staff.first().user if walk_in else None,
        )
        if verified:
            verify_worker_identity(profile, actor=city_admin)
        User.objects.filter(pk=profile.user_id).update(password=password_hash)
        workers.append(profile)
    return workers


def _load_gigs(today: dt.date, employers, trades) -> None:
    """Replay each demo gig's history through the services, at the times it would have happened: posted two
    days before its start, taken, checked in, paid, or cancelled, so the demo obeys every rule a real gig does."""
    tz = timezone.get_current_timezone()
    real_now = timezone.now()
    workers_by_trade: dict[int, list[WorkerProfile]] = {}
    for worker in WorkerProfile.objects.select_related("user").prefetch_related("worker_trades"):
        for trade in worker.worker_trades.all():
            workers_by_trade.setdefault(trade.category_id, []).append(worker)
    for index in range(1, N_GIGS + 1):
        code = f"DEMO{index:04d}"
        rng = _rng(code)
        group_code, trade, ranges = rng.choice(trades)
        unit = rng.choice(sorted(ranges))
        low, high = ranges[unit]
        pay = _pay(rng, unit, low, high)
        headcount = rng.choice((1, 1, 1, 2, 2, 3, 5, 8, 10))
        lat, lng = _place(rng)
        day_offset = rng.choice((-6, -3, -1, 0, 0, 1, 1, 2, 2, 3, 4, 5, 7, 10))
        start_hour = rng.choice((6, 7, 8, 8, 9, 13, 18))
        hours = rng.choice((2, 3, 4, 8, 8, 9, 10)) if unit != "day" else rng.choice((8, 9, 10))
        starts = dt.datetime.combine(today + dt.timedelta(days=day_offset), dt.time(start_hour), tzinfo=tz)
        ends = starts + dt.timedelta(hours=hours)
        employer = rng.choice(employers)
        roll = rng.random()
        if day_offset < 0:
            outcome = GigStatus.COMPLETED if roll < 0.85 else GigStatus.CANCELLED
        elif day_offset == 0:
            outcome = GigStatus.IN_PROGRESS if roll < 0.3 else GigStatus.OPEN
        else:
            outcome = GigStatus.FILLED if roll < 0.12 else GigStatus.OPEN
        mode = HiringMode.INSTANT if rng.random() < 0.7 else HiringMode.APPLICATION
        candidates = list(workers_by_trade.get(trade.id, []))
        rng.shuffle(candidates)
        if Gig.objects.filter(code=code).exists():
            continue
        posted = min(real_now, starts - dt.timedelta(days=2)) - dt.timedelta(hours=1)
        gig = create_gig(
            actor=employer.owner, now=posted, category=trade, hiring_mode=mode,
            title=GIG_TITLES[group_code].format(trade=trade.name, n=headcount),
            description=f"示例岗位：{trade.name}，工作地点为近似位置。",
            headcount=headcount, pay_amount=pay, pay_unit=unit, address=f"铜川市（示例地点 {index}）",
            latitude=lat, longitude=lng, starts_at=starts, ends_at=ends, **_stated_quantities(rng, unit, pay, hours),
        )
        Gig.objects.filter(pk=gig.pk).update(code=code)  # a readable, stable reference for the demo
        if gig.status == GigStatus.OPEN:
            _play_gig(gig, outcome, candidates, rng, posted, real_now)


def _play_gig(gig: Gig, outcome: str, candidates: list[WorkerProfile], rng: random.Random,
              posted: dt.datetime, real_now: dt.datetime) -> None:
    """Take the demo gig as far as its outcome, as its employer and workers would have."""
    boss = gig.employer.owner
    if outcome == GigStatus.CANCELLED:
        cancel_gig(gig, actor=boss, reason="示例：天气原因取消", now=posted + dt.timedelta(hours=2))
        return
    wanted = gig.headcount if outcome != GigStatus.OPEN else rng.randint(0, max(0, gig.headcount - 1))
    taken_at = posted + dt.timedelta(hours=rng.randint(1, 20))
    hired = []
    for worker in candidates:
        if len(hired) >= wanted:
            break
        try:
            if gig.hiring_mode == HiringMode.INSTANT:
                hired.append(accept_gig(gig, actor=worker.user, now=taken_at))
            else:
                hired.append(hire_applicant(apply_to_gig(gig, actor=worker.user, now=taken_at), actor=boss,
                                            now=taken_at))
        except Conflict:
            continue  # busy at that time: the next worker of the trade takes it
    if outcome not in (GigStatus.COMPLETED, GigStatus.IN_PROGRESS) or gig.starts_at > real_now:
        return
    for assignment in hired:
        check_in(assignment, actor=assignment.worker.user, now=gig.starts_at,
                 code=check_in_code(gig, gig.starts_at)[0])
        if outcome == GigStatus.COMPLETED:
            record_pay(assignment, actor=boss, quantity=_demo_quantity(gig, rng), now=gig.ends_at)
            if rng.random() < 0.9:
                confirm_paid(assignment, actor=assignment.worker.user, now=gig.ends_at + dt.timedelta(hours=1))


def _demo_quantity(gig: Gig, rng: random.Random) -> Decimal:
    """How much of the gig's pay unit a demo worker is paid for."""
    if gig.pay_unit == "hour":
        return Decimal(str(round(gig.duration_hours, 2)))
    if gig.pay_unit == "piece":
        made = gig.expected_pieces_per_day * gig.duration_hours / 8 * rng.uniform(0.8, 1.3)
        return Decimal(min(gig.max_pieces, max(1, round(made))))
    return Decimal("1")


# Job fairs (at least one a month, 人社部发〔2022〕38号) and skills training courses, at the demo centers.
DEMO_FAIRS = [("city", "春风行动·零工专场招聘会（示例）", "中心一楼招聘大厅", 7, 200),
              ("wangyi", "王益区建筑装修用工对接会（示例）", "中心门前广场", 10, 80)]
DEMO_COURSES = [("city", "electrician", "低压电工实操培训（示例）", "中心二楼培训室", 3, 30),
                ("wangyi", "cleaner", "家政保洁技能培训（示例）", "中心培训室", 5, 20)]


def _load_programs(today: dt.date, centers: dict[str, ServiceCenter], city_admin) -> None:
    """Fairs and courses a week or two ahead, created by the city administrator; kept if already there."""
    def at(days: int, hour: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour)))

    for key, title, place, days, capacity in DEMO_FAIRS:
        if not JobFair.objects.filter(center=centers[key], title=title).exists():
            programs.create_fair(actor=city_admin, center=centers[key], title=title, place=place,
                                 starts_at=at(days, 9), ends_at=at(days, 12), capacity=capacity,
                                 description="现场招聘，零工人员免费参加，请带身份证。")
    for key, trade, title, place, days, capacity in DEMO_COURSES:
        if not Course.objects.filter(center=centers[key], title=title).exists():
            programs.create_course(actor=city_admin, center=centers[key], trade=Category.objects.get(code=trade),
                                   title=title, place=place, capacity=capacity,
                                   sessions=[(at(days + n, 9), at(days + n, 12)) for n in range(3)],
                                   description="结业后由中心登记，技能显示为“已认证”。")


# Wage complaints and a report-held gig, so that the console's complaint queue and report queue have something in
# them. Each is marked 示例 (demo) in its own words, and made through the services as a worker and staff would.
DEMO_MARK = "【示例】"
DEMO_COMPLAINTS = 3  # the first is left filed, the second acknowledged, the third being mediated and then paid
DEMO_REPORTED_GIG_WORKERS = 3  # workers who report the held gig (at least the hold rule's number)


def _load_complaints() -> None:
    """Wage complaints on completed demo assignments whose pay the worker never confirmed; kept if already there."""
    if Complaint.objects.filter(statement__startswith=DEMO_MARK).exists():
        return
    now = timezone.now()
    unconfirmed = (Assignment.objects.filter(gig__code__startswith="DEMO", status=AssignmentStatus.COMPLETED,
                                             gig__ends_at__lt=now - dt.timedelta(days=1))
                   .exclude(pay_status=PayStatus.CONFIRMED).select_related("gig__center", "gig__employer", "worker")
                   .order_by("gig__code", "pk"))
    chosen, employers = [], set()
    for assignment in unconfirmed:
        if assignment.gig.employer_id not in employers:  # one employer each: each is barred from posting
            chosen.append(assignment)
            employers.add(assignment.gig.employer_id)
        if len(chosen) == DEMO_COMPLAINTS:
            break
    for index, assignment in enumerate(chosen):
        filed = min(assignment.gig.ends_at + dt.timedelta(days=1), now - dt.timedelta(hours=6))
        complaint = complaints.file_complaint(
            assignment, actor=assignment.worker.user, now=filed,
            statement=f"{DEMO_MARK}活干完了，老板说过几天再给工钱，到现在还没收到。")
        staff = assignment.gig.center.staff.first().user
        if index >= 1:
            complaints.acknowledge(complaint, actor=staff, now=filed + dt.timedelta(minutes=30),
                                   note=f"{DEMO_MARK}已收到，今天联系用工方。")
        if index >= 2:
            complaints.start_mediation(complaint, actor=staff, now=filed + dt.timedelta(hours=2),
                                       note=f"{DEMO_MARK}已约双方到中心调解。")
            complaints.resolve(complaint, actor=staff, outcome=Outcome.PAID_IN_FULL,
                               amount_recovered=complaint.amount_claimed, now=filed + dt.timedelta(hours=5),
                               note=f"{DEMO_MARK}用工方已当面结清工钱。")


def _load_reports() -> None:
    """An open demo gig reported as fake by enough workers to hold it, waiting for its center's review."""
    if Case.objects.filter(gig__code__startswith="DEMO").exists():
        return
    gig = (Gig.objects.filter(code__startswith="DEMO", status=GigStatus.OPEN, accepted_count=0,
                              starts_at__gt=timezone.now() + dt.timedelta(days=1))
           .order_by("code").first())
    if gig is None:
        return
    reporters = (WorkerProfile.objects.filter(user__is_active=True, user__phone__startswith="138")
                 .select_related("user").order_by("user__phone")[:max(DEMO_REPORTED_GIG_WORKERS,
                                                                      report_rule("REPORTS_TO_HOLD"))])
    said = ["电话里让先交钱才给派活", "打电话过去说招满了，又让加微信", "地址找不到，像是假招工"]
    for index, worker in enumerate(reporters):
        report_gig(gig, actor=worker.user, reason=Reason.FAKE if index else Reason.ASKS_MONEY,
                   text=f"{DEMO_MARK}{said[index % len(said)]}")
