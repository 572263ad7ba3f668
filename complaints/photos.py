"""Evidence photos: an upload is an image only if Pillow can read it as one (its name and the type the browser
claims say nothing), it must be small enough, and it is stored re-encoded, without its metadata (a phone's
photo carries the place it was taken and the phone's make)."""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .rules import rule

# What is kept, by the format Pillow finds in the content: JPEG stays JPEG, everything else becomes PNG.
ACCEPTED_FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png"}


@dataclass
class CheckedPhoto:
    content: ContentFile
    content_type: str
    width: int
    height: int


def _size(size: int) -> str:
    return str(filesizeformat(size)).replace("\xa0", " ")


def check_photo(upload, field: str = "photos") -> CheckedPhoto:
    """The upload as a clean image ready to store, or ValidationError naming the field and why."""
    limit = rule("MAX_PHOTO_BYTES")
    name = getattr(upload, "name", "") or "photo"
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError({field: _("%(name)s is too big (%(size)s): a photo may be at most %(limit)s.")
                               % {"name": name, "size": _size(size), "limit": _size(limit)}}, code="too_big")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({field: _("%(name)s is too big: a photo may be at most %(limit)s.")
                               % {"name": name, "limit": _size(limit)}}, code="too_big")
    not_an_image = ValidationError(
        {field: _("%(name)s is not a photo: send a JPEG, PNG or WebP picture.") % {"name": name}},
        code="not_an_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = ACCEPTED_FORMATS.get(probe.format or "")
                probe.verify()
            if kind is None:
                raise not_an_image
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > rule("MAX_PHOTO_PIXELS"):
                raise ValidationError({field: _("%(name)s has too many pixels: send a smaller photo.")
                                       % {"name": name}}, code="too_big")
            image.load()
            image = ImageOps.exif_transpose(image)  # upright as it was shot, before the metadata is dropped
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, EOFError):
        raise not_an_image from None
    out = io.BytesIO()
    if kind == "jpeg":
        image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
        extension = "jpeg"
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        image.save(out, format="PNG", optimize=True)
        extension = "png"
    return CheckedPhoto(content=ContentFile(out.getvalue(), name=f"{secrets.token_hex(12)}.{extension}"),
                        content_type=CONTENT_TYPES[extension], width=image.width, height=image.height)


def check_photos(uploads, field: str = "photos") -> list[CheckedPhoto]:
    """Every upload checked before anything is stored: one bad photo refuses them all."""
    uploads = [upload for upload in uploads or [] if upload]
    if len(uploads) > rule("MAX_PHOTOS"):
        raise ValidationError({field: _("Send at most %(n)s photos.") % {"n": rule("MAX_PHOTOS")}}, code="too_many")
    return [check_photo(upload, field) for upload in uploads]
