"""What base.html needs to keep a worker's or an employer's socket open: its path, where the page's events end
(seq, so that the socket resumes after it) and how many are unread (the count beside Inbox)."""

from django import template

from accounts.models import Role
from notifications.groups import user_group
from notifications.selectors import inbox, last_seq

register = template.Library()

SOCKETS = {Role.WORKER: "/ws/worker/", Role.EMPLOYER: "/ws/employer/"}


@register.simple_tag
def live_state(user) -> dict | None:
    # Error pages render without a request (no `user`): nothing live there.
    socket = SOCKETS.get(getattr(user, "role", None)) if getattr(user, "is_authenticated", False) else None
    if socket is None:
        return None
    return {"socket": socket, "seq": last_seq(user_group(user.pk)), "unread": inbox(user, unread_only=True).count()}
