"""The OpenAPI schema as the API behaves: the refusals every operation can give follow from how its view is built,
so that a client generated from the schema knows every answer it can get."""

from drf_spectacular import openapi
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.serializers import ListSerializer

from zero_gig.ids import DIGITS

from .exceptions import errors
from .idempotency import PARAMETER as IDEMPOTENCY_KEY
from .idempotency import is_idempotent

PATH_ID = f"^{DIGITS}$"


class AutoSchema(openapi.AutoSchema):
    def _refusals(self) -> set[int]:
        """What any view of this kind answers, whatever its decorator lists (which adds 409s and its own texts).

        400 and 415: a body that is not JSON, or breaks its rules; a page's cursor that is not one of ours.
        401: any bad token, on every route that authenticates. 403: a role or ownership rule, or a session's
        missing CSRF token on a write. 404: an id in the path of a router's route (its object is looked up).
        429: a throttle. 400, 409 and 422 on a method that takes an Idempotency-Key (api.idempotency): a
        malformed key, its first request still running, the key reused for another request.
        """
        view = self.view
        codes = set()
        if self._get_request_body() is not None:
            codes |= {400, 415}
        if self._is_list_view() and getattr(view, "paginator", None) is not None:
            codes.add(400)  # a cursor that is not one of ours
        authenticators = view.get_authenticators()
        if authenticators:
            codes.add(401)
        permissions = [type(permission) for permission in view.get_permissions()]
        if any(permission is not AllowAny for permission in permissions):
            codes.add(401)
        if any(permission not in (AllowAny, IsAuthenticated) for permission in permissions) or (
                self.method not in ("GET", "HEAD", "OPTIONS")
                and any(isinstance(auth, SessionAuthentication) for auth in authenticators)):
            codes.add(403)
        if self.path_regex and "(?P<" in self.path_regex:
            codes.add(404)
        if view.get_throttles():
            codes.add(429)
        if self._idempotent():
            codes |= {400, 409, 422}
        return codes

    def _idempotent(self) -> bool:
        name = getattr(self.view, "action", None) or self.method.lower()
        return is_idempotent(getattr(self.view, name, None))

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self._idempotent():
            parameters = [*parameters, IDEMPOTENCY_KEY]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in errors(*sorted(self._refusals())).items():
            responses.setdefault(str(code), self._get_response_for_code(response, str(code), direction=direction))
        return dict(sorted(responses.items()))

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        """A list answered whole (no pages) says how long it can be: `many=True, max_length=N` is `maxItems`."""
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        longest = getattr(serializer, "max_length", None) if isinstance(serializer, ListSerializer) else None
        if longest is not None:
            for media in response.get("content", {}).values():
                if media.get("schema", {}).get("type") == "array":
                    media["schema"]["maxItems"] = longest
        return response

    def _map_basic_serializer(self, serializer, direction):
        """An answer carries every field of its serializer (null when empty), so a client may rely on each;
        only the fields a serializer names in `Meta.sometimes_absent` may be missing."""
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response":
            absent = set(getattr(getattr(serializer, "Meta", None), "sometimes_absent", ()))
            required = sorted(set(schema["properties"]) - absent)
            if required:
                schema["required"] = required
        return schema

    def _resolve_path_parameters(self, variables):
        """Ids matched by `[0-9]+` are integers, not strings with a pattern."""
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("pattern") == PATH_ID:
                parameter["schema"] = {"type": "integer"}
        return parameters
