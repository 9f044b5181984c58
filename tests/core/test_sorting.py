"""Pinyin order (issue 11 item 5): lists sort Chinese names 阿… < 北… < 青… < 中…, not by code point."""

from __future__ import annotations

import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chainleader.core.sorting import fill_sort_keys, pinyin_key, sort_key_path
from chainleader.core.views import ObjectListView
from chainleader.enterprises.models import Enterprise
from chainleader.projects.models import Problem, Project
from tests.factories import (
    ChainFactory,
    EnterpriseFactory,
    LandZoneFactory,
    ParkFactory,
    make_uscc,
    region,
)
from tests.projects.factories import BatchFactory, ProblemFactory, ProjectFactory, WorkItemFactory

# Created in this order, so that neither the primary key nor the code point (中 U+4E2D < 北 U+5317 < 阿 U+963F
# < 青 U+9752) gives the pinyin order.
CREATED = ["青", "中", "阿", "北"]
PINYIN = ["阿", "北", "青", "中"]


# ------------------------------------------------------------------------------------------------ the key


def test_key_orders_chinese_by_pinyin_not_code_point():
    names = [f"{c}岛科技有限公司" for c in CREATED]
    assert [n[0] for n in sorted(names, key=pinyin_key)] == PINYIN
    assert [n[0] for n in sorted(names)] != PINYIN  # what the database did before


def test_key_spelling():
    assert pinyin_key("青岛啤酒") == "qing dao pi jiu"
    assert (
        pinyin_key("重庆银行") == "chong qing yin hang"
    )  # the reading in context (pypinyin's default)
    assert (
        pinyin_key("青岛ABC（崂山）") == "qing dao abc lao shan"
    )  # ASCII kept, case-folded; brackets drop out
    assert (
        pinyin_key("ＡＢＣ３Ｄ打印") == pinyin_key("abc3d打印") == "abc3d da yin"
    )  # full width as ASCII
    assert pinyin_key("绿色") == "lv se"
    assert pinyin_key("") == pinyin_key(None) == ""
    assert len(pinyin_key("长" * 300)) == 255


def test_key_compares_syllable_by_syllable():
    # 西安 (xi an) before 先锋 (xian feng): the separator sorts below every letter.
    assert sorted(["先锋", "西安"], key=pinyin_key) == ["西安", "先锋"]
    # Letters and digits among Chinese names: 3D < 阿 (a) < Apple < 北 (bei).
    assert sorted(["北方", "Apple", "阿里", "3D打印"], key=pinyin_key) == [
        "3D打印",
        "阿里",
        "Apple",
        "北方",
    ]


# ------------------------------------------------------------------------------------------- write paths


@pytest.mark.django_db
def test_save_and_create_set_the_key():
    firm = EnterpriseFactory(name="中车青岛四方")
    assert firm.name_sort == "zhong che qing dao si fang"
    firm.name = "阿里"
    firm.save()
    firm.refresh_from_db()
    assert firm.name_sort == "a li"


@pytest.mark.django_db
def test_bulk_created_rows_have_their_key():
    Enterprise.objects.bulk_create(
        [
            Enterprise(uscc=make_uscc(900001), name="青岛港", region=region("370211")),
            Enterprise(uscc=make_uscc(900002), name="北汽", region=region("370211")),
        ]
    )
    stored = dict(Enterprise.objects.values_list("name", "name_sort"))
    assert stored == {"青岛港": "qing dao gang", "北汽": "bei qi"}


@pytest.mark.django_db
def test_import_write_paths_keep_the_key(office_user):
    """bulk_create_with_history / bulk_update_with_history, as the Excel imports write: no key set by hand."""
    rows = [
        Enterprise(uscc=make_uscc(900010 + i), name=f"{c}企业", region=region("370211"))
        for i, c in enumerate(CREATED)
    ]
    bulk_create_with_history(rows, Enterprise, default_user=office_user)
    assert list(Enterprise.objects.order_by("name_sort").values_list("name", flat=True)) == [
        f"{c}企业" for c in PINYIN
    ]
    firms = list(Enterprise.objects.filter(name="中企业"))
    firms[0].name = "阿阿企业"
    bulk_update_with_history(firms, Enterprise, ["name"], default_user=office_user)
    assert Enterprise.objects.get(pk=firms[0].pk).name_sort == "a a qi ye"
    # The history keeps the name, not the key.
    assert "name_sort" not in {f.name for f in Enterprise.history.model._meta.fields}

    project = ProjectFactory(name="青岛项目")
    Project.objects.filter(pk=project.pk).update(name="北京项目")
    assert Project.objects.get(pk=project.pk).name_sort == "bei jing xiang mu"
    problem = ProblemFactory(title="中间问题")
    problem.title = "阿问题"
    Problem.objects.bulk_update([problem], ["title"])
    assert Problem.objects.get(pk=problem.pk).title_sort == "a wen ti"


# ------------------------------------------------------------------------------- keys for existing rows


@pytest.mark.django_db
def test_fill_sort_keys_computes_missing_and_stale_keys_in_batches():
    for i, c in enumerate(CREATED):
        EnterpriseFactory(name=f"{c}{i}公司")
    Enterprise.objects.update(name_sort="")  # rows written before the key existed
    Enterprise.objects.filter(name__startswith="中").update(name_sort="stale")
    assert fill_sort_keys(Enterprise, "name", batch_size=3) == 4
    assert dict(Enterprise.objects.values_list("name", "name_sort")) == {
        "青0公司": "qing 0 gong si",
        "中1公司": "zhong 1 gong si",
        "阿2公司": "a 2 gong si",
        "北3公司": "bei 3 gong si",
    }
    assert fill_sort_keys(Enterprise, "name") == 0  # nothing left to change


@pytest.mark.django_db
def test_the_migration_fills_every_model_of_its_app():
    EnterpriseFactory(name="青岛啤酒")
    ProjectFactory(name="中德生态园项目")
    Enterprise.objects.update(name_sort="")
    Project.objects.update(name_sort="")
    for module in (
        "chainleader.enterprises.migrations.0004_pinyin_sort_key",
        "chainleader.projects.migrations.0003_pinyin_sort_key",
    ):
        importlib.import_module(module).fill(apps, None)
    assert Enterprise.objects.get().name_sort == "qing dao pi jiu"
    assert Project.objects.get().name_sort == "zhong de sheng tai yuan xiang mu"


# -------------------------------------------------------------------------------------------- list pages


def _names(resp, attr: str) -> list[str]:
    return [getattr(obj, attr) for obj, _cells in resp.context["rows"]]


LISTS = [
    # url name, factory, field shown, sort key
    (
        "enterprises:enterprise_list",
        lambda c: EnterpriseFactory(name=f"{c}企业"),
        "name",
        "name_sort",
    ),
    ("projects:project_list", lambda c: ProjectFactory(name=f"{c}项目"), "name", "name_sort"),
    ("chains:chain_list", lambda c: ChainFactory(name=f"{c}产业链"), "name", "name_sort"),
    ("parks:park_list", lambda c: ParkFactory(name=f"{c}园区"), "name", "name_sort"),
    ("parks:landzone_list", lambda c: LandZoneFactory(name=f"{c}集聚区"), "name", "name_sort"),
    ("projects:problem_list", lambda c: ProblemFactory(title=f"{c}问题"), "title", "title_sort"),
    ("worklists:item_list", lambda c: WorkItemFactory(title=f"{c}任务"), "title", "title_sort"),
    ("projects:batch_list", lambda c: BatchFactory(name=f"{c}开工"), "name", "name_sort"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "make", "attr", "key"), LISTS, ids=[x[0] for x in LISTS])
def test_list_sorted_by_name_is_in_pinyin_order_both_ways(
    client, office_user, url_name, make, attr, key
):
    made = {getattr(make(c), attr) for c in CREATED}
    client.force_login(office_user)
    url = reverse(url_name)
    for sort, expected in ((key, PINYIN), (f"-{key}", PINYIN[::-1])):
        resp = client.get(url, {"sort": sort})
        assert resp.status_code == 200
        assert resp.context["sort"] == sort  # the column offers this sort
        shown = [n for n in _names(resp, attr) if n in made]
        assert [n[0] for n in shown] == expected, (sort, shown)


@pytest.mark.django_db
def test_enterprise_list_starts_in_pinyin_order(client, office_user):
    for c in CREATED:
        EnterpriseFactory(name=f"{c}企业")
    client.force_login(office_user)
    resp = client.get(reverse("enterprises:enterprise_list"))
    assert [n[0] for n in _names(resp, "name")] == PINYIN


def _list_views() -> list[type[ObjectListView]]:
    found, todo = [], list(ObjectListView.__subclasses__())
    while todo:
        view = todo.pop()
        todo.extend(view.__subclasses__())
        if getattr(view, "model", None) is not None and view.columns:
            found.append(view)
    return found


def test_no_list_column_sorts_a_name_by_code_point():
    """Every sortable column over a field that has a pinyin key sorts by the key (a new list cannot forget)."""
    importlib.import_module("chainleader.urls")  # every app's views
    views = _list_views()
    assert len(views) > 10
    for view in views:
        for column in view.columns:
            if column.order_by:
                assert sort_key_path(view.model, column.order_by) == column.order_by, (
                    view.__name__,
                    column.order_by,
                )


# ------------------------------------------------------------------------------------------------- API


def test_sort_key_path_follows_relations():
    from chainleader.evaluation.models import EvaluationResult

    assert sort_key_path(Enterprise, "name") == "name_sort"
    assert sort_key_path(Enterprise, "-name") == "-name_sort"
    assert sort_key_path(Enterprise, "park__name") == "park__name_sort"
    assert sort_key_path(EvaluationResult, "-enterprise__name") == "-enterprise__name_sort"
    assert sort_key_path(Problem, "title") == "title_sort"
    assert sort_key_path(Enterprise, "uscc") == "uscc"
    assert sort_key_path(Enterprise, "not_a_field__name") == "not_a_field__name"


@pytest.mark.django_db
def test_api_ordering_by_name_is_pinyin(office_user):
    for c in CREATED:
        EnterpriseFactory(name=f"{c}企业")
    api = APIClient()
    api.force_authenticate(office_user)
    for ordering, expected in (("name", PINYIN), ("-name", PINYIN[::-1])):
        rows = api.get("/api/enterprises/", {"ordering": ordering}).json()["results"]
        assert [r["name"][0] for r in rows] == expected


@pytest.mark.django_db
def test_refresh_sort_keys_command_recomputes_every_model():
    EnterpriseFactory(name="青岛啤酒")
    ProblemFactory(title="北区问题")
    Enterprise.objects.update(name_sort="old")
    Problem.objects.update(title_sort="old")
    out = io.StringIO()
    call_command("refresh_sort_keys", stdout=out)
    assert "enterprises.Enterprise.name_sort: 1" in out.getvalue()
    assert "projects.Problem.title_sort: 1" in out.getvalue()
    assert Enterprise.objects.get().name_sort == "qing dao pi jiu"
    assert Problem.objects.get().title_sort == "bei qu wen ti"


@pytest.mark.django_db
def test_keys_compare_bytewise_in_the_database():
    """西安站 (xi an zhan) before 先歌 (xian ge): a locale collation that skipped the spaces would swap them."""
    EnterpriseFactory(name="先歌")
    EnterpriseFactory(name="西安站")
    assert list(Enterprise.objects.order_by("name_sort").values_list("name", flat=True)) == [
        "西安站",
        "先歌",
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT collation_name FROM information_schema.columns "
                "WHERE table_name = 'enterprises_enterprise' AND column_name = 'name_sort'"
            )
            assert cursor.fetchone()[0] == "C"


@pytest.mark.parametrize(
    "name",
    [
        "重庆银行股份有限公司",
        "长春长生生物科技有限责任公司",
        "中国银行股份有限公司青岛分行",
        "西安先锋",
        "青岛ABC（崂山）",
        "调味品行业",
    ],
)
def test_word_by_word_keys_equal_pypinyins_reading_of_the_whole_name(name):
    """Keys are computed word by word with a cache (fast imports); they must equal pypinyin on the whole name."""
    import unicodedata

    from pypinyin import lazy_pinyin

    whole = " ".join(
        w
        for item in lazy_pinyin(unicodedata.normalize("NFKC", name))
        for w in re.findall(r"[^\W_]+", item.casefold())
    )
    assert pinyin_key(name) == whole


def test_an_old_link_sorting_by_name_sorts_by_the_pinyin_key(client, office_user):
    EnterpriseFactory(name="中山公司")
    EnterpriseFactory(name="阿里公司")
    client.force_login(office_user)
    resp = client.get(reverse("enterprises:enterprise_list"), {"sort": "-name"})
    assert resp.context["sort"] == "-name_sort"
    assert [obj.name for obj, _cells in resp.context["rows"]][:2] == ["中山公司", "阿里公司"]
