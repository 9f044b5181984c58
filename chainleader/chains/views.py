"""Chain and segment pages: declarations on core's generic views; every queryset is for_user()."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from chainleader.core.import_views import ObjectImportView
from chainleader.core.views import (
    ChildDeleteView,
    ChildEditView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
)
from chainleader.enterprises.models import Enterprise

from . import hooks, importers, services
from .filters import ChainFilter, SegmentFilter
from .forms import ChainForm, ChainTargetForm, PlacementForm, SegmentForm
from .models import Chain, ChainTarget, Placement, Segment
from .tables import CHAIN_COLUMNS, CHAIN_EXPORT_COLUMNS, SEGMENT_COLUMNS, SEGMENT_EXPORT_COLUMNS


class ChainListView(ObjectListView):
    model = Chain
    filterset_class = ChainFilter
    columns = CHAIN_COLUMNS
    export_columns = CHAIN_EXPORT_COLUMNS
    select_related = ("region", "lead_department")
    default_sort = ""
    add_url_name = "chains:chain_add"
    import_url_name = "chains:chain_import"


class ChainDetailView(ObjectDetailView):
    model = Chain
    template_name = "chains/chain_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("region", "lead_department", "team")

    def extra_context_data(self) -> dict[str, Any]:
        user = self.request.user
        chain = self.object
        placements = (
            Placement.objects.for_user(user)
            .exclude(review__in=(Placement.Review.PENDING, Placement.Review.REJECTED))
            .select_related("enterprise")
            .order_by("role", "enterprise__name_sort")
        )
        segments = list(
            Segment.objects.for_user(user)
            .filter(chain=chain)
            .prefetch_related(Prefetch("placements", queryset=placements))
            .order_by("order", "pk")
        )
        children: dict[int | None, list[Segment]] = {}
        for seg in segments:
            children.setdefault(seg.parent_id, []).append(seg)
        for seg in segments:
            seg.child_list = children.get(seg.pk, [])  # type: ignore[attr-defined]
        columns = [
            (label, [s for s in children.get(None, []) if s.position == pos])
            for pos, label in Segment.Position.choices
        ]
        badges = hooks.segment_badges(user, chain)  # the chain map's status of each segment
        for seg in segments:
            seg.map_status, seg.map_colour = badges.get(seg.pk, ("", ""))  # type: ignore[attr-defined]
        return {
            "segment_columns": columns,
            "targets": ChainTarget.objects.for_user(user).filter(chain=chain),
            "target_links": hooks.target_links(user, chain),  # the indicator system's view of them
            "masters": Enterprise.objects.for_user(user).filter(mastered_chains=chain),
            "parks": chain.parks.for_user(user),
            "firm_count": Enterprise.objects.for_user(user)
            .filter(placements__segment__chain=chain)
            .distinct()
            .count(),
        }


class ChainEditView(ObjectEditView):
    model = Chain
    form_class = ChainForm


class ChainDeleteView(ObjectDeleteView):
    model = Chain
    success_url_name = "chains:chain_list"


class ChainHistoryView(ObjectHistoryView):
    model = Chain


class ChainImportView(ObjectImportView):
    model = Chain
    columns = importers.CHAIN_COLUMNS
    examples = importers.CHAIN_EXAMPLES
    import_service = services.chain_import
    list_url_name = "chains:chain_list"


class ChainTargetEditView(ChildEditView):
    model = ChainTarget
    form_class = ChainTargetForm
    parent_model = Chain
    parent_field = "chain"


class ChainTargetDeleteView(ChildDeleteView):
    model = ChainTarget
    parent_model = Chain
    parent_field = "chain"


POSITION_RANK = {"up": 0, "mid": 1, "down": 2}


def tree_order(segments: list[Segment]) -> list[Segment]:
    """Depth first: each root (by chain, position, order) followed by its children, parents always first."""
    children: dict[int | None, list[Segment]] = {}
    present = {s.pk for s in segments}
    for s in segments:
        parent = s.parent_id if s.parent_id in present else None
        children.setdefault(parent, []).append(s)

    def key(s: Segment) -> tuple[Any, ...]:
        return (s.chain_id, POSITION_RANK.get(s.position, 9), s.order, s.pk)

    out: list[Segment] = []
    stack = sorted(children.get(None, []), key=key, reverse=True)
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(sorted(children.get(node.pk, []), key=key, reverse=True))
    return out


class SegmentListView(ObjectListView):
    model = Segment
    filterset_class = SegmentFilter
    columns = SEGMENT_COLUMNS
    export_columns = SEGMENT_EXPORT_COLUMNS
    select_related = ("chain__region", "parent")
    default_sort = ""
    import_url_name = "chains:segment_import"

    def export_objects(self, qs: Any) -> Any:
        """Unless the user sorted the list, a segment comes after its parent, chains in their order and the
        tree up → mid → down: the file imports back into an empty chain (a parent row before its children)."""
        if self.sort_key():
            return super().export_objects(qs)
        return tree_order(list(qs))


class SegmentDetailView(ObjectDetailView):
    model = Segment
    template_name = "chains/segment_detail.html"

    def get_queryset(self) -> Any:
        return self.scoped().select_related("chain__region", "parent")

    def extra_context_data(self) -> dict[str, Any]:
        user = self.request.user
        return {
            "placements": Placement.objects.for_user(user)
            .filter(segment=self.object)
            .filter(enterprise__in=Enterprise.objects.for_user(user))
            .select_related("enterprise__region"),
            "children": Segment.objects.for_user(user).filter(parent=self.object),
        }


class SegmentEditView(ChildEditView):
    """Add a segment under a chain (parent_pk = chain) or edit one."""

    model = Segment
    form_class = SegmentForm
    parent_model = Chain
    parent_field = "chain"

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        # segment_save tells the chain map (chains.hooks.tree_changed) that the tree changed.
        return services.segment_save(
            segment=self.object,
            actor=self.request.user,
            data=data,
            expected_version=form.cleaned_data.get("version"),
        )


class SegmentDeleteView(ChildDeleteView):
    model = Segment
    parent_model = Chain
    parent_field = "chain"


class SegmentHistoryView(ObjectHistoryView):
    model = Segment


class SegmentImportView(ObjectImportView):
    model = Segment
    columns = importers.SEGMENT_COLUMNS
    examples = importers.SEGMENT_EXAMPLES
    import_service = services.segment_import
    list_url_name = "chains:segment_list"


class PlacementAddView(ChildEditView):
    model = Placement
    form_class = PlacementForm
    parent_model = Segment
    parent_field = "segment"

    def save(self, form: Any) -> Any:
        data, _m2m = form.data_for_service()
        services.segment_place_firm(segment=self.parent, actor=self.request.user, data=data)
        return self.parent


class PlacementDeleteView(ChildDeleteView):
    model = Placement
    parent_model = Segment
    parent_field = "segment"
