"""Evidence photos: checked to be images by their content, limited in size and number, stored privately and
re-encoded without metadata; a refused upload leaves nothing behind, neither rows nor files."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints import services
from complaints.models import Complaint, Evidence
from tests.complaints.conftest import at, photo

pytestmark = pytest.mark.django_db

FILED = at(2025, 11, 3, 10)


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def file(market, photos):
    assignment = market.done_assignment(at(2025, 11, 1, 16))
    return services.file_complaint(assignment, actor=market.worker.user, statement="没给工钱，有聊天截图。",
                                   photos=photos, now=FILED)


def test_photos_are_kept_privately_without_their_metadata(market, private_files):
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # the camera's make, as a phone writes it
    Image.new("RGB", (64, 48), "red").save(out, format="JPEG", exif=exif)
    complaint = file(market, [SimpleUploadedFile("a.jpg", out.getvalue()), photo("b.png", "PNG")])
    kept = list(complaint.evidence.all())
    assert [(e.content_type, e.width, e.height) for e in kept] == [("image/jpeg", 64, 48), ("image/png", 40, 30)]
    assert all(str(private_files) in e.photo.path for e in kept)
    with Image.open(kept[0].photo.path) as stored:
        assert not stored.getexif()
    with pytest.raises(ValueError):
        _ = kept[0].photo.url  # never a public address


def test_a_file_that_is_not_an_image_is_refused_with_the_reason_and_nothing_is_saved(market, private_files):
    fake = SimpleUploadedFile("receipt.jpg", b"%PDF-1.4 this is a pdf, named .jpg", content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        file(market, [photo(), fake])  # the good photo before it is not kept either
    assert refused.value.message_dict["photos"] == ["receipt.jpg is not a photo: send a JPEG, PNG or WebP picture."]
    assert not Complaint.objects.exists() and not Evidence.objects.exists()
    assert stored_files(private_files) == []


def test_a_photo_too_big_is_refused(market, private_files, settings):
    settings.COMPLAINT_RULES = {"MAX_PHOTO_BYTES": 1000}
    big = photo("big.png", "PNG", size=(400, 400))
    big.size = 5000
    with pytest.raises(ValidationError) as refused:
        file(market, [big])
    assert refused.value.message_dict["photos"] == [
        "big.png is too big (4.9 KB): a photo may be at most 1000 bytes."]
    assert not Complaint.objects.exists() and stored_files(private_files) == []


def test_too_many_photos_are_refused(market, settings):
    settings.COMPLAINT_RULES = {"MAX_PHOTOS": 2}
    with pytest.raises(ValidationError) as refused:
        file(market, [photo(), photo(), photo()])
    assert refused.value.message_dict["photos"] == ["Send at most 2 photos."]


def test_a_failure_after_the_files_are_written_removes_them(market, private_files, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_step", broken)
    with pytest.raises(RuntimeError):
        file(market, [photo(), photo()])
    assert not Complaint.objects.exists() and stored_files(private_files) == []


def test_more_photos_later_all_or_none(market, private_files):
    complaint = file(market, [photo()])
    with pytest.raises(ValidationError):
        services.add_evidence(complaint, actor=market.worker.user,
                              photos=[photo(), SimpleUploadedFile("x.png", b"not a png")])
    assert complaint.evidence.count() == 1 and len(stored_files(private_files)) == 1
    services.add_evidence(complaint, actor=market.worker.user, photos=[photo()])
    assert complaint.evidence.count() == 2 and len(stored_files(private_files)) == 2
