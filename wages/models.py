"""Wage guidance (工资指导): the published wage guide, the live market rates drawn from gigs, and the words
that give away a post asking workers to pay."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jobs.models import PayUnit

CITY_WIDE = ""  # the area of a row that holds for the whole city


class WageGuide(models.Model):
    """One line of the wage guide (工资指导价): what a trade pays in one unit in one area, from a date on."""

    trade = models.ForeignKey("jobs.Category", verbose_name=_("trade"), on_delete=models.PROTECT,
                              related_name="wage_guides")
    pay_unit = models.CharField(_("pay unit"), max_length=8, choices=PayUnit.choices)
    region_code = models.CharField(
        _("area"), max_length=6, blank=True, default=CITY_WIDE,
        help_text=_("6-digit district or county code; empty for the whole city."))
    low = models.DecimalField(_("low (yuan)"), max_digits=10, decimal_places=2)
    median = models.DecimalField(_("median (yuan)"), max_digits=10, decimal_places=2)
    high = models.DecimalField(_("high (yuan)"), max_digits=10, decimal_places=2)
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=200, help_text=_("Who published these figures, and where."))
    is_demo = models.BooleanField(_("demo data"), default=False,
                                  help_text=_("Illustrative figures, not an official guide."))
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("wage guide line")
        verbose_name_plural = _("wage guide")
        ordering = ("trade__sort_order", "trade__code", "pay_unit", "region_code", "-effective_from")
        constraints = [
            models.UniqueConstraint(fields=["trade", "pay_unit", "region_code", "effective_from"],
                                    name="one_guide_line_per_trade_unit_area_date"),
            models.CheckConstraint(condition=models.Q(low__gt=0, median__gte=models.F("low"),
                                                      high__gte=models.F("median")),
                                   name="guide_low_median_high_in_order"),
        ]

    def __str__(self):
        return f"{self.trade} {self.pay_unit} {self.region_code or 'city'}: {self.low}–{self.high}"

    def clean(self):
        super().clean()
        if None not in (self.low, self.median, self.high) and not 0 < self.low <= self.median <= self.high:
            raise ValidationError({"median": _("Low, median and high must be above zero and in that order.")})


class MarketRate(models.Model):
    """What gigs of a trade actually paid in one unit and area over the last days: rebuilt in the background
    (wages.services.refresh_market_rates), so that no page or API request reads the gigs themselves."""

    trade = models.ForeignKey("jobs.Category", verbose_name=_("trade"), on_delete=models.CASCADE,
                              related_name="market_rates")
    pay_unit = models.CharField(_("pay unit"), max_length=8, choices=PayUnit.choices)
    region_code = models.CharField(_("area"), max_length=6, blank=True, default=CITY_WIDE)
    window_days = models.PositiveSmallIntegerField(_("days counted"))
    gigs = models.PositiveIntegerField(_("gigs"))
    p25 = models.DecimalField(_("25th percentile (yuan)"), max_digits=12, decimal_places=3)
    median = models.DecimalField(_("median (yuan)"), max_digits=12, decimal_places=3)
    p75 = models.DecimalField(_("75th percentile (yuan)"), max_digits=12, decimal_places=3)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("market rate")
        verbose_name_plural = _("market rates")
        constraints = [
            models.UniqueConstraint(fields=["trade", "pay_unit", "region_code", "window_days"],
                                    name="one_market_rate_per_trade_unit_area_window"),
        ]

    def __str__(self):
        return f"{self.trade} {self.pay_unit} {self.region_code or 'city'} {self.window_days}d: {self.median}"


class WageTablesVersion(models.Model):
    """One row whose token changes, in the writer's own transaction, with every change to the wage guide, the
    market rates or the minimum wages. Each process keeps the `FairPayBook` it read for the current token, and the
    token for a few seconds (wages.selectors.TABLES_TOKEN), so a page of 20 gig cards reads no wage table at all; a
    change is seen at once in the process that made it and within those seconds in every other."""

    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("version of the wage tables")
        verbose_name_plural = _("versions of the wage tables")

    def __str__(self):
        return self.token


class FeeWordKind(models.TextChoices):
    FEE = "fee", _("asks workers to pay")
    NEGATION = "negation", _("says no fee is asked")


class FeeWord(models.Model):
    """A word that shows a post asks workers to pay (a deposit, a fee, "training costs"): such a post is refused.
    Kept as data so that staff add the new tricks they meet without a release.

    A negation word ("不收", "免", "no", "free of") just before a fee word in the same clause says the opposite
    ("不收押金": no deposit charged), and that mention does not refuse the post (wages.selectors.fee_words_in)."""

    word = models.CharField(_("word"), max_length=40, unique=True,
                            help_text=_("Matched after NFKC, ignoring case, spaces and punctuation."))
    kind = models.CharField(_("kind"), max_length=10, choices=FeeWordKind.choices, default=FeeWordKind.FEE,
                            help_text=_("A negation word right before a fee word (in the same clause) cancels it."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fee word")
        verbose_name_plural = _("fee words")
        ordering = ("word",)

    def __str__(self):
        return self.word
