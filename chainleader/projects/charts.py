"""Chart images for Word briefs: matplotlib (Agg, no pyplot state) with a CJK font so Chinese labels render."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from functools import cache

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

logger = logging.getLogger(__name__)

# Debian's fonts-noto-cjk first (installed by .ci/run), then what Windows and macOS intranet machines carry.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Serif CJK SC",
)


@cache
def cjk_font() -> str | None:
    """The first installed CJK font family, or None (charts then still render, without Chinese glyphs)."""
    for attempt in range(2):
        installed = {f.name for f in font_manager.fontManager.ttflist}
        for name in CJK_FONTS:
            if name in installed:
                return name
        for name in sorted(installed):
            if "CJK" in name or "Hei" in name:
                return name
        if attempt == 0:
            _add_system_cjk_fonts()
    logger.warning(
        "no CJK font found: chart labels in briefs will miss Chinese glyphs (install fonts-noto-cjk)"
    )
    return None


def _add_system_cjk_fonts() -> None:
    """matplotlib's font cache is built once: a CJK font installed after it (apt after the first run) is
    invisible to it until added. Add the system's CJK fonts to this process's font list."""
    for path in font_manager.findSystemFonts():
        lowered = path.lower()
        if any(
            word in lowered for word in ("cjk", "wqy", "wenquanyi", "sourcehan", "simhei", "msyh")
        ):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue


def monthly_bars(
    months: Sequence[str],
    planned: Sequence[float],
    completed: Sequence[float | None],
    *,
    title: str,
    planned_label: str,
    completed_label: str,
    unit: str,
) -> bytes:
    """A PNG: planned and completed investment per month, side by side."""
    font = cjk_font()
    fig = Figure(figsize=(7.2, 3.2), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    props = font_manager.FontProperties(family=font) if font else None
    x = list(range(len(months)))
    width = 0.38
    ax.bar([i - width / 2 for i in x], planned, width=width, label=planned_label, color="#74a9de")
    ax.bar(
        [i + width / 2 for i in x],
        [v or 0 for v in completed],
        width=width,
        label=completed_label,
        color="#206bc4",
    )
    ax.set_xticks(x)
    ax.set_xticklabels(
        months,
        rotation=45 if len(months) > 6 else 0,
        fontsize=8,
        ha="right" if len(months) > 6 else "center",
    )
    ax.set_ylabel(unit, fontproperties=props)
    ax.set_title(title, fontproperties=props)
    legend = ax.legend(
        prop=font_manager.FontProperties(family=font, size=8) if font else {"size": 8}
    )
    legend.get_frame().set_linewidth(0)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
