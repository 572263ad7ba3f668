"""The figures page, its charts, the CSV export and the API, on the known quarter (conftest.py)."""

import csv
import datetime as dt
import io
import re

import pytest

from figures import services
from figures.charts import nice_ceiling

pytestmark = pytest.mark.django_db

PAGE, CSV, API = "/staff/figures/", "/staff/figures/export.csv", "/api/staff/figures/"
QUARTERS = {"period": "quarter", "from": "2026-01-01", "to": "2026-06-30"}


@pytest.fixture
def built(known):
    services.rebuild()
    return known


def test_the_page_shows_each_quarter_in_a_table_with_the_definitions(client, built):
    client.force_login(built.staff_b)
    response = client.get(PAGE, {**QUARTERS, "center": built.b.pk})
    html = response.content.decode()
    assert response.status_code == 200
    table = html[html.index('id="figures-table"'):html.index("</table>")]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", table)
    assert [label for label, _cells in rows] == ["2026-Q1", "2026-Q2"]
    cells = re.findall(r"<td>(.*?)</td>", rows[0][1])
    # seekers, openings, placements, fill rate, median hours, walk-ins, completions, fair hires
    assert cells == ["2", "2", "1", "100.0%", "3.0", "1", "0", "1"]
    assert "How these figures are counted" in html
    assert "the gig&#x27;s center" in html or "the gig's center" in html


def test_every_chart_is_an_accessible_svg_backed_by_the_table(client, built):
    client.force_login(built.admin)
    html = client.get(PAGE, {**QUARTERS, "center": "city"}).content.decode()
    charts = re.findall(r"<svg class=\"figure-chart\".*?</svg>", html, re.S)
    assert len(charts) == 8
    for chart in charts:
        assert 'role="img"' in chart and 'aria-describedby="figures-table"' in chart
        named = r"<title id=\"[^\"]+-title\">[^<]+</title><desc id=\"[^\"]+-desc\">2026-Q1 to 2026-Q2\."
        assert re.search(named, chart)
    placements = next(c for c in charts if 'id="chart-placements"' in c)
    assert "<title>2026-Q1: 2</title>" in placements and "<title>2026-Q2: 1</title>" in placements
    assert "Highest 2, lowest 1, total 3." in placements
    median = next(c for c in charts if 'id="chart-median_fill_hours"' in c)
    assert "<title>2026-Q2: no data</title>" in median  # nothing filled in Q2: no bar, and it says so
    assert "<script" not in html.split("<main", 1)[-1] or "cdn" not in html.lower()


def test_the_axis_tops_are_round_numbers():
    assert [nice_ceiling(v) for v in (0, 0.3, 1, 3, 7, 12, 24, 101, 260)] == [1, 0.5, 1, 5, 10, 20, 25, 200, 500]


def test_bad_ranges_are_named_on_the_page_and_in_the_api(client, built):
    client.force_login(built.admin)
    page = client.get(PAGE, {"center": "city", "from": "2026-13-01"})
    assert page.status_code == 400 and 'aria-invalid="true"' in page.content.decode()
    body = client.get(API, {"from": "2026-05-01", "to": "2026-01-01"}).json()
    assert body["code"] == "invalid" and "from" in body["fields"]
    assert client.get(API, {"period": "decade"}).json()["fields"]["period"]
    assert client.get(API, {"from": "9999-12-31"}).status_code == 400
    too_many = client.get(API, {"period": "day", "from": "2020-01-01", "to": "2026-01-01"})
    assert too_many.status_code == 400 and "CSV" in too_many.json()["fields"]["from"][0]


def test_the_csv_holds_the_same_numbers(client, built):
    client.force_login(built.staff_a)
    response = client.get(CSV, {**QUARTERS, "center": built.a.pk})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:6] == ["Center", "Period", "First day", "Last day", "Job seekers", "Openings"]
    assert rows[1] == ["甲中心", "2026-Q1", "2026-01-01", "2026-03-31", "3", "5", "1", "60.0", "24.0", "3", "1", "0",
                       "1", "3"]
    assert rows[2][1:3] == ["2026-Q2", "2026-04-01"]


def test_a_huge_range_streams_day_by_day(client, built):
    """Twenty years of days (7,000-odd rows, most of them zeros) stream instead of being refused."""
    client.force_login(built.admin)
    response = client.get(CSV, {"center": "city", "period": "day", "from": "2010-01-01", "to": "2029-12-31"})
    assert response.status_code == 200 and response.streaming
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    assert lines == 1 + 7305


def test_the_api_reports_the_city_by_quarter(client, built):
    client.force_login(built.staff_a)
    body = client.get(API, QUARTERS).json()
    assert body["center"] is None and body["period"] == "quarter"
    q1 = body["results"][0]
    assert q1 == {"period": "2026-Q1", "first_day": "2026-01-01", "last_day": "2026-03-31", "job_seekers": 4,
                  "openings": 7, "placements": 2, "fill_rate": 5 / 7, "median_time_to_fill_hours": 4.0,
                  "walk_ins": 4, "training_completions": 1, "fair_hires": 1, "gigs_filled": 3, "slots_taken": 5}
    assert body["refreshed_at"] is not None and body["days_waiting"] == 0


def test_the_console_links_to_the_figures(client, built):
    client.force_login(built.staff_a)
    html = client.get("/staff/", {"center": built.a.pk}).content.decode()
    assert f"/staff/figures/?center={built.a.pk}" in html


def test_the_api_rows_are_what_the_row_serializer_describes(client, built):
    from api.figure_views import FigureRowSerializer
    from figures import selectors

    client.force_login(built.admin)
    body = client.get(API, {**QUARTERS, "center": built.b.pk}).json()
    rows = selectors.rows(built.admin, scope=built.b.pk, kind="quarter", first=dt.date(2026, 1, 1),
                          last=dt.date(2026, 6, 30))
    assert body["results"] == [dict(FigureRowSerializer(row).data) for row in rows]


def test_under_asgi_the_csv_streams_in_batches_without_reading_it_all_first(built):
    """Django reads a synchronous iterator to its end before an ASGI server sends a byte; the export hands
    it an asynchronous one instead, a batch of lines at a time."""
    from asgiref.sync import async_to_sync
    from django.test import AsyncRequestFactory

    from frontend.views_figures import CSV_BATCH, figures_csv

    request = AsyncRequestFactory().get(CSV, {"center": "city", "period": "day", "from": "2020-01-01",
                                              "to": "2026-12-31"})
    request.user = built.admin
    response = figures_csv(request)
    assert response.is_async

    async def first_two():
        chunks = []
        async for chunk in response.streaming_content:
            chunks.append(chunk)
            if len(chunks) == 2:
                break
        return chunks

    chunks = async_to_sync(first_two)()
    assert chunks[0].decode("utf-8-sig").startswith("Center,Period")
    assert chunks[1].count(b"\n") == CSV_BATCH


def test_a_chart_of_counts_labels_only_whole_numbers_on_its_axis():
    from figures.charts import bar_chart

    people = bar_chart("c", "Job seekers", ["2026-01", "2026-02"], [3, 1])
    assert '>5</text>' in people and '>2.5</text>' not in people
    hours = bar_chart("h", "Median time to fill (hours)", ["2026-01", "2026-02"], [3.5, None])
    assert '>2.5</text>' in hours and "<title>2026-02: no data</title>" in hours
