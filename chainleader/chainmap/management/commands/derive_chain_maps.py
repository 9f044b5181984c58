"""manage.py derive_chain_maps [--chain ID ...]: place firms on the trees, fill them from the graph, judge; with a progress bar."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from chainleader.chainmap.services import map_derive
from chainleader.chains.models import Chain
from chainleader.core.exceptions import ServiceError


class Command(BaseCommand):
    help = "Derive the chain maps (all chains, or the given ids) from the imported product graph."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--chain", type=int, action="append", help="chain id (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        chains = Chain.objects.filter(pk__in=options["chain"]) if options["chain"] else None
        bar = tqdm(total=100, desc="产业链图谱", unit="%")

        def progress(pct: int, message: str) -> None:
            bar.n = pct
            bar.set_postfix_str(message[:30])
            bar.refresh()

        try:
            done = map_derive(chains=chains, progress=progress)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        finally:
            bar.close()
        self.stdout.write(f"已推导 {done} 条产业链的图谱。")
