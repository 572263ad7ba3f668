"""The audit log: every action a center's staff or a city administrator takes on a worker, an employer or a gig.

Written explicitly by the services that act for staff (`audit.services.record_action`), not by model signals:
a service knows who acted, for which center and what the action means, it logs only what staff do (a worker's
own accept is not an audit event and would double the writes of the busiest path), and it also covers bulk
updates that signals never see. That is why django-auditlog / django-simple-history are not used here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# What each action is called on the log's page; a service writing a new action adds it here.
ACTIONS = {
    "employer_verified": _("Employer verified"),
    "employer_rejected": _("Employer not verified"),
    "post_approved": _("Post approved"),
    "post_rejected": _("Post sent back"),
    "wage_dispute_settled": _("Wage dispute settled"),
    "walk_in_registered": _("Walk-in worker registered"),
    "id_number_taken": _("ID number taken at the desk"),
    "worker_verified": _("Worker's real name verified"),
    "identity_claim_resolved": _("Identity claim settled"),
    "policy_question_taken": _("Policy question written down at the counter"),
    "policy_question_answered": _("Policy question answered"),
    "walk_in_form_recorded": _("Walk-in registration form recorded"),
    "walk_in_updated": _("Walk-in worker's details updated"),
    "consent_recorded": _("Worker's consent recorded"),
    "hall_check_in": _("Checked into the hall"),
    "hall_check_out": _("Left the hall"),
    "worker_dispatched": _("Worker sent to a gig by staff"),
    "fair_created": _("Job fair created"),
    "fair_updated": _("Job fair changed"),
    "fair_employer_added": _("Employer added to a job fair"),
    "fair_gig_added": _("Gig added to a job fair"),
    "fair_registered_at_counter": _("Worker registered for a job fair at the counter"),
    "fair_attendance_recorded": _("Attendance at a job fair recorded"),
    "course_created": _("Training course created"),
    "course_updated": _("Training course changed"),
    "course_enrolled_at_counter": _("Worker signed up for a course at the counter"),
    "course_attendance_recorded": _("Attendance at a course session recorded"),
    "course_completed": _("Course completed: skill verified"),
    "agreement_accepted_at_counter": _("Agreement accepted by the worker at the counter"),
    "complaint_acknowledged": _("Wage complaint acknowledged"),
    "complaint_mediating": _("Wage complaint: mediation started"),
    "complaint_resolved": _("Wage complaint resolved"),
    "complaint_closed": _("Wage complaint closed"),
}


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True,
                              on_delete=models.SET_NULL, related_name="audit_entries")
    actor_role = models.CharField(_("their role"), max_length=20)
    center = models.ForeignKey("centers.ServiceCenter", verbose_name=_("service center"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="audit_entries")
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("record type"), max_length=60)
    target_id = models.CharField(_("record id"), max_length=40)
    target_label = models.CharField(_("record"), max_length=120)
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person concerned"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="audit_entries_about")
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ("-at", "-id")
        indexes = [
            models.Index(fields=["center", "at"], name="audit_center_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["subject", "at"], name="audit_subject_at"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_role} {self.action} {self.target_label}"

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))
