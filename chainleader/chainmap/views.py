"""Chain-map pages (产业链图谱): the map on the chain's tree, a segment's panel, the gap list, the comparison,
re-derivation, the review of placements and listed-company matches, and the graph import.

Every view is a declaration on core's scoped views (``model`` names what the URL's pk is), so the generated
scope matrix and the sentinel crawl cover each route."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from chainleader.chains.models import Chain, Placement, Segment
from chainleader.core import audit, excel
from chainleader.core.exceptions import ServiceError
from chainleader.core.views import ScopedMixin

from . import selectors, services
from .charts import GAP_ORDER, STATUS_COLOURS, map_option, status_label
from .models import ChainMap, CompanyLink, GraphImport

POSITIONS = tuple(Segment.Position.choices)


_snapshot = selectors.snapshot_for


class ChainMapView(ScopedMixin, View):
    """The map: three columns (上游 · 中游 · 下游) from the tree, links between leaves, a panel per segment."""

    model = Chain

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        chain = self.get_object()
        snapshot = _snapshot(request.user, chain)
        rows = selectors.tree_rows(request.user, chain, snapshot)
        leaves = [r for r in rows if r["is_leaf"]]
        counts = [
            (status_label(s), STATUS_COLOURS[s], sum(1 for r in leaves if r.get("status") == s))
            for s in GAP_ORDER
        ]
        columns = [(label, [r for r in rows if r["position"] == pos]) for pos, label in POSITIONS]
        pending = sum(r.get("pending_count", 0) for r in leaves)
        context = {
            "chain": chain,
            "snapshot": snapshot,
            "rows": rows,
            "columns": columns,
            "counts": counts,
            "pending": pending,
            "completeness_pct": round(snapshot.completeness * 100, 1) if snapshot else None,
            "option": map_option(rows, snapshot.edges if snapshot else []) if rows else None,
            "edges": snapshot.edges if snapshot else [],
            "names": {r["id"]: r["name"] for r in rows},
            "can_edit": self.can_edit(),
            "job_id": request.GET.get("job"),
        }
        return render(request, "chainmap/chain_map.html", context)


class SegmentPanelView(ScopedMixin, View):
    """One segment's panel (htmx partial): status and reason, local firms with evidence, national producers,
    candidates with why they fit, products, links, edit history."""

    model = Segment

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        segment = self.get_object()
        chain = segment.chain
        snapshot = _snapshot(request.user, chain)
        row: dict[str, Any] = {}
        if snapshot is not None:
            row = next(
                (
                    s
                    for s in selectors.scoped_map_segments(snapshot, request.user)
                    if s["id"] == segment.pk
                ),
                {},
            )
        if row.get("output_share") is not None:
            row["output_share_pct"] = round(100 * row["output_share"], 1)
        names = dict(
            Segment.objects.for_user(request.user).filter(chain=chain).values_list("pk", "name")
        )
        links_in = [
            {**e, "name": names.get(e["source"], "")}
            for e in (snapshot.edges if snapshot else [])
            if e["target"] == segment.pk
        ]
        links_out = [
            {**e, "name": names.get(e["target"], "")}
            for e in (snapshot.edges if snapshot else [])
            if e["source"] == segment.pk
        ]
        history = segment.history.select_related("history_user").order_by("-history_date")[:5]
        return render(
            request,
            "chainmap/_segment_panel.html",
            {
                "chain": chain,
                "segment": segment,
                "row": row,
                "status_label": status_label(row.get("status", "")),
                "colour": STATUS_COLOURS.get(row.get("status", ""), "#e9ecef"),  # type: ignore[call-overload]
                "links_in": links_in,
                "links_out": links_out,
                "history": history,
                "can_edit": self.can_edit(),
            },
        )


class GapListView(ScopedMixin, View):
    """Leaves to act on (卡脖子 / 缺失 / 薄弱, then 优势), with the reason and the action; exportable."""

    model = Chain

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        chain = self.get_object()
        snapshot = _snapshot(request.user, chain)
        rows = selectors.gap_rows(request.user, chain, snapshot)
        positions = dict(POSITIONS)
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
                    str(positions[r["position"]]),
                    r["status_label"],
                    r["reason"],
                    r["action"],
                    r["action_reason"],
                    r.get("local_firm_count", 0),
                    r.get("national_firm_count", 0),
                    "、".join(c["name"] for c in r.get("candidates", [])[:10]),
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
            {"chain": chain, "rows": rows, "snapshot": snapshot, "positions": positions},
        )


class CompareView(ScopedMixin, View):
    """All chains in scope side by side: leaves per status and completeness."""

    model = ChainMap

    def get(self, request: HttpRequest) -> HttpResponse:
        maps = (
            self.get_queryset()
            .select_related("chain__region")
            .order_by("chain__level", "chain__order")
        )
        rows = []
        for m in maps:
            leaves = [s for s in m.segments if s.get("is_leaf") and s.get("status")]
            rows.append(
                {
                    "map": m,
                    "segments": len(leaves),
                    "counts": [sum(1 for s in leaves if s["status"] == st) for st in GAP_ORDER],
                    "completeness": round(m.completeness * 100, 1),
                }
            )
        return render(
            request,
            "chainmap/compare.html",
            {"rows": rows, "statuses": [(status_label(s), STATUS_COLOURS[s]) for s in GAP_ORDER]},
        )


class DeriveView(ScopedMixin, View):
    """Derive a chain's map again in the background; the map page shows the progress."""

    model = Chain
    write = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A confirmation page (the button posts); a reader's role is refused first, out of scope is 404."""
        self.require_editor()
        chain = self.get_object()
        return render(
            request,
            "chainmap/confirm.html",
            {"chain": chain, "action": "derive", "can_edit": self.can_edit()},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.require_editor()
        chain = self.get_object()
        job = services.map_derive_enqueue(chains=[chain], actor=request.user)
        if job is None:
            messages.error(request, _("The product graph is empty: import it first."))
            return redirect("chainmap:chain_map", pk=chain.pk)
        return redirect(f"{reverse('chainmap:chain_map', args=[chain.pk])}?job={job}")


class PlacementReviewView(ScopedMixin, View):
    """Confirm or reject an automatic placement; the decision survives every re-derivation."""

    model = Placement
    write = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The placement with its evidence and the two buttons; a reader's role is refused first, out of scope
        is 404."""
        self.require_editor()
        placement = self.get_object()
        return render(
            request,
            "chainmap/confirm.html",
            {
                "chain": placement.segment.chain,
                "placement": placement,
                "action": "review",
                "can_edit": self.can_edit(),
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.require_editor()
        placement = self.get_object()
        try:
            services.placement_decide(
                placement=placement,
                actor=request.user,
                accept=request.POST.get("decision") == "confirm",
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Decision saved."))
            services.map_derive_enqueue(chains=[placement.segment.chain], actor=request.user)
        back = request.POST.get("next") or reverse("chainmap:link_review")
        return redirect(back if back.startswith("/") and not back.startswith("//") else "/")


class LinkReviewView(ScopedMixin, View):
    """Review screen: placements below the confidence threshold, and registry firms matched to a listed company
    only by a similar name (待确认)."""

    model = CompanyLink

    def get(self, request: HttpRequest) -> HttpResponse:
        pending = (
            self.get_queryset()
            .filter(status=CompanyLink.Status.PENDING)
            .select_related("enterprise__region", "company__industry")
            .order_by("-score", "enterprise__name_sort")
        )
        placements = (
            Placement.objects.for_user(request.user)
            .filter(review=Placement.Review.PENDING)
            .select_related("segment__chain__region", "enterprise")
            .order_by("segment__chain__level", "segment__chain__order", "segment__name", "-score")
        )
        return render(
            request,
            "chainmap/link_review.html",
            {
                "page_obj": Paginator(pending, 50).get_page(request.GET.get("page")),
                "placements": Paginator(placements, 50).get_page(request.GET.get("ppage")),
                "can_edit": self.can_edit(),
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        self.require_editor()
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
                services.map_derive_enqueue(chains=None, actor=request.user)
        return redirect("chainmap:link_review")


class GraphImportView(ScopedMixin, View):
    """The admin page of the product graph: import from a folder in the background, then re-derive all maps.

    The folder lies inside settings.CHAINLEADER_GRAPH_IMPORT_ROOT: a path elsewhere is refused with one
    message whether or not it exists, and every refused or failed import is audited (issue 13 item 7)."""

    model = GraphImport
    roles = ("system_admin", "office")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and getattr(request.user, "role", "") not in self.roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def page(self, request: HttpRequest, *, folder: str = "", error: str = "") -> HttpResponse:
        from .importer import files

        return render(
            request,
            "chainmap/graph_import.html",
            {
                "imports": GraphImport.objects.for_user(request.user)[:20],
                "import_root": files.import_root(),
                "default_path": folder or files.DEFAULT_FOLDER,
                "job_id": request.GET.get("job"),
                "error": error,
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        from chainleader.core.jobs import job_create
        from chainleader.core.models import AuditEvent

        from . import tasks
        from .importer import import_folder

        given = (request.POST.get("path") or "").strip()
        folder = import_folder(given)
        if folder is None:
            audit.record(
                actor=request.user,
                event_type="import",
                object_type="chainmap.graphimport",
                outcome=AuditEvent.Outcome.FAILURE,
                detail={"folder": given[:200], "reason": "not a folder in the import directory"},
            )
            error = _("Give the name of a folder in the import directory.")
            return self.page(request, folder=given[:200], error=error)
        job = job_create(kind="graph_import", actor=request.user)
        tasks.graph_import_job_task.enqueue(str(folder), request.user.pk, job.pk)
        return redirect(f"{reverse('chainmap:graph_import')}?job={job.pk}")
