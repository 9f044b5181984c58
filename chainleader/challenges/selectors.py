"""Reads of challenges, scenes and diagnoses: the per-chain counts and amounts of 揭榜挂帅, the suppliers the
matching engine suggests for a scene, the diagnosis funnel (diagnosed → projects → completed) per chain and
district, the digital titles' counts, and what the project page shows of a project born of a recommendation."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from chainleader.engines import matching as engine
from chainleader.enterprises.models import Enterprise, EnterpriseProduct
from chainleader.projects.models import STAGE_ORDER, Stage

from .models import (
    Challenge,
    ChallengeApplication,
    Diagnosis,
    DigitalTitle,
    Lab,
    Recommendation,
    Scene,
)

# --- 揭榜挂帅 per chain --------------------------------------------------------------------------------------

S = Challenge.Status
TAKEN = (S.IN_PROGRESS, S.ACCEPTED, S.FAILED)


def chain_summary(user: Any) -> list[dict[str, Any]]:
    """Per chain, in the user's scope: challenges published (ever out of draft and not withdrawn), taken (揭榜:
    a solver selected), accepted (验收 passed), their budget and contract amounts (万元), and applications."""
    rows = (
        Challenge.objects.for_user(user)
        .exclude(status__in=(S.DRAFT, S.WITHDRAWN))
        .values("chain_id", "chain__name")
        .annotate(
            published=Count("pk", distinct=True),
            taken=Count("pk", filter=Q(status__in=TAKEN), distinct=True),
            accepted=Count("pk", filter=Q(status=S.ACCEPTED), distinct=True),
            budget_wan=Sum("budget_wan"),
            contract_wan=Sum("contract_wan", filter=Q(status__in=TAKEN)),
        )
        .order_by("chain__name")
    )
    apps = dict(
        ChallengeApplication.objects.for_user(user)
        .exclude(status=ChallengeApplication.Status.WITHDRAWN)
        .values_list("challenge__chain_id")
        .annotate(n=Count("pk"))
        .values_list("challenge__chain_id", "n")
    )
    return [
        {
            "chain_id": r["chain_id"],
            "chain": r["chain__name"],
            "published": r["published"],
            "applications": apps.get(r["chain_id"], 0),
            "taken": r["taken"],
            "accepted": r["accepted"],
            "budget_wan": r["budget_wan"] or Decimal(0),
            "contract_wan": r["contract_wan"] or Decimal(0),
        }
        for r in rows
    ]


def totals(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: sum((r[k] for r in rows), Decimal(0) if k.endswith("_wan") else 0) for k in keys}


# --- scenes: suggested suppliers ----------------------------------------------------------------------------

SUGGESTIONS = 10


def _ranked(scene: Scene) -> list[tuple[int, str, float]]:
    """Every registry firm that lists a product, ranked by the matching engine's text similarity of its product
    names against the scene's title and need: (firm id, product text, score > 0). The TF-IDF is fitted on the whole
    registry, so a firm's score does not depend on who asks (suggestions and a stored application agree)."""
    products: dict[int, list[str]] = defaultdict(list)
    for firm, name in EnterpriseProduct.objects.values_list(
        "enterprise_id", "product__name"
    ).order_by("enterprise_id", "product__name"):
        products[firm].append(name)
    ids = sorted(products)
    if not ids:
        return []
    texts = [" ".join(products[i]) for i in ids]
    weights = engine.Weights(text=1.0, leaf=0.0, industry=0.0, distance=0.0, tier=0.0)
    result = engine.match(
        engine.Side(text=[f"{scene.title} {scene.sought}"]),
        engine.Side(text=texts),
        k=len(ids),
        weights=weights,
    )
    out = []
    for j in range(result.index.shape[1]):
        col = int(result.index[0, j])
        score = float(result.score[0, j])
        if col >= 0 and score > 0:
            out.append((ids[col], texts[col], round(score, 4)))
    return out


def suggestions(scene: Scene, user: Any, k: int = SUGGESTIONS) -> list[dict[str, Any]]:
    """The registry firms in the user's scope whose products best match what the scene seeks (character-bigram
    TF-IDF cosine, the matching engine's text component), with the score; the publisher itself is left out."""
    ranked = [r for r in _ranked(scene) if r[0] != scene.publisher_firm_id]
    seen = set(
        Enterprise.objects.for_user(user)
        .filter(pk__in=[r[0] for r in ranked])
        .values_list("pk", flat=True)
    )
    top = [r for r in ranked if r[0] in seen][:k]
    names = dict(Enterprise.objects.filter(pk__in=[r[0] for r in top]).values_list("pk", "name"))
    return [
        {"enterprise_id": pk, "name": names.get(pk, ""), "products": text, "score": score}
        for pk, text, score in top
    ]


def supplier_score(scene: Scene, supplier: Enterprise) -> float | None:
    """The same score for one supplier (None: it lists no product; 0: nothing in common)."""
    if not EnterpriseProduct.objects.filter(enterprise=supplier).exists():
        return None
    return next((score for pk, _t, score in _ranked(scene) if pk == supplier.pk), 0.0)


# --- diagnosis funnel ------------------------------------------------------------------------------------------

DONE = STAGE_ORDER[STAGE_ORDER.index(Stage.COMPLETED) :]


def _funnel(user: Any, key: str, name: str) -> list[dict[str, Any]]:
    diag = (
        Diagnosis.objects.for_user(user)
        .values(key, name)
        .annotate(firms=Count("enterprise", distinct=True), diagnoses=Count("pk", distinct=True))
    )
    rec_key = f"diagnosis__{key}"
    recs = {
        r[rec_key]: r
        for r in Recommendation.objects.for_user(user)
        .values(rec_key)
        .annotate(
            recommendations=Count("pk", distinct=True),
            projects=Count("project", distinct=True),
            completed=Count("project", filter=Q(project__stage__in=DONE), distinct=True),
            investment_yi=Sum("project__total_investment_yi"),
        )
    }
    out = []
    for r in diag.order_by(name):
        rec = recs.get(r[key], {})
        out.append(
            {
                "key": r[key],
                "name": r[name] or _("(not placed on a chain)"),
                "firms": r["firms"],
                "diagnoses": r["diagnoses"],
                "recommendations": rec.get("recommendations", 0),
                "projects": rec.get("projects", 0),
                "completed": rec.get("completed", 0),
                "investment_yi": rec.get("investment_yi") or Decimal(0),
            }
        )
    return out


def funnel_by_district(user: Any) -> list[dict[str, Any]]:
    """Per district (the firm's registered county): firms diagnosed, recommendations, projects, completed."""
    return _funnel(user, "enterprise__region__code", "enterprise__region__name")


def funnel_by_chain(user: Any) -> list[dict[str, Any]]:
    """Per chain the firm is placed on (a firm on two chains counts on each)."""
    return _funnel(
        user,
        "enterprise__placements__segment__chain_id",
        "enterprise__placements__segment__chain__name",
    )


def funnel_totals(user: Any) -> dict[str, Any]:
    diag = Diagnosis.objects.for_user(user)
    recs = Recommendation.objects.for_user(user)
    projects = recs.exclude(project=None)
    return {
        "firms": diag.values("enterprise").distinct().count(),
        "diagnoses": diag.count(),
        "recommendations": recs.count(),
        "projects": projects.values("project").distinct().count(),
        "completed": projects.filter(project__stage__in=DONE).values("project").distinct().count(),
    }


def title_counts(user: Any) -> list[dict[str, Any]]:
    """智能工厂 / 数字化车间 / 自动化产线 held by firms in scope, per kind and level."""
    counts = {
        (r["kind"], r["level"]): r["n"]
        for r in DigitalTitle.objects.for_user(user).values("kind", "level").annotate(n=Count("pk"))
    }
    out = []
    for kind, kind_label in DigitalTitle.Kind.choices:
        row: dict[str, Any] = {"kind": kind, "label": kind_label, "total": 0}
        for level, _level_label in DigitalTitle.Level.choices:
            row[level] = counts.get((kind, level), 0)
            row["total"] += row[level]
        out.append(row)
    return out


def lab_counts(user: Any) -> dict[str, int]:
    return dict(Lab.objects.for_user(user).values_list("kind").annotate(n=Count("pk")))


# What the seed documents report (facts, not the platform's own counts): shown beside the counts, with the source.
SEED_FACTS: tuple[tuple[str, int, str], ...] = (
    ("diagnosed", 445, "004"),
    ("projects", 14, "004"),
    ("innovation_labs", 11, "004"),
    ("scene_labs", 23, "004"),
    ("scenes_2021", 211, "000"),
    ("challenges_solved_2021", 49, "000"),
    ("provincial_smart_titles_2021", 13, "000"),
    ("city_smart_factories", 41, "002"),
    ("city_workshops_and_lines", 410, "002"),
)


# --- the project page (projects.hooks.project_origins) -----------------------------------------------------


def project_origins(user: Any, project: Any) -> list[dict[str, Any]]:
    """The recommendations a project came from, as the user sees them: label, text, url."""
    rows = (
        Recommendation.objects.for_user(user)
        .filter(project=project)
        .select_related("diagnosis__enterprise")
        .order_by("pk")
    )
    return [
        {
            "label": _("Digital diagnosis"),
            "text": f"{r.diagnosis.enterprise.name} · {r.diagnosis.diagnosed_on:%Y-%m-%d} · {r.text}",
            "url": reverse("challenges:diagnosis_detail", args=[r.diagnosis_id]),
        }
        for r in rows
    ]
