"""Workers report a fake gig; reports from enough different workers hold it at once; its center's staff release
it or take it down, and an employer whose post was taken down has its other open posts held for review."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from gigreports import services
from gigreports.models import Case, Reason, Report
from gigreports.selectors import report_queue
from jobs import services as job_services
from jobs.exceptions import Conflict
from jobs.models import Assignment, AssignmentStatus, GigMatching, GigStatus, HiringMode
from jobs.selectors import NearbyQuery, gigs_visible_to, nearby_gigs
from notifications.models import Notification
from tests.factories import WANGYI, GigFactory, QualifiedWorkerFactory
from tests.helpers import refused_on_save

from .conftest import photo

pytestmark = pytest.mark.django_db


def report(market, worker, reason=Reason.FAKE, **kwargs):
    return services.report_gig(market.gig, actor=worker.user, reason=reason, **kwargs)


def feed_ids() -> set[int]:
    page = nearby_gigs(NearbyQuery(latitude=WANGYI[0], longitude=WANGYI[1], radius_km=5))
    return {gig.pk for gig, _km in page.results}


def hold_notices(user) -> list[dict]:
    return [n.payload for n in Notification.objects.filter(user=user, kind="hold").order_by("seq")]


def test_reports_from_three_different_workers_hold_the_gig_at_once(market):
    first, second, third = market.reporters
    assert market.gig.pk in feed_ids()

    report(market, first, text="要先交200元押金")
    report(market, second, Reason.ASKS_MONEY)
    market.gig.refresh_from_db()
    assert market.gig.status == GigStatus.OPEN, "two reports are not enough"
    assert market.gig.pk in feed_ids()

    report(market, third, Reason.PAY_DIFFERS)
    market.gig.refresh_from_db()
    assert market.gig.status == GigStatus.HELD
    case = Case.objects.get(gig=market.gig)
    assert (case.status, case.held_from, case.reports.count()) == (Case.Status.OPEN, GigStatus.OPEN, 3)
    # Off the feed and off the public gig pages; the hired worker, the employer and the staff still see it.
    assert market.gig.pk not in feed_ids()
    assert not gigs_visible_to(first.user).filter(pk=market.gig.pk).exists()
    assert gigs_visible_to(market.hired.user).filter(pk=market.gig.pk).exists()
    # Told: the hired worker, the employer (who never learns who reported) and the center's staff.
    assert [n["to"] for n in hold_notices(market.hired.user)] == ["worker"]
    employer_notice = hold_notices(market.employer.owner)
    assert [n["event"] for n in employer_notice] == ["held"] and "worker" not in str(employer_notice)
    assert [n["to"] for n in hold_notices(market.staff)] == ["staff"]
    assert not hold_notices(market.other_staff)
    assert report_queue(market.staff) == [case]
    assert report_queue(market.other_staff) == []


def test_one_worker_reports_a_gig_once(market):
    worker = market.reporters[0]
    report(market, worker)
    with pytest.raises(Conflict) as refusal:
        report(market, worker, Reason.UNSAFE)
    assert refusal.value.code == "already_reported"
    assert Report.objects.count() == 1


def test_a_held_gig_cannot_be_taken_applied_for_or_offered_and_says_why(market, settings):
    for worker in market.reporters:
        report(market, worker)
    newcomer = QualifiedWorkerFactory()
    with pytest.raises(Conflict) as refusal:
        job_services.accept_gig(market.gig, actor=newcomer.user)
    assert refusal.value.code == "gig_held"
    assert "held for review" in str(refusal.value.message)

    application = GigFactory(employer=market.employer, center=market.center, hiring_mode=HiringMode.APPLICATION,
                             starts_at=market.gig.starts_at + dt.timedelta(days=3))
    application.status = GigStatus.HELD
    application._saved_status = GigStatus.OPEN
    application.save()
    with pytest.raises(Conflict) as refusal:
        job_services.apply_to_gig(application, actor=newcomer.user)
    assert refusal.value.code == "gig_held"
    # Nor may its employer hire someone who applied before the hold.
    applicant = Assignment.objects.create(gig=application, worker=newcomer, status=AssignmentStatus.APPLIED)
    with pytest.raises(Conflict) as refusal:
        job_services.hire_applicant(applicant, actor=market.employer.owner)
    assert refusal.value.code == "gig_held"

    # The offer waves stop: a wave due now sends nothing and the matching finishes.
    matching = GigMatching.objects.create(gig=market.gig, next_wave_at=timezone.now())
    from jobs.matching import send_next_wave

    assert send_next_wave(matching, timezone.now()) == 0
    matching.refresh_from_db()
    assert matching.finished_at is not None and "held" in matching.finish_reason


def test_unanswered_offers_are_withdrawn_when_the_gig_is_held(market):
    offered = QualifiedWorkerFactory()
    Assignment.objects.create(gig=market.gig, worker=offered, status=AssignmentStatus.OFFERED,
                              offered_at=timezone.now(), offer_wave=1)
    for worker in market.reporters:
        report(market, worker)
    offer = Assignment.objects.get(gig=market.gig, worker=offered)
    assert offer.status == AssignmentStatus.WITHDRAWN
    assert "held for review" in offer.cancel_reason


def test_staff_release_a_held_gig_it_is_back_on_the_feed_and_reporters_are_told(market):
    for worker in market.reporters:
        report(market, worker)
    case = Case.objects.get(gig=market.gig)

    services.release(case, actor=market.staff, note="电话核实，岗位真实")

    market.gig.refresh_from_db()
    assert market.gig.status == GigStatus.OPEN
    assert market.gig.pk in feed_ids()
    case.refresh_from_db()
    assert (case.status, case.decided_by) == (Case.Status.RELEASED, market.staff)
    for worker in market.reporters:
        assert [n["event"] for n in hold_notices(worker.user)] == ["released"]
    entry = AuditEntry.objects.get(action="gig_released")
    assert (entry.actor, entry.before, entry.after["status"]) == (market.staff, {"status": "held"}, "open")
    assert GigMatching.objects.filter(gig=market.gig).exists(), "offer waves start again"
    # Decided once: a second decision is refused; new reports open a new case.
    with pytest.raises(Conflict):
        services.take_down(case, actor=market.staff, employer_action="warn", note="重复操作")
    newcomer = QualifiedWorkerFactory()
    report(market, newcomer)
    assert Case.objects.filter(gig=market.gig, status=Case.Status.OPEN).count() == 1


def test_a_released_case_is_not_reopened_or_turned_into_a_take_down_by_saving_it(market):
    """A case's status moves only along Case.TRANSITIONS: a decision, once taken, is final on every path."""
    for worker in market.reporters:
        report(market, worker)
    case = services.release(Case.objects.get(gig=market.gig), actor=market.staff, note="电话核实，岗位真实")
    for status in (Case.Status.OPEN, Case.Status.TAKEN_DOWN):
        refused_on_save(Case, case.pk, status)
    assert Case.objects.get(pk=case.pk).status == Case.Status.RELEASED


def test_a_filled_gig_released_is_filled_again(market):
    market.gig.headcount = 1
    market.gig.status = GigStatus.FILLED
    market.gig.save()
    for worker in market.reporters:
        report(market, worker)
    market.gig.refresh_from_db()
    assert market.gig.status == GigStatus.HELD
    services.release(Case.objects.get(gig=market.gig), actor=market.staff)
    market.gig.refresh_from_db()
    assert market.gig.status == GigStatus.FILLED


def test_take_down_lets_the_hired_go_suspends_the_employer_and_holds_its_other_posts(market):
    other_post = GigFactory(employer=market.employer, center=market.other_center, title="另一个岗位")
    draft = GigFactory(employer=market.employer, center=market.center, status=GigStatus.DRAFT)
    for worker in market.reporters:
        report(market, worker)
    case = Case.objects.get(gig=market.gig)

    services.take_down(case, actor=market.staff, employer_action=Case.EmployerAction.SUSPEND,
                       note="收取押金 属虚假招聘")

    market.gig.refresh_from_db()
    assert (market.gig.status, market.gig.accepted_count) == (GigStatus.TAKEN_DOWN, 0)
    hired = Assignment.objects.get(gig=market.gig, worker=market.hired)
    assert (hired.status, hired.cancelled_by) == (AssignmentStatus.CANCELLED, "system")
    assert [n["event"] for n in hold_notices(market.hired.user)] == ["held", "taken_down"]
    market.employer.refresh_from_db()
    assert market.employer.suspended_until > timezone.now() + dt.timedelta(days=29)
    told = hold_notices(market.employer.owner)
    assert told[1]["event"] == "taken_down" and told[1]["reason"] == "收取押金 属虚假招聘"
    assert told[1]["employer_action"] == "suspend"
    # Its other open post is held for review by its own center; the draft is left alone.
    other_post.refresh_from_db()
    draft.refresh_from_db()
    assert (other_post.status, draft.status) == (GigStatus.HELD, GigStatus.DRAFT)
    held = Case.objects.get(gig=other_post)
    assert (held.cause, held.status) == (Case.Cause.EMPLOYER, Case.Status.OPEN)
    assert report_queue(market.other_staff) == [held]
    assert {e.action for e in AuditEntry.objects.all()} == {"gig_taken_down", "employer_suspended"}
    # A suspended employer posts and reopens nothing.
    with pytest.raises(PermissionDenied):
        job_services.create_gig(actor=market.employer.owner, title="新岗位", category=market.gig.category,
                                headcount=1, pay_amount=200, pay_unit="day", latitude=WANGYI[0],
                                longitude=WANGYI[1], address="王益区", starts_at=timezone.now() + dt.timedelta(days=2),
                                ends_at=timezone.now() + dt.timedelta(days=2, hours=8))
    # A taken-down gig is gone for good: nobody reopens it or reports it again.
    with pytest.raises(Conflict):
        job_services.reopen_gig(market.gig, actor=market.employer.owner)


def test_a_warned_employer_may_still_post(market):
    for worker in market.reporters:
        report(market, worker)
    services.take_down(Case.objects.get(gig=market.gig), actor=market.staff, employer_action="warn",
                       note="薪资与发布不符")
    market.employer.refresh_from_db()
    assert market.employer.suspended_until is None
    assert AuditEntry.objects.filter(action="employer_warned", subject_id=market.employer.owner_id).exists()


def test_staff_may_take_down_a_gig_reported_once_before_it_is_held(market):
    report(market, market.reporters[0], Reason.ASKS_MONEY)
    case = Case.objects.get(gig=market.gig)
    services.take_down(case, actor=market.staff, employer_action="warn", note="要求工人交培训费")
    market.gig.refresh_from_db()
    assert market.gig.status == GigStatus.TAKEN_DOWN


def test_only_the_gig_centers_staff_decide(market):
    for worker in market.reporters:
        report(market, worker)
    case = Case.objects.get(gig=market.gig)
    for outsider in (market.other_staff, market.employer.owner, market.hired.user):
        with pytest.raises(PermissionDenied):
            services.release(case, actor=outsider)
        with pytest.raises(PermissionDenied):
            services.take_down(case, actor=outsider, employer_action="warn", note="没有权限")
    market.gig.refresh_from_db()
    assert market.gig.status == GigStatus.HELD


def test_a_worker_cannot_report_a_gig_they_cannot_see(market):
    draft = GigFactory(employer=market.employer, center=market.center, status=GigStatus.DRAFT)
    with pytest.raises(PermissionDenied):
        services.report_gig(draft, actor=market.reporters[0].user, reason=Reason.FAKE)
    with pytest.raises(PermissionDenied):
        services.report_gig(market.gig, actor=market.employer.owner, reason=Reason.FAKE)
    assert not Report.objects.exists()


def test_bad_reports_are_refused_by_field(market):
    worker = market.reporters[0]
    with pytest.raises(ValidationError) as error:
        report(market, worker, reason="scam")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        report(market, worker, reason=Reason.OTHER, text=" ")
    assert "text" in error.value.message_dict
    assert not Report.objects.exists()


def test_a_photo_is_kept_without_its_location_data(market):
    worker = market.reporters[0]
    kept = report(market, worker, photos=[photo(exif=True), photo("s.png", "PNG")])
    first, second = kept.photos.order_by("pk")
    assert (first.content_type, second.content_type) == ("image/jpeg", "image/png")
    assert b"PhoneMaker" not in bytes(first.data) and b"Exif" not in bytes(first.data)


def test_a_file_that_is_not_a_picture_or_too_big_is_refused_and_nothing_is_saved(market, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    worker = market.reporters[0]
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        report(market, worker, photos=[photo(), fake])
    assert "Photo 2 is not a picture" in error.value.message_dict["photos"][0]
    settings.GIG_REPORTS = {**settings.GIG_REPORTS, "PHOTO_MAX_BYTES": 100}
    with pytest.raises(ValidationError) as error:
        report(market, worker, photos=[photo(size=(400, 400))])
    assert "larger than" in error.value.message_dict["photos"][0]
    assert not Report.objects.exists() and not Case.objects.exists()


def test_each_side_reads_its_own_sentence_in_the_inbox(market):
    from notifications.sentences import sentence

    for worker in market.reporters:
        report(market, worker)
    services.take_down(Case.objects.get(gig=market.gig), actor=market.staff, employer_action="suspend",
                       note="收取押金")
    said = {user: [sentence("hold", n) for n in hold_notices(user)]
            for user in (market.employer.owner, market.hired.user, market.reporters[0].user, market.staff)}
    assert "held for review after reports" in said[market.employer.owner][0]
    assert "taken down: 收取押金" in said[market.employer.owner][1] and "cannot post" in said[market.employer.owner][1]
    assert "Wait for the center's word" in said[market.hired.user][0]
    assert "taken down by the service center" in said[market.reporters[0].user][0]
    assert "report queue" in said[market.staff][0]
