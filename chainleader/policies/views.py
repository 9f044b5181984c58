"""Pages of the policy library (政策库), 免申即享 runs, results and payments (兑现), a firm's own policies, and the
differentiated measures by 亩均 class with the firms they apply to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from chainleader.accounts.policy import firm_of, is_office
from chainleader.core import audit, excel
from chainleader.core.exceptions import ServiceError, WorkflowConflict, WorkflowForbidden
from chainleader.core.files import download
from chainleader.core.import_views import ObjectImportView
from chainleader.core.throttles import confidential_refusal
from chainleader.core.views import (
    ChildEditView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ScopedMixin,
)
from chainleader.engines import eligibility as engine

from . import importers, selectors, services
from .filters import MeasureRuleFilter, PaymentFilter, PolicyFilter, ResultFilter, RunFilter
from .forms import MeasureRuleForm, PaymentForm, PolicyForm, PolicyItemForm, RunForm
from .models import (
    EligibilityResult,
    EligibilityRun,
    MeasureRule,
    Payment,
    Policy,
    PolicyItem,
    amount_text,
)
from .tables import (
    MEASURE_RULE_COLUMNS,
    PAYMENT_COLUMNS,
    PAYMENT_EXPORT_COLUMNS,
    POLICY_COLUMNS,
    RESULT_COLUMNS,
    RUN_COLUMNS,
)


class OfficeWrites:
    """Only the office writes the policy library (decision 0029)."""

    request: HttpRequest

    def can_edit(self) -> bool:
        return is_office(self.request.user)


def _audit_read(request: HttpRequest, object_type: str, detail: dict[str, Any]) -> None:
    audit.record(
        actor=request.user,
        event_type="view_confidential",
        object_type=object_type,
        detail=detail,
    )


# --- policies -------------------------------------------------------------------------------------------


class PolicyListView(OfficeWrites, ObjectListView):
    model = Policy
    template_name = "policies/policy_list.html"
    filterset_class = PolicyFilter
    columns = POLICY_COLUMNS
    default_sort = "-issued_on"
    secondary_sort = ("title",)
    add_url_name = "policies:policy_add"

    def get_queryset(self) -> Any:
        return self.scoped().annotate(item_count=Count("items"))


class PolicyDetailView(OfficeWrites, ObjectDetailView):
    model = Policy
    template_name = "policies/policy_detail.html"

    def extra_context_data(self) -> dict[str, Any]:
        policy = self.object
        items = list(
            PolicyItem.objects.for_user(self.request.user)
            .filter(policy=policy)
            .annotate(run_count=Count("runs"))
        )
        payments = selectors.firm_payments(self.request.user).filter(
            result__run__item__policy=policy
        )
        return {
            "items": items,
            "totals": services.totals(payments),
            "is_office": is_office(self.request.user),
        }


class PolicyEditView(OfficeWrites, ObjectEditView):
    model = Policy
    form_class = PolicyForm
    template_name = "policies/policy_form.html"

    def get_form(self, data: Any = None) -> Any:
        files = self.request.FILES if data is not None else None
        return self.form_class(data=data, files=files, instance=self.object, user=self.request.user)

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        document = form.cleaned_data.get("document_upload")
        if self.object.pk:
            return services.policy_update(
                policy=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
                document=document,
            )
        return services.policy_create(actor=self.request.user, data=data, document=document)


class PolicyHistoryView(ObjectHistoryView):
    model = Policy


class PolicyPublishView(ScopedMixin, View):
    model = Policy
    write = True

    def can_edit(self) -> bool:
        return is_office(self.request.user)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.require_editor()
        policy = get_object_or_404(self.scoped(), pk=pk)
        try:
            services.policy_publish(policy=policy, actor=request.user)
        except (ServiceError, WorkflowConflict) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The policy is published."))
        return redirect(policy)


class PolicyDocumentView(ScopedMixin, View):
    """The policy's source document, found through the policy's scope (drafts: the office only)."""

    model = Policy

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        policy = get_object_or_404(self.scoped(), pk=pk)
        return download(policy.document, policy.title, fallback="policy")


# --- items ----------------------------------------------------------------------------------------------


class ItemAddView(OfficeWrites, ChildEditView):
    model = PolicyItem
    form_class = PolicyItemForm
    parent_model = Policy
    parent_field = "policy"

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        return services.item_create(actor=self.request.user, policy=self.parent, data=data)


class ItemEditView(OfficeWrites, ObjectEditView):
    model = PolicyItem
    form_class = PolicyItemForm

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        return services.item_update(
            item=self.object,
            actor=self.request.user,
            data=data,
            expected_version=form.cleaned_data.get("version"),
        )


class ItemDetailView(OfficeWrites, ObjectDetailView):
    model = PolicyItem
    template_name = "policies/item_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("policy")

    def extra_context_data(self) -> dict[str, Any]:
        item = self.object
        versions = list(item.versions.order_by("-number"))
        runs = list(
            EligibilityRun.objects.for_user(self.request.user)
            .filter(item=item)
            .select_related("item_version")
        )
        leaves = [
            (path, leaf, engine.FACTS.get(leaf.get("fact"), ("", leaf.get("fact")))[1])
            for path, leaf in engine.leaves(item.conditions or {"all": []})
        ]
        return {
            "versions": [(v, amount_text(v.amount_rule())) for v in versions],
            "runs": runs,
            "leaves": leaves,
            "run_form": RunForm(),
            "is_office": is_office(self.request.user),
            "conditions_json": item.conditions,
        }


class ItemHistoryView(ObjectHistoryView):
    model = PolicyItem


class ItemRunView(ScopedMixin, View):
    """Run the item over every firm (the office, POST from the item's page)."""

    model = PolicyItem

    def can_edit(self) -> bool:
        return is_office(self.request.user)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.require_editor()
        item = get_object_or_404(self.scoped(), pk=pk)
        form = RunForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter a year between 2000 and 2100."))
            return redirect(item)
        try:
            run = services.run_item(item=item, actor=request.user, year=form.cleaned_data["year"])
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect(item)
        messages.success(
            request,
            _("%(eligible)s of %(firms)s firms are eligible.")
            % {"eligible": run.eligible_count, "firms": run.firm_count},
        )
        return redirect(run)


# --- runs and results -----------------------------------------------------------------------------------


class RunListView(OfficeWrites, ObjectListView):
    model = EligibilityRun
    template_name = "policies/run_list.html"
    filterset_class = RunFilter
    columns = RUN_COLUMNS
    select_related = ("item__policy", "item_version")
    default_sort = "-run_on"
    secondary_sort = ("-id",)


class RunDetailView(OfficeWrites, ObjectDetailView):
    """A run: every firm in the user's scope with its verdict, reasons and amount; the office confirms."""

    model = EligibilityRun
    template_name = "policies/run_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("item__policy", "item_version")

    def results(self) -> Any:
        qs = (
            EligibilityResult.objects.for_user(self.request.user)
            .filter(run=self.object)
            .select_related("enterprise", "run__item__policy")
        )
        only = self.request.GET.get("show", "eligible")
        return qs.filter(eligible=True) if only == "eligible" else qs

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        if request.GET.get("export") == "xlsx":
            refused = confidential_refusal(request)
            if refused is not None:
                return refused
            rows = list(self.results())
            header = [str(c.label) for c in RESULT_COLUMNS]
            data = [[c.export_value(r) for c in RESULT_COLUMNS] for r in rows]
            audit.record(
                actor=request.user,
                event_type="export",
                obj=self.object,
                detail={"rows": len(rows), "view": "eligibility results"},
            )
            title = _("Eligibility %(run)s") % {"run": self.object.pk}
            return excel.xlsx_response(
                excel.export_workbook([(title, header, data)]), f"{title}.xlsx"
            )
        return super().get(request, *args, **kwargs)

    def extra_context_data(self) -> dict[str, Any]:
        results = list(self.results()[:500])
        _audit_read(
            self.request,
            "policies.eligibilityresult",
            {"run": self.object.pk, "count": len(results)},
        )
        return {
            "results": results,
            "show": self.request.GET.get("show", "eligible"),
            "is_office": is_office(self.request.user),
            "version": self.object.item_version,
            "amount_rule": amount_text(self.object.item_version.amount_rule()),
        }


class RunDecideView(ScopedMixin, View):
    """Confirm (or set aside) the results ticked on the run's page, in bulk."""

    model = EligibilityRun

    def can_edit(self) -> bool:
        return is_office(self.request.user)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.require_editor()
        run = get_object_or_404(self.scoped(), pk=pk)
        ids = [int(i) for i in request.POST.getlist("result") if i.isdigit()]
        confirm = request.POST.get("decision", "confirm") != "reject"
        try:
            n = services.results_decide(run=run, actor=request.user, ids=ids, confirm=confirm)
        except (WorkflowConflict, WorkflowForbidden) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(n)s results decided.") % {"n": n})
        return redirect(run)


class ResultListView(OfficeWrites, ObjectListView):
    """Eligibility results the user sees (a firm account: its own)."""

    model = EligibilityResult
    template_name = "policies/result_list.html"
    filterset_class = ResultFilter
    columns = RESULT_COLUMNS
    select_related = ("enterprise", "run__item__policy")
    default_sort = "enterprise__name_sort"
    secondary_sort = ("-run_id",)

    def can_edit(self) -> bool:
        return False  # results come from runs; nothing to add here


class ResultDetailView(ObjectDetailView):
    model = EligibilityResult
    template_name = "policies/result_detail.html"

    def can_edit(self) -> bool:
        return is_office(self.request.user)

    def get_queryset(self) -> Any:
        return self.scoped().select_related("enterprise", "run__item__policy", "run__item_version")

    def extra_context_data(self) -> dict[str, Any]:
        result = self.object
        _audit_read(self.request, "policies.eligibilityresult", {"result": result.pk})
        return {
            "payments": list(Payment.objects.for_user(self.request.user).filter(result=result)),
            "pay_form": PaymentForm(initial={"amount_wan": result.amount_wan}),
            "may_pay": is_office(self.request.user)
            and result.status == EligibilityResult.Status.CONFIRMED,
        }


class ResultPayView(ScopedMixin, View):
    model = EligibilityResult

    def can_edit(self) -> bool:
        return is_office(self.request.user)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.require_editor()
        result = get_object_or_404(self.scoped().select_related("run__item__policy"), pk=pk)
        form = PaymentForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(
                    request,
                    f"{form.fields[field].label if field in form.fields else ''} {' '.join(errors)}",
                )
            return redirect(result)
        d = form.cleaned_data
        try:
            services.payment_record(
                result=result,
                actor=request.user,
                amount_wan=d["amount_wan"],
                paid_on=d["paid_on"],
                voucher_no=d["voucher_no"],
                note=d.get("note") or "",
            )
        except (ServiceError, WorkflowConflict) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Payment recorded; the firm is notified."))
        return redirect(result)


# --- payments -------------------------------------------------------------------------------------------


class PaymentListView(OfficeWrites, ObjectListView):
    model = Payment
    template_name = "policies/payment_list.html"
    filterset_class = PaymentFilter
    columns = PAYMENT_COLUMNS
    export_columns = PAYMENT_EXPORT_COLUMNS
    select_related = ("enterprise", "result__run__item__policy")
    default_sort = "-paid_on"
    secondary_sort = ("-id",)
    import_url_name = "policies:payment_import"

    def extra_context_data(self) -> dict[str, Any]:
        qs, _filterset = self.filtered()
        return {"totals": services.totals(qs)}


class PaymentImportView(ObjectImportView):
    model = Payment
    columns = importers.PAYMENT_COLUMNS
    examples = importers.PAYMENT_EXAMPLES
    import_service = services.payments_import
    list_url_name = "policies:payment_list"

    @classmethod
    def may_import(cls, user: Any) -> bool:
        return is_office(user)

    def can_edit(self) -> bool:
        return is_office(self.request.user)


class MinePageView(ScopedMixin, View):
    """A firm's page: the published policies, its own eligibility (each condition) and payments. Other roles
    see the results and payments of their scope."""

    model = EligibilityResult

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        results = list(selectors.firm_results(user).order_by("-run__run_on", "-pk")[:200])
        payments = list(selectors.firm_payments(user).order_by("-paid_on")[:200])
        policies = list(
            selectors.published_policies(user).annotate(item_count=Count("items"))[:100]
        )
        firm = firm_of(user)
        preview_year, preview = selectors.firm_preview(user, firm) if firm else (None, [])
        if results or preview:
            _audit_read(
                request,
                "policies.eligibilityresult",
                {"view": "mine", "count": len(results), "preview": len(preview)},
            )
        return render(
            request,
            "policies/mine.html",
            {
                "results": results,
                "payments": payments,
                "policies": policies,
                "is_firm": firm is not None,
                "preview": preview,
                "preview_year": preview_year,
            },
        )


# --- measures by class ----------------------------------------------------------------------------------


class MeasureRuleListView(OfficeWrites, ObjectListView):
    model = MeasureRule
    template_name = "policies/measure_list.html"
    filterset_class = MeasureRuleFilter
    columns = MEASURE_RULE_COLUMNS
    default_sort = "grade"
    secondary_sort = ("kind", "min_years")
    add_url_name = "policies:measure_add"


class MeasureRuleEditView(OfficeWrites, ObjectEditView):
    model = MeasureRule
    form_class = MeasureRuleForm

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        if self.object.pk:
            return services.measure_rule_update(
                rule=self.object,
                actor=self.request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        return services.measure_rule_create(actor=self.request.user, data=data)


class MeasureRuleDetailView(OfficeWrites, ObjectDetailView):
    """A measure with the firms it applies to in a year (in the user's scope), exportable for the utility or
    department that applies it."""

    model = MeasureRule
    template_name = "policies/measure_detail.html"

    def year(self, years: list[int]) -> int | None:
        raw = self.request.GET.get("year", "")
        if raw.isdigit() and int(raw) in years:
            return int(raw)
        return years[0] if years else None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        visible = selectors.figures_visible(request.user)
        years = selectors.class_years(request.user) if visible else []
        year = self.year(years)
        firms = selectors.measure_firms(self.object, year, request.user) if year else []
        if firms:
            refused = confidential_refusal(request)
            if refused is not None:
                return refused
        if request.GET.get("export") == "xlsx":
            header = [
                "统一社会信用代码",
                "企业名称",
                "所在区",
                "亩均等级",
                "连续年数",
                "措施类别",
                "措施",
                "执行单位",
                "年度",
            ]
            rule = self.object
            rows: Iterable[list[Any]] = [
                [
                    f.enterprise.uscc,
                    f.enterprise.name,
                    str(f.enterprise.region),
                    f.grade,
                    f.years_running,
                    rule.get_kind_display(),
                    rule.measure,
                    rule.applied_by,
                    year,
                ]
                for f in firms
            ]
            audit.record(
                actor=request.user,
                event_type="export",
                obj=rule,
                detail={"rows": len(firms), "year": year, "view": "measure firms"},
            )
            title = f"{rule.grade}类-{rule.get_kind_display()}-{year or ''}"
            return excel.xlsx_response(
                excel.export_workbook([(title, header, rows)]), f"{title}.xlsx"
            )
        if firms:
            _audit_read(
                request,
                "evaluation.evaluationresult",
                {"measure": self.object.pk, "year": year, "count": len(firms)},
            )
        context = {
            **self.meta(),
            "object": self.object,
            "can_edit": self.can_edit(),
            "years": years,
            "year": year,
            "firms": firms,
            "can_see_figures": visible,
        }
        return render(request, self.template_name, context)
