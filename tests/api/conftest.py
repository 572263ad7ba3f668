"""The cast of the API tests: one gig market with every role in it, and gigs and assignments in every state."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from jobs.models import AssignmentStatus, CheckInMethod, GigStatus, HiringMode, PayStatus, VerificationStatus
from policy.models import Article, Topic
from policy.services import ask_question
from tests.factories import (
    AssignmentFactory,
    CenterStaffFactory,
    CityAdminFactory,
    EmployerFactory,
    GigFactory,
    QualifiedWorkerFactory,
    ServiceCenterFactory,
    TradeFactory,
)
from workers.services import submit_id_number

# Who is asking, in the order the permission matrix lists them.
ROLES = ("anonymous", "worker", "other_worker", "employer", "other_employer", "staff", "other_staff", "city_admin")

YAOZHOU = (34.9100, 108.9800)  # another district's center, ~25 km from 王益区


@pytest.fixture(autouse=True)
def quiet_sms(settings):
    """Codes asked for over the API go to an in-memory outbox, never to a phone or the log."""
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class World:
    """王益区's gig market: an employer with an open gig that a worker has taken, and everyone around them.

    - `worker` holds a slot on `employer`'s open gig `gig` at `center`; `other_worker` does the same trade.
    - `staff` work at `center`, the gig's center; `other_staff` at `other_center` in 耀州区.
    - `other_employer` has an open gig of their own at `other_center`.
    The builders below add one gig or assignment in a given state, always `employer`'s and at `center`.
    """

    def __init__(self):
        self.now = timezone.now()
        self.center = ServiceCenterFactory(name="王益区零工服务中心（测试）")
        self.other_center = ServiceCenterFactory(name="耀州区零工服务中心（测试）", region_code="610204",
                                                 latitude=YAOZHOU[0], longitude=YAOZHOU[1])
        self.trade = TradeFactory()
        self.employer = EmployerFactory(name="王益建筑队（测试）")
        self.other_employer = EmployerFactory(name="耀州果园（测试）")
        self.worker = QualifiedWorkerFactory(trades=[self.trade])
        self.other_worker = QualifiedWorkerFactory(trades=[self.trade])
        self.staff = CenterStaffFactory(center=self.center).user
        self.other_staff = CenterStaffFactory(center=self.other_center).user
        self.city_admin = CityAdminFactory()
        self.gig = self.new_gig(headcount=3)
        self.assignment = self.new_assignment("accepted", gig=self.gig)
        self.other_gig = GigFactory(employer=self.other_employer, category=self.trade, center=self.other_center,
                                    latitude=YAOZHOU[0], longitude=YAOZHOU[1], title="摘苹果")

    # --- who is who --------------------------------------------------------------------------
    @property
    def users(self) -> dict:
        return {"anonymous": None, "worker": self.worker.user, "other_worker": self.other_worker.user,
                "employer": self.employer.owner, "other_employer": self.other_employer.owner,
                "staff": self.staff, "other_staff": self.other_staff, "city_admin": self.city_admin}

    def client(self, role: str) -> APIClient:
        client = APIClient()
        user = self.users[role]
        if user is not None:
            client.force_authenticate(user)
        return client

    # --- gigs ----------------------------------------------------------------------------------
    def new_gig(self, status=GigStatus.OPEN, starts_in=dt.timedelta(days=1), **fields):
        """One of `employer`'s gigs at `center`, 8 hours long, 180 yuan a day for labourers."""
        fields.setdefault("employer", self.employer)
        fields.setdefault("center", self.center)
        fields.setdefault("category", self.trade)
        return GigFactory(status=status, starts_at=self.now + starts_in, **fields)

    def draft_gig(self):
        return self.new_gig(GigStatus.DRAFT)

    def pending_gig(self):
        """A post waiting for review by `center`'s staff (its employer is not verified yet)."""
        self.employer.verification_status = VerificationStatus.PENDING
        self.employer.save(update_fields=["verification_status"])
        return self.new_gig(GigStatus.PENDING_REVIEW)

    def identity_claim(self):
        """`other_worker` gives `worker`'s ID number: a claim waiting for a check at `center`."""
        return submit_id_number(self.other_worker, self.worker.raw_id_number, actor=self.other_worker.user).claim

    def policy_article(self):
        return Article.objects.create(topic=Topic.WAGE_PROTECTION, title="被拖欠工资怎么办", body="拨打 12333。")

    def policy_question(self):
        """`worker` asked `center` a question, waiting for an answer."""
        return ask_question(actor=self.worker.user, text="老板不给工钱怎么办", center=self.center)

    def fair(self):
        """A job fair at `center` under way (started an hour ago, for 10), `employer` taking part with `gig`,
        `worker` registered."""
        from programs import services as programs

        fair = programs.create_fair(actor=self.city_admin, center=self.center, title="招聘会（测试）", place="大厅",
                                    starts_at=self.now - dt.timedelta(hours=1),
                                    ends_at=self.now + dt.timedelta(hours=3), capacity=10)
        programs.bring_gig(fair, self.gig, actor=self.employer.owner)
        programs.register_for_fair(fair, actor=self.worker.user)
        return fair

    def course(self):
        """A course at `center` in the world's trade, two sessions from tomorrow, for 10; `worker` signed up."""
        from programs import services as programs

        first = self.now + dt.timedelta(days=1)
        course = programs.create_course(
            actor=self.city_admin, center=self.center, trade=self.trade, title="培训（测试）", place="教室",
            capacity=10, sessions=[(first, first + dt.timedelta(hours=2)),
                                   (first + dt.timedelta(days=1), first + dt.timedelta(days=1, hours=2))])
        programs.enrol(course, actor=self.worker.user)
        return course

    def report_case(self):
        """A gig of `employer`'s at `center` that three workers reported as fake: held, waiting for `staff`."""
        from gigreports.services import report_gig

        gig = self.new_gig(starts_in=dt.timedelta(days=4), title="高薪日结（测试）")
        for worker in (self.worker, self.other_worker, QualifiedWorkerFactory(trades=[self.trade])):
            report = report_gig(gig, actor=worker.user, reason="asks_money", text="要先交押金")
        return report.case

    def cancelled_gig(self):
        return self.new_gig(GigStatus.CANCELLED, cancelled_at=self.now, cancel_reason="下雨")

    def started_gig(self):
        """A gig under way, its worker checked in two hours ago."""
        return self.new_assignment("checked_in").gig

    def application_gig(self):
        """An open gig hiring by application, three days out so that it clashes with nothing."""
        return self.new_gig(hiring_mode=HiringMode.APPLICATION, starts_in=dt.timedelta(days=3))

    # --- assignments ---------------------------------------------------------------------------
    def new_assignment(self, state: str, gig=None, worker=None):
        """`worker` (by default the world's worker) on `gig` (by default a new gig of `employer`'s) in a state.

        States: offered, applied, accepted, checked_in, checked_out, pay_recorded (completed, pay recorded),
        completed (pay confirmed), cancelled, declined. On-the-day states get a gig that is under way;
        `accepted` without a gig gets one starting in 30 minutes, so the worker can check in.
        """
        now = self.now
        hour = dt.timedelta(hours=1)
        worker = worker or self.worker
        if gig is None:
            if state in ("offered", "applied", "cancelled", "declined"):
                gig = self.new_gig(hiring_mode=HiringMode.APPLICATION if state == "applied" else HiringMode.INSTANT,
                                   starts_in=dt.timedelta(days=2))
            elif state == "accepted":
                gig = self.new_gig(starts_in=dt.timedelta(minutes=30))
            else:
                gig = self.new_gig(GigStatus.IN_PROGRESS, starts_in=-2 * hour)
        accepted = {"accepted_at": now - 3 * hour}
        checked_in = {**accepted, "checked_in_at": now - 2 * hour, "check_in_method": CheckInMethod.GPS,
                      "check_in_distance_m": 20}
        checked_out = {**checked_in, "checked_out_at": now - hour, "minutes_worked": 60}
        paid = {**checked_out, "completed_at": now - hour, "pay_quantity": 1, "amount_due": gig.pay_amount,
                "pay_recorded_at": now - hour}
        fields = {
            "offered": {"status": AssignmentStatus.OFFERED, "offered_at": now - hour},
            "applied": {"status": AssignmentStatus.APPLIED},
            "accepted": {"status": AssignmentStatus.ACCEPTED, **accepted},
            "checked_in": {"status": AssignmentStatus.CHECKED_IN, **checked_in},
            "checked_out": {"status": AssignmentStatus.CHECKED_OUT, **checked_out},
            "pay_recorded": {"status": AssignmentStatus.COMPLETED, "pay_status": PayStatus.RECORDED, **paid},
            "completed": {"status": AssignmentStatus.COMPLETED, "pay_status": PayStatus.CONFIRMED,
                          "pay_confirmed_at": now, **paid},
            "cancelled": {"status": AssignmentStatus.CANCELLED, "cancelled_at": now, "cancelled_by": "worker",
                          **accepted},
            "declined": {"status": AssignmentStatus.DECLINED},
        }[state]
        assignment = AssignmentFactory(gig=gig, worker=worker, **fields)
        if state in ("accepted", "checked_in", "checked_out", "pay_recorded", "completed"):
            gig.accepted_count += 1
            gig.save(update_fields=["accepted_count"])
        return assignment

    # --- agreements ------------------------------------------------------------------------------
    def agreement(self):
        """The agreement of `worker`'s hire on `gig`, as hiring draws it up (the world's rows come from
        factories, which skip the services)."""
        from agreements.services import draw_up

        return draw_up(self.assignment, now=self.now, via="instant")
    # --- wage-arrears complaints ---------------------------------------------------------------
    def complaint(self, steps: tuple[str, ...] = ()):
        """`worker` complains that a gig of `employer`'s at `center` was never paid; `staff` took `steps`."""
        from complaints import services as complaints

        assignment = self.new_assignment("pay_recorded")
        complaint = complaints.file_complaint(assignment, actor=self.worker.user, statement="说好的工钱一直没给。")
        for step in steps:
            if step == "resolve":
                complaint = complaints.resolve(complaint, actor=self.staff, outcome="paid_in_full")
            else:
                complaint = getattr(complaints, step)(complaint, actor=self.staff)
        return complaint

    def acknowledged_complaint(self):
        return self.complaint(("acknowledge",))

    def mediating_complaint(self):
        return self.complaint(("acknowledge", "start_mediation"))

    def resolved_complaint(self):
        return self.complaint(("acknowledge", "resolve"))

    # --- the staff console ---------------------------------------------------------------------
    def console_center(self):
        """`center`, whose console `staff` (and the city) may open."""
        return self.center

    def console_hall(self):
        """`center` with `other_worker` waiting in its hall, ready to be sent to `gig`."""
        from centers.services import check_in_to_hall

        check_in_to_hall(self.other_worker, actor=self.staff, center=self.center)
        return self.center

    def suspicious_check_in(self):
        """`worker` sent `gig`'s published point to check in: refused, and kept for the staff of `center`."""
        from jobs.models import SuspiciousCheckIn

        return SuspiciousCheckIn.objects.create(
            assignment=self.assignment, reason=SuspiciousCheckIn.Reason.COPIED_POINT, refused=True, distance_m=0,
            accuracy_m=5, created_at=self.now, last_at=self.now)

    def hall_visit(self):
        from centers.services import check_in_to_hall

        return check_in_to_hall(self.other_worker, actor=self.staff, center=self.center)

    def walk_in(self):
        """A worker without a phone registered at `center`'s counter."""
        from workers.services import register_walk_in

        return register_walk_in(actor=self.staff, center=self.center, display_name="柜台登记（测试）",
                                trades={self.trade: 2}, consent=True).profile

    def dispatch(self):
        """`staff` sent `other_worker` to `gig` from `center`'s hall: a dispatch slip."""
        from jobs.services import assign_for_worker

        return assign_for_worker(self.gig, self.other_worker, actor=self.staff, center=self.console_hall(),
                                 consent=True)


@pytest.fixture
def world(db):
    return World()
