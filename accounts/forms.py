"""Form fields for identifiers, so that admin and web forms normalise exactly as the API does."""

from django import forms
from django.core.exceptions import ValidationError

from .identifiers import MAX_TYPED_LENGTH
from .phones import normalize_phone


class PhoneFormField(forms.CharField):
    """A mainland mobile number as people type it (+86, spaces, full-width digits), cleaned to 11 ASCII digits."""

    def __init__(self, **kwargs):
        kwargs["max_length"] = MAX_TYPED_LENGTH
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return normalize_phone(value)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
