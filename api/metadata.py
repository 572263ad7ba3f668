"""What `OPTIONS` answers: the methods a path takes (its `Allow` header) and an empty JSON object.

DRF's default answer describes the view from its Python class name and docstring, which are English in a
Chinese answer and say nothing the OpenAPI schema (/api/schema/) does not say better.
"""

from rest_framework.metadata import BaseMetadata


class AllowedMethodsOnly(BaseMetadata):
    def determine_metadata(self, request, view):
        return {}
