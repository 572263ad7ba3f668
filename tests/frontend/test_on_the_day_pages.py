"""On the day, through Django's test client: the employer's site code with who has checked in (refreshed by htmx
or by reloading), and the site's QR, a link to our check-in page that even the phone's camera app opens."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from jobs.models import AssignmentStatus
from jobs.services import check_in, check_in_code
from tests.factories import AssignmentFactory, EmployerFactory, GigFactory, WorkerFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now


@pytest.fixture
def gig():
    start = NOW() + dt.timedelta(minutes=20)
    return GigFactory(employer=EmployerFactory(), starts_at=start, ends_at=start + dt.timedelta(hours=8),
                      headcount=3, accepted_count=2)


def hired(gig, **fields):
    return AssignmentFactory(gig=gig, status=AssignmentStatus.ACCEPTED, accepted_at=NOW() - dt.timedelta(hours=2),
                             **fields)


def test_the_site_code_page_says_who_has_checked_in_and_who_not_yet(client, gig):
    early, late = hired(gig), hired(gig)
    AssignmentFactory(gig=gig, status=AssignmentStatus.APPLIED)  # an applicant holds no place
    check_in(early, actor=early.worker.user, code=check_in_code(gig, NOW())[0])
    client.force_login(gig.employer.owner)

    page = client.get(f"/employer/gigs/{gig.pk}/code/")

    assert page.status_code == 200
    assert [a.pk for a in page.context["people"]] == [early.pk, late.pk]
    html = page.content.decode()
    assert "1 of 2 checked in" in html
    rows = html.split('data-testid="on-site-person"')[1:]
    assert early.worker.display_name in rows[0] and "in at" in rows[0] and "Site code" in rows[0]
    assert late.worker.display_name in rows[1] and "not yet" in rows[1]
    assert 'hx-trigger="every 15s"' in html and 'http-equiv="refresh"' in html  # htmx, or a reload without JS


def test_htmx_polls_only_the_live_part_with_a_fresh_code(client, gig):
    hired(gig)
    client.force_login(gig.employer.owner)
    part = client.get(f"/employer/gigs/{gig.pk}/code/", headers={"HX-Request": "true"})
    html = part.content.decode()
    assert part.status_code == 200 and "<html" not in html and html.lstrip().startswith('<div id="live"')
    assert check_in_code(gig, NOW())[0] in html and "<svg" in html and "0 of 1 checked in" in html
    assert "no-cache" in part["Cache-Control"]


def test_the_qr_holds_a_link_to_our_check_in_page_for_this_gig_and_code(client, gig):
    client.force_login(gig.employer.owner)
    page = client.get(f"/employer/gigs/{gig.pk}/code/")
    link = urlsplit(page.context["link"])
    assert (link.scheme, link.netloc, link.path) == ("http", "testserver", f"/me/check-in/{gig.code}/")
    assert parse_qs(link.query) == {"code": [page.context["code"]]}
    assert f'data-link="{page.context["link"]}"' in page.content.decode()


def test_only_the_gigs_employer_sees_its_code(client, gig):
    client.force_login(EmployerFactory().owner)
    assert client.get(f"/employer/gigs/{gig.pk}/code/").status_code == 404
    client.force_login(hired(gig).worker.user)
    assert client.get(f"/employer/gigs/{gig.pk}/code/").status_code == 403


def test_the_qr_link_fills_in_the_code_and_checks_in_only_when_the_worker_sends_it(client, gig):
    assignment = hired(gig)
    code = check_in_code(gig, NOW())[0]
    client.force_login(assignment.worker.user)

    opened = client.get(f"/me/check-in/{gig.code}/?code={code}")

    assert opened.status_code == 302 and opened["Location"] == f"/me/gigs/{assignment.pk}/?code={code}"
    page = client.get(opened["Location"])
    html = page.content.decode()
    assert f'value="{code}"' in html and 'data-testid="scanned"' in html
    assert "The site code is filled in" in " ".join(str(m) for m in page.context["messages"])
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED  # opening a link changes nothing

    client.post(f"/me/gigs/{assignment.pk}/check-in/code/", {"code": code})
    assignment.refresh_from_db()
    assert (assignment.status, assignment.check_in_method) == (AssignmentStatus.CHECKED_IN, "code")


def test_a_link_with_a_wrong_code_is_still_checked_by_the_service(client, gig):
    assignment = hired(gig)
    wrong = "000000" if check_in_code(gig, NOW())[0] != "000000" else "111111"
    client.force_login(assignment.worker.user)
    page = client.get(client.get(f"/me/check-in/{gig.code}/?code={wrong}")["Location"])
    assert f'value="{wrong}"' in page.content.decode()
    refused = client.post(f"/me/gigs/{assignment.pk}/check-in/code/", {"code": wrong})
    assert refused.status_code == 400 and "The code is wrong" in refused.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED


def test_full_width_characters_in_the_link_are_read_and_junk_is_ignored(client, gig):
    assignment = hired(gig)
    client.force_login(assignment.worker.user)
    full_width = client.get(f"/me/check-in/{gig.code.lower()}/?code=１２３４５６")
    assert full_width["Location"] == f"/me/gigs/{assignment.pk}/?code=123456"
    for junk in ("abc", "12345", "1234567", "<script>", "%00", "１２３" * 50):
        response = client.get(f"/me/check-in/{gig.code}/", {"code": junk})
        assert response.status_code == 302 and response["Location"] == f"/me/gigs/{assignment.pk}/", junk
    page = client.get(f"/me/gigs/{assignment.pk}/?code=<b>1</b>")
    assert page.status_code == 200 and "<b>1</b>" not in page.content.decode()


def test_a_link_to_a_gig_the_worker_holds_no_place_on_is_not_found(client, gig):
    hired(gig)
    client.force_login(WorkerFactory().user)
    assert client.get(f"/me/check-in/{gig.code}/?code=123456").status_code == 404
    assert client.get("/me/check-in/NOSUCHGIG/?code=123456").status_code == 404
    assert client.get("/me/check-in/%E2%80%AE%00/").status_code == 404
    client.force_login(gig.employer.owner)
    assert client.get(f"/me/check-in/{gig.code}/?code=123456").status_code == 404


def test_a_visitor_scanning_with_the_phone_camera_logs_in_first_and_comes_back(client, gig):
    response = client.get(f"/me/check-in/{gig.code}/?code=123456")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    assert f"/me/check-in/{gig.code}/" in parse_qs(urlsplit(response["Location"]).query)["next"][0]


def test_the_scan_button_waits_hidden_for_a_browser_that_can_scan(client, gig):
    assignment = hired(gig)
    client.force_login(assignment.worker.user)
    html = client.get(f"/me/gigs/{assignment.pk}/").content.decode()
    assert 'data-scan-path="/me/check-in/' + gig.code + '/"' in html
    scan = html.split('data-testid="scan"', 1)[0].rsplit("<button", 1)[1]
    assert " hidden" in scan and "frontend/scan.js" in html
    assert 'data-testid="scanned"' not in html
