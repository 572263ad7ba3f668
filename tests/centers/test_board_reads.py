"""A center's board and hall screen read their gigs off one index, whatever plan PostgreSQL caches for the
prepared statement."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone

from jobs.models import Gig, GigStatus
from jobs.selectors import first_in_status
from tests.factories import GigFactory, ServiceCenterFactory


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
def test_a_centers_first_gigs_come_off_its_index_once_the_statement_is_prepared():
    """Statements run prepared (psycopg prepares one after a few runs), and PostgreSQL then plans them once for
    any center and any status (a generic plan). On a city's worth of gigs it used to walk every gig in start order
    and filter (260 ms a read on a million gigs): the index must give the order itself."""
    from psycopg.sql import Literal

    centers = [ServiceCenterFactory() for _ in range(8)]
    template = GigFactory(center=centers[0])
    columns = [f.column for f in Gig._meta.concrete_fields if f.column != "id"]
    varied = {"code": "'B' || n", "center_id": f"(ARRAY{[c.pk for c in centers]})[1 + mod(n, 8)]",
              "status": f"(ARRAY{[str(s) for s in GigStatus.values]})[1 + mod(n, {len(GigStatus.values)})]",
              "starts_at": "%s + n * interval '7 minutes'"}
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO jobs_gig ({', '.join(columns)}) SELECT "
            + ", ".join(varied.get(column, column) for column in columns)
            + " FROM jobs_gig, generate_series(1, 120000) AS n WHERE id = %s",
            [timezone.now() - dt.timedelta(days=300), template.pk])
        cursor.execute("ANALYZE jobs_gig")
        sql, params = first_in_status(centers[3].pk, GigStatus.OPEN, 60).query.sql_with_params()
        numbered = iter(range(1, len(params) + 1))
        raw = cursor.cursor
        raw.execute("PREPARE board AS " + re.sub("%s", lambda _: f"${next(numbered)}", sql))
        raw.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        values = ", ".join(Literal(value).as_string(raw.connection) for value in params)
        raw.execute(f"EXPLAIN EXECUTE board({values})")
        plan = " ".join(row[0] for row in raw.fetchall())
        raw.execute("DEALLOCATE board")
    assert "gig_center_status_start" in plan and "Sort" not in plan, plan
