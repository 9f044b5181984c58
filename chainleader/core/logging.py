"""Log filters: an ordinary refusal (403) or a missing page (404) is logged as one line, without a traceback."""

from __future__ import annotations

import logging


class QuietClientErrors(logging.Filter):
    """Drop the traceback Django attaches to 403/404 responses (PermissionDenied, Http404): they are expected
    outcomes of scopes and roles, not errors. The warning line with path and status stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (403, 404):
            record.exc_info = None
            record.exc_text = None
        return True
