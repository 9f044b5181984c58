"""Linking registry enterprises to graph companies, and copying their products."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from chainleader.chainmap.importer import graph_import
from chainleader.chainmap.linking import bigrams, fuzzy_key, jaccard, link_companies, link_products
from chainleader.chainmap.models import CompanyLink, GraphCompany
from chainleader.enterprises.models import EnterpriseProduct
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def graph(graph_dir):
    graph_import(path=graph_dir)
    return {c.ticker: c for c in GraphCompany.objects.all()}


def links_of(enterprise):
    return list(
        CompanyLink.objects.filter(enterprise=enterprise).values_list(
            "company__ticker", "method", "status"
        )
    )


def test_links_by_ticker_name_former_name_and_fuzzy(graph):
    by_ticker = EnterpriseFactory(name="海尔智家（青岛）有限公司", ticker="600690")
    by_name = EnterpriseFactory(name="赛轮集团股份有限公司")
    by_former = EnterpriseFactory(
        name="青岛新名字有限公司", former_names="旧名一有限公司\n海信家电集团股份有限公司"
    )
    fuzzy = EnterpriseFactory(name="特锐德电气系统有限公司")
    nothing = EnterpriseFactory(name="完全无关的企业有限公司")

    counts = link_companies()

    assert links_of(by_ticker) == [("600690.SH", "ticker", "confirmed")]
    assert links_of(by_name) == [("601058.SH", "name", "confirmed")]
    assert links_of(by_former) == [("000921.SZ", "name", "confirmed")]
    assert links_of(fuzzy) == [("300001.SZ", "fuzzy", "pending")]
    assert CompanyLink.objects.get(enterprise=fuzzy).score == pytest.approx(4 / 6, abs=1e-4)
    assert links_of(nothing) == []
    assert counts["ticker"] == 1
    assert counts["name"] == 2
    assert counts["fuzzy"] == 1
    assert counts["unmatched"] == 1

    again = link_companies()
    assert again["ticker"] == again["name"] == again["fuzzy"] == 0
    assert again["already_decided"] == 3
    assert CompanyLink.objects.count() == 4


def test_full_ticker_and_full_width_names_match(graph):
    ent = EnterpriseFactory(name="无关名称有限公司", ticker="600690.sh")
    twin = EnterpriseFactory(name="海信家电集团股份有限公司 ")
    renamed = EnterpriseFactory(name="青岛海尔股份有限公司")  # a company's other (former) full name
    link_companies()
    assert links_of(ent) == [("600690.SH", "ticker", "confirmed")]
    assert links_of(twin) == [("000921.SZ", "name", "confirmed")]
    assert links_of(renamed) == [("600690.SH", "name", "confirmed")]


def test_a_rejected_link_is_not_recreated_and_pending_is_upgraded(graph):
    rejected = EnterpriseFactory(name="赛轮集团股份有限公司")
    CompanyLink.objects.create(
        enterprise=rejected, company=graph["601058.SH"], method="fuzzy", status="rejected"
    )
    waiting = EnterpriseFactory(name="海信家电集团股份有限公司")
    CompanyLink.objects.create(
        enterprise=waiting, company=graph["000921.SZ"], method="fuzzy", status="pending", score=0.7
    )

    counts = link_companies()

    assert links_of(rejected) == [("601058.SH", "fuzzy", "rejected")]
    assert links_of(waiting) == [("000921.SZ", "name", "confirmed")]
    assert counts["already_decided"] == 1
    assert counts["upgraded"] == 1


def test_only_the_given_enterprises_are_linked(graph):
    one = EnterpriseFactory(name="赛轮集团股份有限公司")
    other = EnterpriseFactory(name="海信家电集团股份有限公司")
    counts = link_companies(enterprises=[one])
    assert counts["enterprises"] == 1
    assert links_of(one)
    assert not links_of(other)


def test_link_products_copies_products_once(graph):
    haier = EnterpriseFactory(name="海尔智家股份有限公司")
    sailun = EnterpriseFactory(name="赛轮集团股份有限公司")
    pending = EnterpriseFactory(name="特锐德电气系统有限公司")
    link_companies()

    counts = link_products()

    assert counts["created"] == 4
    assert counts["pseudo"] == 1  # 平衡项目
    shares = dict(EnterpriseProduct.objects.values_list("product__name", "revenue_share"))
    assert shares == {
        "空调": Decimal("0.4000"),
        "冰箱": Decimal("0.5000"),
        "轮胎": Decimal("0.9000"),
        "合成橡胶制品": None,
    }  # 0.001 is the source's placeholder, not a share
    assert EnterpriseProduct.objects.filter(enterprise=haier).count() == 2
    assert EnterpriseProduct.objects.filter(enterprise=sailun).count() == 2
    assert not EnterpriseProduct.objects.filter(enterprise=pending).exists()

    again = link_products()
    assert again["created"] == 0
    assert again["existing"] == 4
    assert EnterpriseProduct.objects.count() == 4


def test_fuzzy_key_strips_legal_forms_and_places():
    assert fuzzy_key("青岛特锐德电气股份有限公司") == "特锐德电气"
    assert fuzzy_key("海尔智家（青岛）有限公司") == "海尔智家"
    assert fuzzy_key("中国（中国）石化集团有限公司") == "中国石化"
    assert fuzzy_key("青岛港集团有限公司") == "青岛港"  # too short without the place
    assert jaccard(bigrams("abcd"), bigrams("abce")) == pytest.approx(2 / 4)


def test_link_graph_companies_command(graph):
    EnterpriseFactory(name="赛轮集团股份有限公司")
    out = StringIO()
    call_command("link_graph_companies", stdout=out)
    text = out.getvalue()
    assert "按企业全称关联：1" in text
    assert "新增企业产品：2" in text
