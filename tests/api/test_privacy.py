"""Phones and ID numbers stay private.

Lists and searches never carry a phone or ID number. The only contact details the API ever gives are the two
fields of an assignment, once a job is agreed (the worker holds a slot): `worker_phone`, for that gig's employer,
and `employer_contact`, for that worker.
"""

import datetime as dt
import json
import re

import pytest

from accounts.models import Role, User
from jobs.models import SLOT_HOLDING, Assignment, Employer
from tests.api.conftest import World
from tests.factories import QualifiedWorkerFactory
from tests.helpers import listed
from workers.models import WorkerProfile

pytestmark = pytest.mark.django_db

CONTACT_FIELDS = ("worker_phone", "employer_contact")
ANY_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ANY_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{6}(?:\d{11}|\*{8}\d{3})[\dX](?![\dA-Za-z])")


class Market(World):
    """The world plus one applicant and one offered worker on the employer's gigs, and a worker the other
    employer has hired; and a post waiting for the staff's review."""

    def __init__(self):
        super().__init__()
        self.applicant = QualifiedWorkerFactory(trades=[self.trade])
        self.application = self.new_assignment("applied", worker=self.applicant)
        self.offered_worker = QualifiedWorkerFactory(trades=[self.trade])
        self.offer = self.new_assignment("offered", gig=self.gig, worker=self.offered_worker)
        self.other_hire = self.new_assignment("accepted", gig=self.other_gig, worker=self.other_worker)
        self.checked_in = self.new_assignment("checked_in")
        self.pending = self.pending_gig()

    @property
    def users(self) -> dict:
        return {**super().users, "applicant": self.applicant.user, "offered_worker": self.offered_worker.user}

    def workers(self) -> list:
        return [self.worker, self.other_worker, self.applicant, self.offered_worker]

    def secrets(self) -> set[str]:
        """Every phone and ID number in the market: users' phones, employers' contact phones, and each
        worker's ID number, in full and masked."""
        secrets = set(User.objects.values_list("phone", flat=True))
        secrets |= set(Employer.objects.values_list("contact_phone", flat=True))
        secrets |= set(WorkerProfile.objects.exclude(id_number_masked="").values_list("id_number_masked", flat=True))
        secrets |= {worker.raw_id_number for worker in self.workers()}
        assert len([s for s in secrets if len(s) == 11]) >= 8 and all(secrets)
        return secrets


@pytest.fixture
def market(db):
    return Market()


def without_contact_fields(data):
    """The response with the two contact fields of assignments taken out."""
    if isinstance(data, dict):
        return {key: without_contact_fields(value) for key, value in data.items() if key not in CONTACT_FIELDS}
    if isinstance(data, list):
        return [without_contact_fields(item) for item in data]
    return data


def assert_no_secrets(response, secrets: set[str], what: str) -> None:
    assert response.status_code == 200, f"{what}: {response.status_code} {response.content[:300]!r}"
    text = json.dumps(without_contact_fields(response.json()), ensure_ascii=False)
    leaked = sorted(secret for secret in secrets if secret in text)
    assert not leaked, f"{what} shows {leaked}"
    assert not ANY_MOBILE.search(text), f"{what} shows a mobile number: {ANY_MOBILE.search(text).group()}"
    assert not ANY_ID_NUMBER.search(text), f"{what} shows an ID number: {ANY_ID_NUMBER.search(text).group()}"


def list_and_search_calls(market: Market) -> list[tuple[str, str]]:
    """(role, URL) of every list and search, as everyone who may call it."""
    site = f"latitude={market.gig.latitude}&longitude={market.gig.longitude}&radius_km=50"
    everyone = ("anonymous", "worker", "other_worker", "employer", "other_employer", "staff", "other_staff",
                "city_admin")
    logged_in = everyone[1:]
    calls = [(role, f"/api/gigs/nearby/?{site}") for role in everyone]
    calls += [(role, "/api/gigs/") for role in logged_in]
    calls += [(role, "/api/assignments/") for role in logged_in]
    calls += [("employer", f"/api/gigs/{market.gig.pk}/assignments/"),
              ("other_employer", f"/api/gigs/{market.other_gig.pk}/assignments/")]
    calls += [("staff", "/api/reviews/"), ("other_staff", "/api/reviews/")]
    calls += [(role, f"/api/workers/{worker.pk}/") for worker in market.workers() for role in ("staff", "city_admin")]
    calls += [("employer", f"/api/workers/{worker.pk}/") for worker in (market.worker, market.applicant)]
    calls += [("other_employer", f"/api/workers/{market.other_worker.pk}/")]
    calls += [("worker", f"/api/workers/{market.worker.pk}/")]
    calls += [(role, f"/api/gigs/{gig.pk}/") for gig in (market.gig, market.other_gig) for role in everyone]
    return calls


def test_lists_searches_and_cards_never_show_a_phone_or_id_number(market):
    secrets = market.secrets()
    calls = list_and_search_calls(market)
    for role, url in calls:
        assert_no_secrets(market.client(role).get(url), secrets, f"GET {url} as {role}")
    assert len(calls) > 50


def test_the_review_queue_and_the_feed_show_the_gigs_they_should(market):
    """The privacy scan above is only worth something if the lists are not empty."""
    assert [gig["id"] for gig in listed(market.client("staff").get("/api/reviews/"))] == [market.pending.pk]
    site = {"latitude": market.gig.latitude, "longitude": market.gig.longitude}
    found = {gig["id"] for gig in market.client("anonymous").get("/api/gigs/nearby/", site).json()["results"]}
    assert market.gig.pk in found


def phones_seen(market: Market, role: str, url: str = "/api/assignments/") -> dict[int, object]:
    return {item["id"]: item["worker_phone"] for item in listed(market.client(role).get(url))}


def contacts_seen(market: Market, role: str) -> dict[int, object]:
    return {item["id"]: item["employer_contact"] for item in listed(market.client(role).get("/api/assignments/"))}


def test_an_employer_sees_a_workers_phone_only_once_that_worker_is_hired_on_their_gig(market):
    hired = market.worker.user.phone
    assert phones_seen(market, "employer") == {
        market.assignment.pk: hired,  # holds a slot on the employer's gig
        market.checked_in.pk: hired,  # at work today
        market.application.pk: None,  # an applicant, not hired yet
    }  # and an offer nobody took is not shown at all: who was offered says where workers are
    assert phones_seen(market, "employer", f"/api/gigs/{market.gig.pk}/assignments/") == {
        market.assignment.pk: hired}
    # Another employer never sees it, even for a worker they have hired themselves elsewhere.
    assert phones_seen(market, "other_employer") == {market.other_hire.pk: market.other_worker.user.phone}


def test_a_hired_workers_phone_appears_at_hiring_and_goes_when_the_job_is_off(market):
    employer = market.client("employer")
    url = f"/api/assignments/{market.application.pk}/"
    assert employer.get(url).json()["worker_phone"] is None
    hired = employer.post(url + "hire/")
    assert hired.status_code == 200, hired.content
    assert hired.json()["worker_phone"] == market.applicant.user.phone

    cancelled = employer.post(url + "cancel/", {"reason": "工期推迟"}, format="json")
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["worker_phone"] is None


def test_staff_and_the_city_do_not_get_phones_through_assignments(market):
    for role in ("staff", "city_admin"):
        seen = phones_seen(market, role)
        assert market.assignment.pk in seen
        assert set(seen.values()) == {None}, role
        assert set(contacts_seen(market, role).values()) == {None}, role


def test_the_employers_contact_is_shown_only_to_the_worker_they_hired(market):
    contact = {"name": market.employer.contact_name, "phone": market.employer.contact_phone}
    assert contacts_seen(market, "worker") == {market.assignment.pk: contact, market.checked_in.pk: contact}
    assert contacts_seen(market, "other_worker") == {
        market.other_hire.pk: {"name": market.other_employer.contact_name,
                               "phone": market.other_employer.contact_phone}}

    applicant, offered = market.client("applicant"), market.client("offered_worker")
    assert {item["employer_contact"] for item in listed(applicant.get("/api/assignments/"))} == {None}
    assert {item["employer_contact"] for item in listed(offered.get("/api/assignments/"))} == {None}
    # An employer's own view of the assignment does not echo their contact back as someone else's.
    assert set(contacts_seen(market, "employer").values()) == {None}


def test_accepting_a_gig_gives_the_worker_the_employers_contact(market):
    response = market.client("offered_worker").post(f"/api/gigs/{market.gig.pk}/accept/")
    assert response.status_code == 200, response.content
    assert response.json()["employer_contact"] == {"name": market.employer.contact_name,
                                                   "phone": market.employer.contact_phone}
    assert response.json()["worker_phone"] is None  # a worker is not shown their own number as a contact


def contacts_shared_with(user) -> set[str]:
    """The phones the contact rule lets this user see: for an employer, those of workers holding a slot on
    their gigs; for a worker, the contact phones of the employers they hold a slot with."""
    held = Assignment.objects.filter(status__in=SLOT_HOLDING)
    if user.role == Role.EMPLOYER:
        return set(held.filter(gig__employer__owner=user).values_list("worker__user__phone", flat=True))
    if user.role == Role.WORKER:
        return set(held.filter(worker__user=user).values_list("gig__employer__contact_phone", flat=True))
    return set()


def test_notifications_carry_no_phone_or_id_number_beyond_an_agreed_job(market):
    """What happens to gigs is told to inboxes; none of it may carry someone else's phone or any ID number."""
    employer = market.client("employer")
    steps = [
        market.client("offered_worker").post(f"/api/gigs/{market.gig.pk}/accept/"),
        market.client("other_worker").post(f"/api/gigs/{market.application.gig_id}/apply/"),
        employer.post(f"/api/assignments/{market.application.pk}/hire/"),
        market.client("worker").post(f"/api/assignments/{market.assignment.pk}/cancel/", {"reason": "生病"},
                                     format="json"),
        employer.post(f"/api/gigs/{market.new_gig().pk}/cancel/", {"reason": "取消"}, format="json"),
    ]
    assert [step.status_code for step in steps] == [200] * len(steps), [step.content for step in steps]

    secrets = market.secrets()
    delivered = 0
    for role, user in market.users.items():
        if user is None:
            continue
        response = market.client(role).get("/api/notifications/")
        assert_no_secrets(response, secrets - contacts_shared_with(user), f"the inbox of {role}")
        delivered += len(response.json()["results"])
    assert delivered >= 5  # the scan saw real notifications


def test_an_employer_never_learns_who_was_offered_a_gig(market):
    """Offers go to workers near the site: the list of them would say where workers live or are."""
    employer = market.client("employer")
    seen = {item["id"] for item in listed(employer.get("/api/assignments/"))}
    on_gig = {item["id"] for item in listed(employer.get(f"/api/gigs/{market.gig.pk}/assignments/"))}
    assert market.offer.pk not in seen | on_gig
    assert employer.get(f"/api/assignments/{market.offer.pk}/").status_code == 404
    assert employer.get(f"/api/workers/{market.offered_worker.pk}/").status_code == 404
    # Once the worker takes the offer, the employer sees them like any hire.
    Assignment.objects.filter(pk=market.offer.pk).update(status="accepted", accepted_at=market.now)
    assert market.offer.pk in {item["id"] for item in listed(employer.get("/api/assignments/"))}
    assert employer.get(f"/api/workers/{market.offered_worker.pk}/").status_code == 200


def test_a_households_site_is_shown_only_to_those_hired_there(market):
    """Public and not-yet-hired views of a household's gig show the area and the district; the exact site and
    address go to the hired workers, the employer, the gig's center staff and the city."""
    from geopy.distance import geodesic

    from jobs import services
    from jobs.models import Employer as EmployerModel

    site = (35.07321, 109.08111)
    employer = services.verify_employer(market.employer, actor=market.city_admin)  # its posts go live
    assert employer.kind == EmployerModel.Kind.INDIVIDUAL
    gig = services.create_gig(actor=employer.owner, category=market.trade, title="家里搬柜子", headcount=1,
                              pay_amount="200", pay_unit="day", address="王益区红旗街12号3单元", latitude=site[0],
                              longitude=site[1], starts_at=market.now + dt.timedelta(days=4),
                              ends_at=market.now + dt.timedelta(days=4, hours=8))
    seen = {}
    for role in ("anonymous", "worker", "other_worker", "employer", "other_employer", "staff", "other_staff",
                 "city_admin"):
        body = market.client(role).get(f"/api/gigs/{gig.pk}/").json()
        seen[role] = (body["latitude"], body["longitude"], body["address"], body["exact_site"])
    for role in ("employer", "staff", "city_admin"):
        assert seen[role] == (site[0], site[1], "王益区红旗街12号3单元", True), role
    for role in ("anonymous", "worker", "other_worker", "other_employer", "other_staff"):
        lat, lng, address, exact = seen[role]
        assert not exact and "红旗街" not in address and market.center.name in address, role
        assert "王益区" in address, role  # the district, as the issue asks
        assert 20 < geodesic(site, (lat, lng)).m < 600, role
    # Everyone who is not hired sees the same approximate place: views cannot be averaged into the site.
    assert len({seen[role][:2] for role in ("anonymous", "worker", "other_employer")}) == 1
    # The feed searches the public place, so a radius narrowed step by step finds the area, never the door.
    feed = market.client("anonymous").get("/api/gigs/nearby/", {"latitude": site[0], "longitude": site[1],
                                                                 "radius_km": 0.5}).json()["results"]
    card = next(item for item in feed if item["id"] == gig.pk)
    assert (card["latitude"], card["longitude"]) == seen["anonymous"][:2] and card["exact_site"] is False
    # Once hired, the worker sees the site and checks in against it.
    taken = services.accept_gig(gig, actor=market.other_worker.user)
    body = market.client("other_worker").get(f"/api/gigs/{gig.pk}/").json()
    assert (body["latitude"], body["longitude"], body["exact_site"]) == (site[0], site[1], True)
    assert market.client("other_worker").get(f"/api/assignments/{taken.pk}/").json()["gig"]["address"] == (
        "王益区红旗街12号3单元")


def test_an_organisations_site_is_public(market):
    from jobs import services
    from tests.factories import EmployerFactory

    shop = EmployerFactory(kind="organisation", credit_code="91610200MA6Y000000")
    gig = services.create_gig(actor=shop.owner, category=market.trade, title="超市理货", headcount=1,
                              pay_amount="200", pay_unit="day", address="王益区新华街超市", latitude=35.0701,
                              longitude=109.0762, starts_at=market.now + dt.timedelta(days=4),
                              ends_at=market.now + dt.timedelta(days=4, hours=8))
    body = market.client("anonymous").get(f"/api/gigs/{gig.pk}/").json()
    assert (body["latitude"], body["longitude"], body["address"], body["exact_site"]) == (
        35.0701, 109.0762, "王益区新华街超市", True)


def household_gig(market, site=(35.07321, 109.08111), address="王益区红旗街12号3单元"):
    from jobs import services

    employer = services.verify_employer(market.employer, actor=market.city_admin)
    return services.create_gig(actor=employer.owner, category=market.trade, title="家里搬柜子", headcount=1,
                               pay_amount="200", pay_unit="day", address=address, latitude=site[0],
                               longitude=site[1], starts_at=market.now + dt.timedelta(days=4),
                               ends_at=market.now + dt.timedelta(days=4, hours=8))


def test_the_personal_data_download_keeps_offers_and_household_sites_private(market):
    """An employer's download does not name the workers offered its gigs; a worker offered or applying to a
    household's gig does not get its door in their download; the worker hired there does."""
    from jobs import services

    gig = household_gig(market)
    offered = Assignment.objects.update_or_create(gig=gig, worker=market.offered_worker,
                                                  defaults={"status": "offered", "offered_at": market.now})[0]
    employer_rows = market.client("employer").get("/api/me/data/").json()["tables"]["jobs.Assignment"]
    assert offered.pk not in {row["id"] for row in employer_rows}
    assert market.offer.pk not in {row["id"] for row in employer_rows}
    assert market.application.pk in {row["id"] for row in employer_rows}  # who applied is the employer's to see

    def gig_row(role):
        rows = market.client(role).get("/api/me/data/").json()["tables"]["jobs.Gig"]
        return next(row for row in rows if row["id"] == gig.pk)

    assert offered.pk in {row["id"] for row in
                          market.client("offered_worker").get("/api/me/data/").json()["tables"]["jobs.Assignment"]}
    row = gig_row("offered_worker")
    assert not {"site_address", "site_latitude", "site_longitude"} & set(row)
    assert "红旗街" not in json.dumps(row, ensure_ascii=False)
    services.accept_gig(gig, actor=market.offered_worker.user)
    assert gig_row("offered_worker")["site_address"] == "王益区红旗街12号3单元"
    assert gig_row("employer")["site_address"] == "王益区红旗街12号3单元"


def test_an_employer_changing_kind_does_not_give_a_households_door_away(market):
    """A household that registered as a shop and corrects it: its gigs' places become approximate at once. A
    household that becomes a shop: the gigs it posted as a household stay approximate."""
    from jobs import services
    from jobs.credit_codes import check_char
    from tests.factories import EmployerFactory

    shop = EmployerFactory(kind="organisation", credit_code="91610200MA6Y000000")
    posted = services.create_gig(actor=shop.owner, category=market.trade, title="家里搬柜子", headcount=1,
                                 pay_amount="200", pay_unit="day", address="王益区红旗街12号3单元",
                                 latitude=35.07321, longitude=109.08111, starts_at=market.now + dt.timedelta(days=4),
                                 ends_at=market.now + dt.timedelta(days=4, hours=8))
    assert market.client("anonymous").get(f"/api/gigs/{posted.pk}/").json()["address"] == "王益区红旗街12号3单元"
    services.update_employer(shop, actor=shop.owner, kind="individual", credit_code="")
    body = market.client("anonymous").get(f"/api/gigs/{posted.pk}/").json()
    assert "红旗街" not in body["address"] and not body["exact_site"]
    assert (body["latitude"], body["longitude"]) != (35.07321, 109.08111)

    household = household_gig(market)
    services.update_employer(market.employer, actor=market.employer.owner, kind="organisation",
                             credit_code="91610200MA6Y00001" + check_char("91610200MA6Y00001"))
    body = market.client("anonymous").get(f"/api/gigs/{household.pk}/").json()
    assert "红旗街" not in body["address"] and not body["exact_site"]
    assert market.client("employer").get(f"/api/gigs/{household.pk}/").json()["address"] == "王益区红旗街12号3单元"
