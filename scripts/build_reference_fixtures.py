"""Convert ../shared/data's public reference tables into the project's own compact fixtures (run once).

Regions: modood/Administrative-divisions-of-China (WTFPL v2), province/prefecture/county levels.
Industry codes: GB/T 4754-2017 code list (a national standard's code table).
Usage: python scripts/build_reference_fixtures.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "chainleader" / "reference" / "fixtures"
# Names the sources use for 黄岛区 in practice (the West Coast New Area shares its territory).
ALIASES = {"370211": "西海岸新区"}


def main(src: Path) -> None:
    div = src / "admin_divisions_cn"
    rows: list[list[str]] = []
    with (div / "provinces.csv").open(encoding="utf-8") as fh:
        rows += [[r["code"], r["name"], "1", "", ""] for r in csv.DictReader(fh)]
    with (div / "cities.csv").open(encoding="utf-8") as fh:
        rows += [[r["code"], r["name"], "2", r["provinceCode"], ""] for r in csv.DictReader(fh)]
    with (div / "areas.csv").open(encoding="utf-8") as fh:
        rows += [
            [r["code"], r["name"], "3", r["cityCode"], ALIASES.get(r["code"], "")]
            for r in csv.DictReader(fh)
        ]
    with (OUT / "regions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "level", "parent", "alias"])
        w.writerows(rows)
    with (src / "gbt4754_2017" / "gbt4754_2017.csv").open(encoding="utf-8") as fh:
        inds = [
            [r["code"], r["level"], r["name"], r["parent_code"], r["section"], r["full_code"]]
            for r in csv.DictReader(fh)
        ]
    with (OUT / "industries.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "level", "name", "parent", "section", "full_code"])
        w.writerows(inds)
    print(f"{len(rows)} regions, {len(inds)} industry codes written to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
