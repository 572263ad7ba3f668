"""The pages: a worker reports a gig from its page (with a photo); the center's staff decide in their queue; the
photos reach only the reporter and the gig's center."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gigreports.models import Case, Reason, Report, ReportPhoto
from gigreports.services import report_gig
from jobs.models import GigStatus

from .conftest import photo

pytestmark = pytest.mark.django_db


def test_a_worker_reports_a_gig_from_its_page_with_a_photo(client, market):
    worker = market.reporters[0]
    client.force_login(worker.user)
    page = client.get(f"/gigs/{market.gig.pk}/")
    assert f'href="/gigs/{market.gig.pk}/report/"' in page.content.decode()

    form = client.get(f"/gigs/{market.gig.pk}/report/")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()
    sent = client.post(f"/gigs/{market.gig.pk}/report/", {"reason": Reason.ASKS_MONEY, "text": "要先交200元服装费",
                                                          "photos": [photo(exif=True)]})

    assert sent.status_code == 302 and sent["Location"] == "/me/reports/"
    report = Report.objects.get()
    assert (report.worker, report.reason, report.photos.count()) == (worker, Reason.ASKS_MONEY, 1)
    mine = client.get("/me/reports/").content.decode()
    assert "要先交200元服装费" in mine and "Waiting for review" in mine
    again = client.get(f"/gigs/{market.gig.pk}/").content.decode()
    assert 'data-testid="reported"' in again and 'data-testid="report"' not in again


def test_a_bad_photo_is_refused_on_the_page_with_its_reason(client, market):
    client.force_login(market.reporters[0].user)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 an executable", content_type="image/jpeg")
    response = client.post(f"/gigs/{market.gig.pk}/report/", {"reason": Reason.FAKE, "photos": [fake]})
    assert response.status_code == 400
    assert "Photo 1 is not a picture" in response.content.decode()
    assert not Report.objects.exists()


def test_a_held_gig_is_gone_for_the_public_and_says_so_to_the_hired_worker(client, market):
    for worker in market.reporters:
        report_gig(market.gig, actor=worker.user, reason=Reason.FAKE)
    assert client.get(f"/gigs/{market.gig.pk}/").status_code == 404
    client.force_login(market.hired.user)
    assert "held for review" in client.get(f"/gigs/{market.gig.pk}/").content.decode()
    assert market.gig.code not in client.get("/gigs/").content.decode()


def test_staff_take_a_held_gig_down_from_their_queue(client, market):
    for worker in market.reporters:
        report_gig(market.gig, actor=worker.user, reason=Reason.FAKE, text="没有这个工地", photos=[photo()])
    case = Case.objects.get()
    client.force_login(market.staff)
    console = client.get("/staff/").content.decode()
    assert 'data-testid="tile-reports"' in console

    queue = client.get("/staff/reports/")
    assert queue.status_code == 200 and [item["case"] for item in queue.context["items"]] == [case]
    assert "没有这个工地" in queue.content.decode()

    refused = client.post(f"/staff/reports/{case.pk}/take-down/", {f"t{case.pk}-employer_action": "suspend",
                                                                   f"t{case.pk}-note": ""})
    assert refused.status_code == 400 and "employer is shown it" in refused.content.decode()
    done = client.post(f"/staff/reports/{case.pk}/take-down/", {f"t{case.pk}-employer_action": "suspend",
                                                                f"t{case.pk}-note": "虚假招聘 收取押金"})
    assert done.status_code == 302
    market.gig.refresh_from_db()
    assert market.gig.status == GigStatus.TAKEN_DOWN
    assert client.get("/staff/reports/").context["items"] == []


def test_staff_release_from_their_queue_and_other_centers_are_refused(client, market):
    for worker in market.reporters:
        report_gig(market.gig, actor=worker.user, reason=Reason.UNSAFE)
    case = Case.objects.get()
    client.force_login(market.other_staff)
    assert client.get("/staff/reports/").context["items"] == []
    assert client.post(f"/staff/reports/{case.pk}/release/", {}).status_code == 403
    client.force_login(market.staff)
    assert client.post(f"/staff/reports/{case.pk}/release/", {f"r{case.pk}-note": "已核实"}).status_code == 302
    market.gig.refresh_from_db()
    assert market.gig.status == GigStatus.OPEN


def test_photos_reach_only_the_reporter_and_the_gigs_center(client, market):
    reporter = market.reporters[0]
    report_gig(market.gig, actor=reporter.user, reason=Reason.FAKE, photos=[photo()])
    url = f"/reports/photos/{ReportPhoto.objects.get().pk}/"
    for allowed in (reporter.user, market.staff):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
    for refused in (market.employer.owner, market.other_staff, market.reporters[1].user):
        client.force_login(refused)
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 403


def test_only_workers_have_the_report_form(client, market):
    client.force_login(market.employer.owner)
    assert client.get(f"/gigs/{market.gig.pk}/report/").status_code == 403
    client.logout()
    assert client.get(f"/gigs/{market.gig.pk}/report/").status_code == 302
