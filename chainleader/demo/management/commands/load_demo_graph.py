"""manage.py load_demo_graph [PATH]: the product graph for the demo, from ../shared/data/chainkg when present."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from chainleader.demo.graph import load_graph


class Command(BaseCommand):
    help = "Import the chain graph from PATH (default ../shared/data/chainkg) and derive the demo's chain maps."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", nargs="?", default=str(settings.SHARED_DATA_DIR / "chainkg"))

    def handle(self, *args: Any, **options: Any) -> None:
        load_graph(Path(options["path"]), stdout=self.stdout)
