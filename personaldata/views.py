"""/me/data/: download everything of one's own, and delete the account. Thin: the rules are in this app's
selectors (what is theirs) and services (what deletion does and when it is refused)."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jobs.exceptions import Conflict
from zero_gig.timestamps import JSONEncoder

from . import selectors, services


@never_cache
@login_required(login_url="login")
@require_http_methods(["GET", "POST"])
def my_data(request):
    user = request.user
    if request.method == "POST" and request.POST.get("action") == "download":
        data = selectors.export_for(user, viewer=user)
        response = HttpResponse(json.dumps(data, cls=JSONEncoder, ensure_ascii=False, indent=1),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="zero-gig-my-data-{timezone.now():%Y%m%d}.json"'
        return response
    status = 200
    if request.method == "POST" and request.POST.get("action") == "delete":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm that you want your account deleted."))
            status = 400
        else:
            try:
                services.delete_account(user, actor=user)
            except Conflict as refusal:
                messages.error(request, refusal.message)
                status = 409
            else:
                logout(request)
                messages.success(request, _("Your account is deleted. Your past gigs stay with the other party, "
                                            "without your name, phone or ID number."))
                return redirect("/")
    can_delete = user.role in services.SELF_SERVICE_ROLES
    blockers = services.deletion_blockers(user) if can_delete else []
    return render(request, "personaldata/my_data.html",
                  {"can_delete": can_delete, "blockers": [text for _code, text in blockers]}, status=status)
