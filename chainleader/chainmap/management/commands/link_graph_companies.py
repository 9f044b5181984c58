"""`manage.py link_graph_companies`: link registry enterprises to listed companies of the graph, copy products.

Runs chainleader.chainmap.linking.link_companies (ticker → exact name → fuzzy candidates for review), then
link_products (products of confirmed links into the enterprises' product lists); both idempotent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chainleader.chainmap.linking import link_companies, link_products

COMPANY_LABELS = {
    "enterprises": "登记企业",
    "already_decided": "已有确认/驳回的关联（跳过）",
    "ticker": "按股票代码关联",
    "name": "按企业全称关联",
    "ambiguous": "同名多家（待审核）",
    "fuzzy": "名称相似（待审核）",
    "upgraded": "待审核升级为已确认",
    "unchanged": "已存在的关联",
    "unmatched": "未匹配",
}
PRODUCT_LABELS = {
    "links": "已确认关联",
    "created": "新增企业产品",
    "existing": "已存在的企业产品",
    "pseudo": "跳过的抵销/平衡项目",
}


class Command(BaseCommand):
    help = "把登记企业关联到图谱中的上市公司（股票代码、全称、相似名称待审核），并复制其主营产品。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--skip-products", action="store_true", help="只关联企业，不复制产品")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = link_companies()
        self.stdout.write("企业关联：")
        for key, label in COMPANY_LABELS.items():
            self.stdout.write(f"  {label}：{counts.get(key, 0):,}")
        if options["skip_products"]:
            return
        product_counts = link_products()
        self.stdout.write("企业产品：")
        for key, label in PRODUCT_LABELS.items():
            self.stdout.write(f"  {label}：{product_counts.get(key, 0):,}")
