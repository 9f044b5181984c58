import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class CoreConfig(AppConfig):
    name = "chainleader.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (deploy checks register themselves on import)

        # This instance's upload temp directories exist before the first request, and what a killed process
        # left in them is deleted (SECURITY.md DP3). A read-only install logs it; uploads then report it.
        from .excel import purge_stale

        try:
            removed = purge_stale()
        except OSError as exc:
            logger.warning("upload temp directory not ready: %s", exc)
        else:
            if removed:
                logger.warning("deleted %s stale upload temp files", removed)
