"""What reports, holds and decisions tell people: stored in each inbox (notifications), pushed on commit.

Reporters stay anonymous: the employer hears that workers reported the post, never who."""

from __future__ import annotations

from centers.models import CenterStaff
from jobs.events import gig_brief
from jobs.models import SLOT_HOLDING, Assignment
from notifications.models import Kind
from notifications.services import notify_each
from zero_gig.timestamps import iso

from .models import Case, Report


def _hired(gig) -> list[int]:
    return list(Assignment.objects.filter(gig=gig, status__in=SLOT_HOLDING).values_list("worker__user_id", flat=True))


def _reporters(case: Case) -> list[int]:
    return list(Report.objects.filter(case=case).values_list("worker__user_id", flat=True))


def _staff(gig) -> list[int]:
    return list(CenterStaff.objects.filter(center_id=gig.center_id, user__is_active=True)
                .values_list("user_id", flat=True))


def _send(gig, case: Case, event: str, audiences: dict[str, list[int]], **extra) -> None:
    brief = gig_brief(gig)
    sent, messages = set(), []
    for audience, user_ids in audiences.items():
        for user_id in user_ids:
            if user_id in sent:
                continue
            sent.add(user_id)
            messages.append((user_id, {"event": event, "to": audience, "case": case.pk, "cause": case.cause,
                                       "gig": brief, **extra}))
    notify_each(Kind.HOLD, messages)


def held(gig, case: Case) -> None:
    _send(gig, case, "held", {"worker": _hired(gig), "employer": [gig.employer.owner_id], "staff": _staff(gig)})


def released(gig, case: Case) -> None:
    _send(gig, case, "released", {"reporter": _reporters(case), "worker": _hired(gig),
                                  "employer": [gig.employer.owner_id]})


def taken_down(gig, case: Case, let_go: list[Assignment], employer) -> None:
    suspended = iso(employer.suspended_until) if case.employer_action == Case.EmployerAction.SUSPEND else None
    _send(gig, case, "taken_down", {"employer": [gig.employer.owner_id]}, reason=case.note,
          employer_action=case.employer_action, suspended_until=suspended)
    _send(gig, case, "taken_down", {"worker": [a.worker.user_id for a in let_go], "reporter": _reporters(case)})
