"""Evaluation pages: runs (start, charts, review, publish, export), results, appeals, measures, schemes.

Every view finds its records through for_user() (out of scope: 404, POST included) and calls one service.
Workflow step pages answer GET with the step's form (or why the user cannot take it) and POST with the
service; a refusal comes back as a form error with status 200 (htmx 2 swaps no 4xx; STYLE.md 3.1).
"""

from .base import ExportThrottle, WorkflowStepView, throttled
from .policy import (
    MeasureEditView,
    MeasureHistoryView,
    MeasureListView,
    SchemeAddView,
    SchemeDetailView,
    SchemeListView,
)
from .results import (
    AppealCheckView,
    AppealDecideView,
    AppealDetailView,
    AppealEvidenceView,
    AppealListView,
    AppealRecordView,
    ResultAppealView,
    ResultDetailView,
    ResultListView,
)
from .runs import (
    RunDetailView,
    RunExportView,
    RunListView,
    RunPublishView,
    RunReviewView,
    RunStartView,
)

__all__ = [
    "AppealCheckView",
    "AppealDecideView",
    "AppealDetailView",
    "AppealEvidenceView",
    "AppealListView",
    "AppealRecordView",
    "ExportThrottle",
    "MeasureEditView",
    "MeasureHistoryView",
    "MeasureListView",
    "ResultAppealView",
    "ResultDetailView",
    "ResultListView",
    "RunDetailView",
    "RunExportView",
    "RunListView",
    "RunPublishView",
    "RunReviewView",
    "RunStartView",
    "SchemeAddView",
    "SchemeDetailView",
    "SchemeListView",
    "WorkflowStepView",
    "throttled",
]
