"""The audit log page: what staff and administrators did, filtered by person, center and day. Who may read
which entries is the selector's rule (audit.selectors.audit_log)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from audit.selectors import audit_log
from centers.selectors import active_centers
from zero_gig.ids import MAX_ID

from .forms import DayField, PhoneField


class AuditFilterForm(forms.Form):
    phone = PhoneField(required=False, help_text=_("Entries where this person acted, or that concern them."))
    person = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    center = forms.ModelChoiceField(label=_("Service center"), queryset=active_centers(), required=False,
                                    empty_label=_("All centers"))
    day = DayField(label=_("Day"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("phone"):
            person = get_user_model().objects.filter(phone=data["phone"]).values_list("pk", flat=True).first()
            if person is None:
                self.add_error("phone", _("Nobody has this number."))
            data["person"] = person
        return data


def audit_page(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={reverse('staff_audit')}")
    form = AuditFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"person": data.get("person"), "center": data["center"].pk if data.get("center") else None,
                   "day": data.get("day")}
    entries = audit_log(request.user, **filters)  # PermissionDenied for everyone else: the 403 page
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "frontend/staff/audit.html", {"form": form, "page": page, "query": query.urlencode()},
                  status=200 if form.is_valid() or not form.is_bound else 400)
