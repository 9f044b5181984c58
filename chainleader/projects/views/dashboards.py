"""The chain's and the district's project pages, and 集中开工 batches: figures, lagging projects with reasons,
escalated problems, the four lists. Everything is computed on the user's scoped sets."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import View

from chainleader.chains.models import Chain
from chainleader.core.tables import Column
from chainleader.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
)
from chainleader.reference.models import Region

from .. import hooks, selectors, services
from ..forms import StartBatchForm
from ..models import Problem, Project, StartBatch


def page_context(
    user: Any, projects: Any, problems: Any, *, worklists: dict[str, Any]
) -> dict[str, Any]:
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    series = selectors.monthly_series(projects, start, today.replace(month=12, day=31))
    return {
        "totals": selectors.totals(projects, today.year),
        "stage_rows": selectors.stage_rows(projects),
        "lagging": projects.filter(is_lagging=True)
        .select_related("district", "chain")
        .order_by("-total_investment_yi", "pk")[:50],
        "problem_counts": selectors.problem_counts(problems, today),
        "problems": selectors.problems_overdue_first(
            problems.exclude(status=Problem.Status.CLOSED).select_related("department", "project"),
            today,
        )[:20],
        "chart": selectors.monthly_chart_option(series),
        "worklists": hooks.list_status(user, **worklists),
        "events": selectors.event_totals(user, projects, today.year),
        "event_year": today.year,
        "today": today,
    }


class ChainDashboardView(ObjectDetailView):
    """A chain's projects page: by stage, the ≥ 20亿 target, lagging projects and why, problems, four lists."""

    model = Chain
    template_name = "projects/chain_dashboard.html"

    def extra_context_data(self) -> dict[str, Any]:
        user, chain = self.request.user, self.object
        projects = Project.objects.for_user(user).filter(chain=chain)
        problems = Problem.objects.for_user(user).filter(chain=chain)
        year = timezone.localdate().year
        kpi = selectors.chain_kpis(user, year, Chain.objects.for_user(user).filter(pk=chain.pk))
        return {
            **page_context(user, projects, problems, worklists={"chain": chain}),
            "kpi": kpi[0] if kpi else None,
            "year": year,
            "list_query": f"chain={chain.pk}",
        }


class DistrictDashboardView(LoginRequiredMixin, View):
    """A district's projects page (by region code): its projects, lagging ones with reasons, its problems."""

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        region = Region.objects.for_user(request.user).filter(code=code).first()
        if region is None or not code.isdigit():
            raise Http404
        projects = Project.objects.for_user(request.user).filter(district__code__startswith=code)
        problems = Problem.objects.for_user(request.user).filter(region__code__startswith=code)
        context = {
            **page_context(request.user, projects, problems, worklists={"region_code": code}),
            "region": region,
            "by_chain": selectors.summary_by(projects, "chain", timezone.localdate().year),
            "list_query": f"district={region.pk}",
        }
        return render(request, "projects/district_dashboard.html", context)


# --------------------------------------------------------------------------------------------- 集中开工 batches

BATCH_COLUMNS = [
    Column("name", gettext_lazy("name"), order_by="name_sort", link=True),
    Column("kind", gettext_lazy("event"), order_by="kind"),
    Column("held_on", gettext_lazy("held on"), order_by="held_on"),
    Column("region", gettext_lazy("region"), order_by="region__code"),
    Column("project_count", gettext_lazy("projects"), order_by="project_count", numeric=True),
    Column(
        "total_yi",
        gettext_lazy("total investment (100 million yuan)"),
        order_by="total_yi",
        numeric=True,
    ),
]


class BatchListView(ObjectListView):
    model = StartBatch
    columns = BATCH_COLUMNS
    default_sort = "-held_on"
    add_url_name = "projects:batch_add"

    def get_queryset(self) -> Any:
        return selectors.batches_with_figures(self.request.user)


class BatchDetailView(ObjectDetailView):
    model = StartBatch
    template_name = "projects/batch_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("region")

    def extra_context_data(self) -> dict[str, Any]:
        user = self.request.user
        return {
            "figures": selectors.batch_figures(self.object, user),
            "projects": Project.objects.for_user(user)
            .filter(start_batches=self.object)
            .select_related("chain", "district")
            .order_by("-total_investment_yi", "pk"),
        }


class BatchEditView(ObjectEditView):
    model = StartBatch
    form_class = StartBatchForm

    def save(self, form: Any) -> Any:
        data, m2m = form.data_for_service()
        return services.batch_save(
            batch=self.object,
            actor=self.request.user,
            data=data,
            projects=list(m2m.get("projects", [])),
            expected_version=form.cleaned_data.get("version"),
        )


class BatchDeleteView(ObjectDeleteView):
    model = StartBatch
    success_url_name = "projects:batch_list"


class BatchHistoryView(ObjectHistoryView):
    model = StartBatch
