"""Excel columns of the applications-and-results import (申报与认定结果), and the Chinese words of tiers, levels
and statuses that the import reads and the export writes (fixed words, not the interface's translations, so an
exported list imports back unchanged whatever the interface language)."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from chainleader.core.excel import ExcelColumn
from chainleader.core.validators import uscc_problem

# The first word of each value is the one the export writes.
TIER_WORDS: dict[str, str] = {
    "专精特新中小企业": "specialised",
    "专精特新": "specialised",
    "专精特新“小巨人”": "little_giant",
    "专精特新小巨人": "little_giant",
    "小巨人": "little_giant",
    "制造业单项冠军": "single_champion",
    "单项冠军": "single_champion",
    "瞪羚企业": "gazelle",
    "瞪羚": "gazelle",
    "独角兽企业": "unicorn",
    "独角兽": "unicorn",
    "升规纳统": "above_size",
    "升规": "above_size",
    "规上": "above_size",
    "规模以上企业": "above_size",
}
LEVEL_WORDS: dict[str, str] = {
    "国家级": "national",
    "国家": "national",
    "省级": "provincial",
    "省": "provincial",
    "市级": "city",
    "市": "city",
}
STATUS_WORDS: dict[str, str] = {
    "候选": "candidate",
    "培育": "candidate",
    "已申报": "applied",
    "申报": "applied",
    "已认定": "recognised",
    "认定": "recognised",
    "通过": "recognised",
    "未通过": "rejected",
    "未认定": "rejected",
    "撤回": "withdrawn",
    "放弃": "withdrawn",
}


def _with_labels(words: dict[str, str], choices: list[tuple[str, str]]) -> dict[str, str]:
    """``words`` and the labels the pages show (English and Chinese), so a cell copied from a page imports too."""
    out = dict(words)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices:
                out.setdefault(str(label), value)
    return out


def first_words(words: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for word, value in words.items():
        out.setdefault(value, word)
    return out


def _choices() -> tuple[list[tuple[str, str]], ...]:
    from .models import Level, Tier, TierCandidate

    return Tier.choices, Level.choices, TierCandidate.Status.choices


TIER_NAMES = first_words(TIER_WORDS)
LEVEL_NAMES = first_words(LEVEL_WORDS)
STATUS_NAMES = first_words(STATUS_WORDS)

CANDIDATE_COLUMNS = [
    ExcelColumn(
        "统一社会信用代码",
        "uscc",
        required=True,
        max_length=18,
        validator=uscc_problem,
        aliases=("信用代码", "统一代码", "社会信用代码"),
        normalize="code",
    ),
    ExcelColumn(
        "称号",
        "tier",
        kind="choice",
        required=True,
        choices=_with_labels(TIER_WORDS, _choices()[0]),
        aliases=("申报称号", "梯度", "类别"),
        help=_(
            "专精特新中小企业, 专精特新“小巨人”, 制造业单项冠军, 瞪羚企业, 独角兽企业 or 升规纳统"
        ),
    ),
    ExcelColumn(
        "级别",
        "level",
        kind="choice",
        required=True,
        choices=_with_labels(LEVEL_WORDS, _choices()[1]),
        aliases=("层级",),
        help=_("国家级, 省级 or 市级"),
    ),
    ExcelColumn("年度", "year", kind="int", required=True, aliases=("申报年度", "年份")),
    ExcelColumn(
        "状态",
        "status",
        kind="choice",
        choices=_with_labels(STATUS_WORDS, _choices()[2]),
        aliases=("结果", "申报状态"),
        help=_("候选, 已申报, 已认定, 未通过 or 撤回 (blank: 候选)"),
    ),
    ExcelColumn("申报日期", "applied_on", kind="date", aliases=("申报时间",)),
    ExcelColumn("认定日期", "decided_on", kind="date", aliases=("结果日期", "公布日期")),
    ExcelColumn(
        "主营业务收入占比(%)", "main_business_pct", kind="decimal", aliases=("主营业务收入占比",)
    ),
    ExcelColumn(
        "单项产品收入占比(%)", "product_pct", kind="decimal", aliases=("单项产品收入占比",)
    ),
    ExcelColumn("研发人员占比(%)", "rd_staff_pct", kind="decimal", aliases=("研发人员占比",)),
    ExcelColumn("资产负债率(%)", "debt_pct", kind="decimal", aliases=("资产负债率",)),
    ExcelColumn("I类知识产权(项)", "ip_count", kind="int", aliases=("I类知识产权",)),
    ExcelColumn("细分市场排名", "market_rank", kind="int"),
    ExcelColumn("估值(亿美元)", "valuation_usd_yi", kind="decimal"),
    ExcelColumn("近2年新增股权融资(万元)", "equity_financing_wan", kind="decimal"),
    ExcelColumn("评价得分", "assessment_score", kind="int"),
    ExcelColumn("备注", "note", max_length=4000),
]

CANDIDATE_EXAMPLES = [
    [
        "91370200MA3C1234XQ",
        "专精特新中小企业",
        "省级",
        2026,
        "已申报",
        "2026-04-15",
        "",
        82,
        "",
        18,
        45,
        3,
        "",
        "",
        "",
        68,
        "",
    ],
]
