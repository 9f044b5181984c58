"""Import of the chainkg product graph (the folder described in ../shared/data/README.md, section chainkg).

``files``  the seven files: names, exact headers, the CSV row reader, the error list, the checked graph
``check``  ``check_graph_folder``: read and check every file and cell, collect every error; writes nothing
``write``  ``graph_import``: check, then write everything in one transaction

``graph_import(path=...)`` reads the seven CSV files, checks every file completely first and rejects the
whole import (``ImportRejected``, nothing written) if any cell is wrong; then writes everything in ONE
transaction: industries, listed companies, products (into ``enterprises.Product``, the one product table),
company → product, product → product and industry → upstream-industry rows, the ``GraphImport`` record and
one audit row.

Rules worth knowing:

* Upserts by natural key (industry code, ticker, product name, company+product, source+rel+target,
  industry+upstream name). A second run with the same files creates nothing and updates nothing: existing
  keys are loaded first and only rows whose values differ are written (``counts`` shows 0 created / 0
  updated). Rows in the database that the new files no longer contain are LEFT in place (not deleted):
  chain maps, overrides and registry links may point at them.
* Product names are normalised before use, in every file: stray double quotes (bare ``"`` and the dump's
  escaped ``\\"``) are removed, a line break (a PDF-extraction artefact) joins the two halves, any other
  whitespace run becomes one space and the name is stripped. So ``合成维生素\\nE系列`` becomes ``合成维生素E系列``
  and ``防伪"碘盐标志"`` / ``防伪\\"碘盐标志\\"`` both become ``防伪碘盐标志``. Names used only by
  company_product.csv / product_product.csv become products as well.
* company_industry.csv: tickers missing from companies.csv (103 in the staged data) are skipped and
  counted (``unknown_tickers``), not errors. Industry codes missing from industries.csv (8 in the staged
  data, older Shenwan codes) are added as industries with the name given there, their level derived from
  the code and no parent (``industries_added``).
* company_product.csv: a company+product pair given twice keeps the largest weight; product_product.csv:
  self-loops (after name normalisation) are dropped and counted (``self_loops``), repeated triples are
  counted as ``duplicates``. Other files' ``other_fullnames`` (``|``-separated) are stored one per line.
* Progress: the ``progress(percent, label)`` callback is called throughout; the ``GraphImport.progress``
  column follows it, but the writes run in one transaction, so other connections see the row's
  progress of the write phase only when it commits (SQLite has one writer; the validation phase runs
  before the row exists).
"""

from .check import check_graph_folder
from .files import (
    FILES,
    HEADERS,
    MAX_ERRORS,
    Progress,
    format_error,
    import_folder,
    import_root,
    normalise_product_name,
    shown_folder,
)
from .write import graph_import

__all__ = [
    "FILES",
    "HEADERS",
    "MAX_ERRORS",
    "Progress",
    "check_graph_folder",
    "format_error",
    "graph_import",
    "import_folder",
    "import_root",
    "normalise_product_name",
    "shown_folder",
]
