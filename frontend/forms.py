"""The pages' forms: they read and tidy input; the rules are in the services."""

import datetime as dt
import unicodedata

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.phones import normalize_phone
from figures.periods import validate_day
from jobs.models import Employer, PayUnit

from .labels import trade_name


class NfkcCharField(forms.CharField):
    """Full-width digits and letters typed on a Chinese keyboard become their plain forms."""

    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFKC", value) if value else value


def _attrs_html(attrs: dict) -> str:
    """Django's widgets/attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    return "".join("" if value is False else f" {conditional_escape(name)}" if value is True
                   else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
                   for name, value in attrs.items())


class QuickSelect(forms.Select):
    """The same HTML as Django's select.html and select_option.html, written in Python.

    The template way renders two templates per option; for the trade list (about 40 trades in their groups,
    on the feed's filters and the post form) that was a large share of the page's server time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            parts += [f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                      f'{_attrs_html(option["attrs"])}>{conditional_escape(option["label"])}</option>'
                      for option in options]
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)


class PhoneField(NfkcCharField):
    def __init__(self, **kwargs):
        super().__init__(label=_("Mobile number"), max_length=20, **kwargs)
        self.widget.attrs.update(inputmode="tel", autocomplete="tel", placeholder="13800000000")

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value  # left empty where the number is optional


class DayField(forms.DateField):
    """A day picked in the phone's date input: written as it reads (yyyy-mm-dd, whatever the language, or the
    input shows nothing), and one the market keeps (figures.periods.validate_day)."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_validators = [validate_day]


class ReasonForm(forms.Form):
    """The optional reason an employer gives for cancelling a gig, read as all typed text."""

    reason = NfkcCharField(label=_("Why (the workers are told)"), max_length=200, required=False)


class CodeField(NfkcCharField):
    def __init__(self, **kwargs):
        super().__init__(label=_("Code from the text message"), max_length=6, min_length=6, required=False,
                         **kwargs)
        self.widget.attrs.update(inputmode="numeric", autocomplete="one-time-code", pattern="[0-9]{6}")


class LoginForm(forms.Form):
    phone = PhoneField()
    code = CodeField()


class SignupForm(forms.Form):
    role = forms.ChoiceField(label=_("I am"), widget=forms.RadioSelect, initial=Role.WORKER,
                             choices=[(Role.WORKER, _("a worker looking for gigs")),
                                      (Role.EMPLOYER, _("an employer posting gigs"))])
    name = NfkcCharField(label=_("Your name"), max_length=50, required=False)
    phone = PhoneField()
    code = CodeField()
    kind = forms.ChoiceField(label=_("Employer type"), choices=Employer.Kind.choices, initial=Employer.Kind.INDIVIDUAL,
                             required=False)
    credit_code = NfkcCharField(label=_("Unified social credit code (organisations only)"), max_length=18,
                                required=False)
    home = forms.TypedChoiceField(label=_("Workers: where you look for work"), required=False, coerce=int,
                                  empty_value=None,
                                  help_text=_("Gigs near this place are shown first; you can change it later."))

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.centers = {center.pk: center for center in centers}
        self.fields["home"].choices = [("", _("choose a place"))] + [
            (center.pk, center.name) for center in self.centers.values()]

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.WORKER and not data.get("home"):
            self.add_error("home", _("Choose where you look for work."))
        return data

    def home_point(self) -> tuple[float | None, float | None]:
        center = self.centers.get(self.cleaned_data.get("home"))
        return (center.latitude, center.longitude) if center else (None, None)


# "%(km)s km" formatted when a page is drawn, in its language (a lazy string formatted at import is not).
kilometres = lazy(lambda km: gettext("%(km)s km") % {"km": km}, str)


class FeedForm(forms.Form):
    """Where and what a worker looks for; every field may be left out."""

    RADII = (5, 10, 20)

    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    trade = forms.TypedChoiceField(label=_("Trade"), required=False, coerce=int, empty_value=None,
                                   widget=QuickSelect)
    pay_unit = forms.ChoiceField(label=_("Paid"), required=False, widget=QuickSelect,
                                 choices=[("", _("any way"))] + list(PayUnit.choices))
    min_pay = forms.DecimalField(label=_("Minimum pay (yuan)"), required=False, min_value=0, max_digits=10,
                                 decimal_places=2, widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    day = DayField(label=_("Day"), required=False)
    radius = forms.TypedChoiceField(label=_("Within"), required=False, coerce=int, empty_value=5,
                                    widget=QuickSelect,
                                    choices=[(r, kilometres(r)) for r in RADII])
    view = forms.ChoiceField(required=False, choices=[("list", "list"), ("map", "map")], widget=forms.HiddenInput)
    cursor = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args, trades=(), **kwargs):
        """`trades`: the taxonomy as jobs.selectors.trade_tree() gives it."""
        super().__init__(*args, **kwargs)
        self.fields["trade"].choices = [("", _("all trades"))] + [
            (trade_name(group), [(trade.pk, trade_name(trade)) for trade in group_trades])
            for group, group_trades in trades]

    def day_bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        day = self.cleaned_data.get("day")
        if not day:
            return None, None
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        return start, start + dt.timedelta(days=1)
