"""Every hire gets its written agreement (用工协议), drawn up in the same transaction: an instant take, an offer
answered, an applicant hired, a worker sent from a center's counter. The agreement says who, what, where, when,
for how much, what a cancellation costs, and where to complain; it shows identifiers masked only."""

import datetime as dt

import pytest
from django.utils import timezone

from agreements.models import Agreement
from agreements.services import verify
from centers.services import check_in_to_hall
from jobs import services as jobs
from jobs.exceptions import Conflict
from jobs.models import Assignment, AssignmentStatus
from tests.factories import AssignmentFactory, CenterStaffFactory
from zero_gig.timestamps import iso

pytestmark = pytest.mark.django_db


def test_a_worker_taking_an_instant_gig_gets_its_agreement_with_every_term(gig, worker, now):
    assignment = jobs.accept_gig(gig, actor=worker.user, now=now)

    agreement = Agreement.objects.get(assignment=assignment)
    assert agreement.number == f"XY-{gig.code}-{assignment.pk}"
    assert agreement.language == "zh-hans" and len(agreement.content_hash) == 64 and verify(agreement)
    assert agreement.terms["hired_via"] == "instant"
    text = agreement.text
    # The parties: the organisation and its credit code, the worker by name and number, masked phone and ID.
    assert "王益建筑队（测试）" in text and "91350100M000100Y43" in text
    assert "李师傅" in text and worker.number in text
    assert "139****5678" in text and "13912345678" not in text
    assert worker.id_number_masked in text and worker.raw_id_number not in text
    assert gig.employer.contact_phone not in text
    # The work, the site, the time, the pay.
    assert "小工/力工" in text and "工地小工" in text and "搬砖、清理工地" in text
    assert "王益区红旗街1号（测试工地）" in text
    assert timezone.localtime(gig.starts_at).strftime("%Y-%m-%d %H:%M") in text
    assert "180.00" in text
    # The rules the gig page shows, in Chinese, with this gig's show-up pay; the complaint channel.
    assert "接活后 5 分钟内可以免费取消。" in text
    assert "用工单位在开工前不足 24 小时取消的，应付您 4 小时的工钱。" in text
    assert agreement.terms["rules"]["show_up_pay"] == str(jobs.show_up_pay(gig)) == "90.00"
    assert "王益区零工服务中心（测试）" in text and "0919-3181234" in text and "12333" in text


def test_a_worker_answering_an_offer_gets_the_agreement(gig, worker, now):
    offer = AssignmentFactory(gig=gig, worker=worker, status=AssignmentStatus.OFFERED, offered_at=now)

    jobs.accept_gig(gig, actor=worker.user, now=now)

    assert Agreement.objects.get(assignment=offer).terms["hired_via"] == "offer"


def test_an_applicant_hired_by_the_employer_gets_the_agreement(application_gig, worker, now):
    applied = jobs.apply_to_gig(application_gig, actor=worker.user, now=now)
    assert not Agreement.objects.filter(assignment=applied).exists()  # applying is no hire

    jobs.hire_applicant(applied, actor=application_gig.employer.owner, now=now)

    assert Agreement.objects.get(assignment=applied).terms["hired_via"] == "application"


def test_a_worker_sent_from_a_centers_counter_gets_the_agreement(gig, worker, now):
    desk = CenterStaffFactory()
    check_in_to_hall(worker, actor=desk.user, center=desk.center)

    assignment = jobs.assign_for_worker(gig, worker, actor=desk.user, center=desk.center, consent=True, now=now)

    assert Agreement.objects.get(assignment=assignment).terms["hired_via"] == "counter"


def test_every_hired_assignment_has_exactly_one_agreement(gig, worker, now):
    first = jobs.accept_gig(gig, actor=worker.user, now=now)
    again = jobs.accept_gig(gig, actor=worker.user, now=now + dt.timedelta(minutes=1))  # harmless twice

    assert again.pk == first.pk and Agreement.objects.filter(assignment=first).count() == 1
    hired = Assignment.objects.filter(status=AssignmentStatus.ACCEPTED)
    assert set(hired.values_list("pk", flat=True)) == set(Agreement.objects.values_list("assignment", flat=True))


def test_a_refused_take_leaves_no_agreement(gig, worker, other_worker, now):
    gig.headcount = 1
    gig.save(update_fields=["headcount"])
    jobs.accept_gig(gig, actor=other_worker.user, now=now)

    with pytest.raises(Conflict):
        jobs.accept_gig(gig, actor=worker.user, now=now)

    assert Agreement.objects.count() == 1
    assert not Assignment.objects.filter(gig=gig, worker=worker).exists()


def test_the_english_page_is_a_translation_of_the_same_terms(gig, worker, now):
    from agreements.text import render_text

    agreement = jobs.accept_gig(gig, actor=worker.user, now=now).agreement
    english = render_text(number=agreement.number, terms=agreement.terms, created_at=agreement.created_at,
                          language="en")

    assert "Gig work agreement" in english and "Labourer" not in agreement.text
    assert "180.00 yuan per day" in english and "12333" in english
    assert "You may cancel free within 5 minutes of taking the gig." in english


def test_hires_made_before_agreements_existed_get_theirs_from_the_command(gig, worker, now):
    from django.core.management import call_command

    earlier = AssignmentFactory(gig=gig, worker=worker, status=AssignmentStatus.ACCEPTED,
                                accepted_at=now - dt.timedelta(days=2))
    AssignmentFactory(gig=gig, status=AssignmentStatus.APPLIED)  # no hire, no agreement

    call_command("draw_up_agreements")
    call_command("draw_up_agreements")  # again: nothing more

    agreement = Agreement.objects.get()
    assert agreement.assignment == earlier and verify(agreement)
    assert agreement.terms["hired_via"] == "earlier"
    assert agreement.terms["hired_at"] == iso(now - dt.timedelta(days=2))  # as every answer writes a moment


def test_both_sides_are_told_in_their_inbox_that_the_agreement_is_ready_with_a_link_to_it(client, gig, worker, now):
    from django.utils import translation

    from notifications.models import Notification
    from notifications.sentences import sentence

    assignment = jobs.accept_gig(gig, actor=worker.user, now=now)
    agreement = Agreement.objects.get(assignment=assignment)
    told = {n.user_id: n for n in Notification.objects.filter(kind="agreement")}
    assert set(told) == {worker.user_id, gig.employer.owner_id}
    assert {n.payload["agreement"] for n in told.values()} == {agreement.pk}
    with translation.override("en"):
        assert "Your gig work agreement for 小工/力工" in sentence("agreement", told[worker.user_id].payload)
        assert "with 李师傅" in sentence("agreement", told[gig.employer.owner_id].payload)
    client.force_login(worker.user)
    inbox = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/agreements/{agreement.pk}/"' in inbox and "read it and accept it" in inbox
    jobs.accept_gig(gig, actor=worker.user, now=now)  # taking it again draws up and tells nothing new
    assert Notification.objects.filter(kind="agreement").count() == 2
