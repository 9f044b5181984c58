"""Excel import/export pipeline shared by every app (SECURITY.md IN1, IN2, IN3, RL2, DP3).

Import: ``check_upload`` (every IN1 check, before openpyxl sees a byte) -> ``read_rows`` (typed rows or
``ImportRejected`` with every bad cell) -> the app's service (``RowErrors`` for its own checks, one
``transaction.atomic``) -> ``cleanup`` in a ``finally``.

Export: ``export_workbook`` (formula-injection safe, typed string cells) and ``build_template``;
``xlsx_response`` wraps either in a download response.
"""

from .common import *  # noqa: F403
from .read import *  # noqa: F403
from .sheets import *  # noqa: F403
from .upload import *  # noqa: F403
from .values import *  # noqa: F403
from .write import *  # noqa: F403
