"""Project scheduling (项目调度): projects and their stages, monthly investment reports, 集中开工 batches
(``projects``), the problem ledger (问题台账, ``problems``), in-app notifications and chain-meeting briefs
(``notices``). Everything is importable from here, as before the split."""

from .notices import Brief, Notification
from .problems import SYSTEM_ACTOR, Problem, ProblemEvent, problem_file_path
from .projects import (
    BAND_ABOVE_100M_YI,
    BAND_BIG_YI,
    BIG_PROJECTS_TARGET_PER_CHAIN,
    NOT_NEGATIVE,
    STAGE_ORDER,
    MonthlyReport,
    Project,
    Stage,
    StageChange,
    StartBatch,
    evidence_path,
    stage_index,
)

__all__ = [
    "BAND_ABOVE_100M_YI",
    "BAND_BIG_YI",
    "BIG_PROJECTS_TARGET_PER_CHAIN",
    "NOT_NEGATIVE",
    "STAGE_ORDER",
    "SYSTEM_ACTOR",
    "Brief",
    "MonthlyReport",
    "Notification",
    "Problem",
    "ProblemEvent",
    "Project",
    "Stage",
    "StageChange",
    "StartBatch",
    "evidence_path",
    "problem_file_path",
    "stage_index",
]
