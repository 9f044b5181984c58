"""Loading the curated segment trees (chains/trees/<level>/<name>.yaml) into a chain's segments.

The file is the reviewed default; after loading, the office and the chain's team edit the segments in the UI
(versioned by django-simple-history, audited). A file is loaded when its version is newer than the one the chain
has (or with ``force``): segments are matched by their tree code (the node's path), so a renamed segment keeps its
placements and history; segments the file no longer names are removed, segments added by hand stay.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from chainleader.core import audit
from chainleader.engines.chain_map.tree import ChainTree, Node, load_tree_file
from chainleader.reference.models import Industry

from .models import Chain, Placement, Segment

TREES_DIR = Path(__file__).resolve().parent / "trees"


def tree_file(chain: Chain, folder: Path | None = None) -> Path:
    return (folder or TREES_DIR) / chain.level / f"{chain.name}.yaml"


def read_tree(path: Path) -> ChainTree:
    """Parse and check a tree file against the GB/T 4754-2017 codes the platform knows (TreeError lists all)."""
    codes = set(Industry.objects.values_list("code", flat=True))
    return load_tree_file(path, known_codes=codes or None)


def _fields(node: Node) -> dict[str, Any]:
    source = f"{node.strategic_item}：{node.strategic_source}" if node.strategic else ""
    return {
        "name": node.name,
        "position": node.position,
        "order": node.order,
        "kind": node.kind,
        "key_products": "、".join(node.products),
        "synonyms": "、".join(node.synonyms),
        "industry_codes": " ".join(node.codes),
        "keywords": "、".join(node.keywords),
        "key_technologies": "、".join(node.technologies),
        "excludes": "、".join(node.excludes),
        "strategic": node.strategic,
        "strategic_source": source[:300],
    }


@transaction.atomic
def tree_load(
    *, chain: Chain, tree: ChainTree, actor: Any = None, force: bool = False
) -> dict[str, int]:
    """Make the chain's segments follow the tree file; returns counts (created, updated, removed, kept)."""
    counts = {"created": 0, "updated": 0, "removed": 0, "kept": 0, "skipped": 0}
    if chain.tree_version >= tree.version and not force:
        counts["skipped"] = 1
        return counts
    segments = list(Segment.objects.filter(chain=chain).select_for_update())
    by_code = {s.code: s for s in segments if s.code}
    uncoded = {s.name: s for s in segments if not s.code}
    saved: dict[str, Segment] = {}
    for node in tree.nodes:  # parents come before their children
        obj = by_code.pop(node.path, None) or uncoded.pop(node.name, None)
        values = {**_fields(node), "code": node.path}
        parent = saved[node.parent] if node.parent else None
        if obj is None:
            obj = Segment.objects.create(chain=chain, parent=parent, **values)
            counts["created"] += 1
        else:
            changed = obj.parent_id != (parent.pk if parent else None) or any(
                getattr(obj, k) != v for k, v in values.items()
            )
            if changed:
                obj.parent = parent
                for k, v in values.items():
                    setattr(obj, k, v)
                obj.version += 1
                obj.save()
                counts["updated"] += 1
        saved[node.path] = obj
    # Segments the file no longer names go (with their automatic placements); hand-made ones with firms placed
    # by hand stay.
    manual = set(
        Placement.objects.filter(segment__chain=chain, method=Placement.Method.MANUAL).values_list(
            "segment_id", flat=True
        )
    )
    gone = list(by_code.values()) + [s for s in uncoded.values() if s.pk not in manual]
    counts["kept"] = sum(1 for s in uncoded.values() if s.pk in manual)
    for s in sorted(gone, key=lambda s: s.parent_id is None):  # children first
        Segment.objects.filter(pk=s.pk).delete()
        counts["removed"] += 1
    chain.tree_sources = "\n".join(tree.sources)
    chain.tree_note = tree.note
    chain.tree_version = tree.version
    chain.save(update_fields=["tree_sources", "tree_note", "tree_version", "updated_at"])
    audit.record(
        actor=actor,
        event_type="tree_load",
        obj=chain,
        detail={"version": tree.version, **{k: v for k, v in counts.items() if v}},
    )
    return counts
