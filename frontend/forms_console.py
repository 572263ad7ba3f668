"""The console's forms (center staff at the counter): they read and tidy input; the rules are in the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centers.selectors import active_centers
from jobs.models import Category, PayUnit
from workers.models import Availability, Sex

from .forms import NfkcCharField
from .labels import trade_name


class TradeChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, category):
        return trade_name(category)


def area_choices() -> list[tuple[str, str]]:
    """The districts and counties the city's centers serve, once each, named after their center."""
    seen = {}
    for center in active_centers().order_by("region_code", "level", "name"):
        seen.setdefault(center.region_code, center.name)
    return [(code, f"{name} ({code})") for code, name in seen.items()]


class WalkInForm(forms.Form):
    """The registration form of DB2301/T 218—2024 Annex B, at the counter. Only a name and a trade are required."""

    display_name = NfkcCharField(label=_("Name"), max_length=50)
    trades = TradeChoices(label=_("Trades"), widget=forms.CheckboxSelectMultiple, required=False,
                          queryset=Category.objects.filter(parent__isnull=False).order_by("parent__sort_order",
                                                                                            "sort_order", "code"))
    years_experience = forms.IntegerField(label=_("Years of experience in these trades"), min_value=0,
                                          max_value=60, initial=0, required=False)
    phone = NfkcCharField(label=_("Mobile number (if any)"), max_length=20, required=False,
                          widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    id_number = NfkcCharField(label=_("ID number (optional; check the card)"), max_length=24, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("Not said"))] + list(Sex.choices), required=False)
    stated_birth_year = forms.IntegerField(label=_("Birth year"), min_value=0, required=False,
                                           help_text=_("Or the age: a number under 120 is taken as the age."))
    skills = NfkcCharField(label=_("Skills and certificates"), max_length=300, required=False)
    experience = NfkcCharField(label=_("Work experience"), max_length=500, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    expected_pay = forms.DecimalField(label=_("Expected pay (yuan)"), min_value=0, max_digits=8, decimal_places=2,
                                      required=False)
    expected_pay_unit = forms.ChoiceField(label=_("Expected pay per"), required=False,
                                          choices=[("", "—")] + list(PayUnit.choices))
    availability = forms.ChoiceField(label=_("When they can work"), choices=Availability.choices,
                                     initial=Availability.ANY_DAY)
    work_areas = forms.MultipleChoiceField(label=_("Areas they can work in"), widget=forms.CheckboxSelectMultiple,
                                           required=False)
    note = NfkcCharField(label=_("Note"), max_length=500, required=False)
    consent = forms.BooleanField(label=_("The worker heard the text above and agrees"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_areas"].choices = area_choices()

    def clean_stated_birth_year(self):
        year = self.cleaned_data.get("stated_birth_year")
        if year is not None and year < 120:  # an age was typed
            return timezone.localdate().year - year
        if year is not None and not 1900 <= year <= timezone.localdate().year:
            raise forms.ValidationError(_("Enter a birth year such as 1968, or the age."))
        return year

    def clean_years_experience(self):
        return self.cleaned_data.get("years_experience") or 0

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        years = data.pop("years_experience")
        data["trades"] = {category: years for category in data.pop("trades") or []}
        return data


class WalkInUpdateForm(WalkInForm):
    """The same form to correct a registered worker: every field optional, nothing to agree to again."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["consent"]
        for field in self.fields.values():
            field.required = False


class LookupForm(forms.Form):
    q = NfkcCharField(label=_("Scan the card, or type a name, phone or worker number"), max_length=64,
                      widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}))


class AssignForm(forms.Form):
    gig = forms.IntegerField(widget=forms.HiddenInput)
    worker = forms.TypedChoiceField(label=_("Worker"), coerce=int)
    consent = forms.BooleanField(label=_("The worker agrees to take this gig"), required=False)

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [(w.pk, f"{w.display_name} · {w.number}") for w in workers]
