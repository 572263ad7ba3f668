from django.conf import settings

from .display import senior_mode


def display(request):
    return {"senior": senior_mode(request), "map_tiles_url": settings.MAP_TILES_URL,
            "map_tiles_attribution": settings.MAP_TILES_ATTRIBUTION}
