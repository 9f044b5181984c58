"""A crawler over the whole URLconf, for the sentinel tests (SECURITY.md AC3, DP4).

Every named URL pattern is found in get_resolver() by tests/scope_harness.py's route discovery, not listed
by hand, so a route added tomorrow is crawled tomorrow. Object ids are filled from the database: every
object of the view's model (`model`, or `admin_model` on the security-admin pages, or the DRF viewset's
queryset model); a route whose model cannot be told gets every id of the world's business objects. Each
page is fetched once, list pages (core's ObjectListView and every `*_list` route) also as an xlsx export
(?export=xlsx) and as an htmx partial; each API route as JSON and as the browsable HTML page. Bodies are
read as text, xlsx bodies by opening them with openpyxl and reading every cell.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse

from tests.scope_harness import Route, routes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_MODEL = 40  # reference tables (3,000 regions) are sampled; the test world is far smaller
# Apps whose rows are business data or accounts: the id pool for routes whose model is unknown.
POOL_APPS = (
    "accounts",
    "enterprises",
    "chains",
    "parks",
    "projects",
    "worklists",
    "chainmap",
    "core",
)
# Headers that carry fresh random text (could only ever match the sentinel by accident).
SKIP_HEADERS = {"x-request-id", "set-cookie", "vary"}


def _ids(model: type[models.Model]) -> list[int]:
    qs = model._base_manager.order_by("pk").values_list("pk", flat=True)
    total = qs.count()
    return list(qs[:PER_MODEL]) if total <= PER_MODEL else list(qs[:3])


def id_pool() -> list[int]:
    pool: set[int] = set()
    for label in POOL_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if model.__name__.startswith("Historical") or (
                label == "core" and model.__name__ != "Job"
            ):
                continue
            pool.update(pk for pk in _ids(model) if isinstance(pk, int))
    return sorted(pool)


def _parent_field(view: Any) -> str:
    return str(getattr(view, "parent_field", "") or "")


def kwargs_for(route: Route, pool: list[int], codes: list[str]) -> tuple[list[dict], list[str]]:
    """Every kwargs dict to request the route with, and the kwarg names nothing could fill."""
    keys = [k for k in route.keys if k != "format"]
    view, model = route.view, route.model
    if not keys:
        return [{}], []
    if keys == ["kind"]:  # the import endpoint: every registered import kind
        from chainleader.core.import_views import IMPORT_VIEWS

        return [{"kind": kind} for kind in sorted(IMPORT_VIEWS)], []
    unknown = [k for k in keys if not (k.endswith(("pk", "id")) or k == "code")]
    if unknown:
        return [], unknown
    if "code" in keys:
        others = [k for k in keys if k != "code"]
        if others:
            return [], others
        return [{"code": c} for c in codes], []
    parent_model = getattr(view, "parent_model", None)
    parent_field = _parent_field(view)
    if set(keys) == {"parent_pk", "pk"} and model is not None and parent_field:
        rows = model._base_manager.order_by("pk").values_list(f"{parent_field}_id", "pk")
        return [{"parent_pk": parent, "pk": pk} for parent, pk in rows[:PER_MODEL]], []
    if keys == ["parent_pk"] and parent_model is not None:
        return [{"parent_pk": pk} for pk in _ids(parent_model)], []
    if keys == ["pk"] and model is not None:
        return [{"pk": pk} for pk in _ids(model)], []
    # Unknown model, or two ids of unknown models: every id of the world in every slot.
    if len(keys) == 1:
        return [{keys[0]: pk} for pk in pool], []
    return [dict.fromkeys(keys, pk) for pk in pool] + [
        {keys[0]: a, keys[1]: b} for a in pool[:15] for b in pool[:15] if a != b
    ], []


def _reverse(route: Route, kwargs: dict) -> str | None:
    attempts = [kwargs]
    if "format" in route.keys:
        attempts = [{**kwargs, "format": "json"}, {**kwargs, "format": ".json"}]
    for attempt in attempts:
        try:
            return reverse(route.name, kwargs=attempt)
        except NoReverseMatch:
            continue
    return None


@dataclass(frozen=True)
class Request:
    route: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()


def requests(pool: list[int], codes: list[str]) -> tuple[list[Request], list[str]]:
    """Every GET the crawl makes, and the routes it could not fill (named with their kwargs)."""
    out: list[Request] = []
    skipped: list[str] = []
    found, _unnamed = routes()
    for route in found:
        fillings, unknown = kwargs_for(route, pool, codes)
        if unknown:
            skipped.append(f"{route.name} {unknown}")
            continue
        for kwargs in fillings:
            url = _reverse(route, kwargs)
            if url is None:
                continue
            out.append(Request(route.name, url))
            if route.is_api:
                if "format" not in route.keys:
                    out.append(Request(route.name, url + "?format=json"))
                    out.append(Request(route.name, url + "?format=api"))
                continue
            if route.is_list:
                out.append(Request(route.name, url + "?export=xlsx"))
                out.append(Request(route.name, url, (("HX-Request", "true"),)))
    return out, skipped


def body_text(resp: Any) -> str:
    """The response as text: headers and body; an xlsx body as the text of every cell."""
    head = "\n".join(f"{k}: {v}" for k, v in resp.headers.items() if k.lower() not in SKIP_HEADERS)
    raw = b"".join(resp.streaming_content) if getattr(resp, "streaming", False) else resp.content
    if resp.get("Content-Type", "").startswith(XLSX_TYPE):
        return head + "\n" + xlsx_text(raw)
    return head + "\n" + raw.decode("utf-8", errors="replace")


def xlsx_text(raw: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    cells = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells.extend(str(v) for v in row if v is not None)
    wb.close()
    return "\n".join(cells)


def crawl(client: Any, reqs: list[Request]) -> Iterator[tuple[Request, Any, str]]:
    for req in reqs:
        resp = client.get(req.url, headers=dict(req.headers))
        yield req, resp, body_text(resp)
