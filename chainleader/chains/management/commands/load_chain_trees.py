"""Load the curated segment trees (chains/trees/) into the chains: `manage.py load_chain_trees [--force]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chainleader.chains.models import Chain
from chainleader.chains.trees_service import read_tree, tree_file, tree_load
from chainleader.engines.chain_map.tree import TreeError


class Command(BaseCommand):
    help = "载入各产业链的图谱骨架（chains/trees/<level>/<链名>.yaml）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="即使版本未变也重新载入")
        parser.add_argument("--chain", help="只载入此链（链名）")
        parser.add_argument("--path", help="树文件目录（默认项目内 chains/trees）")

    def handle(self, *args: Any, **opts: Any) -> None:
        folder = Path(opts["path"]) if opts.get("path") else None
        chains = Chain.objects.select_related("region").order_by("level", "order", "pk")
        if opts.get("chain"):
            chains = chains.filter(name=opts["chain"])
        problems: list[str] = []
        loaded = 0
        for chain in chains:
            path = tree_file(chain, folder)
            if not path.exists():
                self.stdout.write(f"未找到 {chain} 的图谱骨架文件 {path}，跳过")
                continue
            try:
                tree = read_tree(path)
            except TreeError as exc:
                problems += [f"{path.name}: {e}" for e in exc.errors]
                continue
            counts = tree_load(chain=chain, tree=tree, force=opts["force"])
            if not counts["skipped"]:
                loaded += 1
                self.stdout.write(
                    f"{chain}：新建 {counts['created']}，更新 {counts['updated']}，删除 {counts['removed']}"
                )
        if problems:
            raise CommandError("图谱骨架文件有误：\n" + "\n".join(problems))
        self.stdout.write(f"已载入 {loaded} 条产业链的图谱骨架")
