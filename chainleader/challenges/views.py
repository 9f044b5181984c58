"""Pages of innovation and transformation: 揭榜挂帅 challenges (list, detail, steps, applications, scoring,
milestones, acceptance, counts per chain), application scenes with suggested suppliers, the lab registry, digital
diagnoses with their recommendations and the funnel, and the smart-factory / digital-workshop titles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainleader.accounts.policy import firm_of, is_editor
from chainleader.core import audit, excel
from chainleader.core.exceptions import ServiceError, StaleEdit, WorkflowConflict, WorkflowForbidden
from chainleader.core.files import download
from chainleader.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ScopedMixin,
    WorkflowStepView,
)

from . import selectors, services
from .filters import (
    ApplicationFilter,
    ChallengeFilter,
    DiagnosisFilter,
    LabFilter,
    SceneFilter,
    TitleFilter,
)
from .forms import (
    AcceptForm,
    AnswerForm,
    ApplyForm,
    ChallengeForm,
    ConfirmForm,
    ConvertForm,
    DiagnosisForm,
    LabForm,
    MilestoneDoneForm,
    MilestoneForm,
    RecommendationForm,
    SceneApplyForm,
    SceneForm,
    SceneStepForm,
    ScoreForm,
    SelectForm,
    StepForm,
    TitleForm,
)
from .models import (
    CRITERIA,
    Acceptance,
    Challenge,
    ChallengeApplication,
    Diagnosis,
    DigitalTitle,
    Lab,
    Milestone,
    Recommendation,
    Scene,
    SceneApplication,
)
from .tables import (
    APPLICATION_COLUMNS,
    CHALLENGE_COLUMNS,
    DIAGNOSIS_COLUMNS,
    LAB_COLUMNS,
    SCENE_COLUMNS,
    TITLE_COLUMNS,
)

STEP_TEMPLATE = "challenges/step.html"


def _service(fn: Any) -> Any:
    """A service's refusals as the form error WorkflowStepView shows (200, STYLE.md 3.1)."""
    try:
        return fn()
    except (WorkflowForbidden, WorkflowConflict, StaleEdit) as exc:
        raise ServiceError(str(exc.message if hasattr(exc, "message") else exc)) from exc


# --- challenges -----------------------------------------------------------------------------------------------


class ChallengeListView(ObjectListView):
    """揭榜挂帅 榜单: published challenges (and the drafts the user manages)."""

    model = Challenge
    template_name = "challenges/challenge_list.html"
    filterset_class = ChallengeFilter
    columns = CHALLENGE_COLUMNS
    select_related = (
        "chain__region",
        "publisher_firm",
        "publisher_unit",
        "selected__solver_firm",
    )
    default_sort = "-deadline"
    add_url_name = "challenges:challenge_add"

    def can_edit(self) -> bool:
        return services.may_publish(self.request.user)


class ChallengeDetailView(ObjectDetailView):
    model = Challenge
    template_name = "challenges/challenge_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related(
            "chain", "segment", "publisher_firm", "publisher_unit", "selected__solver_firm"
        )

    def extra_context_data(self) -> dict[str, Any]:
        user, obj = self.request.user, self.object
        manages = services.may_manage(user, obj)
        apps = ChallengeApplication.objects.for_user(user).filter(challenge=obj)
        milestones = list(Milestone.objects.for_user(user).filter(challenge=obj))
        for m in milestones:
            m.may_report = m.done_on is None and services.may_report_milestone(user, m)
        acceptance = getattr(obj, "acceptance", None)
        return {
            "steps": services.allowed_steps(obj, user),
            "manages": manages,
            "may_edit": manages and obj.status in services.OPEN_EDIT,
            "may_apply": obj.status == Challenge.Status.PUBLISHED and services.may_apply(user),
            "applications": apps.select_related("solver_firm").prefetch_related("scores"),
            "milestones": milestones,
            "acceptance": acceptance,
            "criteria": CRITERIA,
        }


class ChallengeEditView(ObjectEditView):
    model = Challenge
    form_class = ChallengeForm

    def can_edit(self) -> bool:
        return services.may_publish(self.request.user)

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            return services.challenge_update(
                challenge=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.challenge_create(actor=self.request.user, data=data)


class ChallengeHistoryView(ObjectHistoryView):
    model = Challenge


class ChallengeStepView(WorkflowStepView):
    model = Challenge
    form_class = StepForm
    template_name = STEP_TEMPLATE
    title = gettext_lazy("Next step of the challenge")

    def form_kwargs(self) -> dict[str, Any]:
        return {"steps": services.allowed_steps(self.object, self.request.user)}

    def allowed(self) -> bool:
        return bool(
            set(services.allowed_steps(self.object, self.request.user)) & set(StepForm.LABELS)
        )

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return _service(
            lambda: services.challenge_step(
                challenge=self.object,
                actor=self.request.user,
                step=d["step"],
                reason=d.get("reason") or "",
                expected_version=d.get("version"),
            )
        )


class ChallengeSelectView(WorkflowStepView):
    model = Challenge
    form_class = SelectForm
    template_name = STEP_TEMPLATE
    title = gettext_lazy("Select the solver")

    def form_kwargs(self) -> dict[str, Any]:
        return {"challenge": self.object}

    def allowed(self) -> bool:
        return "select" in services.allowed_steps(self.object, self.request.user)

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return _service(
            lambda: services.challenge_select(
                challenge=self.object,
                actor=self.request.user,
                application=d["application"],
                contract_wan=d.get("contract_wan"),
                expected_version=d.get("version"),
            )
        )


class ChallengeAcceptView(WorkflowStepView):
    model = Challenge
    form_class = AcceptForm
    template_name = STEP_TEMPLATE
    title = gettext_lazy("Acceptance")

    def allowed(self) -> bool:
        return "accept" in services.allowed_steps(self.object, self.request.user)

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return _service(
            lambda: services.challenge_accept(
                challenge=self.object,
                actor=self.request.user,
                on=d["on"],
                verdict=d["verdict"],
                evidence=d.get("evidence"),
                note=d.get("note") or "",
                expected_version=d.get("version"),
            )
        )


class ChallengeMilestoneView(WorkflowStepView):
    model = Challenge
    form_class = MilestoneForm
    template_name = STEP_TEMPLATE
    title = gettext_lazy("Add a milestone")

    def allowed(self) -> bool:
        return "milestone" in services.allowed_steps(self.object, self.request.user)

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        _service(
            lambda: services.milestone_add(
                challenge=self.object, actor=self.request.user, title=d["title"], due_on=d["due_on"]
            )
        )
        return self.object


class MilestoneDoneView(WorkflowStepView):
    model = Milestone
    form_class = MilestoneDoneForm
    template_name = STEP_TEMPLATE
    title = gettext_lazy("Milestone reached")

    def allowed(self) -> bool:
        return self.object.done_on is None and services.may_report_milestone(
            self.request.user, self.object
        )

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return _service(
            lambda: services.milestone_done(
                milestone=self.object,
                actor=self.request.user,
                done_on=d["done_on"],
                evidence=d.get("evidence"),
                note=d.get("note") or "",
                expected_version=d.get("version"),
            )
        ).challenge


class ChallengeApplyView(WorkflowStepView):
    """揭榜: apply to a published challenge."""

    model = Challenge
    form_class = ApplyForm
    template_name = STEP_TEMPLATE
    title = gettext_lazy("Apply (揭榜)")

    def form_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}

    def allowed(self) -> bool:
        return self.object.status == Challenge.Status.PUBLISHED and services.may_apply(
            self.request.user
        )

    def perform(self, form: Any) -> Any:
        data = dict(form.cleaned_data)
        _service(
            lambda: services.application_submit(
                actor=self.request.user, challenge=self.object, data=data
            )
        )
        return self.object


class ChallengeSummaryView(ScopedMixin, View):
    """揭榜挂帅 per chain: published, applications, taken, accepted, amounts (万元); ?export=xlsx."""

    model = Challenge

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        rows = selectors.chain_summary(request.user)
        keys = ("published", "applications", "taken", "accepted", "budget_wan", "contract_wan")
        total = selectors.totals(rows, keys)
        if request.GET.get("export") == "xlsx":
            headers = [
                _("chain"),
                _("published"),
                _("applications"),
                _("taken"),
                _("acceptance passed"),
                _("budget (10k yuan)"),
                _("contract amount (10k yuan)"),
            ]
            content = excel.export_workbook(
                [
                    (
                        _("Challenges per chain"),
                        headers,
                        [[r["chain"], *(r[k] for k in keys)] for r in rows],
                    )
                ]
            )
            audit.record(
                actor=request.user,
                event_type="export",
                object_type="challenges.challenge",
                detail={"rows": len(rows), "view": "challenges per chain"},
            )
            return excel.xlsx_response(content, f"{_('Challenges per chain')}.xlsx")
        return render(
            request,
            "challenges/summary.html",
            {"rows": rows, "total": total, "seed": {k: (v, s) for k, v, s in selectors.SEED_FACTS}},
        )


# --- applications -----------------------------------------------------------------------------------------------


class ApplicationListView(ObjectListView):
    """揭榜 applications: a firm sees its own; the managers the applications to their challenges."""

    model = ChallengeApplication
    template_name = "challenges/application_list.html"
    filterset_class = ApplicationFilter
    columns = APPLICATION_COLUMNS
    select_related = ("challenge", "solver_firm")
    default_sort = "-created_at"

    def can_edit(self) -> bool:
        return False


class ApplicationDetailView(ObjectDetailView):
    model = ChallengeApplication
    template_name = "challenges/application_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("challenge", "solver_firm")

    def extra_context_data(self) -> dict[str, Any]:
        user, app = self.request.user, self.object
        submitted = app.status == ChallengeApplication.Status.SUBMITTED
        return {
            "scores": app.scores.all(),
            "criteria": CRITERIA,
            "may_score": submitted
            and app.challenge.status == Challenge.Status.SELECTING
            and services.may_manage(user, app.challenge),
            "may_withdraw": submitted and services.may_withdraw_application(user, app),
        }


class ApplicationScoreView(WorkflowStepView):
    model = ChallengeApplication
    form_class = ScoreForm
    template_name = STEP_TEMPLATE
    title = gettext_lazy("Score the application")

    def allowed(self) -> bool:
        return self.object.challenge.status == Challenge.Status.SELECTING and services.may_manage(
            self.request.user, self.object.challenge
        )

    def perform(self, form: Any) -> Any:
        _service(
            lambda: services.application_score(
                application=self.object,
                actor=self.request.user,
                scores=form.scores(),
                note=form.cleaned_data.get("note") or "",
            )
        )
        return self.object


class ApplicationWithdrawView(WorkflowStepView):
    model = ChallengeApplication
    form_class = ConfirmForm
    template_name = STEP_TEMPLATE
    title = gettext_lazy("Withdraw the application")

    def allowed(self) -> bool:
        return self.object.status == ChallengeApplication.Status.SUBMITTED and (
            services.may_withdraw_application(self.request.user, self.object)
        )

    def perform(self, form: Any) -> Any:
        return _service(
            lambda: services.application_withdraw(
                application=self.object,
                actor=self.request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        )


class _FileView(ScopedMixin, View):
    """Download a stored file through its record's scope."""

    field = ""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        obj = get_object_or_404(self.scoped(), pk=pk)
        return download(getattr(obj, self.field), f"{obj}")


class ApplicationFileView(_FileView):
    model = ChallengeApplication
    field = "attachment"


class MilestoneFileView(_FileView):
    model = Milestone
    field = "evidence"


class AcceptanceFileView(_FileView):
    model = Acceptance
    field = "evidence"


# --- scenes ------------------------------------------------------------------------------------------------


class SceneListView(ObjectListView):
    model = Scene
    template_name = "challenges/scene_list.html"
    filterset_class = SceneFilter
    columns = SCENE_COLUMNS
    select_related = ("chain__region", "publisher_firm", "publisher_unit")
    default_sort = "-created_at"
    add_url_name = "challenges:scene_add"

    def can_edit(self) -> bool:
        return services.may_publish(self.request.user)


class SceneDetailView(ObjectDetailView):
    model = Scene
    template_name = "challenges/scene_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("chain", "segment", "publisher_firm", "publisher_unit")

    def extra_context_data(self) -> dict[str, Any]:
        user, scene = self.request.user, self.object
        manages = services.may_manage(user, scene)
        applications = (
            SceneApplication.objects.for_user(user).filter(scene=scene).select_related("supplier")
        )
        # Suggestions are for those who work the scene: its managers (not other firms browsing it).
        suggested = selectors.suggestions(scene, user) if manages and firm_of(user) is None else []
        return {
            "manages": manages,
            "may_edit": manages and scene.status != Scene.Status.CLOSED,
            "may_apply": scene.status == Scene.Status.PUBLISHED and services.may_apply(user),
            "applications": applications,
            "suggestions": suggested,
        }


class SceneEditView(ObjectEditView):
    model = Scene
    form_class = SceneForm

    def can_edit(self) -> bool:
        return services.may_publish(self.request.user)

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            return services.scene_update(
                scene=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.scene_create(actor=self.request.user, data=data)


class SceneStepView(WorkflowStepView):
    model = Scene
    form_class = SceneStepForm
    template_name = STEP_TEMPLATE
    title = gettext_lazy("Publish or close the scene")

    def allowed(self) -> bool:
        return self.object.status != Scene.Status.CLOSED and services.may_manage(
            self.request.user, self.object
        )

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return _service(
            lambda: services.scene_step(
                scene=self.object,
                actor=self.request.user,
                step=d["step"],
                expected_version=d.get("version"),
            )
        )


class SceneApplyView(WorkflowStepView):
    model = Scene
    form_class = SceneApplyForm
    template_name = STEP_TEMPLATE
    title = gettext_lazy("Apply as a supplier")

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        initial = {"supplier": self.request.GET.get("supplier")} if data is None else {}
        return self.form_class(data=data, files=files, user=self.request.user, initial=initial)

    def allowed(self) -> bool:
        return self.object.status == Scene.Status.PUBLISHED and services.may_apply(
            self.request.user
        )

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        _service(
            lambda: services.scene_apply(
                actor=self.request.user,
                scene=self.object,
                supplier=d.get("supplier"),
                offer=d["offer"],
            )
        )
        return self.object


class SceneAnswerView(WorkflowStepView):
    model = SceneApplication
    form_class = AnswerForm
    template_name = STEP_TEMPLATE
    title = gettext_lazy("Answer the supplier")

    def allowed(self) -> bool:
        return self.object.status == SceneApplication.Status.SUBMITTED and services.may_manage(
            self.request.user, self.object.scene
        )

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return _service(
            lambda: services.scene_answer(
                application=self.object,
                actor=self.request.user,
                accept=d["accept"] == "yes",
                expected_version=d.get("version"),
            )
        )


# --- labs and titles ---------------------------------------------------------------------------------------


class LabListView(ObjectListView):
    model = Lab
    template_name = "challenges/lab_list.html"
    filterset_class = LabFilter
    columns = LAB_COLUMNS
    select_related = ("host", "segment__chain__region")
    default_sort = "kind"
    secondary_sort = ("name",)
    add_url_name = "challenges:lab_add"


class LabDetailView(ObjectDetailView):
    model = Lab
    template_name = "challenges/lab_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("host", "segment__chain")


class LabEditView(ObjectEditView):
    model = Lab
    form_class = LabForm

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        return services.lab_save(
            actor=self.request.user,
            data=data,
            lab=self.object if self.object.pk else None,
            expected_version=form.cleaned_data.get("version"),
        )


class TitleListView(ObjectListView):
    model = DigitalTitle
    template_name = "challenges/title_list.html"
    filterset_class = TitleFilter
    columns = TITLE_COLUMNS
    select_related = ("enterprise",)
    default_sort = "-year"
    secondary_sort = ("kind",)
    add_url_name = "challenges:title_add"


class TitleEditView(ObjectEditView):
    model = DigitalTitle
    form_class = TitleForm

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        title = services.title_save(
            actor=self.request.user,
            data=data,
            title=self.object if self.object.pk else None,
            expected_version=form.cleaned_data.get("version"),
        )
        return title


# --- diagnoses ------------------------------------------------------------------------------------------------


class DiagnosisListView(ObjectListView):
    model = Diagnosis
    template_name = "challenges/diagnosis_list.html"
    filterset_class = DiagnosisFilter
    columns = DIAGNOSIS_COLUMNS
    select_related = ("enterprise__region",)
    default_sort = "-diagnosed_on"
    add_url_name = "challenges:diagnosis_add"


class DiagnosisDetailView(ObjectDetailView):
    model = Diagnosis
    template_name = "challenges/diagnosis_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("enterprise__region")

    def extra_context_data(self) -> dict[str, Any]:
        user, diag = self.request.user, self.object
        may = (
            is_editor(user)
            and Diagnosis.objects.for_user(user, write=True).filter(pk=diag.pk).exists()
        )
        recs = (
            Recommendation.objects.for_user(user).filter(diagnosis=diag).select_related("project")
        )
        return {"may_edit": may, "recommendations": recs, "rows": diag.dimension_rows()}


class DiagnosisEditView(ObjectEditView):
    model = Diagnosis
    form_class = DiagnosisForm

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            return services.diagnosis_update(
                diagnosis=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.diagnosis_create(actor=self.request.user, data=data)


class DiagnosisHistoryView(ObjectHistoryView):
    model = Diagnosis


class RecommendView(WorkflowStepView):
    """Add a recommendation to a diagnosis."""

    model = Diagnosis
    form_class = RecommendationForm
    template_name = STEP_TEMPLATE
    title = gettext_lazy("Add a recommendation")

    def allowed(self) -> bool:
        return is_editor(self.request.user)

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        _service(
            lambda: services.recommendation_add(
                diagnosis=self.object,
                actor=self.request.user,
                text=d["text"],
                dimension=d.get("dimension") or "",
                estimated_wan=d.get("estimated_wan"),
            )
        )
        return self.object


class ConvertView(WorkflowStepView):
    """A recommendation becomes an upgrade project (技改 / 数字化改造)."""

    model = Recommendation
    form_class = ConvertForm
    template_name = STEP_TEMPLATE
    title = gettext_lazy("Start an upgrade project")
    success_message = gettext_lazy("The upgrade project is registered.")

    def get_queryset(self) -> Any:
        return self.scoped().select_related("diagnosis__enterprise")

    def form_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user, "enterprise": self.object.diagnosis.enterprise}

    def allowed(self) -> bool:
        return self.object.project_id is None and is_editor(self.request.user)

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return _service(
            lambda: services.recommendation_convert(
                recommendation=self.object,
                actor=self.request.user,
                data=d,
                expected_version=d.get("version"),
            )
        )


class FunnelView(ScopedMixin, View):
    """The diagnosis funnel: diagnosed → recommendations → projects → completed, per chain and per district,
    with the digital titles and labs counted and the seed's figures beside them; ?export=xlsx."""

    model = Diagnosis

    COLUMNS = ("firms", "diagnoses", "recommendations", "projects", "completed", "investment_yi")

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        user = request.user
        by_chain = selectors.funnel_by_chain(user)
        by_district = selectors.funnel_by_district(user)
        if request.GET.get("export") == "xlsx":
            headers = [
                _("firms diagnosed"),
                _("diagnoses"),
                _("recommendations"),
                _("upgrade projects"),
                _("completed"),
                _("investment (100 million yuan)"),
            ]
            sheets = [
                (
                    _("Per chain"),
                    [_("chain"), *headers],
                    [[r["name"], *(r[k] for k in self.COLUMNS)] for r in by_chain],
                ),
                (
                    _("Per district"),
                    [_("District"), *headers],
                    [[r["name"], *(r[k] for k in self.COLUMNS)] for r in by_district],
                ),
            ]
            content = excel.export_workbook(sheets)
            audit.record(
                actor=user,
                event_type="export",
                object_type="challenges.diagnosis",
                detail={"rows": len(by_chain) + len(by_district), "view": "diagnosis funnel"},
            )
            return excel.xlsx_response(content, f"{_('Diagnosis funnel')}.xlsx")
        labs = selectors.lab_counts(user)
        return render(
            request,
            "challenges/funnel.html",
            {
                "by_chain": by_chain,
                "by_district": by_district,
                "total": selectors.funnel_totals(user),
                "titles": selectors.title_counts(user),
                "labs": labs,
                "seed": {k: (v, s) for k, v, s in selectors.SEED_FACTS},
            },
        )
