"""The audit log as an auditor reads it: Chinese action names, models and fields by their verbose names, and
changes written as "字段：旧值 → 新值", never a Python dict (issue 11, item 7)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EVENT_LABELS = {
    "login_success": gettext_lazy("login"),
    "login_failure": gettext_lazy("failed login"),
    "login_locked": gettext_lazy("login locked out"),
    "logout": gettext_lazy("logout"),
    "session_end": gettext_lazy("session ended"),
    "superuser_login": gettext_lazy("superuser login"),
    "password_change": gettext_lazy("password changed"),
    "password_reset": gettext_lazy("password reset"),
    "otp_setup": gettext_lazy("two-factor set up"),
    "otp_success": gettext_lazy("two-factor passed"),
    "otp_failure": gettext_lazy("two-factor failed"),
    "otp_backup_codes": gettext_lazy("backup codes issued"),
    "account_unlock": gettext_lazy("account unlocked"),
    "user_create": gettext_lazy("account created"),
    "user_update": gettext_lazy("account changed"),
    "user_deactivate": gettext_lazy("account deactivated"),
    "unit_create": gettext_lazy("unit created"),
    "unit_update": gettext_lazy("unit changed"),
    "create": gettext_lazy("created"),
    "update": gettext_lazy("changed"),
    "delete": gettext_lazy("deleted"),
    "import": gettext_lazy("imported"),
    "export": gettext_lazy("exported"),
    "download": gettext_lazy("downloaded"),
    "view_confidential": gettext_lazy("viewed confidential figures"),
    "audit_search": gettext_lazy("searched the audit log"),
    "audit_export": gettext_lazy("exported the audit log"),
    "audit_purge": gettext_lazy("archived and purged the audit log"),
    "backup": gettext_lazy("backup made"),
    "restore": gettext_lazy("restored from a backup"),
    "field_keys_rotate": gettext_lazy("encryption key rotated"),
    "link": gettext_lazy("linked to a listed company"),
    "company_link_confirm": gettext_lazy("listed-company match confirmed"),
    "company_link_reject": gettext_lazy("listed-company match rejected"),
    "product_suggestions_derive": gettext_lazy("product suggestions derived"),
    "product_suggestion_confirm": gettext_lazy("product suggestion confirmed"),
    "product_suggestion_reject": gettext_lazy("product suggestion rejected"),
    "tree_load": gettext_lazy("segment tree loaded"),
    "placements_derive": gettext_lazy("firms placed on the trees"),
    "placement_confirm": gettext_lazy("placement confirmed"),
    "placement_reject": gettext_lazy("placement rejected"),
    "map_derive": gettext_lazy("chain maps derived"),
    "targets_derive": gettext_lazy("target lists ranked"),
    "lead_advance": gettext_lazy("lead moved on"),
    "lead_close": gettext_lazy("lead closed"),
    "commissioner_assign": gettext_lazy("service commissioner named"),
    "commissioner_unassign": gettext_lazy("service commissioner assignment ended"),
    "commissioner_visit": gettext_lazy("commissioner visit logged"),
    "tier_step": gettext_lazy("tier candidate moved on"),
    "tier_recheck": gettext_lazy("tier criteria checked again"),
    "growth_measure_done": gettext_lazy("growth plan measure done"),
    "indicators_load": gettext_lazy("indicator library loaded"),
    "indicators_chain_targets": gettext_lazy("chain targets copied to indicator targets"),
    "indicators_compute": gettext_lazy("indicator values computed"),
    "relocation_flag": gettext_lazy("firm flagged as relocating"),
    "relocation_clear": gettext_lazy("relocation flag cleared"),
    "warnings_run": gettext_lazy("early warnings run"),
    "warning_confirm": gettext_lazy("warning confirmed"),
    "warning_dismiss": gettext_lazy("warning dismissed"),
    "challenge_publish": gettext_lazy("challenge published"),
    "challenge_close": gettext_lazy("challenge applications closed"),
    "challenge_withdraw": gettext_lazy("challenge withdrawn"),
    "challenge_select": gettext_lazy("challenge solver selected"),
    "challenge_accept": gettext_lazy("challenge acceptance recorded"),
    "challenge_apply": gettext_lazy("applied to a challenge"),
    "challenge_application_withdraw": gettext_lazy("challenge application withdrawn"),
    "challenge_score": gettext_lazy("challenge application scored"),
    "milestone_add": gettext_lazy("milestone set"),
    "milestone_done": gettext_lazy("milestone reached"),
    "scene_publish": gettext_lazy("application scene published"),
    "scene_close": gettext_lazy("application scene closed"),
    "scene_apply": gettext_lazy("applied to an application scene"),
    "scene_answer": gettext_lazy("scene application answered"),
    "recommendation_add": gettext_lazy("diagnosis recommendation added"),
    "recommendation_convert": gettext_lazy("recommendation became an upgrade project"),
    "match_run": gettext_lazy("supply and demand matched"),
    "stage_advance": gettext_lazy("project stage advanced"),
    "stage_back": gettext_lazy("project stage moved back"),
    "mark_lagging": gettext_lazy("lagging projects marked"),
    "evaluation_run_start": gettext_lazy("evaluation run started"),
    "evaluation_run_compute": gettext_lazy("evaluation computed"),
    "evaluation_run_review": gettext_lazy("evaluation sent to review"),
    "evaluation_run_rescore": gettext_lazy("evaluation rescored"),
    "evaluation_run_publish": gettext_lazy("evaluation published"),
    "appeal_submit": gettext_lazy("appeal submitted"),
    "appeal_check": gettext_lazy("appeal checked"),
    "appeal_decide": gettext_lazy("appeal decided"),
    "meeting_decision": gettext_lazy("chain meeting decision recorded"),
    "policy_publish": gettext_lazy("policy published"),
    "policy_document": gettext_lazy("policy document replaced"),
    "eligibility_run": gettext_lazy("eligibility run (免申即享)"),
    "eligibility_confirm": gettext_lazy("eligibility results confirmed"),
    "eligibility_reject": gettext_lazy("eligibility results set aside"),
    "policy_payment": gettext_lazy("policy payment recorded"),
    "assessment_scheme_create": gettext_lazy("assessment scheme created"),
    "assessment_scheme_update": gettext_lazy("assessment scheme changed"),
    "assessment_adjustment_add": gettext_lazy("assessment bonus or deduction entered"),
    "assessment_run_compute": gettext_lazy("assessment computed"),
    "assessment_run_review": gettext_lazy("assessment sent to review"),
    "assessment_run_publish": gettext_lazy("assessment published"),
    "assessment_run_discard": gettext_lazy("assessment run discarded"),
}
# Events named after a workflow step: the prefix names the record, the step its model's Action label.
PREFIXES = {
    "problem_": (gettext_lazy("problem"), "projects.ProblemEvent"),
    "item_": (gettext_lazy("list item"), "worklists.WorkItemNote"),
}


def event_label(event_type: str) -> str:
    if event_type in EVENT_LABELS:
        return str(EVENT_LABELS[event_type])
    for prefix, (what, model_label) in PREFIXES.items():
        if event_type.startswith(prefix):
            step = event_type[len(prefix) :]
            try:
                action = apps.get_model(model_label).Action(step).label
            except (LookupError, ValueError, AttributeError):
                action = step
            return f"{what}：{action}"
    return event_type


def _model(object_type: str) -> Any:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def object_label(object_type: str) -> str:
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _field_label(model: Any, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:
        return name


def _value(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list | tuple):
        return "、".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{_value(v)}" for k, v in value.items())
    return str(value)


def detail_text(object_type: str, detail: Any) -> str:
    """The detail column in words: changes as "字段：旧 → 新", fields by verbose name, other keys as "键：值"."""
    if not isinstance(detail, dict) or not detail:
        return "" if not detail else str(detail)
    model = _model(object_type)
    parts: list[str] = []
    for key, value in detail.items():
        if key == "changes" and isinstance(value, dict):
            for field, change in value.items():
                label = _field_label(model, field)
                if isinstance(change, list | tuple) and len(change) == 2:
                    parts.append(f"{label}：{_value(change[0])} → {_value(change[1])}")
                else:
                    parts.append(f"{label}：{_value(change)}")
        elif key == "fields" and isinstance(value, list | tuple):
            parts.append(_("fields") + "：" + "、".join(_field_label(model, f) for f in value))
        else:
            parts.append(f"{key}：{_value(value)}")
    return "；".join(parts)
