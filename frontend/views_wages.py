"""The public wage page (/wages/): the wage guide and the market side by side per trade, drawn as a chart read at a
glance (with its figures in a table), and the minimum wage in force. Thin: wages.selectors reads."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import render
from django.utils.translation import gettext as _

from jobs.models import HOURS_PER_DAY, PayUnit
from wages.areas import AREA_NAMES, area_name
from wages.models import CITY_WIDE
from wages.selectors import minimum_wages, wage_table

from . import labels
from .templatetags.gigs import pay_figure

# The chart's frame, in SVG user units (it scales to the width of the phone).
WIDTH, LEFT, RIGHT = 320, 4, 316


def _scale(values: list[Decimal]):
    low, high = min(values), max(values)
    pad = (high - low) * Decimal("0.15") or high * Decimal("0.1") or Decimal(1)
    start, end = max(Decimal(0), low - pad), high + pad

    def x(value: Decimal) -> float:
        return round(LEFT + float((value - start) / (end - start)) * (RIGHT - LEFT), 1)

    return x


def chart(row, hourly_floor: Decimal | None) -> dict:
    """Where the bars of one trade's chart go: the guide's low–high with its median, the market's p25–p75 with
    its median (the last 30 days, or 90 when 30 have none), and the minimum wage where the unit has one."""
    market = row.market_30 or row.market_90
    floor = None
    if hourly_floor and row.pay_unit in (PayUnit.HOUR, PayUnit.DAY):
        floor = hourly_floor * (HOURS_PER_DAY if row.pay_unit == PayUnit.DAY else 1)
    values = [v for v in (row.guide and row.guide.low, row.guide and row.guide.high, market and market.p25,
                          market and market.p75, floor) if v is not None]
    x = _scale(values)
    bars = []
    if row.guide:
        bars.append({"kind": "guide", "y": 16, "x": x(row.guide.low),
                     "w": max(2, x(row.guide.high) - x(row.guide.low)),
                     "mid": x(row.guide.median), "text": _("Guide %(low)s–%(high)s, median %(median)s") % {
                         "low": pay_figure(row.guide.low), "high": pay_figure(row.guide.high),
                         "median": pay_figure(row.guide.median)}})
    if market:
        bars.append({"kind": "market", "y": 48, "x": x(market.p25), "w": max(2, x(market.p75) - x(market.p25)),
                     "mid": x(market.median), "text": _("Gigs, %(days)s days (%(n)s): %(p25)s–%(p75)s, median "
                                                        "%(median)s") % {
                         "days": market.window_days, "n": market.gigs, "p25": pay_figure(market.p25),
                         "p75": pay_figure(market.p75), "median": pay_figure(market.median)}})
    for bar in bars:
        bar["text_y"] = bar["y"] - 4
        bar["tick_top"], bar["tick_bottom"] = bar["y"] - 2, bar["y"] + 16
    return {"id": f"{row.trade.code}-{row.pay_unit}", "bars": bars,
            "floor": {"x": x(floor), "text": _("minimum %(v)s") % {"v": pay_figure(floor)},
                      "anchor": "start" if x(floor) < 60 else "end" if x(floor) > 260 else "middle"} if floor else None,
            "desc": " ".join([bar["text"] + "." for bar in bars]
                             + ([_("Legal minimum: %(v)s.") % {"v": pay_figure(floor)}] if floor else []))}


def wages_page(request):
    area = request.GET.get("area", CITY_WIDE)
    if area not in AREA_NAMES:
        area = CITY_WIDE
    floors = minimum_wages()
    floor_here = next((f for f in floors if f.region_code == area), None) if area else None
    groups: dict[int, dict] = {}
    demo = False
    for row in wage_table(area):
        demo = demo or bool(row.guide and row.guide.is_demo)
        group = groups.setdefault(row.trade.parent_id, {"name": labels.trade_name(row.trade.parent), "rows": []})
        group["rows"].append({"row": row, "trade": labels.trade_name(row.trade),
                              "unit": labels.pay_unit_label(row.pay_unit),
                              "markets": [(row.market_30, 30), (row.market_90, 90)],
                              "chart": chart(row, floor_here.hourly_minimum if floor_here else None)})
    return render(request, "wages/wages.html", {
        "groups": list(groups.values()), "area": area, "area_label": area_name(area), "demo": demo,
        "areas": [(code, str(name)) for code, name in AREA_NAMES.items()],
        "floors": [(area_name(f.region_code), f) for f in floors], "first_floor": floors[0] if floors else None,
    })
