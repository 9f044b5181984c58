"""manage.py mu_evaluate: score a file of firm-year figures (亩产效益评价) and write the results as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chainleader.engines import mu_yield
from chainleader.evaluation.fileio import InputRejected, read_firm_years, write_results


class Command(BaseCommand):
    help = (
        "Per-mu yield evaluation of a CSV or xlsx file of firm-years (MU_SCHEME.md columns, English "
        "or Chinese headers): writes one row per firm-year with score, class, rank and reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="firm-year figures, .csv or .xlsx")
        parser.add_argument("--output", required=True, help="results, .csv (UTF-8)")
        parser.add_argument("--scheme", help="scheme JSON (default: the shipped default scheme)")
        parser.add_argument("--year", type=int, help="evaluate only this year's rows")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = evaluate_file(
            input_path=Path(options["input"]),
            output_path=Path(options["output"]),
            scheme_path=Path(options["scheme"]) if options["scheme"] else None,
            year=options["year"],
        )
        self.stdout.write(summary)


def evaluate_file(
    *, input_path: Path, output_path: Path, scheme_path: Path | None = None, year: int | None = None
) -> str:
    """Read, check, evaluate and write; CommandError (and no output file) on any bad input."""
    if input_path.suffix.lower() not in (".csv", ".xlsx"):
        raise CommandError(_("The input must be a .csv or .xlsx file."))
    if not input_path.is_file():
        raise CommandError(_("The input file %(path)s does not exist.") % {"path": input_path})
    if not output_path.parent.is_dir():
        raise CommandError(
            _("The output folder %(path)s does not exist.") % {"path": output_path.parent}
        )
    try:
        if scheme_path is None:
            scheme = mu_yield.default_scheme()
        else:
            scheme = mu_yield.Scheme.from_json(scheme_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(_("Bad scheme: %(error)s") % {"error": exc}) from None
    try:
        table = read_firm_years(input_path, year=year)
    except InputRejected as exc:
        raise CommandError(
            _("%(count)s problem(s) in %(path)s; no output was written:\n%(problems)s")
            % {"count": len(exc.problems), "path": input_path, "problems": exc}
        ) from None
    result = mu_yield.evaluate(table.columns, scheme)
    write_results(result, output_path)
    return _(
        "Evaluated %(rows)s firm-year(s), %(graded)s graded, with scheme %(version)s; "
        "wrote %(path)s."
    ) % {
        "rows": len(table),
        "graded": int(result.graded.sum()),
        "version": scheme.version,
        "path": output_path,
    }
