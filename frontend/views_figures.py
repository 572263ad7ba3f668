"""The figures a center reports (/staff/figures/): a table and SVG charts per period, and the CSV export.

Who may read which figures is decided by figures.selectors (403 outside the viewer's centers); these views read
the query, call the selectors and draw. The CSV streams, so a range of any length (up to the selectors' limit of
years) is sent row by row instead of being built in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Iterator
from html import escape
from urllib.parse import urlencode

from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from figures import selectors
from figures.charts import bar_chart
from figures.periods import Period

# (field of selectors.Row, label, unit of the chart) in the order a center reports them.
FIGURES = (
    ("seekers", gettext_lazy("Job seekers"), ""),
    ("openings", gettext_lazy("Openings"), ""),
    ("placements", gettext_lazy("Placements"), ""),
    ("fill_percent", gettext_lazy("Fill rate"), "%"),
    ("median_fill_hours", gettext_lazy("Median time to fill (hours)"), ""),
    ("walk_ins", gettext_lazy("Walk-ins served"), ""),
    ("completions", gettext_lazy("Training completions"), ""),
    ("fair_hires", gettext_lazy("Job-fair hires"), ""),
)


def _value(row, field: str) -> float | None:
    value = getattr(row, field)
    if value == "":
        return None
    return float(value)


def _table_body(rows) -> str:
    """The table's rows, built here rather than in the template: a year of days is 3,000 cells, which the
    template engine (localising every number) takes several times longer to draw."""
    lines = []
    for row in rows:
        fill = f"{row.fill_percent}%" if row.fill_percent else "—"
        cells = (row.seekers, row.openings, row.placements, fill, row.median_fill_hours or "—", row.walk_ins,
                 row.completions, row.fair_hires)
        lines.append(f'<tr><th scope="row">{escape(row.label)}</th>'
                     + "".join(f"<td>{escape(str(cell))}</td>" for cell in cells) + "</tr>")
    return mark_safe("".join(lines))  # noqa: S308 — every cell is escaped


def _scope_choices(user, centers=None) -> list[tuple[str, str]]:
    centers = selectors.figure_centers(user) if centers is None else centers
    return [(selectors.CITY, _("Whole city"))] + [(str(c.pk), c.name) for c in centers]


def figures_page(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.get_full_path()}")
    if not selectors.may_see_figures(request.user):
        raise PermissionDenied(_("Only service-center staff and city administrators can read the figures."))
    centers = selectors.figure_centers(request.user)
    # Staff open their (first) center's figures, a city administrator the city's.
    default = str(centers[0].pk) if centers and request.user.role != Role.CITY_ADMIN else selectors.CITY
    scope = request.GET.get("center") or default
    center = selectors.scope_center(request.user, scope)
    errors, rows, charts = {}, [], []
    kind, first, last = Period.MONTH, None, None
    try:
        kind, first, last = selectors.parse_range(request.GET.get("period"), request.GET.get("from"),
                                                  request.GET.get("to"))
        rows = list(selectors.rows(request.user, scope=scope, kind=kind, first=first, last=last))
    except ValidationError as error:
        errors = error.message_dict
    labels = [row.label for row in rows]
    for field, label, unit in FIGURES if rows else ():
        charts.append((label, bar_chart(f"chart-{field}", str(label), labels, [_value(row, field) for row in rows],
                                        unit=unit, table_id="figures-table")))
    query = {"center": scope, "period": kind, "from": first.isoformat() if first else "",
             "to": last.isoformat() if last else ""}
    return render(request, "frontend/figures.html", {
        "center": center, "scope": scope, "scopes": _scope_choices(request.user, centers), "kind": kind,
        "kinds": Period.choices, "first": first, "last": last, "rows": rows, "charts": charts,
        "figures": FIGURES, "table_body": _table_body(rows), "errors": errors, "freshness": selectors.freshness(),
        "csv_url": f"{reverse('staff_figures_csv')}?{urlencode(query)}",
        "csv_all_url": f"{reverse('staff_figures_csv')}?{urlencode({**query, 'center': 'all'})}",
    }, status=400 if errors else 200)


class _Echo:
    """A file that hands back what is written to it, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


CSV_COLUMNS = ("seekers", "openings", "placements", "fill_percent", "median_fill_hours", "walk_ins", "completions",
               "fair_hires", "gigs_filled", "slots_taken")


def _csv_lines(user, scopes: list[tuple[str, str]], kind: str, first: dt.date, last: dt.date) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark, so that spreadsheet programs read the Chinese as UTF-8
    labels = {field: str(label) for field, label, _unit in FIGURES}
    labels.update(fill_percent=_("Fill rate (%)"), gigs_filled=_("Gigs filled"), slots_taken=_("Slots taken"))
    yield writer.writerow([_("Center"), _("Period"), _("First day"), _("Last day"),
                           *[labels[column] for column in CSV_COLUMNS]])
    for scope, name in scopes:
        for row in selectors.rows(user, scope=scope, kind=kind, first=first, last=last, limit=None):
            yield writer.writerow([name, row.label, row.start.isoformat(), row.last_day.isoformat(),
                                   *[getattr(row, c) for c in CSV_COLUMNS]])


CSV_BATCH = 500


async def _batches(lines: Iterator[str]):
    """The lines in batches, each read in the thread the view ran in (its database connection and cursor)."""
    take = sync_to_async(lambda: "".join(itertools.islice(lines, CSV_BATCH)), thread_sensitive=True)
    while chunk := await take():
        yield chunk


def figures_csv(request):
    """The figures as CSV, streamed: one center, the city, or `center=all` (the city and every center the
    viewer may read)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.get_full_path()}")
    scope = request.GET.get("center") or selectors.CITY
    if scope == "all":
        selectors.scope_center(request.user, selectors.CITY)  # 403 for anyone who may not read figures
        scopes = _scope_choices(request.user)
    else:
        center = selectors.scope_center(request.user, scope)
        scopes = [(scope, center.name if center else _("Whole city"))]
    try:
        kind, first, last = selectors.parse_range(request.GET.get("period"), request.GET.get("from"),
                                                  request.GET.get("to"))
    except ValidationError:
        return figures_page(request)  # the page names the field and the rule, with status 400
    lines = _csv_lines(request.user, scopes, kind, first, last)
    # Under ASGI (production) Django would read a synchronous iterator to the end before sending a byte; an
    # asynchronous one that pulls a batch at a time from the database keeps the export streaming.
    content = _batches(lines) if isinstance(request, ASGIRequest) else lines
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="figures-{scope}-{kind}-{first}-{last}.csv"'
    return response
