"""The worker's own profile: name, trades from the taxonomy, where they look for work (a center's area or a point
on the map) and when they are available. The service decides what may change (workers.services)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centers.selectors import active_centers
from jobs.selectors import trade_tree
from jobs.services import worker_of
from workers.models import Availability
from workers.services import update_worker_profile

from .forms import NfkcCharField
from .labels import trade_name
from .views_myjobs import signed_in


class ProfileForm(forms.Form):
    display_name = NfkcCharField(label=gettext_lazy("Your name"), max_length=50)
    trades = forms.TypedMultipleChoiceField(label=gettext_lazy("The trades you do"), coerce=int,
                                            widget=forms.CheckboxSelectMultiple, required=False)
    availability = forms.ChoiceField(label=gettext_lazy("When you can work"), choices=Availability.choices,
                                     widget=forms.RadioSelect)
    home = forms.TypedChoiceField(label=gettext_lazy("Where you look for work"), coerce=int, empty_value=None,
                                  required=False,
                                  help_text=gettext_lazy("A center's area, or leave it and put a pin on the map."))
    latitude = forms.FloatField(label=gettext_lazy("Latitude"), required=False, min_value=-90, max_value=90,
                                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    longitude = forms.FloatField(label=gettext_lazy("Longitude"), required=False, min_value=-180, max_value=180,
                                 widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))

    def __init__(self, *args, trades=(), centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = [(trade_name(group), [(trade.pk, trade_name(trade)) for trade in members])
                       for group, members in trades]
        self.fields["trades"].choices = self.groups
        self.centers = {center.pk: center for center in centers}
        self.fields["home"].choices = [("", _("a point on the map"))] + [
            (center.pk, center.name) for center in self.centers.values()]

    def clean(self):
        data = super().clean()
        center = self.centers.get(data.get("home"))
        if center is not None:
            data["latitude"], data["longitude"] = center.latitude, center.longitude
        elif data.get("latitude") is None or data.get("longitude") is None:
            self.add_error("home", _("Choose a center's area, or put a pin on the map."))
        return data


@signed_in
def profile_page(request):
    worker = worker_of(request.user)  # anyone else: the 403 page
    trades, centers = trade_tree(), list(active_centers())
    years = dict(worker.worker_trades.values_list("category_id", "years_experience"))
    if request.method == "POST":
        form = ProfileForm(request.POST, trades=trades, centers=centers)
        if form.is_valid():
            data = form.cleaned_data
            chosen = {trade.pk: trade for _group, members in trades for trade in members
                      if trade.pk in data["trades"]}
            try:
                update_worker_profile(
                    worker, actor=request.user, display_name=data["display_name"],
                    availability=data["availability"], latitude=data["latitude"], longitude=data["longitude"],
                    trades=[(trade, years.get(pk, 0)) for pk, trade in chosen.items()])
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Your profile is saved: gigs and offers follow it."))
                return redirect("my_profile")
        status = 400
    else:
        form = ProfileForm(trades=trades, centers=centers, initial={
            "display_name": worker.display_name, "trades": list(years), "availability": worker.availability,
            "latitude": round(worker.latitude, 6), "longitude": round(worker.longitude, 6)})
        status = 200
    map_center = (worker.latitude, worker.longitude)
    return render(request, "frontend/profile.html", {"form": form, "map_center": map_center}, status=status)
