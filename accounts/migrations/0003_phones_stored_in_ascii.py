import re

from django.db import migrations

_STORED = re.compile(r"[0-9]{11}", re.ASCII)
_COUNTRY_PREFIXES = ("+86", "0086", "86")


def _ascii_phone(phone: str) -> str | None:
    from accounts.identifiers import ascii_form

    try:
        digits = ascii_form(phone)
    except Exception:
        return None
    for prefix in _COUNTRY_PREFIXES:
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix):]
            break
    return digits if _STORED.fullmatch(digits) else None


def store_phones_in_ascii(apps, schema_editor):
    """Phones used to be stored as typed when they held Unicode digits (13٨00000001), so one number could have
    two accounts and the second could never log in again. Rewrite each such phone in ASCII where no account has
    that number yet; where one has, the rows are left for staff to merge (login reaches the ASCII one)."""
    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", "phone").iterator():
        if _STORED.fullmatch(user.phone):
            continue
        phone = _ascii_phone(user.phone)
        if phone and not User.objects.filter(phone=phone).exists():
            User.objects.filter(pk=user.pk).update(phone=phone)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_sms_codes_throttles_api_tokens"),
    ]

    operations = [
        migrations.RunPython(store_phones_in_ascii, migrations.RunPython.noop),
    ]
