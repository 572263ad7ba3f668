from django.contrib.admin.apps import AdminConfig


class CityAdminConfig(AdminConfig):
    """django.contrib.admin with the city's own site (zero_gig.admin.CityAdminSite)."""

    default_site = "zero_gig.admin.CityAdminSite"
