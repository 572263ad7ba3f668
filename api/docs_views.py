"""The API's schema and its docs page, served as drf-spectacular serves them, refusing in JSON as the rest does
(a module of their own: drf-spectacular's views import the schema class that api.schema defines)."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response

from .renderers import JSONRenderer


class JsonErrors:
    """An API view whose answer is not JSON (the schema in YAML, the docs page) still refuses in the API's JSON
    error body: DRF renders an error with the renderer negotiated for the answer (a 405 came as YAML or HTML)."""

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.exception:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class SchemaView(JsonErrors, SpectacularAPIView):
    pass


class DocsView(JsonErrors, SpectacularSwaggerSplitView):
    pass
