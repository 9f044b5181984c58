"""免申即享 eligibility: a policy item's conditions as a JSON condition tree, checked and evaluated per firm.

Pure Python, no Django, no ``eval``. A condition is a tree of nodes:

- ``{"all": [node, ...]}``: every child passes (an empty list passes);
- ``{"any": [node, ...]}``: at least one child passes (an empty list fails);
- ``{"not": node}``: the child fails;
- a leaf ``{"fact": name, "op": op, "value": v}``: one fact of the firm compared with ``v``.

``check(tree)`` gives every problem of a tree (its JSON Schema shape first, then the meaning: a known fact, an
operator valid for the fact's type, a value of the right kind), each naming the path of the bad node
(``all[1].any[0]``) in Chinese. ``evaluate(tree, facts)`` gives the verdict and one ``LeafResult`` per leaf with
a reason string; a fact the firm lacks (no figure for the year, no class) fails its leaf with "缺少数据". The
``not`` of a missing fact also fails: a firm is never found eligible on data it lacks.

``amount(rule, facts)`` works out an item's amount: a fixed sum, or a rate (per cent) of a numeric fact, with an
optional cap; all in 万元.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import jsonschema

NUMBER, TEXT, SET, BOOL = "number", "text", "set", "bool"

# The facts a condition may name: type and Chinese label. Facts are worked out for the run's year Y (the year of
# the figures and of the 亩均 class the item looks at).
FACTS: dict[str, tuple[str, str]] = {
    "tiers": (SET, "所获梯度称号"),
    "mu_class": (TEXT, "亩均评价等级"),
    "mu_streak_A": (NUMBER, "连续评为A类年数"),
    "mu_streak_B": (NUMBER, "连续评为B类年数"),
    "mu_streak_C": (NUMBER, "连续评为C类年数"),
    "mu_streak_D": (NUMBER, "连续评为D类年数"),
    "industry_code": (TEXT, "行业代码（GB/T 4754）"),
    "region_code": (TEXT, "行政区划代码"),
    "above_size": (BOOL, "规模以上企业"),
    "revenue_wan": (NUMBER, "营业收入（万元）"),
    "tax_wan": (NUMBER, "纳税额（万元）"),
    "rd_wan": (NUMBER, "研发费用（万元）"),
    "rd_ratio_pct": (NUMBER, "研发费用占营业收入比重（%）"),
    "revenue_growth_pct": (NUMBER, "营业收入增长率（%）"),
    "land_mu": (NUMBER, "用地面积（亩）"),
    "chains": (SET, "所在产业链"),
    "chain_master": (BOOL, "链主企业"),
}

OPS: dict[str, dict[str, str]] = {
    NUMBER: {
        ">=": "不低于",
        ">": "高于",
        "<=": "不高于",
        "<": "低于",
        "==": "等于",
        "!=": "不等于",
        "between": "介于",
        "known": "有数据",
    },
    TEXT: {
        "==": "等于",
        "!=": "不等于",
        "in": "属于",
        "not_in": "不属于",
        "startswith": "以…开头",
        "not_startswith": "不以…开头",
        "known": "有数据",
    },
    SET: {"has_any": "含其一", "has_all": "全部含有", "has_none": "均不含"},
    BOOL: {"is": "为"},
}

OP_NAMES = sorted({op for ops in OPS.values() for op in ops})

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$ref": "#/$defs/node",
    "$defs": {
        "node": {
            "oneOf": [
                {
                    "type": "object",
                    "properties": {"all": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                    "required": ["all"],
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "properties": {"any": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                    "required": ["any"],
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "properties": {"not": {"$ref": "#/$defs/node"}},
                    "required": ["not"],
                    "additionalProperties": False,
                },
                {
                    "type": "object",
                    "properties": {
                        "fact": {"type": "string"},
                        "op": {"type": "string"},
                        "value": {},
                    },
                    "required": ["fact", "op", "value"],
                    "additionalProperties": False,
                },
            ]
        }
    },
}

MAX_DEPTH = 12
MAX_NODES = 200


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '根节点'}：{self.message}"


@dataclass(frozen=True)
class LeafResult:
    path: str
    fact: str
    op: str
    value: Any
    actual: Any
    passed: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "fact": self.fact,
            "op": self.op,
            "value": _plain(self.value),
            "actual": _plain(self.actual),
            "passed": self.passed,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Outcome:
    passed: bool
    leaves: list[LeafResult] = field(default_factory=list)

    @property
    def reasons(self) -> list[dict[str, Any]]:
        return [leaf.as_dict() for leaf in self.leaves]


def _join(path: str, part: str) -> str:
    return f"{path}.{part}" if path else part


def _kind_of(node: Any) -> str:
    if isinstance(node, dict):
        for key in ("all", "any", "not"):
            if key in node:
                return key
        if "fact" in node:
            return "leaf"
    return ""


def _shape_problems(node: Any, path: str, depth: int) -> list[Problem]:
    """The tree's shape, node by node, so the path names the bad node (the schema's oneOf alone cannot)."""
    if depth > MAX_DEPTH:
        return [Problem(path, f"条件嵌套超过 {MAX_DEPTH} 层。")]
    if not isinstance(node, dict):
        return [Problem(path, "条件节点必须是一个对象（{…}）。")]
    kind = _kind_of(node)
    if not kind:
        return [Problem(path, "条件节点须为 all、any、not 之一，或含 fact、op、value 的条件项。")]
    allowed = {"all": {"all"}, "any": {"any"}, "not": {"not"}, "leaf": {"fact", "op", "value"}}
    extra = sorted(set(node) - allowed[kind])
    if extra:
        return [Problem(path, f"条件节点含有多余的键：{'、'.join(extra)}。")]
    if kind in ("all", "any"):
        children = node[kind]
        if not isinstance(children, list):
            return [Problem(_join(path, kind), f"{kind} 的值必须是条件列表。")]
        out: list[Problem] = []
        for i, child in enumerate(children):
            out += _shape_problems(child, f"{_join(path, kind)}[{i}]", depth + 1)
        return out
    if kind == "not":
        return _shape_problems(node["not"], _join(path, "not"), depth + 1)
    missing = [k for k in ("fact", "op", "value") if k not in node]
    if missing:
        return [Problem(path, f"条件项缺少：{'、'.join(missing)}。")]
    if not isinstance(node["fact"], str) or not isinstance(node["op"], str):
        return [Problem(path, "fact 与 op 必须是文字。")]
    return []


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float | Decimal) and not isinstance(v, bool)


def _value_problem(kind: str, op: str, value: Any) -> str | None:
    if op == "known":
        return None if isinstance(value, bool) else "known 的值必须是 true 或 false。"
    if kind == NUMBER:
        if op == "between":
            ok = isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)
            if not ok or value[0] > value[1]:
                return "between 的值必须是 [下限, 上限] 两个数字，下限不大于上限。"
            return None
        return None if _is_number(value) else "数值条件的值必须是数字。"
    if kind == TEXT:
        if op in ("in", "not_in"):
            ok = isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
            return None if ok else f"{op} 的值必须是非空的文字列表。"
        if op in ("startswith", "not_startswith"):
            if isinstance(value, str) and value:
                return None
            ok = (
                isinstance(value, list)
                and bool(value)
                and all(isinstance(v, str) and v for v in value)
            )
            return None if ok else f"{op} 的值必须是文字或文字列表。"
        return None if isinstance(value, str) else "文字条件的值必须是文字。"
    if kind == SET:
        ok = (
            isinstance(value, list) and bool(value) and all(isinstance(v, str | int) for v in value)
        )
        return None if ok else "集合条件的值必须是非空列表。"
    return None if isinstance(value, bool) else "是否条件的值必须是 true 或 false。"


def _meaning_problems(node: Any, path: str) -> list[Problem]:
    kind = _kind_of(node)
    if kind in ("all", "any"):
        out: list[Problem] = []
        for i, child in enumerate(node[kind]):
            out += _meaning_problems(child, f"{_join(path, kind)}[{i}]")
        return out
    if kind == "not":
        return _meaning_problems(node["not"], _join(path, "not"))
    fact, op, value = node["fact"], node["op"], node["value"]
    if fact not in FACTS:
        known = "、".join(FACTS)
        return [Problem(path, f"未知的数据项“{fact}”（可用：{known}）。")]
    ftype, label = FACTS[fact]
    if op not in OPS[ftype]:
        ops = "、".join(OPS[ftype])
        return [Problem(path, f"数据项“{label}”不能用运算“{op}”（可用：{ops}）。")]
    problem = _value_problem(ftype, op, value)
    return [Problem(path, f"“{label}”：{problem}")] if problem else []


def _count(node: Any) -> int:
    kind = _kind_of(node)
    if kind in ("all", "any"):
        return 1 + sum(_count(c) for c in node[kind])
    if kind == "not":
        return 1 + _count(node["not"])
    return 1


def check(tree: Any) -> list[Problem]:
    """Every problem of a condition tree (empty: the tree may be saved and run)."""
    shape = _shape_problems(tree, "", 0)
    if shape:
        return shape
    # The JSON Schema is the published contract of the shape; after the node-by-node check it can only agree.
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(tree), key=lambda e: list(e.absolute_path))
    if errors:
        where = "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in errors[0].absolute_path
        ).lstrip(".")
        return [Problem(where, "条件的结构不符合规定。")]
    if _count(tree) > MAX_NODES:
        return [Problem("", f"条件节点超过 {MAX_NODES} 个。")]
    return _meaning_problems(tree, "")


def leaves(tree: Any, path: str = "") -> Iterable[tuple[str, dict[str, Any]]]:
    """The leaves of a (checked) tree with their paths."""
    kind = _kind_of(tree)
    if kind in ("all", "any"):
        for i, child in enumerate(tree[kind]):
            yield from leaves(child, f"{_join(path, kind)}[{i}]")
    elif kind == "not":
        yield from leaves(tree["not"], _join(path, "not"))
    else:
        yield path, tree


def facts_used(tree: Any) -> set[str]:
    return {leaf["fact"] for _p, leaf in leaves(tree)}


# --- evaluation ------------------------------------------------------------------------------------------


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, set | frozenset | tuple):
        return sorted(v, key=str)
    return v


def _num(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v))


def _show(v: Any, names: Mapping[str, str] | None = None) -> str:
    """A value as a reason shows it: codes by their names where the caller gave them (a tier code reads 链主企业,
    not chain_master)."""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, Decimal | float | int):
        d = _num(v).normalize()
        return f"{d:f}"
    if isinstance(v, list | set | frozenset | tuple):
        return "、".join(_show(x, names) for x in sorted(v, key=str)) or "无"
    text = str(v)
    return names.get(text, text) if names else text


def _compare(ftype: str, op: str, actual: Any, value: Any) -> bool:
    if op == "known":
        return (actual is not None) == bool(value)
    if ftype == NUMBER:
        a = _num(actual)
        if op == "between":
            return _num(value[0]) <= a <= _num(value[1])
        v = _num(value)
        return {
            ">=": a >= v,
            ">": a > v,
            "<=": a <= v,
            "<": a < v,
            "==": a == v,
            "!=": a != v,
        }[op]
    if ftype == TEXT:
        text = str(actual)
        if op == "==":
            return text == str(value)
        if op == "!=":
            return text != str(value)
        if op == "in":
            return text in list(value)
        if op == "not_in":
            return text not in list(value)
        prefixes = [value] if isinstance(value, str) else list(value)
        hit = any(text.startswith(p) for p in prefixes)
        return hit if op == "startswith" else not hit
    if ftype == SET:
        held = {str(x) for x in actual}
        wanted = {str(x) for x in value}
        if op == "has_any":
            return bool(held & wanted)
        if op == "has_all":
            return wanted <= held
        return not (held & wanted)
    return bool(actual) == bool(value)


def _leaf(
    path: str,
    node: Mapping[str, Any],
    facts: Mapping[str, Any],
    names: Mapping[str, str] | None,
    negated: bool,
) -> LeafResult:
    """One condition's result; under an odd number of "not" the reason states the negated condition and whether
    the firm meets it (不符合：并非… reads as the firm fails the item, not as the leaf's own truth)."""
    fact, op, value = node["fact"], node["op"], node["value"]
    ftype, label = FACTS[fact]
    actual = facts.get(fact)
    if ftype == SET and actual is None:
        actual = frozenset()
    want = f"{label}{OPS[ftype][op]}{'' if op == 'known' else _show(value, names)}"
    if op == "known":
        want = f"{label}{'有数据' if value else '无数据'}"
    if negated:
        want = f"并非“{want}”"
    if actual is None and op != "known":
        return LeafResult(path, fact, op, value, None, False, f"不符合：{want}（缺少数据）")
    passed = _compare(ftype, op, actual, value)
    verdict = "符合" if passed != negated else "不符合"
    return LeafResult(
        path, fact, op, value, actual, passed, f"{verdict}：{want}（实际：{_show(actual, names)}）"
    )


def _eval(
    node: Any,
    path: str,
    facts: Mapping[str, Any],
    out: list[LeafResult],
    names: Mapping[str, str] | None = None,
    negated: bool = False,
) -> bool:
    kind = _kind_of(node)
    if kind == "all":
        results = [
            _eval(c, f"{_join(path, 'all')}[{i}]", facts, out, names, negated)
            for i, c in enumerate(node["all"])
        ]
        return all(results)
    if kind == "any":
        results = [
            _eval(c, f"{_join(path, 'any')}[{i}]", facts, out, names, negated)
            for i, c in enumerate(node["any"])
        ]
        return any(results)
    if kind == "not":
        before = len(out)
        inner = _eval(node["not"], _join(path, "not"), facts, out, names, not negated)
        # A missing fact under a "not" still fails: eligibility is never found on data the firm lacks.
        missing = any(r.actual is None and r.op != "known" for r in out[before:])
        return not inner and not missing
    result = _leaf(path, node, facts, names, negated)
    out.append(result)
    return result.passed


def evaluate(
    tree: Any, facts: Mapping[str, Any], names: Mapping[str, str] | None = None
) -> Outcome:
    """The verdict of a checked tree for one firm's facts, with every leaf's result (all leaves are evaluated,
    so the reasons list each condition whatever decided the verdict). ``names`` shows codes in the reasons by
    their names (tier codes: facts.value_names())."""
    out: list[LeafResult] = []
    passed = _eval(tree, "", facts, out, names)
    return Outcome(passed, out)


# --- amounts ---------------------------------------------------------------------------------------------


FIXED, RATE, NONE = "fixed", "rate", "none"


@dataclass(frozen=True)
class AmountRule:
    kind: str = NONE
    fixed_wan: Decimal | None = None
    rate_pct: Decimal | None = None
    base_fact: str = ""
    cap_wan: Decimal | None = None


def amount_problems(rule: AmountRule) -> list[Problem]:
    if rule.kind == FIXED and rule.fixed_wan is None:
        return [Problem("amount", "固定金额须填写金额。")]
    if rule.kind == RATE:
        if rule.rate_pct is None:
            return [Problem("amount", "按比例计算须填写比例。")]
        if rule.base_fact not in FACTS or FACTS[rule.base_fact][0] != NUMBER:
            return [Problem("amount", "按比例计算须选择一个数值数据项作为基数。")]
    return []


def amount(rule: AmountRule, facts: Mapping[str, Any]) -> Decimal | None:
    """The item's amount for a firm in 万元 (None: no amount rule, or the base figure is missing)."""
    try:
        if rule.kind == FIXED and rule.fixed_wan is not None:
            value = _num(rule.fixed_wan)
        elif rule.kind == RATE and rule.rate_pct is not None:
            base = facts.get(rule.base_fact)
            if base is None:
                return None
            value = _num(base) * _num(rule.rate_pct) / Decimal(100)
        else:
            return None
    except InvalidOperation:
        return None
    if rule.cap_wan is not None:
        value = min(value, _num(rule.cap_wan))
    return max(value, Decimal(0)).quantize(Decimal("0.01"))


# --- consecutive classes ---------------------------------------------------------------------------------


def streak(grades_by_year: Mapping[int, str], year: int, grade: str) -> int:
    """How many years running up to and including `year` a firm was in `grade` (0 if not in it in `year`)."""
    n = 0
    while grades_by_year.get(year - n) == grade:
        n += 1
    return n
