"""Photos sent with a report: the type is read from the content by Pillow (never from the name or the header the
browser sent), the size is limited before anything is decoded, and the picture is re-encoded so that no location,
camera or other hidden data is kept."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo; larger is refused before it is decoded
LONGEST_SIDE = 2000  # kept photos are scaled down to this: enough to read a sign or a message on a screen


def limits() -> dict:
    return settings.GIG_REPORTS


@dataclass(frozen=True)
class CleanPhoto:
    content_type: str
    data: bytes
    width: int
    height: int


def clean_photo(upload, number: int = 1) -> CleanPhoto:
    """The photo as it will be kept, or ValidationError naming the photo and the rule it broke."""
    max_bytes = limits()["PHOTO_MAX_BYTES"]
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise ValidationError(_("Photo %(n)s is larger than %(mb)s MB; send a smaller one.")
                              % {"n": number, "mb": round(max_bytes / 1024 / 1024, 1)}, code="photo_too_big")
    upload.seek(0)
    raw = upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ValidationError(_("Photo %(n)s is larger than %(mb)s MB; send a smaller one.")
                              % {"n": number, "mb": round(max_bytes / 1024 / 1024, 1)}, code="photo_too_big")
    not_an_image = ValidationError(_("Photo %(n)s is not a picture (JPEG, PNG or WebP).") % {"n": number},
                                   code="photo_not_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(raw))
            kind = probe.format
            if kind not in ACCEPTED:
                raise not_an_image
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("Photo %(n)s has too many pixels; send a smaller one.") % {"n": number},
                                      code="photo_too_big")
            probe.verify()  # checks the file's structure; the image must be opened again to be used
            image = Image.open(io.BytesIO(raw))
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise not_an_image from None
    image = ImageOps.exif_transpose(image)  # upright as the phone showed it; the EXIF itself is not kept
    image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    out = io.BytesIO()
    if kind == "JPEG" or image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image.convert("RGB").save(out, format="JPEG", quality=85)
        kind = "JPEG"
    else:
        image.save(out, format=kind)
    return CleanPhoto(content_type=ACCEPTED[kind], data=out.getvalue(), width=image.width, height=image.height)
