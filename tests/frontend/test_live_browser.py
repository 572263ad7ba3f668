"""Live over the sockets, in real browsers: Chromium contexts at 360×640 against the live ASGI server.

Everything happens through the pages, so every event is stored and pushed by the server process: on SQLite the
in-memory channel layer of that one process carries it, on PostgreSQL Redis does.
"""

import datetime as dt
import json

import pytest
from django.utils import timezone

from jobs.models import AssignmentStatus, Gig, GigStatus
from notifications.services import notify_user
from tests.factories import WANGYI, EmployerFactory, QualifiedWorkerFactory, ServiceCenterFactory, TradeFactory

from .conftest import fits_the_screen, screenshot, serious_violations, wait_until
from .test_browser import log_in
from .test_employer_browser import fill_gig_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = "body[data-live-state=open]"


def waiting_for_offers(phone_page, server, worker, senior=False):
    """A worker on their page with the socket open; a marker tells a reload (it would be gone)."""
    page = phone_page(senior=senior)
    log_in(page, server, worker.user)
    page.goto("/me/gigs/")
    page.wait_for_selector(LIVE, state="attached")
    page.evaluate("window.notReloaded = true")
    return page


def post_a_gig_for_one(page, trade) -> Gig:
    start = timezone.localtime(timezone.now() + dt.timedelta(days=1)).replace(hour=8, minute=0)
    page.goto("/employer/gigs/new/")
    page.select_option("[name=category]", str(trade.pk))
    fill_gig_form(page, "卸一车水泥", pay="260", headcount=1, start=start)
    page.fill("[name=latitude]", f"{WANGYI[0] + 0.01:.6f}")  # about a kilometre from the workers' homes
    page.fill("[name=longitude]", f"{WANGYI[1]:.6f}")
    page.click("[data-testid=publish]")
    gig = Gig.objects.get(title="卸一车水泥")
    page.wait_for_url(f"**/employer/gigs/{gig.pk}/")
    return gig


def test_a_worker_nearby_sees_the_offer_arrive_and_takes_it_while_the_employer_watches_it_fill(
        phone_page, live_asgi_server):
    ServiceCenterFactory(name="王益区零工服务中心")
    trade = TradeFactory()
    employer = EmployerFactory()
    first = QualifiedWorkerFactory(user__phone="13822224444", display_name="张师傅")
    second = QualifiedWorkerFactory(user__phone="13822225555", display_name="李师傅")
    problems = {}
    worker_page = waiting_for_offers(phone_page, live_asgi_server, first)
    other_page = waiting_for_offers(phone_page, live_asgi_server, second, senior=True)  # 长辈版

    employer_page = phone_page()
    log_in(employer_page, live_asgi_server, employer.owner)
    list_page = employer_page.context.new_page()  # the employer's gigs open in another tab
    gig = post_a_gig_for_one(employer_page, trade)
    assert gig.status == GigStatus.OPEN
    employer_page.wait_for_selector(LIVE, state="attached")
    list_page.goto("/employer/gigs/")
    list_page.wait_for_selector(LIVE, state="attached")
    inbox_page = employer_page.context.new_page()
    inbox_page.goto("/inbox/")
    inbox_page.wait_for_selector(LIVE, state="attached")
    waves = inbox_page.locator("[data-testid=notification]")
    assert waves.count() == 1 and "2" in waves.inner_text()  # "offered to 2 workers nearby": a count, no names
    assert employer_page.locator("[data-testid=offers-out]").inner_text() == "2"  # both workers were offered it
    assert employer_page.locator("[data-testid=person]").count() == 0

    # The offer arrives in the worker's page, in the live region, without a reload.
    offer = worker_page.locator("[data-live-offers] [data-testid=offer]")
    offer.wait_for()
    assert worker_page.evaluate("window.notReloaded") is True
    assert "¥260" in offer.locator("[data-testid=offer-pay]").inner_text()
    assert offer.locator("[data-testid=offer-distance]").is_visible()
    assert worker_page.locator("[data-testid=unread-count]").is_visible()
    fits_the_screen(worker_page)
    problems["worker offer"] = serious_violations(worker_page)
    screenshot(worker_page, "worker-live-offer")
    other_page.locator("[data-testid=offer]").wait_for()
    fits_the_screen(other_page)
    assert other_page.locator("[data-testid=take-offer]").bounding_box()["height"] >= 60
    problems["worker offer, senior mode"] = serious_violations(other_page)
    screenshot(other_page, "worker-live-offer-senior")

    worker_page.click("[data-testid=take-offer]")
    worker_page.wait_for_url(f"**/gigs/{gig.pk}/")
    assert worker_page.locator("[data-testid=message].success").is_visible()
    assert gig.assignments.get(worker=first).status == AssignmentStatus.ACCEPTED

    # The employer's page and list fill in live; the other worker's offer says the gig is filled.
    employer_page.locator("[data-testid=person]").wait_for()
    employer_page.locator("[data-testid=gig-progress] progress[value='1']").wait_for(state="attached")
    assert employer_page.locator("[data-testid=offers-out]").inner_text() == "0"
    assert first.display_name in employer_page.locator("[data-testid=person]").inner_text()
    list_page.locator("[data-testid=gig-progress] progress[value='1'][max='1']").wait_for(state="attached")
    other_page.locator("[data-testid=offer-gone]").wait_for()
    # the offer wave, the worker taking a slot, and their agreement ready to accept
    wait_until(inbox_page, "document.querySelectorAll('[data-testid=notification]').length === 3")
    assert any(first.display_name in text  # took a slot
               for text in inbox_page.locator("[data-testid=notification]").all_inner_texts())
    assert inbox_page.locator("[data-testid=unread-count]").inner_text().startswith("3")
    assert other_page.locator("[data-testid=take-offer]").count() == 0
    problems["worker offer gone"] = serious_violations(other_page)
    employer_page.evaluate("window.scrollTo(0, 0)")
    problems["employer live gig"] = serious_violations(employer_page)
    problems["employer live list"] = serious_violations(list_page)
    problems["employer live inbox"] = serious_violations(inbox_page)
    screenshot(employer_page, "employer-live-gig")
    assert {name: found for name, found in problems.items() if found} == {}


# A stand-in for the browser's WebSocket, so that the test says when it opens, what arrives and how it closes.
FAKE_SOCKET = """
window.sockets = [];
window.WebSocket = function (url) { this.url = url; this.sent = []; window.sockets.push(this); };
window.WebSocket.prototype.send = function (data) { this.sent.push(JSON.parse(data)); };
"""


def test_the_socket_resumes_after_what_the_phone_saw_backs_off_and_stops_once_logged_out(
        phone_page, live_asgi_server):
    worker = QualifiedWorkerFactory()
    for _ in range(3):
        notify_user(worker.user.pk, "slots", {})
    page = phone_page()
    page.add_init_script(FAKE_SOCKET)
    page.clock.install()
    log_in(page, live_asgi_server, worker.user)
    page.goto("/me/gigs/")
    page.evaluate(f"localStorage.setItem('zg-seq-{worker.user.pk}', '1')")  # this phone saw seq 1 last time
    page.reload()
    sockets = lambda: page.evaluate("window.sockets.length")  # noqa: E731
    unread = lambda: page.locator("[data-live-unread-number]").inner_text()  # noqa: E731

    def on_socket(script: str):
        return page.evaluate(f"(() => {{ const s = window.sockets[window.sockets.length - 1]; return {script}; }})()")

    def arrive(*seqs: int) -> None:
        for seq in seqs:
            frame = json.dumps({"type": "event", "id": seq, "seq": seq, "kind": "slots", "payload": {},
                                "read": False})
            on_socket(f"s.onmessage({{data: {json.dumps(frame)}}})")

    wait_until(page, "window.sockets.length === 1")
    assert on_socket("s.url").endswith("/ws/worker/")
    on_socket("s.onopen()")
    assert on_socket("s.sent") == [{"type": "resume", "after": 1}]
    assert unread() == "3"
    page.evaluate("window.told = 0; document.body.addEventListener('live-event', () => { window.told += 1; })")
    arrive(2, 3)  # the replay: already counted on the page, and in what it shows
    assert unread() == "3" and page.evaluate("window.told") == 0
    arrive(5, 4, 5)  # a push overtaking the replay, and a repeat: each seq once
    assert unread() == "5" and page.evaluate("window.told") == 2
    assert page.evaluate(f"localStorage.getItem('zg-seq-{worker.user.pk}')") == "5"

    on_socket("s.onclose({code: 1006})")  # the network dropped: again after 1–2 s, resuming after seq 5
    page.clock.run_for(900)
    assert sockets() == 1
    page.clock.run_for(1200)
    assert sockets() == 2
    on_socket("s.onopen()")
    assert on_socket("s.sent") == [{"type": "resume", "after": 5}]

    on_socket("s.onclose({code: 4429})")  # too many frames: the longest wait, 30–60 s
    page.clock.run_for(29_000)
    assert sockets() == 2
    page.clock.run_for(31_500)
    assert sockets() == 3

    on_socket("s.onclose({code: 4401})")  # logged out: never again on this page
    page.clock.run_for(600_000)
    assert sockets() == 3
