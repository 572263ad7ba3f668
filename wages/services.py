"""Writes of wage guidance: importing the wage guide from a CSV file, and rebuilding the market rates.

The guide is imported all or nothing: every row is checked first, and one bad row (named by its line) leaves
the guide as it was, unless the import is told to take the good rows alone (`partial`).

The market rates are rebuilt in the background (the scheduler's `refresh_market_rates` duty), so that a page or
an API request reads a few hundred summary rows and never the gigs themselves.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import statistics
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from figures.periods import validate_day
from jobs.models import Category, Gig, GigStatus, PayUnit

from .models import CITY_WIDE, MarketRate, WageGuide, WageTablesVersion
from .selectors import TABLES_TOKEN

GUIDE_COLUMNS = ("trade", "pay_unit", "area", "low", "median", "high", "effective_from", "source", "demo")
CITY_WIDE_NAMES = {"", "city", "全市", "市区", "全市通用"}
YES = {"1", "true", "yes", "y", "是", "示例"}
NO = {"0", "false", "no", "n", "否", ""}
UNIT_NAMES = {**{unit: unit for unit in PayUnit.values},
              "小时": PayUnit.HOUR, "时": PayUnit.HOUR, "天": PayUnit.DAY, "日": PayUnit.DAY, "班": PayUnit.DAY,
              "件": PayUnit.PIECE, "计件": PayUnit.PIECE, "次": PayUnit.JOB, "单次": PayUnit.JOB}
_REGION = re.compile(r"[0-9]{6}")
_AMOUNT = re.compile(r"[0-9]{1,8}(\.[0-9]{1,2})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        return _("line %(line)s, %(column)s: %(message)s") % {"line": self.line, "column": self.column,
                                                             "message": self.message}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False  # whether anything was written

    @property
    def rows_ok(self) -> int:
        return self.created + self.updated


@dataclass
class _GuideRow:
    line: int
    values: dict


def _text(value) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def _amount(value: str) -> Decimal | None:
    return Decimal(value) if _AMOUNT.fullmatch(value) else None


def _check_row(line: int, raw: dict, trades: dict[str, Category]) -> tuple[dict | None, list[RowError]]:
    """One CSV row as the fields of a WageGuide, or the errors that name what is wrong with it."""
    cells = {name: _text(raw.get(name)) for name in GUIDE_COLUMNS}
    errors: list[RowError] = []

    def bad(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    trade = trades.get(cells["trade"]) or trades.get(cells["trade"].lower())
    if trade is None:
        bad("trade", _("unknown trade %(value)r: give a trade code such as labourer, or its Chinese name.")
            % {"value": cells["trade"]})
    unit = UNIT_NAMES.get(cells["pay_unit"].lower())
    if unit is None:
        bad("pay_unit", _("unknown pay unit %(value)r: hour, day, piece or job.") % {"value": cells["pay_unit"]})
    elif trade is not None and unit not in trade.pay_units:
        bad("pay_unit", _("%(trade)s is not paid %(unit)s.") % {"trade": trade.name, "unit": PayUnit(unit).label})
    area = cells["area"]
    if area.lower() in CITY_WIDE_NAMES:
        area = CITY_WIDE
    elif not _REGION.fullmatch(area):
        bad("area", _("%(value)r is neither a 6-digit district code nor 全市 (the whole city).") % {"value": area})
    amounts = {}
    for name in ("low", "median", "high"):
        amounts[name] = _amount(cells[name])
        if amounts[name] is None:
            bad(name, _("%(value)r is not an amount in yuan (digits, at most 2 after the point).")
                % {"value": cells[name]})
        elif amounts[name] <= 0:
            bad(name, _("must be more than zero."))
    if all(amount for amount in amounts.values()) and not amounts["low"] <= amounts["median"] <= amounts["high"]:
        bad("median", _("low, median and high must be in that order (%(low)s ≤ %(median)s ≤ %(high)s).") % amounts)
    effective = None
    try:
        if not _DATE.fullmatch(cells["effective_from"]):
            raise ValueError
        effective = dt.date.fromisoformat(cells["effective_from"])
    except ValueError:
        bad("effective_from", _("%(value)r is not a date like 2024-01-01.") % {"value": cells["effective_from"]})
    else:
        try:
            validate_day(effective)  # 9999-01-01 for 2025: a line that would never come into force
        except ValidationError as error:
            bad("effective_from", error.messages[0])
    if not cells["source"]:
        bad("source", _("say who published these figures."))
    elif len(cells["source"]) > WageGuide._meta.get_field("source").max_length:
        bad("source", _("at most %(n)s characters.") % {"n": WageGuide._meta.get_field("source").max_length})
    demo = cells["demo"].lower()
    if demo not in YES | NO:
        bad("demo", _("%(value)r is not yes or no.") % {"value": cells["demo"]})
    if errors:
        return None, errors
    return {"trade": trade, "pay_unit": unit, "region_code": area, "low": amounts["low"],
            "median": amounts["median"], "high": amounts["high"], "effective_from": effective,
            "source": cells["source"], "is_demo": demo in YES}, []


def _trade_lookup() -> dict[str, Category]:
    """Trades by code and by Chinese name (a name shared by two trades is left out: it would be a guess)."""
    trades = list(Category.objects.filter(parent__isnull=False))
    names = defaultdict(list)
    for trade in trades:
        names[_text(trade.name)].append(trade)
    lookup = {name: found[0] for name, found in names.items() if len(found) == 1}
    lookup.update({trade.code: trade for trade in trades})
    return lookup


def import_wage_guide(lines: Iterable[str], *, partial: bool = False,
                      progress: Callable[[Iterable], Iterable] | None = None) -> ImportReport:
    """Import the wage guide from CSV text (a header line naming GUIDE_COLUMNS, then one line per trade, unit and
    area). Every row is checked first; if any is bad nothing changes, unless `partial`, which imports the good
    rows and reports the bad. A row with the same trade, unit, area and date as a stored line replaces it.
    `progress` wraps the rows being checked (a progress bar)."""
    report = ImportReport()
    reader = csv.DictReader(lines)
    header = [_text(name) for name in (reader.fieldnames or [])]
    missing = [name for name in GUIDE_COLUMNS if name not in header]
    if missing:
        report.errors.append(RowError(1, ", ".join(missing), _("missing column(s); the header must name: %(cols)s.")
                                      % {"cols": ",".join(GUIDE_COLUMNS)}))
        return report
    reader.fieldnames = header
    trades = _trade_lookup()
    good: list[_GuideRow] = []
    seen: dict[tuple, int] = {}
    rows = progress(reader) if progress else reader
    try:
        for raw in rows:
            line = reader.line_num
            if None in raw:
                report.errors.append(RowError(line, "-", _("more cells than the header names.")))
                continue
            values, errors = _check_row(line, raw, trades)
            if errors:
                report.errors += errors
                continue
            key = (values["trade"].pk, values["pay_unit"], values["region_code"], values["effective_from"])
            if key in seen:
                report.errors.append(RowError(line, "trade", _("the same trade, unit, area and date as line %(n)s.")
                                              % {"n": seen[key]}))
                continue
            seen[key] = line
            good.append(_GuideRow(line, values))
    except (csv.Error, UnicodeDecodeError) as error:
        report.errors.append(RowError(reader.line_num, "-", _("not readable as CSV: %(e)s") % {"e": error}))
    if report.errors and not partial:
        return report
    with transaction.atomic():
        for row in good:
            values = dict(row.values)
            _line, created = WageGuide.objects.update_or_create(
                trade=values.pop("trade"), pay_unit=values.pop("pay_unit"), region_code=values.pop("region_code"),
                effective_from=values.pop("effective_from"), defaults=values)
            report.created += created
            report.updated += not created
    report.applied = bool(good)
    return report


# --- Market rates ------------------------------------------------------------------------------------

WINDOWS = (30, 90)  # days of gigs a market rate summarises
# Gigs that were on the market: published, whether they then filled, ran, expired or were cancelled. Drafts and
# posts still waiting for review (perhaps fake) are not what the market pays.
MARKET_STATUSES = (GigStatus.OPEN, GigStatus.FILLED, GigStatus.IN_PROGRESS, GigStatus.COMPLETED,
                   GigStatus.EXPIRED, GigStatus.CANCELLED)
Q3 = Decimal("0.001")


def quartiles(values: list[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """p25, median and p75 by linear interpolation between the closest ranks: statistics.quantiles' "inclusive"
    method, which is also PostgreSQL's percentile_cont, so both ways of computing agree."""
    if len(values) == 1:
        return values[0], values[0], values[0]
    p25, median, p75 = statistics.quantiles(values, n=4, method="inclusive")
    return p25, median, p75


def _rates_in_python(since: dt.datetime, now: dt.datetime) -> dict[tuple, list]:
    """(trade, unit, area) → pays, read in one pass (SQLite and any other database)."""
    pays: dict[tuple, list] = defaultdict(list)
    rows = (Gig.objects.filter(created_at__gte=since, created_at__lte=now, status__in=MARKET_STATUSES).order_by()
            .values_list("category_id", "pay_unit", "center__region_code", "pay_amount").iterator(chunk_size=5000))
    for trade_id, unit, region, pay in rows:
        pays[(trade_id, unit, region)].append(Decimal(pay))
        pays[(trade_id, unit, CITY_WIDE)].append(Decimal(pay))
    return {key: [len(values), *quartiles(sorted(values))] for key, values in pays.items()}


def _rates_in_postgresql(since: dt.datetime, now: dt.datetime) -> dict[tuple, list]:
    """The same figures computed by PostgreSQL (percentile_cont), by area and for the whole city in one pass."""
    gig, center = Gig._meta, Gig._meta.get_field("center").related_model._meta
    statuses = ", ".join(f"'{status.value}'" for status in MARKET_STATUSES)
    sql = (f"SELECT g.category_id, g.pay_unit, COALESCE(c.region_code, ''), GROUPING(c.region_code), COUNT(*), "
           f"percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY g.pay_amount) "
           f"FROM {gig.db_table} g JOIN {center.db_table} c ON c.id = g.center_id "
           f"WHERE g.created_at >= %s AND g.created_at <= %s AND g.status IN ({statuses}) "
           f"GROUP BY GROUPING SETS ((g.category_id, g.pay_unit, c.region_code), (g.category_id, g.pay_unit))")
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, now])
        rows = cursor.fetchall()
    return {(trade_id, unit, CITY_WIDE if city else region): [count, *(Decimal(str(q)) for q in qs)]
            for trade_id, unit, region, city, count, qs in rows}


def market_figures(since: dt.datetime, now: dt.datetime) -> dict[tuple, list]:
    """(trade id, unit, area) → [gigs, p25, median, p75] of gigs posted between `since` and `now`."""
    if connection.vendor == "postgresql":
        return _rates_in_postgresql(since, now)
    return _rates_in_python(since, now)


@transaction.atomic
def refresh_market_rates(now: dt.datetime | None = None) -> int:
    """Rebuild every market rate from the gigs of the last 30 and 90 days; returns how many rows there are.
    Readers see the old rows until this commits, then the new ones."""
    now = now or timezone.now()
    rows = []
    for days in WINDOWS:
        for (trade_id, unit, region), (count, p25, median, p75) in market_figures(
                now - dt.timedelta(days=days), now).items():
            rows.append(MarketRate(trade_id=trade_id, pay_unit=unit, region_code=region, window_days=days,
                                   gigs=count, p25=p25.quantize(Q3), median=median.quantize(Q3),
                                   p75=p75.quantize(Q3), computed_at=now))
    MarketRate.objects.all().delete()
    MarketRate.objects.bulk_create(rows, batch_size=1000)
    wage_tables_changed()
    return len(rows)


def wage_tables_changed(**_signal) -> None:
    """A new token for the wage tables (a signal receiver too): every process reads its FairPayBook afresh once
    this transaction commits."""
    token = uuid.uuid4().hex
    if not WageTablesVersion.objects.filter(pk=1).update(token=token):
        WageTablesVersion.objects.get_or_create(pk=1, defaults={"token": token})
    TABLES_TOKEN.forget()


DEMO_GUIDE = Path(__file__).resolve().parent / "fixtures" / "tongchuan_wage_guide_demo.csv"


def load_demo_guide() -> ImportReport:
    """The demo guide for Tongchuan (demo ranges, marked as demo: not an official guide). Safe to rerun."""
    return import_wage_guide(DEMO_GUIDE.read_text(encoding="utf-8-sig").splitlines(keepends=True))
