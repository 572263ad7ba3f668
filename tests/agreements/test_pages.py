"""The agreement's pages: the worker and the employer find it from their gig pages, read it, print it and accept
it; staff of the gig's center read it to mediate and record a counter acceptance; nobody else may see it."""

import pytest
from django.urls import reverse

from agreements.models import Acceptance, Channel, Party
from jobs import services as jobs
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(gig, worker, now):
    return jobs.accept_gig(gig, actor=worker.user, now=now).agreement


def page_as(client, user, agreement, **headers):
    client.force_login(user)
    return client.get(reverse("agreement", args=[agreement.pk]), **headers)


def test_the_worker_finds_the_agreement_on_their_assignment_page_and_accepts_it(client, agreement, worker):
    client.force_login(worker.user)
    assignment_page = client.get(reverse("my_assignment", args=[agreement.assignment_id])).content.decode()
    assert reverse("agreement", args=[agreement.pk]) in assignment_page

    page = client.get(reverse("agreement", args=[agreement.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and agreement.number in html and agreement.content_hash in html
    assert 'data-testid="accept"' in html and 'data-print' in html
    assert "frontend/agreement.css" in html  # the print style sheet
    assert "李师傅" in html and "王益区红旗街1号（测试工地）" in html

    accepted = client.post(reverse("agreement_accept", args=[agreement.pk]),
                           {"content_hash": agreement.content_hash}, HTTP_USER_AGENT="WeChat/8.0",
                           REMOTE_ADDR="203.0.113.9", follow=True)

    acceptance = Acceptance.objects.get()
    assert (acceptance.party, acceptance.user_agent, acceptance.ip_address) == (Party.WORKER, "WeChat/8.0",
                                                                               "203.0.113.9")
    html = accepted.content.decode()
    assert 'data-testid="accept"' not in html
    assert "WeChat/8.0" not in html and "203.0.113.9" not in html  # the device is kept, never shown


def test_the_employer_finds_it_on_the_gigs_people_and_accepts_it(client, agreement, gig):
    client.force_login(gig.employer.owner)
    people = client.get(reverse("employer_gig", args=[gig.pk])).content.decode()
    assert reverse("agreement", args=[agreement.pk]) in people

    client.post(reverse("agreement_accept", args=[agreement.pk]), {"content_hash": agreement.content_hash})

    assert Acceptance.objects.get().party == Party.EMPLOYER


def test_the_english_page_shows_a_translation_and_the_binding_chinese_text(client, agreement, worker):
    html = page_as(client, worker.user, agreement).content.decode()  # tests speak English
    assert 'data-testid="translation"' in html and "You may cancel free within 5 minutes" in html
    assert "接活后 5 分钟内可以免费取消。" in html  # the binding text, in Chinese, below it


def test_staff_of_the_gigs_center_read_it_and_record_the_workers_acceptance_at_the_counter(client, agreement,
                                                                                          staff):
    html = page_as(client, staff, agreement).content.decode()
    assert 'data-testid="counter-accept"' in html and 'data-testid="accept"' not in html

    client.post(reverse("agreement_counter_accept", args=[agreement.pk]), {"content_hash": agreement.content_hash})

    acceptance = Acceptance.objects.get()
    assert (acceptance.channel, acceptance.accepted_by) == (Channel.COUNTER, staff)


def test_the_dispatch_slip_links_the_agreement(client, gig, worker, staff, now):
    from centers.services import check_in_to_hall

    check_in_to_hall(worker, actor=staff, center=gig.center)
    assignment = jobs.assign_for_worker(gig, worker, actor=staff, center=gig.center, consent=True, now=now)
    client.force_login(staff)
    slip = client.get(reverse("console_slip", args=[gig.center.pk, assignment.pk])).content.decode()
    assert reverse("agreement", args=[assignment.agreement.pk]) in slip


@pytest.mark.parametrize(("who", "status"), [
    ("worker", 200), ("employer", 200), ("staff", 200), ("city_admin", 200),
    ("other_worker", 403), ("other_employer", 403), ("other_staff", 403),
])
def test_who_may_see_the_agreement(client, agreement, gig, worker, other_worker, staff, other_staff, who, status):
    from tests.factories import CityAdminFactory

    users = {"worker": worker.user, "employer": gig.employer.owner, "staff": staff, "other_worker": other_worker.user,
             "other_employer": EmployerFactory().owner, "other_staff": other_staff, "city_admin": CityAdminFactory()}
    assert page_as(client, users[who], agreement).status_code == status
    accept = client.post(reverse("agreement_accept", args=[agreement.pk]), {"content_hash": agreement.content_hash})
    assert accept.status_code == (302 if status == 200 else 403)
    if who not in ("worker", "employer"):
        assert not Acceptance.objects.exists()


def test_a_visitor_is_sent_to_log_in(client, agreement):
    page = client.get(reverse("agreement", args=[agreement.pk]))
    assert page.status_code == 302 and reverse("login") in page["Location"]
    assert client.post(reverse("agreement_accept", args=[agreement.pk])).status_code == 302
    assert not Acceptance.objects.exists()


def test_an_agreement_that_does_not_exist_is_not_found(client, worker):
    client.force_login(worker.user)
    assert client.get(reverse("agreement", args=[999999])).status_code == 404
