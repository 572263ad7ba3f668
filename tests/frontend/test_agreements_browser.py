"""The gig work agreement (agreements/) in a real browser: a worker opens the agreement of a gig they took, on
a 360×640 phone in Chinese, and accepts it."""

import datetime as dt

import pytest
from django.utils import timezone

from agreements.models import Acceptance, Party
from jobs import services as jobs
from tests.factories import EmployerFactory, GigFactory, QualifiedWorkerFactory, ServiceCenterFactory, WageFloorFactory

from .test_browser import log_in
from .test_myjobs_browser import fits_and_is_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_opens_the_agreement_from_their_gig_and_accepts_it(phone_page, live_asgi_server):
    WageFloorFactory()
    center = ServiceCenterFactory(name="王益区零工服务中心（演示）", contact_phone="0919-3181234")
    employer = EmployerFactory(name="王益建筑队（演示）", kind="organisation", credit_code="91350100M000100Y43")
    gig = GigFactory(employer=employer, center=center, starts_at=timezone.now() + dt.timedelta(days=1),
                     description="搬砖、清理工地", site_address="王益区红旗街1号（演示工地）")
    worker = QualifiedWorkerFactory(trades=[gig.category], display_name="李师傅")
    assignment = jobs.accept_gig(gig, actor=worker.user)
    page = phone_page()
    log_in(page, live_asgi_server, worker.user)

    page.goto(f"/me/gigs/{assignment.pk}/")
    page.get_by_test_id("agreement-link").click()
    page.get_by_test_id("agreement-text").wait_for()
    assert "王益区红旗街1号（演示工地）" in page.get_by_test_id("agreement-text").inner_text()
    fits_and_is_accessible(page, "agreement")

    page.get_by_test_id("accept").click()
    page.get_by_test_id("message").wait_for()
    assert Acceptance.objects.get(agreement=assignment.agreement).party == Party.WORKER
    assert page.get_by_test_id("accept").count() == 0
    assert "李师傅" in page.get_by_test_id("agreement-text").inner_text()
