"""The staff console's pages: every route answered by role (403 for staff outside their centers), a walk-in
registered and found again, a worker checked into the hall, assigned on the board, and the slip printed."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from centers.models import HallVisit
from jobs.models import Assignment, AssignmentStatus, SuspiciousCheckIn
from tests.factories import (
    AssignmentFactory,
    CenterStaffFactory,
    CityAdminFactory,
    EmployerFactory,
    GigFactory,
    ServiceCenterFactory,
    WageFloorFactory,
    WorkerFactory,
    id_number_for,
)
from workers.models import RealNameStatus, WorkerProfile
from workers.services import register_walk_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(trade):
    """A center with a member of staff, a walk-in waiting in its hall, an open gig and a dispatch already made."""
    WageFloorFactory()
    staff = CenterStaffFactory()
    center = staff.center
    worker = register_walk_in(actor=staff.user, center=center, display_name="赵师傅", trades={trade: 2},
                              consent=True).profile
    from centers.services import check_in_to_hall
    from jobs.services import assign_for_worker

    visit = check_in_to_hall(worker, actor=staff.user, center=center)
    gig = GigFactory(center=center, category=trade, headcount=3)
    sent = register_walk_in(actor=staff.user, center=center, display_name="钱师傅", trades={trade: 2},
                            consent=True).profile
    check_in_to_hall(sent, actor=staff.user, center=center)
    assignment = assign_for_worker(gig, sent, actor=staff.user, center=center, consent=True)
    flag = SuspiciousCheckIn.objects.create(  # someone's phone sent the gig's published point to check in
        assignment=assignment, reason=SuspiciousCheckIn.Reason.COPIED_POINT, refused=True, attempts=2,
        distance_m=0, accuracy_m=7, created_at=timezone.now(), last_at=timezone.now())
    return {"staff": staff.user, "center": center, "worker": worker, "visit": visit, "gig": gig,
            "assignment": assignment, "trade": trade, "flag": flag}


def routes(d):
    c = d["center"].pk
    return [
        ("get", f"/staff/centers/{c}/walk-in/"),
        ("post", f"/staff/centers/{c}/walk-in/"),
        ("get", f"/staff/centers/{c}/workers/{d['worker'].pk}/"),
        ("post", f"/staff/centers/{c}/workers/{d['worker'].pk}/edit/"),
        ("post", f"/staff/centers/{c}/workers/{d['worker'].pk}/verify/"),
        ("post", f"/staff/centers/{c}/workers/{d['worker'].pk}/question/"),
        ("get", f"/staff/centers/{c}/workers/{d['worker'].pk}/card/"),
        ("get", f"/staff/centers/{c}/hall/"),
        ("post", f"/staff/centers/{c}/hall/check-in/"),
        ("post", f"/staff/centers/{c}/hall/{d['visit'].pk}/check-out/"),
        ("get", f"/staff/centers/{c}/board/"),
        ("post", f"/staff/centers/{c}/board/assign/"),
        ("get", f"/staff/centers/{c}/dispatches/{d['assignment'].pk}/slip/"),
        ("get", f"/staff/centers/{c}/check-ins/suspicious/"),
        ("post", f"/staff/centers/{c}/check-ins/suspicious/{d['flag'].pk}/reviewed/"),
    ]


@pytest.mark.parametrize("role", ["worker", "employer", "other_staff"])
def test_everyone_but_the_centers_staff_and_the_city_gets_403_on_every_console_route(client, desk, role):
    user = {"worker": lambda: WorkerFactory().user, "employer": lambda: EmployerFactory().owner,
            "other_staff": lambda: CenterStaffFactory().user}[role]()
    client.force_login(user)
    for method, url in routes(desk):
        assert getattr(client, method)(url).status_code == 403, (method, url)
    assert client.get("/staff/").status_code == (200 if role == "other_staff" else 403)
    assert client.get(f"/staff/?center={desk['center'].pk}").status_code == 403
    assert HallVisit.objects.get(pk=desk["visit"].pk).checked_out_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, desk):
    for method, url in [("get", "/staff/"), *routes(desk)]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/?next="), url


@pytest.mark.parametrize("who", ["staff", "city"])
def test_the_centers_staff_and_a_city_administrator_open_every_page(client, desk, who):
    client.force_login(desk["staff"] if who == "staff" else CityAdminFactory())
    c = desk["center"].pk
    for method, url in routes(desk):
        if method == "get":
            assert client.get(url).status_code == 200, url
    home = client.get(f"/staff/?center={c}")
    assert home.status_code == 200
    for link in ("walk-in/", "hall/", "board/"):
        assert f"/staff/centers/{c}/{link}" in home.content.decode()
    assert "/staff/reviews/" in home.content.decode()


def test_a_city_administrator_switches_between_centers(client, desk):
    other = ServiceCenterFactory(name="宜君县零工服务中心")
    client.force_login(CityAdminFactory())
    page = client.get(f"/staff/?center={other.pk}")
    assert page.context["center"] == other
    assert 'data-testid="center-switcher"' in page.content.decode()


def test_staff_register_a_walk_in_and_the_same_phone_full_width_finds_them(client, desk):
    client.force_login(desk["staff"])
    url = f"/staff/centers/{desk['center'].pk}/walk-in/"
    response = client.post(url, {"display_name": "孙师傅", "trades": [desk["trade"].pk], "phone": "13912340001",
                                 "availability": "any", "stated_birth_year": "58", "consent": "on"})
    worker = WorkerProfile.objects.get(display_name="孙师傅")
    assert response.status_code == 302 and response["Location"].endswith(f"/workers/{worker.pk}/")
    assert worker.intake.stated_birth_year is not None and worker.intake.stated_birth_year > 1900  # an age was typed

    again = client.post(url, {"display_name": "孙", "trades": [desk["trade"].pk], "phone": "１３９１２３４０００１",
                              "availability": "any"})
    assert again.status_code == 200 and 'data-testid="already-registered"' in again.content.decode()
    assert WorkerProfile.objects.filter(user__phone="13912340001").count() == 1


def test_registering_without_consent_or_a_trade_names_the_field(client, desk):
    client.force_login(desk["staff"])
    response = client.post(f"/staff/centers/{desk['center'].pk}/walk-in/",
                           {"display_name": "周", "availability": "any", "phone": "123"})
    assert response.status_code == 400
    assert "phone" in response.context["form"].errors


def test_the_card_has_the_worker_number_and_a_qr(client, desk):
    client.force_login(desk["staff"])
    page = client.get(f"/staff/centers/{desk['center'].pk}/workers/{desk['worker'].pk}/card/").content.decode()
    assert desk["worker"].number in page and "<svg" in page and "@media print" not in page


def test_scanning_a_card_checks_the_worker_in_and_the_hall_lists_them(client, desk):
    client.force_login(desk["staff"])
    c = desk["center"].pk
    client.post(f"/staff/centers/{c}/hall/{desk['visit'].pk}/check-out/")
    assert not HallVisit.objects.filter(worker=desk["worker"], checked_out_at__isnull=True).exists()
    response = client.post(f"/staff/centers/{c}/hall/check-in/", {"q": f"zerogig:worker:{desk['worker'].number}"})
    assert response.status_code == 302
    hall = client.get(f"/staff/centers/{c}/hall/").content.decode()
    assert "赵师傅" in hall and desk["trade"].name in hall
    found = client.get(f"/staff/centers/{c}/hall/", {"q": "赵"})
    assert [item["worker"] for item in found.context["found"]] == [desk["worker"]]


def test_a_scanner_that_keeps_typing_is_told_the_limit_and_the_hall_still_opens(client, desk):
    """16,000 characters in the check-in box were echoed into the next address, which no server reads (a 400)."""
    client.force_login(desk["staff"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    c = desk["center"].pk
    response = client.post(f"/staff/centers/{c}/hall/check-in/", {"q": "赵" * 16000}, follow=True)
    assert response.status_code == 200 and response.redirect_chain == [(f"/staff/centers/{c}/hall/?q=", 302)]
    said = [str(message) for message in response.context["messages"]]
    assert said == ["Ensure this value has at most 64 characters (it has 16000)."]
    fullwidth = client.post(f"/staff/centers/{c}/hall/check-in/", {"q": "ｚｅｒｏｇｉｇ:ｗｏｒｋｅｒ:"
                                                                        + desk["worker"].number})
    assert fullwidth.status_code == 302 and fullwidth["Location"].endswith(f"/staff/centers/{c}/hall/")


@pytest.mark.parametrize(("method", "path", "values"), [
    ("post", "/staff/centers/{c}/hall/check-in/", {"q": "赵\x00"}),  # PostgreSQL refused it in the search (a 500)
    ("get", "/staff/centers/{c}/hall/", {"q": "赵\x00"}),
    ("post", "/staff/centers/{c}/hall/check-in/", {"q\x00": "赵"}),
])
def test_a_nul_character_in_a_form_or_query_is_refused_before_the_page_reads_it(client, desk, method, path, values):
    client.force_login(desk["staff"])
    visits = HallVisit.objects.count()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = getattr(client, method)(path.format(c=desk["center"].pk), values)
    assert response.status_code == 400 and "Cannot read this request" in response.content.decode()
    assert HallVisit.objects.count() == visits


def test_assigning_on_the_board_takes_a_slot_and_a_refusal_says_why(client, desk):
    client.force_login(desk["staff"])
    c = desk["center"].pk
    board = client.get(f"/staff/centers/{c}/board/")
    assert 'data-testid="suggestion"' in board.content.decode()
    refused = client.post(f"/staff/centers/{c}/board/assign/", {"gig": desk["gig"].pk, "worker": desk["worker"].pk},
                          follow=True)
    assert "must agree" in refused.content.decode()
    response = client.post(f"/staff/centers/{c}/board/assign/",
                           {"gig": desk["gig"].pk, "worker": desk["worker"].pk, "consent": "on"})
    assignment = Assignment.objects.get(worker=desk["worker"], gig=desk["gig"])
    assert assignment.status == AssignmentStatus.ACCEPTED
    assert response["Location"] == f"/staff/centers/{c}/dispatches/{assignment.pk}/slip/"
    slip = client.get(response["Location"]).content.decode()
    for shown in (desk["gig"].site_address, desk["gig"].employer.contact_phone, "赵师傅", "<svg"):
        assert shown in slip
    worker_page = client.get(f"/staff/centers/{c}/workers/{desk['worker'].pk}/")
    assert worker_page.context["notifications"]  # the "hired" news, read by the center for a worker without a phone


def test_staff_of_another_center_read_a_worker_through_their_own_console_but_cannot_edit(client, desk):
    other = CenterStaffFactory()
    client.force_login(other.user)
    mine = f"/staff/centers/{other.center.pk}/workers/{desk['worker'].pk}/"
    page = client.get(mine)
    assert page.status_code == 200 and "赵师傅" in page.content.decode()
    assert page.context["serves"] is False and page.context["notifications"] is None  # read-only, no news
    assert client.post(mine + "edit/", {"skills": "x"}).status_code == 403


def test_staff_who_saw_the_id_card_verify_a_walk_ins_real_name_and_it_is_audited(client, desk, trade):
    center, staff = desk["center"], desk["staff"]
    worker = register_walk_in(actor=staff, center=center, display_name="孙师傅", trades={trade: 1}, consent=True,
                              id_number=id_number_for(dt.date(1970, 5, 1))).profile
    client.force_login(staff)
    page = client.get(f"/staff/centers/{center.pk}/workers/{worker.pk}/").content.decode()
    assert 'data-testid="verify-identity"' in page
    assert 'data-testid="verify-identity"' not in client.get(  # no ID number typed: nothing to verify
        f"/staff/centers/{center.pk}/workers/{desk['worker'].pk}/").content.decode()
    done = client.post(f"/staff/centers/{center.pk}/workers/{worker.pk}/verify/", follow=True)
    worker.refresh_from_db()
    assert done.status_code == 200 and worker.real_name_status == RealNameStatus.VERIFIED
    assert AuditEntry.objects.filter(action="worker_verified", actor=staff).exists()
    assert 'data-testid="verify-identity"' not in done.content.decode()


def test_the_board_and_the_slip_say_in_words_whether_the_pay_is_fair(client, desk):
    from wages.models import WageGuide

    WageGuide.objects.create(trade=desk["trade"], pay_unit=desk["gig"].pay_unit, low=desk["gig"].pay_amount + 10,
                             median=desk["gig"].pay_amount + 20, high=desk["gig"].pay_amount + 30,
                             effective_from=dt.date(2024, 1, 1), source="示例来源", is_demo=True)
    client.force_login(desk["staff"])
    c = desk["center"].pk
    board = client.get(f"/staff/centers/{c}/board/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-label="below"' in board and "Below the usual pay" in board
    slip = client.get(f"/staff/centers/{c}/dispatches/{desk['assignment'].pk}/slip/",
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-label="below"' in slip and "Below the usual pay" in slip


def test_staff_see_suspicious_check_ins_at_their_gigs_and_mark_them_reviewed(client, desk):
    client.force_login(desk["staff"])
    c, flag = desk["center"].pk, desk["flag"]
    page = client.get(f"/staff/centers/{c}/check-ins/suspicious/")
    html = page.content.decode()
    assert page.status_code == 200 and html.count('data-testid="suspicious-check-in"') == 1
    for shown in ("钱师傅", desk["gig"].code, "The published site point, not a reading", "Refused", "2 attempts",
                  "0 m", "±7 m"):
        assert shown in html, shown
    assert f"/staff/centers/{c}/check-ins/suspicious/" in client.get(f"/staff/?center={c}").content.decode()
    done = client.post(f"/staff/centers/{c}/check-ins/suspicious/{flag.pk}/reviewed/", follow=True)
    assert "Marked reviewed: 钱师傅" in done.content.decode()
    assert 'data-testid="suspicious-check-in"' not in done.content.decode()
    assert SuspiciousCheckIn.objects.get(pk=flag.pk).reviewed_by == desk["staff"]
    assert AuditEntry.objects.filter(action="suspicious_check_in_reviewed", actor=desk["staff"],
                                     subject_id=desk["assignment"].worker.user_id).count() == 1
    reviewed = client.get(f"/staff/centers/{c}/check-ins/suspicious/?reviewed=1").content.decode()
    assert 'data-testid="suspicious-check-in"' in reviewed and "Reviewed by" in reviewed


def test_a_flag_at_another_centers_gig_cannot_be_reviewed_through_this_center(client, desk):
    elsewhere = GigFactory(category=desk["trade"])
    other = AssignmentFactory(gig=elsewhere, status=AssignmentStatus.ACCEPTED)
    flag = SuspiciousCheckIn.objects.create(assignment=other, reason=SuspiciousCheckIn.Reason.FAST_JUMP,
                                            created_at=timezone.now(), last_at=timezone.now())
    client.force_login(desk["staff"])
    answer = client.post(f"/staff/centers/{desk['center'].pk}/check-ins/suspicious/{flag.pk}/reviewed/")
    assert answer.status_code == 404
    assert SuspiciousCheckIn.objects.get(pk=flag.pk).reviewed_at is None


def test_staff_write_down_a_walk_ins_policy_question_at_the_counter_and_answer_it_in_the_queue(client, desk):
    from policy.models import Question

    center, worker = desk["center"], desk["worker"]
    client.force_login(desk["staff"])
    assert 'data-testid="counter-question"' in client.get(
        f"/staff/centers/{center.pk}/workers/{worker.pk}/").content.decode()
    client.post(f"/staff/centers/{center.pk}/workers/{worker.pk}/question/",
                {"ask-topic": "social_insurance", "ask-text": "灵活就业怎么交社保？"})
    question = Question.objects.get(asker=worker.user)
    assert question.center == center and question.text == "灵活就业怎么交社保?"  # NFKC: the full-width ？
    assert "灵活就业怎么交社保" in client.get("/staff/questions/").content.decode()
    refused = client.post(f"/staff/centers/{center.pk}/workers/{worker.pk}/question/",
                          {"ask-topic": "social_insurance", "ask-text": "?"}, follow=True)
    assert Question.objects.filter(asker=worker.user).count() == 1 and "4 characters" in refused.content.decode()
