"""Filters of the log."""

import logging


class RefusalsInOneLine(logging.Filter):
    """A refusal (a 4xx answer) is logged as its one line, without the exception's traceback that Django attaches
    to a 403 (PermissionDenied) or a 400 (SuspiciousOperation): each one wrote some twenty lines, so anyone could
    flood the log by asking for what they may not have. A 5xx keeps its traceback: that one is a fault of ours."""

    def filter(self, record):
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = record.exc_text = None
        return True
