"""Two workers and two employers, each pair with a finished gig and a row in every table that holds personal
data, so that a download can be checked table by table: its rows are the person's, and all of them."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import ApiToken, AuthThrottle, SmsCode
from agreements.models import Acceptance, Agreement
from audit.models import AuditEntry
from centers.models import HallVisit
from complaints.models import Complaint, ComplaintStep, Evidence, PayReminder
from frontend.models import DisplayPreference
from gigreports.models import Case, Report, ReportPhoto
from jobs.models import Compensation, FavouriteWorker, PayRecord, Rating, Strike, WageDispute
from notifications.services import notify_user
from policy.models import Question
from programs.models import (
    Course,
    CourseSession,
    Enrolment,
    FairEmployer,
    FairGig,
    FairRegistration,
    JobFair,
    SessionAttendance,
)
from tests.factories import (
    AssignmentFactory,
    CenterStaffFactory,
    EmployerFactory,
    GigFactory,
    WorkerFactory,
    WorkerTradeFactory,
)
from workers.models import IdentityClaim, IdNumberAttempt, WorkerConsent, WorkerIntake


def in_state(model, **fields):
    """A row put straight into the state a test starts from (as tests.factories.InStateFactory does)."""
    row = model(**fields)
    row._saved_status = row.status
    row.save()
    return row


class People:
    """Rows by owner: `owned[label]` maps each row's pk to the people ("worker", "employer") whose it is."""

    def __init__(self, center, trade, desk, tag: str):
        now = timezone.now()
        past = now - dt.timedelta(days=3)
        self.worker = WorkerFactory()
        self.employer = EmployerFactory()
        self.owned: dict[str, dict[int, set[str]]] = defaultdict(dict)
        worker, employer = self.worker, self.employer
        w_user, e_user = worker.user, employer.owner
        W, E, BOTH = {"worker"}, {"employer"}, {"worker", "employer"}

        def keep(row, whose):
            self.owned[row._meta.label][row.pk] = set(whose)
            return row

        keep(w_user, W)
        keep(e_user, E)
        keep(worker, W)
        keep(employer, E)
        keep(WorkerTradeFactory(worker=worker, category=trade), W)
        for user, whose in ((w_user, W), (e_user, E)):
            keep(ApiToken.objects.create(user=user, key_hash=f"{tag}{user.pk:063d}"[-64:],
                                         expires_at=now + dt.timedelta(days=1)), whose)
            keep(SmsCode.objects.create(phone=user.phone, purpose="login", code_hash="x" * 64,
                                        expires_at=now), whose)
            keep(AuthThrottle.objects.create(phone=user.phone, failed_logins=1), whose)
            keep(DisplayPreference.objects.create(user=user), whose)
            keep(notify_user(user.pk, "hired", {"tag": tag}), whose)
            keep(Question.objects.create(asker=user, center=center, text="社保在哪里交？", asked_at=now), whose)
            keep(AuditEntry.objects.create(at=now, actor=desk.user, actor_role="center_staff", action="x",
                                           target_type="user", target_id=str(user.pk), target_label="x",
                                           subject=user, center=center), whose)
        keep(IdNumberAttempt.objects.create(worker=worker), W)
        keep(IdentityClaim.objects.create(claimant=worker, center=center, id_number_hash=f"{tag}hash",
                                          id_number_masked="61***************X", birth_year=1980), W)
        keep(WorkerIntake.objects.create(worker=worker, skills="砌墙"), W)
        keep(WorkerConsent.objects.create(worker=worker, purpose="registration", text_version="1", center=center,
                                          recorded_by=desk.user), W)
        keep(FavouriteWorker.objects.create(employer=employer, worker=worker), E)
        keep(HallVisit.objects.create(center=center, worker=worker, day=now.date(), checked_in_by=desk.user), W)

        self.gig = keep(GigFactory(employer=employer, category=trade, center=center, status="completed",
                                   starts_at=past, ends_at=past + dt.timedelta(hours=8)), BOTH)
        self.assignment = keep(AssignmentFactory(gig=self.gig, worker=worker, status="completed",
                                                 pay_status="confirmed"), BOTH)
        assignment = self.assignment
        keep(PayRecord.objects.create(assignment=assignment, quantity=1, amount=Decimal("180"), recorded_at=now,
                                      recorded_by=e_user), BOTH)
        keep(Strike.objects.create(worker=worker, assignment=assignment, reason="no_show", created_at=now), W)
        keep(Compensation.objects.create(assignment=assignment, amount=Decimal("50"), reason="x"), BOTH)
        keep(in_state(WageDispute, assignment=assignment, reason="x", amount_claimed=Decimal("180"),
                      status="resolved"), BOTH)
        keep(Rating.objects.create(assignment=assignment, direction="of_worker", score=5), BOTH)
        keep(Rating.objects.create(assignment=assignment, direction="of_employer", score=4), BOTH)
        agreement = keep(Agreement.objects.create(
            assignment=assignment, number=f"A{tag}", template_version="1", language="zh-hans", text="协议",
            terms={"worker": {"name": w_user.name}}, content_hash="0" * 64, created_at=now), BOTH)
        for party, user in (("worker", w_user), ("employer", e_user)):
            keep(Acceptance.objects.create(agreement=agreement, party=party, channel="online", accepted_by=user,
                                           accepted_at=now, content_hash="0" * 64, ip_address="10.0.0.1"), BOTH)
        complaint = keep(in_state(Complaint, assignment=assignment, center=center, employer=employer,
                                  filed_by=w_user, statement="没给钱", amount_claimed=Decimal("180"),
                                  filed_at=now, acknowledge_by=now, resolve_by=now, status="closed"), BOTH)
        keep(ComplaintStep.objects.create(complaint=complaint, event="filed", actor=w_user, at=now), BOTH)
        evidence = Evidence(complaint=complaint, content_type="image/jpeg", size=3, width=1, height=1,
                            uploaded_by=w_user, uploaded_at=now)
        evidence.photo.save("proof.jpg", ContentFile(b"jpg"), save=True)
        self.evidence = keep(evidence, BOTH)
        keep(PayReminder.objects.create(assignment=assignment, sent_at=now), BOTH)
        case = keep(in_state(Case, gig=self.gig, opened_at=now, status="released"), E)
        report = keep(Report.objects.create(case=case, gig=self.gig, worker=worker, reason="fake", created_at=now), W)
        keep(ReportPhoto.objects.create(report=report, content_type="image/jpeg", data=b"jpg", width=1, height=1,
                                        size=3), W)
        fair = JobFair.objects.create(center=center, title="招聘会", place="大厅", capacity=9, starts_at=now,
                                      ends_at=now)
        keep(FairRegistration.objects.create(fair=fair, worker=worker, signed_up_at=now), W)
        keep(FairEmployer.objects.create(fair=fair, employer=employer), E)
        keep(FairGig.objects.create(fair=fair, gig=self.gig), E)
        course = Course.objects.create(center=center, title="培训", place="教室", capacity=9, trade=trade)
        session = CourseSession.objects.create(course=course, starts_at=now, ends_at=now)
        enrolment = keep(Enrolment.objects.create(course=course, worker=worker, signed_up_at=now), W)
        keep(SessionAttendance.objects.create(enrolment=enrolment, session=session, recorded_at=now), W)

    def rows_of(self, who: str) -> dict[str, set[int]]:
        return {label: {pk for pk, whose in rows.items() if who in whose} for label, rows in self.owned.items()}


@pytest.fixture
def desk(center):
    return CenterStaffFactory(center=center)


@pytest.fixture
def people(center, trade, desk):
    return People(center, trade, desk, "a")


@pytest.fixture
def others(center, trade, desk):
    return People(center, trade, desk, "b")


@pytest.fixture
def staff_user(desk):
    return desk.user

