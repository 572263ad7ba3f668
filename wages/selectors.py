"""Reads of wage guidance, and the one rule of fair pay that every page and the API use.

A gig's pay is placed against the wage guide in force for its trade, unit and area (below its low: below; above
its high: above; else fair) and against the market (below the 25th percentile of what gigs of the same trade and
unit paid lately, above the 75th, or between them). Its overall label is the guide's word where the guide has the
trade, else the market's, else "no comparison". Gigs are labelled from a `FairPayBook` of the pre-computed
tables, read once per process for each version of them: never from the gigs themselves.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.models import Category, PayUnit, WageFloor
from zero_gig.kept import Kept

from .models import CITY_WIDE, FeeWord, FeeWordKind, MarketRate, WageGuide, WageTablesVersion

MARKET_MIN_GIGS = 5  # fewer gigs than this say little about a market
CENT = Decimal("0.01")


class Position(TextChoices):
    BELOW = "below", gettext_lazy("below")
    FAIR = "fair", gettext_lazy("fair")
    ABOVE = "above", gettext_lazy("above")
    UNKNOWN = "unknown", gettext_lazy("no comparison")


POSITION_WORDS = {
    Position.BELOW: gettext_lazy("Below the usual pay"),
    Position.FAIR: gettext_lazy("Fair pay"),
    Position.ABOVE: gettext_lazy("Above the usual pay"),
    Position.UNKNOWN: gettext_lazy("No pay comparison yet"),
}
POSITION_MARKS = {Position.BELOW: "↓", Position.FAIR: "✓", Position.ABOVE: "↑", Position.UNKNOWN: "–"}


def _position(pay: Decimal, low: Decimal, high: Decimal) -> str:
    if pay < low:
        return Position.BELOW
    if pay > high:
        return Position.ABOVE
    return Position.FAIR


@dataclass(frozen=True)
class GuideFigures:
    low: Decimal
    median: Decimal
    high: Decimal
    region_code: str
    effective_from: dt.date
    source: str
    is_demo: bool


@dataclass(frozen=True)
class MarketFigures:
    gigs: int
    p25: Decimal
    median: Decimal
    p75: Decimal
    region_code: str
    window_days: int


@dataclass(frozen=True)
class FairPay:
    """Where one gig's pay stands, with the figures it was measured against, and its pay per hour."""

    label: str
    guide_position: str
    market_position: str
    guide: GuideFigures | None
    market: MarketFigures | None
    hourly_rate: Decimal | None  # what the pay comes to an hour; None for a job or piece work with nothing stated
    hourly_minimum: Decimal | None  # the legal minimum per hour in the gig's area

    @property
    def words(self) -> str:
        return str(POSITION_WORDS[self.label])

    @property
    def mark(self) -> str:
        return POSITION_MARKS[self.label]

    @property
    def below_minimum(self) -> bool:
        return bool(self.hourly_rate is not None and self.hourly_minimum and self.hourly_rate < self.hourly_minimum)

    @property
    def basis(self) -> str:
        """What the label was measured against, in words."""
        if self.label == Position.UNKNOWN:
            return _("Neither the wage guide nor enough recent gigs cover this trade here yet.")
        if self.guide_position != Position.UNKNOWN:
            return _("Wage guide: %(low)s–%(high)s yuan (median %(median)s).") % {
                "low": _plain(self.guide.low), "high": _plain(self.guide.high), "median": _plain(self.guide.median)}
        return _("Recent gigs (%(n)s in %(days)s days): most paid %(p25)s–%(p75)s yuan.") % {
            "n": self.market.gigs, "days": self.market.window_days, "p25": _plain(self.market.p25),
            "p75": _plain(self.market.p75)}


def _plain(amount: Decimal) -> str:
    return f"{amount.normalize():f}"


def hourly_rate(gig) -> Decimal | None:
    """A gig's pay per hour (jobs.models.Gig.hourly_rate: a day's over 8 hours, a job's over its stated hours, a
    piece's times a day's stated output over 8), for a Gig or a feed card alike."""
    from jobs.models import Gig

    rate = Gig.hourly_rate.fget(gig)
    return rate.quantize(CENT, rounding=ROUND_HALF_UP) if rate is not None else None


# (version token, day) → the book read for them, in this process (wages.models.WageTablesVersion says why).
_BOOKS: dict[tuple[str, dt.date], FairPayBook] = {}


def _read_tables_token() -> str | None:
    return WageTablesVersion.objects.filter(pk=1).values_list("token", flat=True).first()


# The token itself is kept too (zero_gig.kept): a change in this process is seen at once (wages.services forgets
# it), one in another process within 5 seconds, and a page of cards costs no read of the wage tables at all.
TABLES_TOKEN = Kept(_read_tables_token, seconds=5)


@dataclass
class FairPayBook:
    """The guide lines in force, the market rates and the minimum wages of one day, for labelling many gigs at once.

    Small tables (a few thousand rows at most), read whole: once per process for each version of them."""

    day: dt.date
    guides: dict[tuple, GuideFigures] = field(default_factory=dict)
    markets: dict[tuple, MarketFigures] = field(default_factory=dict)
    floors: dict[str, list[WageFloor]] = field(default_factory=dict)

    @classmethod
    def load(cls, day: dt.date | None = None) -> FairPayBook:
        """The book of a day: the tables' version (kept a few seconds, TABLES_TOKEN), and the tables themselves
        when it has changed."""
        day = day or timezone.localdate()
        token = TABLES_TOKEN.get()
        if token is None:  # no version row (a test database flushed): nothing to key a kept book on
            return cls._read(day)
        book = _BOOKS.get((token, day))
        if book is None:
            book = cls._read(day)
            _BOOKS.clear()  # only the current version is worth keeping
            _BOOKS[(token, day)] = book
        return book

    @classmethod
    def _read(cls, day: dt.date) -> FairPayBook:
        book = cls(day=day)
        for trade_id, unit, region, low, median, high, effective, source, demo in WageGuide.objects.filter(
                effective_from__lte=day).order_by("effective_from").values_list(
                "trade_id", "pay_unit", "region_code", "low", "median", "high", "effective_from", "source", "is_demo"):
            # in date order, so the line in force (the latest) is the one kept
            book.guides[(trade_id, unit, region)] = GuideFigures(low, median, high, region, effective, source, demo)
        for trade_id, unit, region, days, gigs, p25, median, p75 in MarketRate.objects.values_list(
                "trade_id", "pay_unit", "region_code", "window_days", "gigs", "p25", "median", "p75"):
            book.markets[(trade_id, unit, region, days)] = MarketFigures(gigs, p25, median, p75, region, days)
        for floor in WageFloor.objects.filter(effective_from__lte=day).order_by("-effective_from"):
            book.floors.setdefault(floor.region_code, []).append(floor)
        return book

    def guide_for(self, trade_id: int, unit: str, region: str) -> GuideFigures | None:
        return self.guides.get((trade_id, unit, region)) or self.guides.get((trade_id, unit, CITY_WIDE))

    def market_for(self, trade_id: int, unit: str, region: str) -> MarketFigures | None:
        """The narrowest market with enough gigs: the area's last 30 days, its 90, then the city's."""
        for area in (region, CITY_WIDE):
            for days in (30, 90):
                figures = self.markets.get((trade_id, unit, area, days))
                if figures and figures.gigs >= MARKET_MIN_GIGS:
                    return figures
        return None

    def floor_for(self, region: str) -> WageFloor | None:
        """As jobs.selectors.wage_floor_for: the district's minimum, else the province's."""
        for code in (region, region[:2] + "0000"):
            if self.floors.get(code):
                return self.floors[code][0]
        return None

    def fair_pay(self, gig) -> FairPay:
        """The label of one gig (a Gig or a feed card: its category, center, pay amount and unit)."""
        region = getattr(gig.center, "region_code", "") or ""
        trade_id, unit, pay = gig.category.id, gig.pay_unit, Decimal(gig.pay_amount)
        guide = self.guide_for(trade_id, unit, region)
        market = self.market_for(trade_id, unit, region)
        guide_position = _position(pay, guide.low, guide.high) if guide else Position.UNKNOWN
        market_position = _position(pay, market.p25, market.p75) if market else Position.UNKNOWN
        label = guide_position if guide else market_position
        floor = self.floor_for(region)
        return FairPay(label=label, guide_position=guide_position, market_position=market_position, guide=guide,
                       market=market, hourly_rate=hourly_rate(gig),
                       hourly_minimum=floor.hourly_minimum if floor else None)


def fair_pay_of(gigs) -> dict[int, FairPay]:
    """Each gig's label by id."""
    gigs = list(gigs)
    if not gigs:
        return {}
    book = FairPayBook.load()
    return {gig.pk: book.fair_pay(gig) for gig in gigs}


def below_guide_warning(gig) -> str | None:
    """What an employer is told on posting a gig that pays under the wage guide (it is posted all the same)."""
    fair = FairPayBook.load().fair_pay(gig)
    if fair.guide_position != Position.BELOW:
        return None
    return _("Your pay is below the wage guide for %(trade)s: %(low)s–%(high)s yuan %(unit)s (median %(median)s). "
             "The gig is posted, but workers see it marked as below the usual pay.") % {
        "trade": gig.category.name, "low": _plain(fair.guide.low), "high": _plain(fair.guide.high),
        "median": _plain(fair.guide.median), "unit": PayUnit(gig.pay_unit).label}


@dataclass(frozen=True)
class GuideHint:
    """What the post form shows once a trade and a pay unit are chosen: the guide's range, and where the pay typed
    so far stands against it (a warning when below; the post is never refused for it)."""

    trade: Category
    pay_unit: str
    guide: GuideFigures | None
    position: str  # Position: UNKNOWN without a guide line or a pay

    @property
    def below(self) -> bool:
        return self.position == Position.BELOW

    @property
    def unit_label(self) -> str:
        return str(PayUnit(self.pay_unit).label)


def guide_hint(trade: Category, pay_unit: str, pay: Decimal | None = None, region: str = CITY_WIDE) -> GuideHint:
    """The guide line in force for a trade and unit (the area's, else the city's), and the pay's place in it."""
    figures = FairPayBook.load().guide_for(trade.pk, pay_unit, region or CITY_WIDE)
    position = _position(pay, figures.low, figures.high) if figures and pay is not None else Position.UNKNOWN
    return GuideHint(trade=trade, pay_unit=pay_unit, guide=figures, position=position)


# --- The public page and API: guide and market side by side -------------------------------------------

@dataclass
class TradeWages:
    trade: Category
    pay_unit: str
    guide: GuideFigures | None
    market_30: MarketFigures | None
    market_90: MarketFigures | None


def wage_table(region: str = CITY_WIDE, day: dt.date | None = None) -> list[TradeWages]:
    """Per trade and pay unit, the guide in force and the market of the last 30 and 90 days, for an area (the
    whole city by default; an area without its own guide line shows the city's). Trades with neither are left
    out."""
    book = FairPayBook.load(day=day)
    trades = {trade.pk: trade for trade in Category.objects.filter(parent__isnull=False).select_related("parent")}
    keys = {(trade_id, unit) for trade_id, unit, *_rest in [*book.guides, *book.markets]}
    rows = []
    for trade_id, unit in keys:
        trade = trades.get(trade_id)
        if trade is None:
            continue
        markets = [book.markets.get((trade_id, unit, region, days)) for days in (30, 90)]
        guide = book.guide_for(trade_id, unit, region)
        if guide or any(markets):
            rows.append(TradeWages(trade, unit, guide, *markets))
    unit_order = {unit: index for index, unit in enumerate(PayUnit.values)}
    rows.sort(key=lambda row: (row.trade.parent_id, row.trade.sort_order, row.trade.code, unit_order[row.pay_unit]))
    return rows


def minimum_wages(day: dt.date | None = None) -> list[WageFloor]:
    """The minimum wage in force in each area on `day`."""
    day = day or timezone.localdate()
    found: dict[str, WageFloor] = {}
    for floor in WageFloor.objects.filter(effective_from__lte=day).order_by("region_code", "-effective_from"):
        found.setdefault(floor.region_code, floor)
    return list(found.values())


# --- Posts that ask workers to pay -----------------------------------------------------------------------

_IGNORED = re.compile(r"[\s\W_]+", re.UNICODE)


def _squeezed(text: str) -> str:
    """NFKC, case folded, without spaces, punctuation or symbols: "押 金", "押-金" and "ＤＥＰＯＳＩＴ" read as
    押金 and deposit."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text or "").casefold())


# Between a negation and its fee word only these may stand ("不收取押金", "无需缴纳任何押金", "free of any
# deposit"): anything else ("不收现金押金") breaks the negation, so a demand cannot hide behind one.
NEGATION_FILLERS = ("收取", "收", "取", "缴纳", "交纳", "缴", "交", "付", "任何", "额外", "一切", "的",
                    "any", "a", "an", "the")
NEGATION_JOINERS = ("", "和", "或", "及", "与", "and", "or")  # "不收押金、培训费": a list shares its negation
_CLAUSE_BREAKS = frozenset(",.;!?。\n\r")


@dataclass
class _Scanned:
    """A text NFKC-normalised and case folded, without spaces, punctuation or symbols (`text`); for each character
    where its clause begins and whether something was dropped just before it (a word boundary)."""

    text: str
    clause_start: list[int]
    boundary: list[bool]


def _scan(raw: str) -> _Scanned:
    normal = unicodedata.normalize("NFKC", raw or "").casefold()
    chars, starts, boundary = [], [], []
    clause, dropped = 0, True
    for index, char in enumerate(normal):
        between_digits = (0 < index < len(normal) - 1 and normal[index - 1] in "0123456789"
                          and normal[index + 1] in "0123456789")  # 1,000 and 0.5 are numbers, not clause ends
        if char in _CLAUSE_BREAKS and not between_digits:
            clause, dropped = len(chars), True
            continue
        if _IGNORED.fullmatch(char):
            dropped = True
            continue
        chars.append(char)
        starts.append(clause)
        boundary.append(dropped)
        dropped = False
    return _Scanned("".join(chars), starts, boundary)


def _negated(scanned: _Scanned, at: int, negations: list[str], fees: list[str]) -> bool:
    """Whether the fee word at `at` is said not to be asked: a negation ends right before it in its clause, with
    only fillers between, or a negated fee word it is listed with ("不收押金、培训费"); a negation in Latin letters
    must start a word ("no deposit", not "casino deposit")."""
    start = scanned.clause_start[at]

    def ends_negated(end: int) -> bool:
        before = scanned.text[start:end]
        for negation in negations:
            if before.endswith(negation):
                begins = end - len(negation)
                latin = negation[0].isascii() and negation[0].isalnum()
                previous = scanned.text[begins - 1] if begins > 0 else ""
                if not latin or scanned.boundary[begins] or not (previous.isascii() and previous.isalnum()):
                    return True
        for joiner in NEGATION_JOINERS:
            for fee in fees:
                listed = fee + joiner
                if before.endswith(listed) and _negated(scanned, end - len(listed), negations, fees):
                    return True
        return any(before.endswith(filler) and ends_negated(end - len(filler)) for filler in NEGATION_FILLERS)

    return ends_negated(at)


def fee_words_in(*texts: str) -> list[str]:
    """The active fee words (wages.models.FeeWord) found in the texts, in the order of the list, unless every
    mention of one is negated ("不收押金", "免押金", "no deposit"): a post saying it asks no fee is not refused,
    while "押金200元" and "不收现金, 押金200元" are."""
    scanned = [_scan(text) for text in texts if text]
    if not scanned:
        return []
    words = list(FeeWord.objects.filter(Q(is_active=True)).values_list("word", "kind"))
    negations = sorted({key for word, kind in words if kind == FeeWordKind.NEGATION and (key := _squeezed(word))},
                       key=len, reverse=True)
    fees = [(word, key) for word, kind in words if kind == FeeWordKind.FEE and (key := _squeezed(word))]
    keys = [key for _word, key in fees]
    found = []
    for word, key in fees:
        if any(not _negated(text, at, negations, keys) for text in scanned for at in _mentions(text.text, key)):
            found.append(word)
    return found


def _mentions(text: str, key: str) -> list[int]:
    found, at = [], text.find(key)
    while at != -1:
        found.append(at)
        at = text.find(key, at + 1)
    return found
