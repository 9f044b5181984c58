"""manage.py derive_product_suggestions [--enterprise ID ...]: suggest products (产品推荐) for firms without any."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chainleader.core.exceptions import ServiceError
from chainleader.enterprises.services import suggestions_derive


class Command(BaseCommand):
    help = "Suggest up to 20 products for every firm without products (or the given ids), from the product graph."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enterprise", type=int, action="append", help="enterprise id (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = suggestions_derive(enterprises=options["enterprise"], actor=None)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("Products suggested for %(firms)s firms without products (%(count)s suggestions).")
            % {"firms": counts["firms"], "count": counts["suggested"]}
        )
