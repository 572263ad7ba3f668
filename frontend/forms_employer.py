"""The employer's post form: it reads and tidies input; create_gig decides what may be posted."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jobs.models import HiringMode, PayUnit

from .forms import NfkcCharField, QuickSelect
from .labels import trade_name

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends, read in the site's time zone


class LocalDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE)
    input_formats = [LOCAL_MINUTE, "%Y-%m-%d %H:%M"]


class GigPostForm(forms.Form):
    category = forms.TypedChoiceField(label=_("Trade"), coerce=int, widget=QuickSelect)
    title = NfkcCharField(label=_("Title"), max_length=80,
                          help_text=_("A few words workers see first, e.g. \"Move bricks on site\"."))
    pay_amount = forms.DecimalField(label=_("Pay (yuan)"), min_value=0, max_digits=10, decimal_places=2,
                                    widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))
    pay_unit = forms.ChoiceField(label=_("Paid"), choices=PayUnit.choices,
                                 help_text=_("Each trade allows only some ways of paying."))
    expected_hours = forms.DecimalField(
        label=_("Hours the job takes"), required=False, min_value=0, max_digits=5, decimal_places=2,
        help_text=_("Only for gigs paid per job."), widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    expected_pieces_per_day = forms.IntegerField(label=_("Pieces a worker makes in a day"), required=False,
                                                 min_value=1, help_text=_("Only for gigs paid per piece."))
    max_pieces = forms.IntegerField(label=_("Most pieces one worker is paid for"), required=False, min_value=1,
                                    help_text=_("Only for gigs paid per piece."))
    headcount = forms.IntegerField(label=_("Workers needed"), min_value=1, initial=1)
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    hiring_mode = forms.ChoiceField(label=_("Hiring"), choices=HiringMode.choices, initial=HiringMode.INSTANT,
                                    widget=forms.RadioSelect)
    address = NfkcCharField(label=_("Site address"), max_length=200)
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90,
                                help_text=_("Tap the map to put the pin on the site, or type it."),
                                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}))
    longitude = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180,
                                 widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}))
    description = NfkcCharField(label=_("What the work is"), max_length=2000, required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, trades=(), **kwargs):
        """`trades`: the taxonomy as jobs.selectors.trade_tree() gives it."""
        super().__init__(*args, **kwargs)
        self.trades = {trade.pk: trade for _group, group_trades in trades for trade in group_trades}
        self.fields["category"].choices = [("", _("choose a trade"))] + [
            (trade_name(group), [(trade.pk, trade_name(trade)) for trade in group_trades])
            for group, group_trades in trades]

    def clean_category(self):
        return self.trades[self.cleaned_data["category"]]

    def units_by_trade(self) -> dict[int, list[str]]:
        """For the little script that narrows the pay units to the chosen trade's."""
        return {pk: list(trade.pay_units or []) for pk, trade in self.trades.items()}

    def gig_fields(self) -> dict:
        """The fields as create_gig takes them; quantities left empty are not stated."""
        return {name: value for name, value in self.cleaned_data.items() if value is not None}
