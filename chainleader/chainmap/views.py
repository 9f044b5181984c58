"""Chain-map pages (产业链图谱): the map, a segment's panel, the gap list, the comparison, edits, recompute, import."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainleader.chains.models import Chain
from chainleader.core import audit, excel
from chainleader.core.exceptions import ServiceError
from chainleader.core.jobs import job_create

from . import selectors, services, tasks
from .models import ChainMap, GraphImport, MapOverride

STATUS_COLOURS = {"优势": "#2fb344", "薄弱": "#f59f00", "缺失": "#adb5bd", "卡脖子": "#d63939"}
POSITION_LABELS = {
    "up": gettext_lazy("upstream"),
    "mid": gettext_lazy("midstream"),
    "down": gettext_lazy("downstream"),
}
GAP_STATUSES = ("卡脖子", "缺失", "薄弱")


def _editor(user: Any) -> bool:
    return getattr(user, "role", "") in settings.CHAINLEADER_EDITOR_ROLES


def _chain(request: HttpRequest, pk: int, *, write: bool = False) -> Chain:
    return get_object_or_404(
        Chain.objects.for_user(request.user, write=write).select_related("region"), pk=pk
    )


def _layout(segments: list[dict[str, Any]]) -> dict[str, Any]:
    """ECharts option: segments laid out upstream (left) → midstream → downstream (right), coloured by status."""
    columns: dict[float, list[dict[str, Any]]] = {}
    for seg in segments:
        x = {"up": -float(seg["depth"] or 1), "mid": 0.0, "down": float(seg["depth"] or 1)}[
            seg["position"]
        ]
        columns.setdefault(x, []).append(seg)
    nodes, links = [], []
    for x, segs in columns.items():
        for i, seg in enumerate(sorted(segs, key=lambda s: (s["order"], s["name"]))):
            nodes.append(
                {
                    "id": seg["id"],
                    "name": seg["name"],
                    "x": x * 300,
                    "y": i * 46 - len(segs) * 23,
                    "value": seg["status"],
                    "symbolSize": 18 + min(seg["local_firm_count"], 20),
                    "itemStyle": {"color": STATUS_COLOURS.get(seg["status"], "#888")},
                }
            )
            if seg.get("parent"):
                links.append({"source": seg["id"], "target": seg["parent"]})
    return {
        "tooltip": {"formatter": "{b}：{c}"},
        "toolbox": {
            "feature": {"saveAsImage": {"title": _("Save as PNG"), "pixelRatio": 2}, "restore": {}}
        },
        "legend": [{"data": list(STATUS_COLOURS)}],
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "roam": True,
                "draggable": False,
                "label": {"show": True, "position": "right", "fontSize": 12},
                "emphasis": {"focus": "adjacency"},
                "data": nodes,
                "links": links,
                "lineStyle": {"color": "#aaa", "curveness": 0.1},
            }
        ],
    }


class ChainMapView(LoginRequiredMixin, View):
    model = Chain  # the URL's pk is a chain's (the scope-matrix test finds this route through it)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        chain = _chain(request, pk)
        snapshot = (
            ChainMap.objects.for_user(request.user)
            .filter(chain=chain)
            .select_related("graph_import")
            .first()
        )
        segments = selectors.scoped_map_segments(snapshot, request.user) if snapshot else []
        for seg in segments:
            seg["position_label"] = str(POSITION_LABELS[seg["position"]])
        counts = {
            status: sum(1 for s in segments if s["status"] == status) for status in STATUS_COLOURS
        }
        context = {
            "chain": chain,
            "snapshot": snapshot,
            "segments": segments,
            "counts": counts,
            "completeness_pct": round(snapshot.completeness * 100, 1) if snapshot else None,
            "colours": STATUS_COLOURS,
            "option": _layout(segments) if segments else None,
            "can_edit": _editor(request.user),
            "overrides": MapOverride.objects.for_user(request.user).filter(
                chain=chain, active=True
            ),
            "override_form": OverrideForm(segments=segments),
            "job_id": request.GET.get("job"),
        }
        return render(request, "chainmap/chain_map.html", context)


class SegmentPanelView(LoginRequiredMixin, View):
    """The panel of one segment (htmx partial): status reason, local firms, outside candidates, products."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        chain = _chain(request, pk)
        snapshot = get_object_or_404(ChainMap.objects.for_user(request.user), chain=chain)
        key = request.GET.get("key", "")
        segment = next(
            (s for s in selectors.scoped_map_segments(snapshot, request.user) if s["id"] == key),
            None,
        )
        if segment is None:
            raise Http404
        return render(
            request,
            "chainmap/_segment_panel.html",
            {"chain": chain, "segment": segment, "colours": STATUS_COLOURS},
        )


class GapListView(LoginRequiredMixin, View):
    """Segments to act on (补链 / 延链 / 固链, and 强链 for the strong), with the reason; exportable."""

    model = Chain

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        chain = _chain(request, pk)
        snapshot = ChainMap.objects.for_user(request.user).filter(chain=chain).first()
        order = {s: i for i, s in enumerate((*GAP_STATUSES, "优势"))}
        segments = selectors.scoped_map_segments(snapshot, request.user) if snapshot else []
        rows = sorted(segments, key=lambda s: (order.get(s["status"], 9), s["order"]))
        if request.GET.get("export") == "xlsx":
            headers = [
                _("segment"),
                _("position"),
                _("status"),
                _("reason"),
                _("action"),
                _("why"),
                _("local firms"),
                _("national listed makers"),
                _("candidate firms"),
            ]
            data = [
                [
                    r["name"],
                    str(POSITION_LABELS[r["position"]]),
                    r["status"],
                    r["reason"],
                    r["action"],
                    r["action_reason"],
                    r["local_firm_count"],
                    r["national_firm_count"],
                    "、".join(c["name"] for c in r["candidates"][:10]),
                ]
                for r in rows
            ]
            audit.record(
                actor=request.user,
                event_type="export",
                obj=chain,
                detail={"rows": len(data), "what": "gap list"},
            )
            return excel.xlsx_response(
                excel.export_workbook([(str(_("gap list")), [str(h) for h in headers], data)]),
                f"{chain}-{_('gap list')}.xlsx",
            )
        return render(
            request,
            "chainmap/gap_list.html",
            {
                "chain": chain,
                "rows": rows,
                "snapshot": snapshot,
                "positions": POSITION_LABELS,
                "colours": STATUS_COLOURS,
            },
        )


class CompareView(LoginRequiredMixin, View):
    """All chains in scope side by side: completeness and gap counts."""

    def get(self, request: HttpRequest) -> HttpResponse:
        maps = (
            ChainMap.objects.for_user(request.user)
            .select_related("chain__region")
            .order_by("chain__level", "chain__order")
        )
        rows = []
        for m in maps:
            statuses = [s["status"] for s in m.segments]
            rows.append(
                {
                    "map": m,
                    "segments": len(statuses),
                    **{s: statuses.count(s) for s in STATUS_COLOURS},
                    "completeness": round(m.completeness * 100, 1),
                }
            )
        return render(
            request, "chainmap/compare.html", {"rows": rows, "statuses": list(STATUS_COLOURS)}
        )


class DeriveView(LoginRequiredMixin, View):
    """Recompute a chain's map in the background; the map page shows the progress."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not _editor(request.user):
            raise PermissionDenied
        chain = _chain(request, pk, write=True)
        job = job_create(kind="map_derive", actor=request.user)
        tasks.map_derive_task.enqueue([chain.pk], request.user.pk, job.pk)
        return redirect(f"{reverse('chainmap:chain_map', args=[chain.pk])}?job={job.pk}")


class OverrideForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("edit"), choices=MapOverride.Kind.choices)
    segment_key = forms.ChoiceField(label=gettext_lazy("segment"), required=False)
    name = forms.CharField(label=gettext_lazy("new name"), required=False, max_length=100)
    into = forms.ChoiceField(label=gettext_lazy("merge into"), required=False)
    position = forms.ChoiceField(
        label=gettext_lazy("position"),
        required=False,
        choices=[("", "—"), *POSITION_LABELS.items()],
    )
    product = forms.CharField(label=gettext_lazy("product"), required=False, max_length=200)
    note = forms.CharField(label=gettext_lazy("note"), required=False, max_length=200)

    def __init__(self, *args: Any, segments: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(s["id"], f"{POSITION_LABELS[s['position']]} · {s['name']}") for s in segments]
        self.fields["segment_key"].choices = [("", "—"), *choices]
        self.fields["into"].choices = [("", "—"), *choices]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


class OverrideAddView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not _editor(request.user):
            raise PermissionDenied
        chain = _chain(request, pk, write=True)
        snapshot = ChainMap.objects.filter(chain=chain).first()
        form = OverrideForm(request.POST, segments=snapshot.segments if snapshot else [])
        if not form.is_valid():
            messages.error(
                request, _("The edit was not saved: %(errors)s") % {"errors": form.errors.as_text()}
            )
            return redirect("chainmap:chain_map", pk=chain.pk)
        data = form.cleaned_data
        kind = data["kind"]
        key = data["segment_key"] or (
            f"team:{data['name']}" if kind == MapOverride.Kind.ADD else ""
        )
        value = {k: data[k] for k in ("name", "into", "position", "product", "note") if data.get(k)}
        if kind == MapOverride.Kind.ADD:
            value.setdefault("products", [data["product"]] if data.get("product") else [])
        try:
            services.map_override_add(
                chain=chain, actor=request.user, kind=kind, segment_key=key, value=value
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("chainmap:chain_map", pk=chain.pk)
        job = job_create(kind="map_derive", actor=request.user)
        tasks.map_derive_task.enqueue([chain.pk], request.user.pk, job.pk)
        messages.success(request, _("The edit is saved and the map is being derived again."))
        return redirect(f"{reverse('chainmap:chain_map', args=[chain.pk])}?job={job.pk}")


class OverrideRemoveView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int, override_pk: int) -> HttpResponse:
        if not _editor(request.user):
            raise PermissionDenied
        chain = _chain(request, pk, write=True)
        override = get_object_or_404(
            MapOverride.objects.for_user(request.user, write=True), chain=chain, pk=override_pk
        )
        services.map_override_remove(override=override, actor=request.user)
        job = job_create(kind="map_derive", actor=request.user)
        tasks.map_derive_task.enqueue([chain.pk], request.user.pk, job.pk)
        return redirect(f"{reverse('chainmap:chain_map', args=[chain.pk])}?job={job.pk}")


class LinkReviewView(LoginRequiredMixin, View):
    """Review screen: registry firms matched to a listed company only by a similar name (待确认)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        from django.core.paginator import Paginator

        from .models import CompanyLink

        pending = (
            CompanyLink.objects.for_user(request.user)
            .filter(status=CompanyLink.Status.PENDING)
            .select_related("enterprise__region", "company__industry")
            .order_by("-score", "enterprise__name")
        )
        page = Paginator(pending, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "chainmap/link_review.html",
            {"page_obj": page, "can_edit": _editor(request.user)},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        from .models import CompanyLink

        if not _editor(request.user):
            raise PermissionDenied
        link = get_object_or_404(
            CompanyLink.objects.for_user(request.user, write=True), pk=request.POST.get("link")
        )
        try:
            services.company_link_decide(
                link=link, actor=request.user, accept=request.POST.get("decision") == "confirm"
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Decision saved."))
            if request.POST.get("decision") == "confirm":
                # The firm's products changed: every chain map is derived again in the background.
                job = job_create(kind="map_derive", actor=request.user)
                tasks.map_derive_task.enqueue(None, request.user.pk, job.pk)
        return redirect("chainmap:link_review")


class GraphImportView(LoginRequiredMixin, View):
    """The admin page of the product graph: import from a folder in the background, then re-derive all maps."""

    roles = ("system_admin", "office")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and getattr(request.user, "role", "") not in self.roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "chainmap/graph_import.html",
            {
                "imports": GraphImport.objects.all()[:20],
                "default_path": settings.SHARED_DATA_DIR / "chainkg",
                "job_id": request.GET.get("job"),
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        path = (request.POST.get("path") or "").strip() or str(settings.SHARED_DATA_DIR / "chainkg")
        job = job_create(kind="graph_import", actor=request.user)
        tasks.graph_import_job_task.enqueue(path, request.user.pk, job.pk)
        return redirect(f"{reverse('chainmap:graph_import')}?job={job.pk}")


def option_json(option: dict[str, Any] | None) -> str:
    return json.dumps(option or {}, ensure_ascii=False)
