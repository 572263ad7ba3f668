"""The terms of a gig's agreement, taken from the gig and the people on it at the moment of hiring, and the text
they read as. The same terms give the binding Chinese text (stored) and the English translation (drawn on view).

Only masked identifiers go in: a worker's phone as 138****5678 and ID number as 61***************X, an
employer's contact phone masked too. An organisation's unified social credit code is public and goes in whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.phones import mask_phone
from jobs import rules
from jobs.models import Assignment, Employer, PayUnit
from zero_gig.timestamps import iso

TEMPLATE_VERSION = "2026-11"
BINDING_LANGUAGE = "zh-hans"
HOTLINE = "12333"  # 人社服务热线: labour and social security questions and complaints, nationwide
CENTER_FIELDS = ("name", "contact_phone", "address")


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def agreement_number(assignment: Assignment) -> str:
    """Quoted on the phone and on paper: the gig's reference and the assignment's number."""
    return f"XY-{assignment.gig.code}-{assignment.pk}"


def terms_of(assignment: Assignment, *, now: dt.datetime, via: str) -> dict:
    """Everything the agreement says, as JSON values (amounts as strings, times in ISO and as local time)."""
    from jobs.services import show_up_pay  # jobs.services calls this module while hiring

    gig = assignment.gig
    employer, worker, center = gig.employer, assignment.worker, gig.center
    organisation = employer.kind == Employer.Kind.ORGANISATION
    return {
        "hired_at": iso(now), "hired_via": via,
        "gig": {"id": gig.pk, "code": gig.code, "assignment": assignment.pk},
        "employer": {"name": employer.name, "kind": employer.kind,
                     "credit_code": employer.credit_code if organisation and employer.credit_code else "",
                     "contact_name": employer.contact_name, "contact_phone": mask_phone(employer.contact_phone)},
        "worker": {"name": worker.display_name, "number": worker.number,
                   "phone": mask_phone(worker.user.phone or ""), "id_number": worker.id_number_masked or ""},
        "work": {"trade": gig.category.name, "trade_en": gig.category.name_en or gig.category.name,
                 "title": gig.title, "description": gig.description, "headcount": gig.headcount},
        "site": {"address": gig.site_address or gig.address},
        "time": {"starts_at": iso(gig.starts_at), "ends_at": iso(gig.ends_at),
                 "starts_local": _local(gig.starts_at), "ends_local": _local(gig.ends_at),
                 "hours": f"{round(gig.duration_hours, 2):g}", "time_zone": timezone.get_current_timezone_name()},
        "pay": {"amount": f"{gig.pay_amount:.2f}", "unit": gig.pay_unit,
                "expected_hours": None if gig.expected_hours is None else f"{gig.expected_hours.normalize():f}",
                "expected_pieces_per_day": gig.expected_pieces_per_day, "max_pieces": gig.max_pieces,
                "piece": gig.category.piece_label},
        "rules": {**rules.cancellation_rules(), "show_up_pay": f"{show_up_pay(gig):.2f}"},
        "complaints": {**{name: getattr(center, name) for name in CENTER_FIELDS}, "hotline": HOTLINE},
    }


def render_text(*, number: str, terms: dict, created_at: dt.datetime, language: str) -> str:
    """The agreement as plain text in `language`: stored in Chinese when drawn up, shown in English on request."""
    with translation.override(language):
        english = language.startswith("en")
        context = {"number": number, "t": terms, "created": _local(created_at),
                   "trade": terms["work"]["trade_en" if english else "trade"],
                   "unit": PayUnit(terms["pay"]["unit"]).label,
                   "rule_sentences": rules.cancellation_sentences(terms["rules"])}
        return render_to_string("agreements/agreement.txt", context).strip() + "\n"


def content_hash(*, number: str, template_version: str, language: str, text: str, terms: dict,
                 created_at: dt.datetime, assignment_id: int) -> str:
    """SHA-256 over every stored part of the agreement, in one canonical JSON form (sorted keys, UTF-8), so a
    change to any of them changes the hash."""
    content = {"number": number, "template_version": template_version, "language": language, "text": text,
               "terms": terms, "created_at": created_at.astimezone(dt.UTC).isoformat(), "assignment": assignment_id}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
