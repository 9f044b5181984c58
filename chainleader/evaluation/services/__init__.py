"""Writes of the per-mu yield evaluation (亩产效益评价): schemes, runs, the review workflow, measures, exports.

| step                  | from                  | to                 | who                                        |
|-----------------------|-----------------------|--------------------|--------------------------------------------|
| scheme_version_create | —                     | a new version      | the office                                 |
| evaluation_run_start  | —                     | draft (computing)  | the office                                 |
| run_review_open       | draft, computed       | reviewing          | the office                                 |
| appeal_submit         | run reviewing         | appeal submitted   | the firm itself, or its district           |
| appeal_district_check | submitted             | district_checked   | the district of the firm's territory       |
| appeal_decide         | district_checked      | decided            | the office (accepted: figure changed, the  |
|                       |                       |                    | whole group-year re-scored)                |
| run_publish           | reviewing, no appeal  | published (final)  | the office                                 |
|                       | open                  |                    |                                            |

A wrong role is WorkflowForbidden (403), a wrong state WorkflowConflict (409); either way nothing changes.
Every step writes its audit row in the same transaction. Confidential values (figures, scores) stay out of
the audit detail: the detail names what changed, the records hold the values (SECURITY.md AC3, TP1).
"""

from .appeals import (
    appeal_actions,
    appeal_decide,
    appeal_district_check,
    appeal_submit,
    may_appeal,
)
from .exports import appeal_record, results_workbook
from .measures import class_measure_update
from .runs import (
    evaluation_run_compute,
    evaluation_run_create,
    evaluation_run_start,
    run_actions,
    run_publish,
    run_review_open,
    runs_lost,
)
from .schemes import scheme_current, scheme_version_create

__all__ = [
    "appeal_actions",
    "appeal_decide",
    "appeal_district_check",
    "appeal_record",
    "appeal_submit",
    "class_measure_update",
    "evaluation_run_compute",
    "evaluation_run_create",
    "evaluation_run_start",
    "may_appeal",
    "results_workbook",
    "run_actions",
    "run_publish",
    "run_review_open",
    "runs_lost",
    "scheme_current",
    "scheme_version_create",
]
