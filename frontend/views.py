from django.shortcuts import render

from centers.selectors import active_centers
from jobs.selectors import open_gig_count


def home(request):
    return render(request, "frontend/home.html", {"centers": active_centers(), "open_gigs": open_gig_count()})
