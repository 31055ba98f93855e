"""Metric formulas of the catalogue (data/metrics.yaml): a tiny, safe arithmetic language.

`gross_profit / revenue`, `operating_cash_flow - capex`, `growth(operating_income) -
growth(revenue)`: + - * /, parentheses, numbers, metric ids and growth(metric_id). Parsed with
`ast` and walked by hand, never `eval`, so a catalogue edit cannot run code.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from functools import lru_cache

FUNCTIONS = ("growth",)
_ALLOWED = (ast.BinOp, ast.UnaryOp, ast.Name, ast.Constant, ast.Add, ast.Sub, ast.Mult, ast.Div,
            ast.USub, ast.UAdd, ast.Load)


@lru_cache(maxsize=256)
def _parse(formula: str) -> ast.Expression:
    return ast.parse(formula, mode="eval")


def formula_inputs(formula: str) -> tuple[str, ...]:
    """Metric ids the formula reads, in order of first use."""
    seen: list[str] = []
    for node in ast.walk(_parse(formula)):
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS and node.id not in seen:
            seen.append(node.id)
    return tuple(seen)


def check_formula(formula: str) -> str | None:
    """Why a formula is not allowed, or None: + - * /, numbers, metric ids, growth(id)."""
    try:
        tree = _parse(formula)
    except SyntaxError:
        return "is not an arithmetic expression"
    for node in ast.walk(tree.body):
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
                    and len(node.args) == 1 and isinstance(node.args[0], ast.Name)
                    and not node.keywords):
                return "calls something other than growth(metric_id)"
        elif not isinstance(node, _ALLOWED):
            return f"uses {type(node).__name__}; only + - * / ( ) and growth() are allowed"
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            return f"has the constant {node.value!r}; only numbers are allowed"
    return None


def evaluate(formula: str, value: Callable[[str], float | None],
             growth: Callable[[str], float | None]) -> float | None:
    """The formula's value from each input's value (and growth); None if any is missing or a
    divisor is zero."""
    return _eval(_parse(formula).body, value, growth)


def _eval(node: ast.AST, value: Callable[[str], float | None],
          growth: Callable[[str], float | None]) -> float | None:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return value(node.id)
    if isinstance(node, ast.Call):
        return growth(node.args[0].id)  # type: ignore[attr-defined]
    if isinstance(node, ast.UnaryOp):
        inner = _eval(node.operand, value, growth)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    assert isinstance(node, ast.BinOp)
    left, right = _eval(node.left, value, growth), _eval(node.right, value, growth)
    if left is None or right is None:
        return None
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    return None if right == 0 else left / right
