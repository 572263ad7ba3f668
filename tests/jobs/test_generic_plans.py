"""Reads that stay small whatever plan PostgreSQL caches for their prepared statement.

Statements run prepared (psycopg prepares one after a few runs) and PostgreSQL may then plan one for any values of
its parameters (a generic plan). Each test fills a table with a city's worth of generated rows, runs a selector,
and EXPLAINs (ANALYZE) each of its statements under a forced generic plan: none may read more than a few pages of
rows. Before their fixes these read the whole generated table (the review queue, the board, an employer's
unpaid work)."""

import contextlib
import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from jobs.models import Assignment, AssignmentStatus, Gig, GigStatus, HiringMode, PayStatus
from jobs.selectors import board_gigs, employer_standing, first_on_board, hall_counts, pending_reviews
from tests.factories import (
    AssignmentFactory,
    CenterStaffFactory,
    CityAdminFactory,
    EmployerFactory,
    GigFactory,
    ServiceCenterFactory,
)
from tests.helpers import generic_plan

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")]



@pytest.fixture(scope="module", autouse=True)
def fresh_statistics_after(django_db_blocker):
    """The generated rows are rolled back, but their pages and ANALYZE's counts stay: vacuum and count the tables
    again once they are gone, so that later tests are not planned for a city that is not there."""
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE jobs_gig")
        cursor.execute("VACUUM ANALYZE jobs_assignment")


ROWS = 120_000
MOST = 2_000  # rows a statement may read under its generic plan


def clone(model, template, varied: dict, params: list, count: int = ROWS, source: str = "",
          where: str = "") -> None:
    """`count` copies of the template row, with the columns in `varied` computed from n (1..count)."""
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if f.column != "id"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT "
            + ", ".join(varied.get(column, f"t.{column}") for column in columns)
            + f" FROM {table} t{source}, generate_series(1, {count}) AS n WHERE t.id = %s{where}",
            [*params, template.pk])
        cursor.execute(f"ANALYZE {table}")


@contextlib.contextmanager
def statements():
    """The (sql, params) of every statement run inside."""
    seen = []

    def keep(execute, sql, params, many, context):
        seen.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        yield seen


def rows_read(sql: str, params: list) -> int:
    """The rows the statement's generic plan reads: each scan's rows, kept or filtered out, over all its loops."""
    plan = generic_plan(sql, params, "ANALYZE, FORMAT JSON")[0][0][0]["Plan"]

    def walk(node) -> int:
        read = 0
        if "Relation Name" in node or "Index Name" in node:
            loops = node.get("Actual Loops", 1)
            read = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
                    + node.get("Rows Removed by Index Recheck", 0)) * loops
        return read + sum(walk(child) for child in node.get("Plans", []))

    return walk(plan)


def assert_small(seen: list, containing: str = "") -> None:
    checked = [(sql, params) for sql, params in seen if containing in sql and sql.lstrip().startswith("SELECT")]
    assert checked
    for sql, params in checked:
        read = rows_read(sql, params)
        assert read <= MOST, (read, sql)


def many_gigs(template: Gig, statuses: str, **varied) -> None:
    clone(Gig, template, {"code": "'G' || n", "status": statuses, **varied}, [])


def test_the_review_queue_reads_the_waiting_posts_only():
    """A bound status was any status to the generic plan: it walked every gig of the city by creation time to find
    the few waiting for review (200-350 ms on a million gigs)."""
    center = ServiceCenterFactory()
    many_gigs(GigFactory(center=center, status=GigStatus.COMPLETED),
              "CASE WHEN mod(n, 1000) = 0 THEN 'pending_review' WHEN mod(n, 7) = 0 THEN 'open' "
              "WHEN mod(n, 5) = 0 THEN 'cancelled' WHEN mod(n, 11) = 0 THEN 'expired' ELSE 'completed' END",
              created_at="now() - n * interval '1 minute'")
    staff = CenterStaffFactory(center=center).user
    for viewer in (CityAdminFactory(), staff):
        with statements() as seen:
            waiting = list(pending_reviews(viewer).order_by("created_at", "pk")[:51])
        assert len(waiting) == 51
        assert_small(seen, "jobs_gig")


def test_the_board_reads_the_first_instant_gigs_in_start_order():
    """The generic plan guessed one gig in any box and read and sorted every future gig of the city (40,000 on
    the benchmark's million) rather than walk an index in start order."""
    center = ServiceCenterFactory()
    many_gigs(GigFactory(center=center, hiring_mode=HiringMode.INSTANT),
              "(ARRAY['open', 'open', 'completed', 'cancelled', 'expired'])[1 + mod(n, 5)]",
              starts_at="now() + n * interval '3 minutes'",
              hiring_mode="CASE WHEN mod(n, 4) = 0 THEN 'application' ELSE 'instant' END")
    with statements() as seen:
        board = board_gigs(center, viewer=CityAdminFactory(), waiting_ids=[])
    assert len(board) == 30
    assert [row.gig.starts_at for row in board] == sorted(row.gig.starts_at for row in board)
    assert_small(seen, "jobs_gig")


def test_an_employers_unpaid_work_is_counted_from_the_few_unpaid():
    """The generic plan joined every assignment of every gig of the employer to count the few checked out and
    not paid a day later (45 ms on every gig page of a busy employer)."""
    employer = EmployerFactory()
    gig = GigFactory(employer=employer, status=GigStatus.COMPLETED)
    many_gigs(gig, "'completed'", employer_id=f"CASE WHEN mod(n, 2) = 0 THEN {employer.pk} ELSE t.employer_id END")
    done = timezone.now() - dt.timedelta(days=3)
    template = AssignmentFactory(gig=gig, status=AssignmentStatus.COMPLETED, pay_status=PayStatus.CONFIRMED,
                                 accepted_at=done, checked_in_at=done, checked_out_at=done, completed_at=done)
    clone(Assignment, template, {
        "gig_id": "g.id",
        "status": "CASE WHEN mod(g.id, 500) = 0 THEN 'checked_out' ELSE 'completed' END",
        "pay_status": "CASE WHEN mod(g.id, 500) = 0 THEN 'not_due' ELSE 'confirmed' END",
    }, [], count=1, source=", jobs_gig g", where=" AND g.id <> t.gig_id")
    with statements() as seen:
        standing = employer_standing(employer)
    assert standing.unpaid_assignments == Assignment.objects.filter(
        gig__employer=employer, status=AssignmentStatus.CHECKED_OUT).count() > 0
    assert_small(seen, "checked_out_at")


def test_the_hall_screen_counts_the_days_placements_without_reading_the_centers_gigs():
    """On the benchmark's million gigs the generic plan guessed thousands of placements a day and read every gig of
    the center to join the five (20 ms a screen refresh). A guard only: on these fewer rows PostgreSQL chose well
    even for the old single statement."""
    center = ServiceCenterFactory()
    gig = GigFactory(center=center, status=GigStatus.COMPLETED)
    other = ServiceCenterFactory()
    many_gigs(gig, "'completed'", center_id=f"CASE WHEN mod(n, 8) = 0 THEN t.center_id ELSE {other.pk} END")
    now = timezone.now()
    long_ago = now - dt.timedelta(days=400)
    template = AssignmentFactory(gig=gig, status=AssignmentStatus.COMPLETED, accepted_at=long_ago)
    clone(Assignment, template, {"gig_id": "g.id", "accepted_at": "t.accepted_at + mod(g.id, 390) * interval '1 day'"},
          [], count=1, source=", jobs_gig g", where=" AND g.id <> t.gig_id")
    placed = [AssignmentFactory(gig=GigFactory(center=center), status=AssignmentStatus.ACCEPTED, accepted_at=now)
              for _ in range(3)]
    AssignmentFactory(gig=GigFactory(), status=AssignmentStatus.ACCEPTED, accepted_at=now)  # another center's
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE jobs_assignment")
    with statements() as seen:
        counts = hall_counts(center.pk, now)
    assert counts["placed_today"] == len(placed)
    assert_small(seen, "accepted_at")


def test_a_centers_first_gigs_come_off_its_index():
    """The hall screen and the board: on the benchmark's million gigs the generic plan walked every gig of the city
    in start order and filtered (260 ms a read); the ids now come off the (center, status, starts_at, id) index in
    its order, and the rows of those ids after."""
    centers = [ServiceCenterFactory() for _ in range(8)]
    many_gigs(GigFactory(center=centers[0]),
              f"(ARRAY{[str(s) for s in GigStatus.values]})[1 + mod(n, {len(GigStatus.values)})]",
              center_id=f"(ARRAY{[c.pk for c in centers]})[1 + mod(n, 8)]",
              starts_at="now() - interval '300 days' + n * interval '7 minutes'")
    with statements() as seen:
        first = first_on_board(centers[3].pk, 60)
    assert len(first) == 60 and [g.starts_at for g in first] == sorted(g.starts_at for g in first)
    assert_small(seen, "ORDER BY")
    for sql, params in seen:  # and in the index's order: nothing left to sort (a sort invites the start-time walk)
        if "ORDER BY" in sql:
            plan = " ".join(row[0] for row in generic_plan(sql, params))
            assert "Sort" not in plan, plan


def test_an_employers_list_of_gigs_counts_the_fill_of_the_page_only(client):
    """The list of a busy employer's gigs (120,000 here) grouped every assignment of every gig to show twenty
    (70 ms a page on the benchmark's million gigs): the fill of the twenty shown is counted after paging."""
    employer = EmployerFactory()
    gig = GigFactory(employer=employer, status=GigStatus.COMPLETED)
    many_gigs(gig, "'completed'", created_at="now() - n * interval '1 hour'")
    template = AssignmentFactory(gig=gig, status=AssignmentStatus.APPLIED)
    clone(Assignment, template, {"gig_id": "g.id"}, [], count=1, source=", jobs_gig g",
          where=f" AND g.employer_id = {int(employer.pk)} AND g.id <> t.gig_id")
    assert Assignment.objects.filter(gig__employer=employer).count() > 3000
    client.force_login(employer.owner)
    with statements() as seen:
        page = client.get("/employer/gigs/")
    assert page.status_code == 200 and len(page.context["rows"]) == 20
    assert all(row["gig"].applicants == 1 for row in page.context["rows"])
    assert_small(seen, "jobs_assignment")
